package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.HistoryPage;
import io.aurachat.history.HistoryQuery;
import io.aurachat.history.HistoryStore;
import io.aurachat.history.MemoryHistoryStore;
import io.aurachat.history.MessageIds;
import io.aurachat.history.StoredMessage;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Message ids on the wire and {@code HISTORY} as a client sees them, over TCP. */
class HistoryCommandTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    /** Sends SAY from {@code from} and returns the delivered line as {@code to} got it; checks the reply's id. */
    private static Json say(RawClient from, RawClient to, String text) {
        from.send("SAY " + text);
        Json ok = from.takeType("ok");
        Json delivered = to.takeType("message");
        assertEquals(ok.str("id"), delivered.str("id"), "the sender's reply names the id the recipient saw");
        return delivered;
    }

    private static List<Json> messages(Json history) {
        return history.objs("messages");
    }

    @Test
    void aPageOfLongEscapedTextsIsCutToTheReplyBudgetAndPagedOn() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        String text = "\u0001".repeat(4000); // 24,000 bytes each in JSON
        for (int i = 0; i < 30; i++) {
            say(c.get(0), c.get(1), text + "#" + i);
        }
        c.get(1).send("HISTORY * LATEST 200");
        Json page = c.get(1).takeType("history");
        List<Json> newest = messages(page);
        assertTrue(page.raw().length() <= io.aurachat.command.BuiltinCommands.MAX_HISTORY_REPLY_BYTES + 4096,
                "cut to the budget: " + page.raw().length() + " bytes");
        assertTrue(newest.size() > 1 && newest.size() < 30, newest.size() + " messages");
        assertEquals(true, page.bool("more"), "the older ones are there to page to");
        assertTrue(newest.get(newest.size() - 1).str("message").endsWith("#29"), "the newest kept");
        c.get(1).send("HISTORY * BEFORE " + newest.get(0).str("id") + " 200");
        List<Json> older = messages(c.get(1).takeType("history"));
        assertTrue(older.get(older.size() - 1).str("message").endsWith("#" + (29 - newest.size())),
                "the next page goes on where the cut one stopped");
        c.get(1).send("HISTORY * AFTER " + older.get(0).str("id") + " 200");
        Json forwards = c.get(1).takeType("history");
        assertEquals(true, forwards.bool("more"));
        assertTrue(messages(forwards).get(0).str("message").endsWith("#" + (30 - newest.size() - older.size() + 1)),
                "forwards, the oldest are kept: " + messages(forwards).get(0).str("message").substring(4000));
    }

    @Test
    void aMessageCarriesItsIdAndTheTimeOfItsId() {
        server.start();
        List<RawClient> c = server.joinAll(2);

        Json first = say(c.get(0), c.get(1), "one");
        c.get(0).send("CHAT c2 two");
        String chatId = c.get(0).takeType("ok").str("id");
        Json second = c.get(1).takeType("message");

        long a = MessageIds.parse(first.str("id"));
        long b = MessageIds.parse(second.str("id"));
        assertTrue(a > 0 && b > a, a + " then " + b);
        assertEquals(chatId, second.str("id"));
        assertEquals(MessageIds.time(a), first.str("time"));
        assertTrue(first.str("time").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), first.str("time"));
    }

    @Test
    void chatRepliesNameEachMessagesIdWhateverTheRecipientAndOrder() {
        server.start();
        List<RawClient> c = server.joinAll(3);
        String[] targets = {"c2", "c2", "c3", "c2", "c3", "c3"};
        long last = 0;
        for (String to : targets) {
            c.get(0).send("CHAT " + to + " hi " + to);
            Json ok = c.get(0).takeType("ok");
            Json got = c.get(to.equals("c2") ? 1 : 2).takeType("message");
            assertEquals(Map.of("type", "ok", "command", "CHAT", "to", to, "id", got.str("id")), ok.map(), ok.raw());
            assertTrue(ok.raw().endsWith("\"id\":\"" + got.str("id") + "\"}"), ok.raw());
            long id = MessageIds.parse(ok.str("id"));
            assertTrue(id > last, "ids grow: " + id + " after " + last);
            last = id;
        }
    }

    @Test
    void latestGivesTheMessagesToEveryoneOldestFirstExactlyAsDelivered() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        List<Map<String, Object>> delivered = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            delivered.add(say(c.get(0), c.get(1), "m" + i).map());
        }

        c.get(1).send("HISTORY * LATEST 3");
        Json page = c.get(1).takeType("history");

        assertEquals("HISTORY", page.str("command"));
        assertEquals("*", page.str("target"));
        assertEquals(delivered.subList(2, 5), messages(page).stream().map(Json::map).toList());
        assertTrue(page.bool("more"));
        c.get(1).send("history * latest");
        Json all = c.get(1).takeType("history");
        assertEquals(delivered, messages(all).stream().map(Json::map).toList());
        assertFalse(all.bool("more"));
    }

    @Test
    void beforeAfterAndBetweenPageByIds() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            ids.add(say(c.get(0), c.get(1), "m" + i).str("id"));
        }
        RawClient me = c.get(1);

        me.send("HISTORY * BEFORE " + ids.get(4) + " 2");
        Json before = me.takeType("history");
        me.send("HISTORY * AFTER " + ids.get(4) + " 2");
        Json after = me.takeType("history");
        me.send("HISTORY * BETWEEN " + ids.get(8) + " " + ids.get(1));
        Json between = me.takeType("history");

        assertEquals(List.of("m3", "m4"), texts(before)); // ids.get(4) is m5's
        assertTrue(before.bool("more"));
        assertEquals(List.of("m6", "m7"), texts(after));
        assertTrue(after.bool("more"));
        assertEquals(List.of("m3", "m4", "m5", "m6", "m7", "m8"), texts(between));
        assertFalse(between.bool("more"));
    }

    private static List<String> texts(Json page) {
        return messages(page).stream().map(m -> m.str("message")).toList();
    }

    @Test
    void aLimitAboveTheMaximumIsCutNotRefused() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        List<String> lines = IntStream.rangeClosed(1, 205).mapToObj(i -> "SAY m" + i).toList();
        c.get(0).sendAll(lines);
        for (int i = 0; i < 205; i++) {
            c.get(1).takeType("message");
        }
        c.get(0).sync(); // every SAY answered

        c.get(1).send("HISTORY * LATEST 100000");
        Json page = c.get(1).takeType("history");

        assertEquals(200, messages(page).size());
        assertEquals("m6", messages(page).get(0).str("message"));
        assertTrue(page.bool("more"));
    }

    @Test
    void everyMalformedQueryGetsItsErrorCode() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        String id = say(c.get(0), c.get(1), "hello").str("id");
        RawClient me = c.get(0);
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("HISTORY", "bad-arguments");
        expected.put("HISTORY *", "bad-arguments");
        expected.put("HISTORY * SIDEWAYS", "bad-arguments");
        expected.put("HISTORY * LATEST 0", "bad-arguments");
        expected.put("HISTORY * LATEST -3", "bad-arguments");
        expected.put("HISTORY * LATEST ten", "bad-arguments");
        expected.put("HISTORY * LATEST 5 6", "bad-arguments");
        expected.put("HISTORY * BEFORE", "bad-arguments");
        expected.put("HISTORY * BEFORE c12", "bad-arguments");
        expected.put("HISTORY * BETWEEN " + id, "bad-arguments");
        expected.put("HISTORY * AFTER 12345", "no-such-message");
        expected.put("HISTORY * BETWEEN " + id + " 99", "no-such-message");
        expected.put("HISTORY lobby LATEST", "not-in-room");
        expected.put("HISTORY @ LATEST", "login-required"); // private history is an account's (PrivateHistoryTest)
        expected.put("HISTORY @c2 LATEST", "login-required"); // one conversation of an account: also the account's
        for (Map.Entry<String, String> e : expected.entrySet()) {
            me.send(e.getKey());
            Json error = me.takeType("error");
            assertEquals("HISTORY", error.str("command"), e.getKey());
            assertEquals(e.getValue(), error.str("code"), e.getKey() + ": " + error.str("message"));
        }
        me.send("PING");
        me.takeType("pong"); // and the connection is fine
    }

    @Test
    void privateMessagesAreStoredButNotServed() {
        MemoryHistoryStore store = MemoryHistoryStore.create();
        server.start(b -> b.historyStore(store));
        List<RawClient> c = server.joinAll(2);
        c.get(1).send("SESSION");
        c.get(1).takeType("session"); // resumable: its private messages are kept, for its resume (no one else's are)
        c.get(0).send("CHAT c2 secret");
        c.get(0).takeType("ok");
        c.get(1).takeType("message");
        c.get(1).send("CHAT c1 not kept: c1 has no session");
        c.get(1).takeType("ok");
        c.get(0).takeType("message");
        say(c.get(0), c.get(1), "public");

        c.get(1).send("HISTORY * LATEST");
        Json page = c.get(1).takeType("history");

        assertEquals(List.of("public"), texts(page));
        HistoryPage kept = store.query(HistoryQuery.latest(StoredMessage.PRIVATE, 10)).toCompletableFuture().join();
        assertEquals(List.of("secret"), kept.messages().stream().map(StoredMessage::text).toList());
        assertEquals("c2", kept.messages().get(0).to());
    }

    @Test
    void aServerWithoutHistoryChatsAndSaysTheHistoryIsUnavailable() {
        server.start(b -> b.historyStore(HistoryStore.NONE));
        List<RawClient> c = server.joinAll(2);
        say(c.get(0), c.get(1), "still works");

        c.get(1).send("HISTORY * LATEST");

        assertEquals("history-unavailable", c.get(1).takeType("error").str("code"));
    }

    @Test
    void aFailingStoreDoesNotStopChat() {
        AtomicInteger appends = new AtomicInteger();
        HistoryStore broken = new HistoryStore() {
            @Override
            public long open() {
                return 0;
            }

            @Override
            public void append(StoredMessage message) {
                appends.incrementAndGet();
                throw new IllegalStateException("disk on fire");
            }

            @Override
            public CompletionStage<HistoryPage> query(HistoryQuery query) {
                throw new IllegalStateException("disk on fire");
            }

            @Override
            public void close() {}
        };
        server.start(b -> b.historyStore(broken));
        List<RawClient> c = server.joinAll(2);

        for (int i = 0; i < 20; i++) {
            say(c.get(0), c.get(1), "m" + i);
        }
        c.get(1).send("HISTORY * LATEST");

        assertEquals("history-unavailable", c.get(1).takeType("error").str("code"));
        assertEquals(20, appends.get());
    }

    @Test
    void aSlowStoreHoldsBackOnlyTheClientThatAsked() {
        CompletableFuture<HistoryPage> answer = new CompletableFuture<>();
        CompletableFuture<Void> asked = new CompletableFuture<>();
        MemoryHistoryStore memory = MemoryHistoryStore.create();
        HistoryStore slow = new HistoryStore() {
            @Override
            public long open() {
                return 0;
            }

            @Override
            public void append(StoredMessage message) {
                memory.append(message);
            }

            @Override
            public CompletionStage<HistoryPage> query(HistoryQuery query) {
                asked.complete(null);
                return answer;
            }

            @Override
            public void close() {}
        };
        server.start(b -> b.historyStore(slow).ioThreads(1));
        List<RawClient> c = server.joinAll(3);

        c.get(2).send("HISTORY * LATEST");
        asked.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        for (int i = 0; i < 10; i++) {
            say(c.get(0), c.get(1), "while waiting " + i); // the one I/O thread is free
        }
        answer.complete(memory.query(HistoryQuery.latest("*", 50)).toCompletableFuture().join());

        // Its messages kept coming while its query waited (events come between replies); none is lost.
        List<String> types = new ArrayList<>();
        Json page = null;
        for (int i = 0; i < 11; i++) {
            Json line = c.get(2).take();
            types.add(line.type());
            if (line.type().equals("history")) {
                page = line;
            }
        }
        assertEquals(10, types.stream().filter("message"::equals).count(), types.toString());
        assertEquals(10, messages(page).size());
    }

    @Test
    void idsContinueAboveWhatTheStoreAlreadyHolds() {
        long floor = MessageIds.first(System.currentTimeMillis() + Duration.ofDays(1).toMillis(), 0) + 41;
        MemoryHistoryStore memory = MemoryHistoryStore.create();
        HistoryStore restarted = new HistoryStore() {
            @Override
            public long open() {
                return floor; // as a persistent store written by a server whose clock was a day ahead
            }

            @Override
            public void append(StoredMessage message) {
                memory.append(message);
            }

            @Override
            public CompletionStage<HistoryPage> query(HistoryQuery query) {
                return memory.query(query);
            }

            @Override
            public void close() {}
        };
        server.start(b -> b.historyStore(restarted));
        List<RawClient> c = server.joinAll(2);

        assertEquals(floor + 1, MessageIds.parse(say(c.get(0), c.get(1), "after restart").str("id")));
    }
}
