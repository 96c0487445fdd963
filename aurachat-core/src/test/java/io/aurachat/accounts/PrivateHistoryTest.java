package io.aurachat.accounts;

import static io.aurachat.testing.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.HistoryQuery;
import io.aurachat.history.StoredMessage;
import io.aurachat.testing.HarnessClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code HISTORY @}: an account's private messages, served to its own devices only (docs/history.md). */
class PrivateHistoryTest extends AccountChatTest {
    /** Sends a CHAT and returns its message id. */
    private static String chat(HarnessClient from, HarnessClient to, String text) {
        Map<String, Object> ok = reply(from, "CHAT " + to.id() + " " + text);
        assertEquals("ok", ok.get("type"), () -> "CHAT: " + ok);
        return (String) ok.get("id");
    }

    private static List<String> texts(Map<String, Object> page) {
        return messages(page).stream().map(m -> (String) m.get("message")).toList();
    }

    @Test
    void everyDeviceSeesItsAccountsPrivateMessagesBothWaysWithWhoFromAndTo() {
        start();
        HarnessClient phone = loggedIn("REGISTER", "Mario");
        HarnessClient laptop = loggedIn("LOGIN", "Mario");
        HarnessClient luigi = loggedIn("REGISTER", "Luigi");
        HarnessClient anon = secure();
        assertEquals("session", reply(anon, "SESSION").get("type"), "resumable, so its private messages are kept");

        chat(luigi, laptop, "one");   // received, on the laptop
        chat(phone, luigi, "two");    // sent, from the phone
        chat(anon, phone, "three");   // from an anonymous client
        chat(laptop, anon, "four");   // to it
        chat(luigi, anon, "not ours");

        for (HarnessClient device : List.of(phone, laptop)) {
            Map<String, Object> page = reply(device, "HISTORY @ LATEST");
            assertEquals("@", page.get("target"));
            assertEquals(List.of("one", "two", "three", "four"), texts(page));
            assertEquals(false, page.get("more"));
            List<Map<String, Object>> m = messages(page);
            assertEquals("Luigi", from(m.get(0)).get("account"));
            assertEquals("Mario", m.get(0).get("toName"));
            assertEquals("Mario", m.get(0).get("toAccount"));
            assertEquals(laptop.id().value(), m.get(0).get("to"));
            assertEquals("Mario", from(m.get(1)).get("account"));
            assertEquals("Luigi", m.get(1).get("toName"));
            assertEquals("Luigi", m.get(1).get("toAccount"));
            assertNull(from(m.get(2)).get("account"), "an anonymous sender has none");
            assertEquals(anon.id().value(), from(m.get(2)).get("name"));
            assertEquals(anon.id().value(), m.get(3).get("toName"));
            assertNull(m.get(3).get("toAccount"));
        }
        // Luigi's account sees its side: what it sent to Mario, what Mario sent it, what it sent the anonymous one.
        assertEquals(List.of("one", "two", "not ours"), texts(reply(luigi, "HISTORY @ LATEST")));
        // The anonymous client's messages are stored for the account side, and those to it under @ for its resume.
        assertEquals(List.of("four", "not ours"), privateCopies());
    }

    /** The texts kept under {@code @}: what a resume of an anonymous client reads. */
    private List<String> privateCopies() {
        return store.query(HistoryQuery.latest(StoredMessage.PRIVATE, 50)).toCompletableFuture().join().messages()
                .stream().map(StoredMessage::text).toList();
    }

    @Test
    void onlyAResumableAnonymousRecipientsMessagesAreKeptUnderTheResumeTarget() {
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        HarnessClient plain = secure();
        HarnessClient other = secure();
        chat(plain, other, "nobody can ask for this");
        chat(mario, plain, "nor this");
        chat(plain, mario, "this is Mario's");
        assertEquals(List.of(), privateCopies(), "no session, no copy: nothing would ever read it");
        assertEquals(List.of("nor this", "this is Mario's"), texts(reply(mario, "HISTORY @ LATEST")));

        assertEquals("session", reply(other, "SESSION").get("type"));
        chat(plain, other, "kept for other's resume");
        chat(mario, other, "and this");
        chat(other, plain, "not this: plain has no session");
        assertEquals(List.of("kept for other's resume", "and this"), privateCopies());
    }

