package io.aurachat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.command.Reply;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.server.ServerConfig;
import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.HarnessClient;
import io.aurachat.testing.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hub as a library user sees it through the in-memory harness: routing, presence, names, limits and
 * shutdown, with no socket. Commands run on the test thread, so what a command caused is queued when
 * {@code send} returns and "nothing else arrived" is simply an empty {@link HarnessClient#drain()}.
 */
class HubTest {

    private ChatHarness chat;

    @AfterEach
    void close() {
        if (chat != null) {
            chat.close();
        }
    }

    private ChatHarness start() {
        chat = ChatHarness.start();
        return chat;
    }

    private ChatHarness start(ServerConfig config) {
        chat = ChatHarness.start(config);
        return chat;
    }

    /** {@code n} joined clients whose welcome and join notices have been taken. */
    private List<HarnessClient> joined(int n) {
        List<HarnessClient> clients = IntStream.range(0, n).mapToObj(i -> chat.connect()).toList();
        clients.forEach(HarnessClient::drain);
        return clients;
    }

    /** A client object as {@code message}, {@code join}, {@code leave} and {@code rename} show it. */
    private static Map<String, Object> client(HarnessClient c) {
        return Map.of("id", c.id().value(), "name", c.info().name(), "ip", c.info().ip());
    }

    private static Map<String, Object> client(String id, String name, String ip) {
        return Map.of("id", id, "name", name, "ip", ip);
    }

    private static List<String> types(List<String> lines) {
        return lines.stream().map(l -> (String) HarnessClient.json(l).get("type")).toList();
    }

    private static void assertNothingPending(HarnessClient... clients) {
        for (HarnessClient c : clients) {
            assertEquals(List.of(), c.drain(), () -> c + " received more than expected");
        }
    }

    private static void assertError(Map<String, Object> line, String command, String code) {
        assertEquals("error", line.get("type"), () -> "not an error: " + line);
        assertEquals(command, line.get("command"), () -> "wrong command: " + line);
        assertEquals(code, line.get("code"), () -> "wrong code: " + line);
        assertTrue(line.get("message") instanceof String m && !m.isBlank(), () -> "no message: " + line);
    }

    // ---------------------------------------------------------------- welcome and ids

    @Test
    void welcomeIsTheFirstLineWithTheClientsIdAndTheDefaults() {
        start();
        HarnessClient c1 = chat.connect();
        HarnessClient c2 = chat.connect();

        assertEquals(Map.of("type", "welcome", "id", "c1", "name", "c1", "server", "AuraChat", "protocol", 2L,
                "idleTimeoutSeconds", 120L, "maxLineLength", 4096L, "presenceLimit", 1000L), c1.takeJson());
        Map<String, Object> welcome2 = c2.takeJson();
        assertEquals("welcome", welcome2.get("type"));
        assertEquals("c2", welcome2.get("id"));
        assertEquals("c2", welcome2.get("name"));
        assertNothingPending(c2); // the joiner gets no join notice of its own
    }

    @Test
    void welcomeAnnouncesTheConfiguredValues() {
        start(ServerConfig.builder().serverName("Osteria").idleTimeout(Duration.ofSeconds(30))
                .maxLineLength(512).presenceLimit(7).build());

        Map<String, Object> welcome = chat.connect().takeJson();

        assertEquals("Osteria", welcome.get("server"));
        assertEquals(30L, welcome.get("idleTimeoutSeconds"));
        assertEquals(512L, welcome.get("maxLineLength"));
        assertEquals(7L, welcome.get("presenceLimit"));
    }

    @Test
    void idsAreGivenInConnectionOrderAndNeverReused() {
        start();
        List<HarnessClient> c = joined(3);
        assertEquals(List.of("c1", "c2", "c3"), c.stream().map(x -> x.id().value()).toList());
        assertEquals(List.of("c1", "c2", "c3"), chat.clients().stream().map(i -> i.id().value()).toList());

        c.get(2).send("EXIT");
        HarnessClient next = chat.connect();

        assertEquals(new ClientId("c4"), next.id());
        assertEquals(List.of("c1", "c2", "c4"), chat.clients().stream().map(i -> i.id().value()).toList());
    }

    @Test
    void connectionOrderIsNumericNotAlphabetical() {
        start();
        joined(11);

        assertEquals(IntStream.rangeClosed(1, 11).mapToObj(i -> "c" + i).toList(),
                chat.clients().stream().map(i -> i.id().value()).toList());
    }

    // ---------------------------------------------------------------- CHAT

    @Test
    void chatDeliversAMessageToTheRecipientOnlyAndConfirmsToTheSender() {
        start();
        List<HarnessClient> c = joined(3);
        String text = "Ciao,  \"Luigi\" \\ è 😀 ";

        c.get(0).send("CHAT c2 " + text);

        Map<String, Object> reply = c.get(0).takeJson();
        Map<String, Object> message = c.get(1).takeJson();
        assertEquals(Map.of("type", "ok", "command", "CHAT", "to", "c2"), Json.withoutId(reply));
        assertEquals(Map.of("type", "message", "from", client(c.get(0)), "to", "c2", "message", text),
                Json.withoutId(message));
        assertEquals(List.of("type", "from", "to", "id", "time", "message"), List.copyOf(message.keySet()),
                "the id and time come after to");
        assertEquals(Json.messageId(message), Json.replyId(reply), "the reply names the id the recipient saw");
        assertNothingPending(c.get(0), c.get(1), c.get(2));
    }

    @Test
    void chatMessagesShowTheSendersAddressAndCurrentName() {
        start();
        HarnessClient mario = chat.attach("10.1.2.3");
        mario.join();
        HarnessClient luigi = chat.connect();
        mario.drain();
        luigi.drain();
        mario.send("NAME Mario");
        mario.drain();
        luigi.drain();

        mario.send("CHAT " + luigi.id() + " it's me");

        assertEquals(client("c1", "Mario", "10.1.2.3"), luigi.takeJson().get("from"));
    }

    @Test
    void chatToOneselfDeliversTheMessageToTheSenderToo() {
        start();
        List<HarnessClient> c = joined(2);

        c.get(0).send("CHAT c1 note to self");

        List<Map<String, Object>> lines = c.get(0).drain().stream().map(HarnessClient::json)
                .sorted(Comparator.comparing(m -> (String) m.get("type"))).toList();
        assertEquals(List.of(
                Map.of("type", "message", "from", client(c.get(0)), "to", "c1", "message", "note to self"),
                Map.of("type", "ok", "command", "CHAT", "to", "c1")), lines.stream().map(Json::withoutId).toList());
        assertEquals(Json.messageId(lines.get(0)), Json.replyId(lines.get(1)),
                "the reply names the id of the message the sender got");
        assertNothingPending(c.get(1));
    }

    @Test
    void chatToAnUnknownIdIsNoSuchClient() {
        start();
        List<HarnessClient> c = joined(2);

        c.get(0).send("CHAT c9 anybody there?");
        assertError(c.get(0).takeJson(), "CHAT", "no-such-client");

        c.get(1).send("EXIT");
        c.get(0).takeType("leave");
        c.get(0).send("CHAT c2 are you gone?");
        assertError(c.get(0).takeJson(), "CHAT", "no-such-client");
        assertNothingPending(c.get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"CHAT", "CHAT c2", "CHAT c2 ", "CHAT bob hello", "CHAT c02 hello", "chat c0 hello"})
    void malformedChatIsBadArgumentsWithTheUsage(String line) {
        start();
        List<HarnessClient> c = joined(2);

        c.get(0).send(line);

        Map<String, Object> error = c.get(0).takeJson();
        assertError(error, "CHAT", "bad-arguments");
        assertTrue(((String) error.get("message")).startsWith("usage: CHAT <id> <text>"), () -> "usage: " + error);
        assertNothingPending(c.get(0), c.get(1));
    }

    // ---------------------------------------------------------------- SAY

    @Test
    void sayReachesEveryoneElseExactlyOnceAndNotTheSender() {
        start();
        List<HarnessClient> c = joined(4);

        c.get(0).send("SAY Ciao a tutti");

        List<Map<String, Object>> replies = c.get(0).drain().stream().map(HarnessClient::json).toList();
        assertEquals(List.of(Map.of("type", "ok", "command", "SAY", "recipients", 3L)),
                replies.stream().map(Json::withoutId).toList());
        long id = Json.replyId(replies.get(0));
        Map<String, Object> expected =
                Map.of("type", "message", "from", client(c.get(0)), "to", "*", "message", "Ciao a tutti");
        for (HarnessClient other : c.subList(1, 4)) {
            List<Map<String, Object>> got = other.drain().stream().map(HarnessClient::json).toList();
            assertEquals(List.of(expected), got.stream().map(Json::withoutId).toList());
            assertEquals(id, Json.messageId(got.get(0)), "every recipient sees the id of the sender's reply");
        }
    }

    @Test
    void sayWithNobodyElseSucceedsWithNoRecipients() {
        start();
        HarnessClient alone = joined(1).get(0);

        alone.send("SAY anyone?");

        Map<String, Object> reply = alone.takeJson();
        assertEquals(Map.of("type", "ok", "command", "SAY", "recipients", 0L), Json.withoutId(reply));
        Json.replyId(reply); // a message nobody received still has its id (it is kept for HISTORY)
        assertNothingPending(alone);
    }

    @Test
    void sayWithoutTextIsBadArguments() {
        start();
        List<HarnessClient> c = joined(2);

        c.get(0).send("SAY    ");

        Map<String, Object> error = c.get(0).takeJson();
        assertError(error, "SAY", "bad-arguments");
        assertTrue(((String) error.get("message")).contains("SAY <text>"), () -> "usage: " + error);
        assertNothingPending(c.get(1));
    }

    // ---------------------------------------------------------------- presence

    @Test
    void othersAreToldOfJoinsAndOfLeavesWithTheirReason() {
        start();
        HarnessClient watcher = chat.connect();
        watcher.drain();

        HarnessClient exits = chat.connect();
        assertEquals(Map.of("type", "join", "client", client("c2", "c2", exits.info().ip())), watcher.takeJson());
        HarnessClient hangsUp = chat.connect();
        assertEquals(Map.of("type", "join", "client", client("c3", "c3", hangsUp.info().ip())), watcher.takeJson());
        assertEquals("join", exits.takeType("join").get("type")); // c2 was told of c3 too

        exits.send("EXIT");
        assertEquals(Map.of("type", "leave", "client", client("c2", "c2", exits.info().ip()), "reason", "exit"),
                watcher.takeJson());

        hangsUp.disconnect();
        assertEquals(Map.of("type", "leave", "client", client("c3", "c3", hangsUp.info().ip()),
                "reason", "disconnected"), watcher.takeJson());
        assertEquals(LeaveReason.DISCONNECTED, hangsUp.closeReason().orElseThrow());
        assertFalse(hangsUp.isJoined());
        assertNothingPending(watcher);
        assertEquals(List.of("c1"), chat.clients().stream().map(i -> i.id().value()).toList());
    }

    @Test
    void aLeaveNoticeShowsTheLeaversLastName() {
        start();
        List<HarnessClient> c = joined(2);
        c.get(1).send("NAME Luigi");
        c.get(0).drain();

        c.get(1).disconnect();

        assertEquals(client("c2", "Luigi", c.get(1).info().ip()), c.get(0).takeType("leave").get("client"));
    }

    @Test
    void noJoinOrLeaveNoticesAboveThePresenceLimit() {
        start(ServerConfig.builder().presenceLimit(2).build());
        HarnessClient c1 = chat.connect();
        HarnessClient c2 = chat.connect();
        c1.takeType("welcome");
        assertEquals("c2", ((Map<?, ?>) c1.takeType("join").get("client")).get("id"));
        c2.drain();

        HarnessClient c3 = chat.connect(); // three with it: over the limit
        assertEquals(List.of("welcome"), types(c3.drain()));
        assertNothingPending(c1, c2);

        c3.send("EXIT"); // three with the leaver: no notice
        assertNothingPending(c1, c2);

        c2.send("EXIT"); // two with the leaver: within the limit
        Map<String, Object> leave = c1.takeJson();
        assertEquals("leave", leave.get("type"));
        assertEquals("c2", ((Map<?, ?>) leave.get("client")).get("id"));
        assertEquals("exit", leave.get("reason"));

        chat.connect(); // two again: within the limit
        assertEquals("c4", ((Map<?, ?>) c1.takeType("join").get("client")).get("id"));
        assertNothingPending(c1);
    }

    @Test
    void noRenameNoticesAboveThePresenceLimitEither() {
        start(ServerConfig.builder().presenceLimit(2).build());
        HarnessClient c1 = chat.connect();
        HarnessClient c2 = chat.connect();
        c1.drain();
        c2.drain();

        c2.send("NAME Luigi"); // two: within the limit
        assertEquals("ok", c2.takeJson().get("type"));
        assertEquals("c2", c1.takeType("rename").get("previous"));

        HarnessClient c3 = chat.connect(); // three: over the limit
        c3.drain();
        c3.send("NAME Mario");
        assertEquals("ok", c3.takeJson().get("type"));
        c2.send("NAME Luigi2");
        assertEquals("ok", c2.takeJson().get("type"));
        assertNothingPending(c1, c2, c3);

        c1.send("LIST"); // the names are there for whoever asks
        c1.send("EXIT");
        List<?> list = (List<?>) c1.takeJson().get("clients");
        assertEquals(List.of("c1", "Luigi2", "Mario"), list.stream().map(m -> ((Map<?, ?>) m).get("name")).toList());
    }

    @Test
    void aMassConnectWhereEveryClientNamesItselfCostsAboutTheLimitSquaredNotices() {
        // Every client connects, names itself and reads everything: the notices it got stop at the limit for joins
        // and renames alike, so the total is bounded by the limit, not by how many clients come.
        int limit = 20;
        int n = 200;
        start(ServerConfig.builder().presenceLimit(limit).maxClients(n).build());
        List<HarnessClient> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HarnessClient c = chat.connect();
            c.send("NAME user" + i);
            all.add(c);
        }
        Map<String, Integer> notices = new java.util.TreeMap<>();
        for (HarnessClient c : all) {
            for (String t : types(c.drain())) {
                notices.merge(t, 1, Integer::sum);
            }
        }
        // While k <= limit clients are joined, the k-th one's join and rename go to the k - 1 others.
        int belowLimit = limit * (limit - 1) / 2;
        assertEquals(Map.of("welcome", n, "ok", n, "join", belowLimit, "rename", belowLimit), notices);
    }

    @Test
    void presenceLimitZeroSendsNoNoticesButListShowsEveryone() {
        start(ServerConfig.builder().presenceLimit(0).build());
        List<HarnessClient> c = joined(3);
        c.get(2).send("EXIT");
        assertNothingPending(c.get(0), c.get(1));

        c.get(0).send("LIST");

        assertEquals(List.of("c1", "c2"), ids(c.get(0).takeJson()));
    }

    // ---------------------------------------------------------------- names

    @Test
    void nameTellsEveryoneElseWithARenameNotice() {
        start();
        List<HarnessClient> c = joined(3);

        c.get(0).send("NAME Mario");

        assertEquals(Map.of("type", "ok", "command", "NAME", "name", "Mario"), c.get(0).takeJson());
        Map<String, Object> rename =
                Map.of("type", "rename", "client", client("c1", "Mario", c.get(0).info().ip()), "previous", "c1");
        assertEquals(List.of(rename), c.get(1).drain().stream().map(HarnessClient::json).toList());
        assertEquals(List.of(rename), c.get(2).drain().stream().map(HarnessClient::json).toList());
        assertNothingPending(c.get(0));
        assertEquals("Mario", c.get(0).info().name());

        c.get(0).send("NAME Luigi");
        c.get(0).drain();
        assertEquals("Mario", c.get(1).takeType("rename").get("previous"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"c5", "C12", "c007", "c0", "Ma\u0007rio", "Ma\trio", "Ma\u200Brio", "\u202Eoiram",
            "Mario ", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" /* 33 */})
    void aNameThatBreaksTheRulesIsBadName(String name) {
        start();
        List<HarnessClient> c = joined(2);

        c.get(0).send("NAME " + name);

        assertError(c.get(0).takeJson(), "NAME", "bad-name");
        assertNothingPending(c.get(0), c.get(1));
        assertEquals("c1", c.get(0).info().name());
        assertEquals("c1", chat.clients().get(0).name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"c\uFF11\uFF12", "\uFF43\uFF15", "\u3164", "\u2800", "\u115F\u1160", "\u0301\u0301"})
    void aNameThatIsAnIdOnceFoldedOrThatRendersBlankIsBadName(String name) {
        start();
        List<HarnessClient> c = joined(2);

        c.get(0).send("NAME " + name);

        assertError(c.get(0).takeJson(), "NAME", "bad-name");
        assertNothingPending(c.get(0), c.get(1));
    }

    @Test
    void namesAreUniqueIgnoringCompatibilityForms() {
        start();
        List<HarnessClient> c = joined(2);
        c.get(0).send("NAME Mario");
        c.get(0).drain();
        c.get(1).drain();

        c.get(1).send("NAME \uFF2Dario"); // full-width M
        assertError(c.get(1).takeJson(), "NAME", "name-taken");
    }

    @Test
    void aServersOwnNameRuleRefusesAndDecidesWhatCollides() {
        io.aurachat.protocol.NameRule noBob = new io.aurachat.protocol.NameRule() {
            @Override
            public String problem(String name) {
                return name.toLowerCase(java.util.Locale.ROOT).contains("bob") ? "no Bobs here" : null;
            }

            @Override
            public String key(String name) {
                return name.replace('0', 'o').toLowerCase(java.util.Locale.ROOT);
            }
        };
        start(ServerConfig.builder().nameRule(noBob).build());
        List<HarnessClient> c = joined(2);

        c.get(0).send("NAME Bobby");
        Map<String, Object> refused = c.get(0).takeJson();
        assertError(refused, "NAME", "bad-name");
        assertEquals("no Bobs here", refused.get("message"));

        c.get(0).send("NAME Otto");
        c.get(0).drain();
        c.get(1).drain();
        c.get(1).send("NAME 0tto");
        assertError(c.get(1).takeJson(), "NAME", "name-taken");

        c.get(0).send("EXIT");
        c.get(1).drain();
        c.get(1).send("NAME 0tto"); // the name is free once its holder has left
        assertEquals("0tto", c.get(1).takeJson().get("name"));
    }

    @Test
    void aNameOf32CodePointsIsAcceptedAnd33AreNot() {
        start();
        HarnessClient me = joined(1).get(0);

        me.send("NAME " + "😀".repeat(33));
        assertError(me.takeJson(), "NAME", "bad-name");
        me.send("NAME " + "😀".repeat(32));
        assertEquals("😀".repeat(32), me.takeJson().get("name"));
    }

    @Test
    void namesAreUniqueIgnoringCase() {
        start();
        List<HarnessClient> c = joined(2);
        c.get(0).send("NAME Mario");
        c.get(0).drain();
        c.get(1).drain();

        for (String taken : List.of("Mario", "mario", "MARIO", "mArIo")) {
            c.get(1).send("NAME " + taken);
            assertError(c.get(1).takeJson(), "NAME", "name-taken");
        }

        assertNothingPending(c.get(0), c.get(1));
        assertEquals("c2", c.get(1).info().name());
    }

    @Test
    void settingYourOwnNameAgainSucceedsWithoutANotice() {
        start();
        List<HarnessClient> c = joined(2);
        c.get(0).send("NAME Mario");
        c.get(0).drain();
        c.get(1).drain();

        c.get(0).send("NAME Mario");

        assertEquals(Map.of("type", "ok", "command", "NAME", "name", "Mario"), c.get(0).takeJson());
        assertNothingPending(c.get(0), c.get(1));
    }

    @Test
    void aNameIsFreeAgainWhenItsHolderLeavesOrChangesIt() {
        start();
        List<HarnessClient> c = joined(3);
        c.get(0).send("NAME Mario");
        c.get(1).send("NAME Luigi");
        c.forEach(HarnessClient::drain);

        c.get(0).send("EXIT");
        c.get(2).send("NAME mario");
        assertEquals("mario", c.get(2).takeType("ok").get("name"));

        c.get(1).send("NAME Peach");
        c.get(1).drain();
        c.get(2).send("NAME Luigi");
        assertEquals("Luigi", c.get(2).takeType("ok").get("name"));

        c.get(2).disconnect();
        c.get(1).send("NAME LUIGI");
        assertEquals("LUIGI", c.get(1).takeType("ok").get("name"));
    }

    // ---------------------------------------------------------------- LIST and HELP

    private static List<String> ids(Map<String, Object> listReply) {
        assertEquals("clients", listReply.get("type"), () -> "not a LIST reply: " + listReply);
        return ((List<?>) listReply.get("clients")).stream().map(m -> (String) ((Map<?, ?>) m).get("id")).toList();
    }

    @Test
    void listShowsTheJoinedClientsInConnectionOrderWithConnectedSince() {
        Instant now = Instant.parse("2026-11-21T08:15:02.318Z");
        start(ServerConfig.builder().clock(Clock.fixed(now, ZoneOffset.ofHours(1))).build());
        List<HarnessClient> c = joined(3);
        c.get(1).send("NAME Bob");
        c.forEach(HarnessClient::drain);

        c.get(2).send("LIST");

        Map<String, Object> list = c.get(2).takeJson();
        assertEquals("LIST", list.get("command"));
        List<Map<String, Object>> expected = new ArrayList<>();
        for (HarnessClient each : c) {
            expected.add(Map.of("id", each.id().value(), "name", each.info().name(), "ip", each.info().ip(),
                    "connectedSince", "2026-11-21T08:15:02.318Z"));
        }
        assertEquals(expected, list.get("clients"));
        assertEquals("Bob", ((Map<?, ?>) ((List<?>) list.get("clients")).get(1)).get("name"));

        c.get(0).send("EXIT");
        c.get(1).drain();
        c.get(1).send("LIST");
        assertEquals(List.of("c2", "c3"), ids(c.get(1).takeType("clients")));
    }

    @Test
    void listAndClientsAgree() {
        start();
        List<HarnessClient> c = joined(4);
        c.get(1).disconnect();

        c.get(0).send("LIST");

        assertEquals(chat.clients().stream().map(i -> i.id().value()).toList(), ids(c.get(0).takeType("clients")));
        assertEquals(List.of("c1", "c3", "c4"), chat.clients().stream().map(i -> i.id().value()).toList());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> helpCommands(Map<String, Object> help) {
        assertEquals("help", help.get("type"), () -> "not a HELP reply: " + help);
        assertEquals("HELP", help.get("command"));
        return (List<Map<String, Object>>) help.get("commands");
    }

    @Test
    void helpListsTheCommandsSortedByVerb() {
        start();
        HarnessClient me = joined(1).get(0);

        me.send("HELP");

        List<Map<String, Object>> commands = helpCommands(me.takeJson());
        assertEquals(List.of("CHAT", "EXIT", "HELP", "HISTORY", "JOIN", "LIST", "LOGIN", "MEMBERS", "NAME", "PART", "PASSWORD", "PING", "POST", "REGISTER", "RESUME", "ROOMS", "SAY", "SESSION", "TIME"),
                commands.stream().map(m -> m.get("verb")).toList());
        for (Map<String, Object> command : commands) {
            assertEquals(List.of("verb", "usage", "description"), List.copyOf(command.keySet()),
                    () -> "fields of " + command);
            assertFalse(((String) command.get("description")).isBlank(), () -> "no description: " + command);
        }
    }

    @Test
    void helpIncludesTheServersOwnCommandsInOrderAndNotRemovedOnes() {
        start(ServerConfig.builder().command("ROLL", "ROLL <sides>", "Roll a die.", ctx -> Reply.ok())
                .command("ANNOUNCE", "ANNOUNCE <text>", "Tell everyone.", ctx -> Reply.ok())
                .removeCommand("time").build());
        HarnessClient me = joined(1).get(0);

        me.send("HELP");

        List<Map<String, Object>> commands = helpCommands(me.takeJson());
        assertEquals(List.of("ANNOUNCE", "CHAT", "EXIT", "HELP", "HISTORY", "JOIN", "LIST", "LOGIN", "MEMBERS", "NAME", "PART", "PASSWORD", "PING", "POST", "REGISTER", "RESUME", "ROLL", "ROOMS", "SAY", "SESSION"),
                commands.stream().map(m -> m.get("verb")).toList());
        Map<Object, Object> usages = commands.stream().collect(Collectors.toMap(m -> m.get("verb"), m -> m.get("usage")));
        assertEquals("ROLL <sides>", usages.get("ROLL"));
        me.send("TIME");
        assertError(me.takeJson(), "TIME", "unknown-command");
    }

    // ---------------------------------------------------------------- limits

    @Test
    void aClientThatLetsTooMuchPileUpIsCutAsASlowConsumer() {
        start(ServerConfig.builder().maxOutboundBytes(1024).build());
        HarnessClient slow = chat.connect(); // never reads
        HarnessClient talker = chat.connect();
        HarnessClient reader = chat.connect();
        talker.drain();
        reader.drain();
        String text = "x".repeat(20);

        List<Long> recipients = new ArrayList<>();
        List<String> readerLines = new ArrayList<>();
        List<String> talkerLines = new ArrayList<>();
        for (int i = 0; i < 100 && !slow.isClosed(); i++) {
            talker.send("SAY " + text);
            List<String> lines = talker.drain();
            talkerLines.addAll(lines);
            lines.stream().map(HarnessClient::json).filter(m -> "ok".equals(m.get("type")))
                    .forEach(m -> recipients.add((Long) m.get("recipients")));
            readerLines.addAll(reader.drain());
        }

        assertTrue(slow.isClosed(), "a client that never reads was not cut");
        assertEquals(LeaveReason.SLOW_CONSUMER, slow.closeReason().orElseThrow());
        assertTrue(recipients.size() >= 3, () -> "cut too early, after " + recipients.size() + " messages");
        assertEquals(2L, recipients.get(0));
        assertEquals(1L, recipients.get(recipients.size() - 1), "the last SAY reached the slow client");
        Map<String, Object> leave = Map.of("type", "leave", "client", client(slow), "reason", "slow-consumer");
        assertTrue(readerLines.stream().map(HarnessClient::json).anyMatch(leave::equals),
                () -> "the reader got no slow-consumer leave: " + readerLines);
        assertTrue(talkerLines.stream().map(HarnessClient::json).anyMatch(leave::equals),
                () -> "the talker got no slow-consumer leave: " + talkerLines);
        // The reader got every message: a client that does not read never affects the others.
        assertEquals(recipients.size(),
                readerLines.stream().map(HarnessClient::json).filter(m -> "message".equals(m.get("type"))).count());
        // ... each with the id of the talker's reply, in increasing order.
        List<Long> sent = talkerLines.stream().map(HarnessClient::json).filter(m -> "ok".equals(m.get("type")))
                .map(Json::replyId).toList();
        List<Long> read = readerLines.stream().map(HarnessClient::json).filter(m -> "message".equals(m.get("type")))
                .map(Json::messageId).toList();
        assertEquals(sent, read);
        for (int i = 1; i < read.size(); i++) {
            assertTrue(read.get(i - 1) < read.get(i), () -> "ids not increasing: " + read);
        }

        List<String> slowLines = slow.drain();
        assertTrue(slowLines.size() >= 3, () -> "slow got " + slowLines);
        assertEquals("welcome", HarnessClient.json(slowLines.get(0)).get("type"));
        assertFalse(types(slowLines).contains("bye"), "a slow consumer is cut without bye");
        assertTrue(slowLines.stream().mapToInt(l -> l.length() + 1).sum() <= 1024,
                () -> "more than maxOutboundBytes was queued for the slow client");
        assertEquals(List.of("c2", "c3"), chat.clients().stream().map(i -> i.id().value()).toList());
    }

    /**
     * {@code n} joined clients, each with exactly {@code limit - 10} bytes waiting: the next line of any
     * size cuts it; first in the list, the talker that filled them, whose leave notice will cut them.
     */
    private List<HarnessClient> brimming(int n, int limit) {
        HarnessClient talker = chat.connect();
        List<HarnessClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(chat.connect());
            if (i % 8 == 0) { // before anyone's join notices fill it
                talker.drain();
                clients.forEach(HarnessClient::drain);
            }
        }
        talker.drain();
        clients.forEach(HarnessClient::drain);
        for (HarnessClient c : clients) {
            talker.send("CHAT " + c.id() + " x");
            int oneLetter = c.take().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
            talker.send("CHAT " + c.id() + " " + "x".repeat(1 + limit - 10 - oneLetter));
            talker.drain();
        }
        // The talker's leave notice will be the last straw for each of them.
        clients.add(0, talker);
        return clients;
    }

    private void assertCascadeLeavesTheHubHealthy(int n) {
        int limit = 1024;
        start(ServerConfig.builder().maxOutboundBytes(limit).presenceLimit(1_000_000).maxClients(n + 10).build());
        List<HarnessClient> clients = brimming(n, limit);
        HarnessClient talker = clients.remove(0);

        // Each cut sends a leave notice to all the others still there: a chain of n cuts. On a thread of
        // its own: should the chain overflow the stack, that thread's line encoder would stay broken
        // (Wire.object's recovery runs out of stack too) and fail every later test on this one.
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                talker.disconnect();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "cascade");
        thread.start();
        try {
            thread.join(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertFalse(thread.isAlive(), "the cascade did not end");
        if (failure.get() != null) {
            throw new AssertionError("the hub failed in the cascade of " + n + " slow consumers", failure.get());
        }

        long cut = clients.stream().filter(c -> c.closeReason().orElse(null) == LeaveReason.SLOW_CONSUMER).count();
        assertEquals(n, cut, "every brimming client is cut by the notices");
        assertEquals(List.of(), chat.clients(), "nobody is left");
        HarnessClient fresh = chat.connect();
        assertEquals("welcome", fresh.takeJson().get("type"));
        fresh.send("LIST");
        assertEquals(List.of(fresh.id().value()), ((List<?>) fresh.takeType("clients").get("clients")).stream()
                .map(m -> ((Map<?, ?>) m).get("id")).toList());
    }

    @Test
    void aShortCascadeOfSlowConsumersLeavesTheHubHealthy() {
        assertCascadeLeavesTheHubHealthy(50);
    }

    /**
     * The TCP transport cuts an overflowing connection in a task of its own, not inside the send that
     * overflowed (see TcpConnection.overflowed and SlowConsumerCascadeTest): otherwise each cut sends its
     * leave notice from inside the previous one, one set of stack frames per client. HarnessClient did cut
     * itself inside {@code send}: at about 1,100 clients the stack overflowed, the StackOverflowError escaped
     * from {@code disconnect()} (or, inside a command, turned its reply into {@code internal-error}), clients
     * further down the chain stayed registered over their limit, those above it were removed without anyone
     * getting their leave notices, and the thread's line encoder was left broken. It now queues the cut after
     * the send (one after another on the same thread), and 3,000 cuts in a chain leave the hub healthy.
     */
    @Test
    void aLongCascadeOfSlowConsumersLeavesTheHubHealthy() {
        assertCascadeLeavesTheHubHealthy(3000);
    }

    @Test
    void attachingBeyondMaxClientsThrowsAndTellsNobody() {
        start(ServerConfig.builder().maxClients(2).build());
        List<HarnessClient> c = joined(2);

        assertThrows(IllegalStateException.class, chat::connect);
        assertThrows(IllegalStateException.class, chat::attach);

        assertNothingPending(c.get(0), c.get(1));
        assertEquals(2, chat.clients().size());

        c.get(1).send("EXIT");
        c.get(0).drain();
        HarnessClient third = chat.connect(); // a place is free again
        assertEquals("c3", third.takeJson().get("id"));
    }

    @Test
    void closingTheHarnessSaysByeServerShutdownToEveryClient() {
        start();
        List<HarnessClient> c = joined(3);
        HarnessClient pending = chat.attach();

        chat.close();

        for (HarnessClient each : List.of(c.get(0), c.get(1), c.get(2), pending)) {
            assertEquals(List.of(Map.of("type", "bye", "reason", "server-shutdown")),
                    each.drain().stream().map(HarnessClient::json).toList(), () -> "lines of " + each);
            assertEquals(LeaveReason.SERVER_SHUTDOWN, each.closeReason().orElseThrow());
            assertThrows(IllegalStateException.class, () -> each.send("PING"));
        }
        assertThrows(IllegalStateException.class, chat::connect);
    }

    // ---------------------------------------------------------------- too many errors

    @Test
    void unknownCommandsInARowCutTheClientAndACommandResetsTheStreak() {
        start(ServerConfig.builder().maxConsecutiveErrors(3).build());
        List<HarnessClient> c = joined(2);
        HarnessClient typo = c.get(0);

        typo.send("DANCE");
        typo.send("sing");
        typo.send("CHAT c9 a failing command still ends the streak");
        typo.send("DANCE");
        typo.send("DANCE");
        assertEquals(List.of("error", "error", "error", "error", "error"), types(typo.drain()));
        assertFalse(typo.isClosed(), "cut although a command ended the streak");

        typo.send("PING");
        typo.send("DANCE");
        typo.send("");       // blank lines are not errors...
        typo.send("   ");    // ...and do not end the streak either
        typo.send("DANCE");
        assertFalse(typo.isClosed());
        typo.send("DANCE");

        List<Map<String, Object>> lines = typo.drain().stream().map(HarnessClient::json).toList();
        assertEquals(List.of("pong", "error", "error", "error", "bye"),
                lines.stream().map(m -> m.get("type")).toList());
        assertError(lines.get(3), "DANCE", "unknown-command");
        assertEquals(Map.of("type", "bye", "reason", "too-many-errors"), lines.get(4));
        assertEquals(LeaveReason.TOO_MANY_ERRORS, typo.closeReason().orElseThrow());
        assertEquals(Map.of("type", "leave", "client", client(typo), "reason", "too-many-errors"),
                c.get(1).takeJson());
    }

    @Test
    void anUnknownVerbIsEchoedUpperCasedAndCut() {
        start();
        HarnessClient me = joined(1).get(0);

        me.send("dance the tarantella");
        Map<String, Object> error = me.takeJson();
        assertError(error, "DANCE", "unknown-command");

        me.send("x".repeat(40));
        assertError(me.takeJson(), "X".repeat(32) + "...", "unknown-command");
    }

    @Test
    void aCutVerbOrArgumentKeepsWholeCharacters() {
        // Found by CommandFuzzTest: a cut at a fixed number of chars went between the two halves of 😀 and sent the
        // first half alone, as the JSON escape \uD83D, which no UTF-8 text can hold.
        start();
        HarnessClient me = joined(1).get(0);

        me.send("x".repeat(31) + "😀y");
        assertError(me.takeJson(), "X".repeat(31) + "😀...", "unknown-command");

        me.send("RESUME " + "a".repeat(39) + "😀b 0");
        Map<String, Object> error = me.takeJson();
        assertError(error, "RESUME", "bad-arguments");
        assertTrue(((String) error.get("message")).contains("'" + "a".repeat(39) + "😀...'"), error::toString);
    }

    @Test
    void clientInfoFollowsTheClient() {
        start();
        HarnessClient me = chat.attach("198.51.100.7");
        me.join();
        me.send("NAME Zoë");

        ClientInfo info = me.info();
        assertEquals("Zoë", info.name());
        assertEquals("198.51.100.7", info.ip());
        assertEquals(info, chat.clients().get(0));
    }

    /**
     * A client is registered before its welcome is queued (so that a CHAT to its id finds it): a notice sent in
     * that window must not reach it ahead of the welcome. Here another client leaves exactly then, from inside the
     * joining peer's first send.
     */
    @Test
    void aNoticeSentWhileAClientIsBeingWelcomedNeverPrecedesItsWelcome() {
        start();
        HarnessClient leaving = chat.connect();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.aurachat.transport.Peer joining = new io.aurachat.transport.Peer() {
            @Override
            public String address() {
                return "192.0.2.200";
            }

            @Override
            public boolean send(byte[] line) {
                if (lines.isEmpty() && !leaving.isClosed()) {
                    leaving.disconnect(); // its leave notice goes out while the hub is queuing the welcome
                }
                lines.add(new String(line, java.nio.charset.StandardCharsets.UTF_8).strip());
                return true;
            }

            @Override
            public void close(LeaveReason reason, byte[] lastLine) {
            }
        };
        io.aurachat.transport.Connection connection = chat.server().attach(joining).orElseThrow();
        assertTrue(connection.join());
        assertTrue(leaving.isClosed());
        assertEquals(List.of("welcome"), types(lines), lines::toString);
    }
}