    @Test
    void anAnonymousClientIsRefusedAndNoOtherAccountsMessagesCanBeNamed() {
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        HarnessClient luigi = loggedIn("REGISTER", "Luigi");
        chat(mario, luigi, "private");
        HarnessClient anon = secure();

        for (String line : List.of("HISTORY @ LATEST", "HISTORY @mario LATEST")) {
            Map<String, Object> refused = reply(anon, line);
            assertEquals("error", refused.get("type"));
            assertEquals("login-required", refused.get("code"), line + ": " + refused);
        }
        HarnessClient peach = loggedIn("REGISTER", "Peach");
        assertEquals(List.of(), texts(reply(peach, "HISTORY @ LATEST")), "another account sees none of it");
        // "@name" is the asker's own conversation with that account, never that account's history.
        for (String line : List.of("HISTORY @mario LATEST", "HISTORY @luigi LATEST")) {
            assertEquals(List.of(), texts(reply(peach, line)), line);
        }
        // What cannot be a name is refused, not looked up.
        Map<String, Object> bad = reply(mario, "HISTORY @" + "x".repeat(200) + " LATEST");
        assertEquals("bad-arguments", bad.get("code"), () -> "a name past the length limit: " + bad);
        String why = (String) bad.get("message");
        assertTrue(why.matches("'@x{39}\\.\\.\\.': it names no account: .+; usage: HISTORY .*"),
                () -> "says why, with the target cut short: " + why);
    }

    @Test
    void aConversationIsTheMessagesWithOneAccountBothWaysPagedAsTheWhole() {
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        HarnessClient laptop = loggedIn("LOGIN", "Mario");
        HarnessClient luigi = loggedIn("REGISTER", "Luigi");
        HarnessClient peach = loggedIn("REGISTER", "Peach");
        HarnessClient anon = secure();
        String ml1 = chat(mario, luigi, "ml1");
        String lm2 = chat(luigi, laptop, "lm2"); // to another device of the account
        String mp3 = chat(mario, peach, "mp3");
        chat(anon, mario, "am4");
        chat(mario, laptop, "self5");
        String pl6 = chat(peach, luigi, "pl6"); // not Mario's at all
        String ml7 = chat(laptop, luigi, "ml7");

        Map<String, Object> withLuigi = reply(mario, "HISTORY @Luigi LATEST");
        assertEquals("@Luigi", withLuigi.get("target"), "the target as it was asked for");
        assertEquals(List.of("ml1", "lm2", "ml7"), texts(withLuigi));
        assertEquals(false, withLuigi.get("more"));
        assertEquals(List.of("ml1", "lm2", "ml7"), texts(reply(laptop, "HISTORY @LUIGI LATEST")),
                "any device, any case");
        assertEquals(List.of("mp3"), texts(reply(mario, "HISTORY @peach LATEST")));
        assertEquals(List.of("self5"), texts(reply(mario, "HISTORY @mario LATEST")), "between its own devices");
        assertEquals(List.of("ml1", "lm2", "ml7"), texts(reply(luigi, "HISTORY @mario LATEST")), "Luigi's own copy");
        assertEquals(List.of("pl6"), texts(reply(peach, "HISTORY @luigi LATEST")));
        assertEquals(List.of(), texts(reply(mario, "HISTORY @toad LATEST")), "no such account: nothing with it");

        Map<String, Object> last2 = reply(mario, "HISTORY @luigi LATEST 2");
        assertEquals(List.of("lm2", "ml7"), texts(last2));
        assertEquals(true, last2.get("more"));
        Map<String, Object> before = reply(mario, "HISTORY @luigi BEFORE " + lm2);
        assertEquals(List.of("ml1"), texts(before));
        assertEquals(false, before.get("more"));
        Map<String, Object> after = reply(mario, "HISTORY @luigi AFTER " + ml1 + " 1");
        assertEquals(List.of("lm2"), texts(after));
        assertEquals(true, after.get("more"));
        assertEquals(List.of("lm2"), texts(reply(mario, "HISTORY @luigi BETWEEN " + ml7 + " " + ml1)));
        // A bound may be any message of the account's private history: a position in time, not of this conversation.
        assertEquals(List.of("ml1", "lm2"), texts(reply(mario, "HISTORY @luigi BEFORE " + mp3)));
        // But one of another account's history is not.
        assertEquals("no-such-message", reply(mario, "HISTORY @luigi BEFORE " + pl6).get("code"));
    }

    @Test
    void pagesGoBackAndForwardAsARoomsDo() {
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        HarnessClient luigi = loggedIn("REGISTER", "Luigi");
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            ids.add(i % 2 == 0 ? chat(mario, luigi, "m" + i) : chat(luigi, mario, "m" + i));
        }

        Map<String, Object> latest = reply(mario, "HISTORY @ LATEST 3");
        assertEquals(List.of("m5", "m6", "m7"), texts(latest));
        assertEquals(true, latest.get("more"));
        assertEquals(List.of("m3", "m4"), texts(reply(mario, "HISTORY @ BEFORE " + ids.get(4) + " 2")));
        assertEquals(List.of("m2", "m3"), texts(reply(luigi, "HISTORY @ AFTER " + ids.get(0) + " 2")));
        assertEquals(List.of("m3", "m4", "m5"),
                texts(reply(luigi, "HISTORY @ BETWEEN " + ids.get(5) + " " + ids.get(1))));
        // Another account's message id is not a message of this account's history.
        HarnessClient peach = loggedIn("REGISTER", "Peach");
        assertEquals("no-such-message", reply(peach, "HISTORY @ BEFORE " + ids.get(3)).get("code"));
    }

    /** The conversations of a {@code HISTORY @ CONVERSATIONS} reply, each as "account: latest text". */
    @SuppressWarnings("unchecked")
    private static List<String> conversations(Map<String, Object> reply) {
        assertEquals("conversations", reply.get("type"), () -> "a conversation list: " + reply);
        assertEquals("@", reply.get("target"));
        return ((List<Map<String, Object>>) reply.get("conversations")).stream()
                .map(c -> c.get("account") + ": " + ((Map<String, Object>) c.get("latest")).get("message")).toList();
    }

    @Test
    void conversationsAreTheAccountsTalkedWithLatestFirstEachWithItsLatestMessage() {
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        HarnessClient laptop = loggedIn("LOGIN", "Mario");
        HarnessClient luigi = loggedIn("REGISTER", "Luigi");
        HarnessClient peach = loggedIn("REGISTER", "Peach");
        HarnessClient anon = secure();
        chat(mario, luigi, "ml1");
        chat(peach, mario, "pm2");
        chat(anon, mario, "am3");    // an anonymous client is in no conversation
        chat(mario, laptop, "self4"); // between the account's own devices: the conversation with itself
        String lm5 = chat(luigi, laptop, "lm5");
        chat(peach, luigi, "pl6");    // not Mario's
        chat(laptop, anon, "ma7");

        Map<String, Object> all = reply(mario, "HISTORY @ CONVERSATIONS");
        assertEquals(List.of("Luigi: lm5", "Mario: self4", "Peach: pm2"), conversations(all));
        assertEquals(false, all.get("more"));
        assertEquals(conversations(all), conversations(reply(laptop, "history @ conversations 50")),
                "every device of the account sees the same, the kind in any case");
        @SuppressWarnings("unchecked")
        Map<String, Object> latest = ((List<Map<String, Object>>) all.get("conversations")).get(0);
        assertEquals(List.of("account", "latest"), List.copyOf(latest.keySet()));
        @SuppressWarnings("unchecked")
        Map<String, Object> line = (Map<String, Object>) latest.get("latest");
        assertEquals(lm5, line.get("id"));
        assertEquals("Luigi", from(line).get("account"));
        assertEquals("Mario", line.get("toAccount"));
        assertEquals(List.of("Peach: pl6", "Mario: lm5"), conversations(reply(luigi, "HISTORY @ CONVERSATIONS")));

        // A new message moves its conversation to the top.
        chat(mario, peach, "mp8");
        assertEquals(List.of("Peach: mp8", "Luigi: lm5", "Mario: self4"),
                conversations(reply(mario, "HISTORY @ CONVERSATIONS")));
    }

    @Test
    void conversationsArePagedByTheirLatestMessage() {
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        List<String> names = List.of("Luigi", "Peach", "Toad", "Yoshi", "Daisy");
        List<String> latestIds = new ArrayList<>();
        for (String name : names) {
            HarnessClient other = loggedIn("REGISTER", name);
            chat(other, mario, "hello from " + name);
            latestIds.add(chat(mario, other, "hi " + name));
        }
        // Newest first: Daisy, Yoshi, Toad, Peach, Luigi.
        Map<String, Object> first = reply(mario, "HISTORY @ CONVERSATIONS 2");
        assertEquals(List.of("Daisy: hi Daisy", "Yoshi: hi Yoshi"), conversations(first));
        assertEquals(true, first.get("more"));
        Map<String, Object> second = reply(mario, "HISTORY @ CONVERSATIONS BEFORE " + latestIds.get(3) + " 2");
        assertEquals(List.of("Toad: hi Toad", "Peach: hi Peach"), conversations(second),
                "those whose latest message is older than the last one of the page before");
        assertEquals(true, second.get("more"));
        Map<String, Object> last = reply(mario, "HISTORY @ CONVERSATIONS before " + latestIds.get(1) + " 2");
        assertEquals(List.of("Luigi: hi Luigi"), conversations(last));
        assertEquals(false, last.get("more"));
        // A conversation with messages below the bound but its latest above it is in an earlier page, not this one.
        assertEquals(List.of("Luigi: hi Luigi"),
                conversations(reply(mario, "HISTORY @ CONVERSATIONS BEFORE " + latestIds.get(1))));
        assertEquals(List.of(), conversations(reply(mario, "HISTORY @ CONVERSATIONS BEFORE 1")));
    }

    @Test
    void conversationsAreFoundPastManyMessagesOfOthers() {
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        HarnessClient luigi = loggedIn("REGISTER", "Luigi");
        HarnessClient peach = loggedIn("REGISTER", "Peach");
        chat(peach, mario, "long ago");
        // More than the command reads from the store at a time (a page of the largest size), so that Peach is found
        // in a later read.
        for (int i = 0; i < io.aurachat.command.BuiltinCommands.MAX_HISTORY_PAGE + 50; i++) {
            chat(i % 2 == 0 ? mario : luigi, i % 2 == 0 ? luigi : mario, "m" + i);
        }
        Map<String, Object> all = reply(mario, "HISTORY @ CONVERSATIONS");
        assertEquals("Luigi", conversations(all).get(0).split(":")[0]);
        assertEquals("Peach: long ago", conversations(all).get(1));
        assertEquals(false, all.get("more"));
    }

    @Test
    void conversationsAreListedFromTheLatestTenThousandPrivateMessagesOfTheAccount() {
        store = io.aurachat.history.MemoryHistoryStore.builder().maxPerTarget(20_000).build();
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        int scan = io.aurachat.command.BuiltinCommands.CONVERSATIONS_SCAN;
        long id = io.aurachat.history.MessageIds.first(System.currentTimeMillis() - 60_000, 0);
        // Written to the store as the hub writes an account's copies: Peach's long ago, then scan - 1 with Luigi.
        store.append(new StoredMessage(++id, "@mario", "c8", "Peach", "10.0.0.8", "c1", "long ago", "peach", "Mario",
                "mario"));
        for (int i = 1; i < scan; i++) {
            store.append(new StoredMessage(++id, "@mario", "c1", "Mario", "10.0.0.1", "c9", "m" + i, "mario", "Luigi",
                    "luigi"));
        }
        assertEquals(List.of("Luigi: m" + (scan - 1), "Peach: long ago"),
                conversations(reply(mario, "HISTORY @ CONVERSATIONS")), "Peach's is the oldest of the latest " + scan);
        store.append(new StoredMessage(++id, "@mario", "c1", "Mario", "10.0.0.1", "c9", "one more", "mario", "Luigi",
                "luigi"));
        assertEquals(List.of("Luigi: one more"), conversations(reply(mario, "HISTORY @ CONVERSATIONS")),
                "past the bound: not listed");
        assertEquals(List.of("long ago"), texts(reply(mario, "HISTORY @peach LATEST")), "but still kept and served");
    }

    @Test
    void conversationsAreRefusedToAnonymousClientsAndForOtherTargets() {
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        HarnessClient anon = secure();
        Map<String, Object> refused = reply(anon, "HISTORY @ CONVERSATIONS");
        assertEquals("login-required", refused.get("code"), () -> "anonymous: " + refused);
        for (String line : List.of("HISTORY * CONVERSATIONS", "HISTORY @luigi CONVERSATIONS",
                "HISTORY @ CONVERSATIONS BEFORE", "HISTORY @ CONVERSATIONS BEFORE x", "HISTORY @ CONVERSATIONS 0",
                "HISTORY @ CONVERSATIONS 5 6", "HISTORY @ CONVERSATIONS BEFORE 5 6 7")) {
            Map<String, Object> bad = reply(mario, line);
            assertEquals("bad-arguments", bad.get("code"), () -> line + ": " + bad);
            assertTrue(((String) bad.get("message")).contains("usage: HISTORY"), () -> line + ": " + bad);
        }
        assertEquals(List.of(), conversations(reply(mario, "HISTORY @ CONVERSATIONS")), "none yet");
    }

    @Test
    void aMessageToOnesOwnAccountIsKeptOnce() {
        start();
        HarnessClient phone = loggedIn("REGISTER", "Mario");
        HarnessClient laptop = loggedIn("LOGIN", "Mario");
        chat(phone, laptop, "note to self");
        assertEquals(List.of("note to self"), texts(reply(laptop, "HISTORY @ LATEST")));
    }

    @Test
    void aResumedDeviceGetsWhatItsOtherDevicesSentAndReceivedMeanwhile() {
        start();
        HarnessClient phone = loggedIn("REGISTER", "Mario");
        HarnessClient laptop = loggedIn("LOGIN", "Mario");
        HarnessClient luigi = loggedIn("REGISTER", "Luigi");
        HarnessClient anon = secure();
        String token = (String) reply(phone, "SESSION").get("session");
        String seen = chat(luigi, phone, "before");
        phone.takeType("message");
        phone.disconnect();
        await().until(() -> chat.server().detachedSessions() == 1);

        chat(luigi, laptop, "to the laptop");     // reached the laptop only: the phone was away
        chat(laptop, anon, "from the laptop");    // a copy of one's own from another device
        chat(anon, laptop, "from anon");

        HarnessClient back = loggedIn("LOGIN", "Mario");
        chat(luigi, back, "after login");         // reached the new connection live: not replayed again
        back.takeType("message");
        back.send("RESUME " + token + " " + seen);
        List<String> replayed = new ArrayList<>();
        while (true) {
            Map<String, Object> next = back.takeJson();
            if ("resumed".equals(next.get("type"))) {
                assertEquals(true, next.get("recovered"), () -> "resumed: " + next);
                assertEquals(replayed.size(), ((Number) next.get("missed")).intValue());
                break;
            }
            if ("message".equals(next.get("type"))) {
                replayed.add((String) next.get("message"));
            }
        }
        assertEquals(List.of("to the laptop", "from the laptop", "from anon"), replayed);
    }

    @Test
    void removingAnAccountForgetsItsPrivateHistory() {
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        HarnessClient luigi = loggedIn("REGISTER", "Luigi");
        chat(luigi, mario, "for the old Mario");
        chat(mario, luigi, "from the old Mario");

        assertEquals(2, store.query(HistoryQuery.latest(StoredMessage.accountTarget("mario"), 10))
                .toCompletableFuture().join().messages().size());
        assertTrue(chat.server().accounts().remove("Mario"));
        await().until(mario::isClosed);
        assertEquals(List.of(), store.query(HistoryQuery.latest(StoredMessage.accountTarget("mario"), 10))
                .toCompletableFuture().join().messages(), "deleted, not only out of reach");

        HarnessClient newMario = loggedIn("REGISTER", "Mario");
        assertEquals(List.of(), texts(reply(newMario, "HISTORY @ LATEST")), "a new account of that name starts empty");
        assertEquals(List.of("for the old Mario", "from the old Mario"), texts(reply(luigi, "HISTORY @ LATEST")),
                "the other side keeps its own copy");
    }
}
