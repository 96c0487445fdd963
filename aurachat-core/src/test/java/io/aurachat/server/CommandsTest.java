package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-in commands as a client sees them: CHAT, SAY, NAME, LIST, HELP, TIME, PING and the errors (HISTORY has
 * a test of its own).
 */
class CommandsTest {

    private static final Instant NOW = Instant.parse("2026-11-21T08:15:02.318Z");
    private static final Clock ROME = Clock.fixed(NOW, ZoneId.of("Europe/Rome"));

    @RegisterExtension
    final TestServer server = new TestServer();

    private static Map<String, Object> client(String id, String name) {
        return Map.of("id", id, "name", name, "ip", "127.0.0.1");
    }

    // ---- CHAT ----------------------------------------------------------------------------------

    @Test
    void chatDeliversAPrivateMessageAndConfirmsToTheSender() {
        server.start();
        List<RawClient> c = server.joinAll(3);
        String text = "Ciao,  \"Luigi\" \\ è 😀 ";

        c.get(0).send("CHAT c2 " + text);

        Json ok = c.get(0).takeType("ok");
        assertEquals(Map.of("type", "ok", "command", "CHAT", "to", "c2"), ok.withoutId());
        Json message = c.get(1).take();
        assertEquals(Map.of("type", "message", "from", client("c1", "c1"), "to", "c2", "message", text),
                message.withoutId());
        assertEquals(message.messageId(), ok.replyId(), "the reply names the id the recipient saw");
        c.get(0).assertNothingPending();
        c.get(1).assertNothingPending();
        c.get(2).assertNothingPending();
    }

    @Test
    void chatMayNameTheSenderItself() {
        server.start();
        RawClient me = server.join();

        me.send("CHAT c1 note to self");

        List<Json> lines = Stream.of(me.take(), me.take()).sorted(Comparator.comparing(Json::type)).toList();
        assertEquals(Map.of("type", "message", "from", client("c1", "c1"), "to", "c1", "message", "note to self"),
                lines.get(0).withoutId());
        assertEquals(Map.of("type", "ok", "command", "CHAT", "to", "c1"), lines.get(1).assertType("ok").withoutId());
        assertEquals(lines.get(0).messageId(), lines.get(1).replyId(), "the reply names the id of the message");
        me.assertNothingPending();
    }

    @Test
    void controlCharactersInAMessageArriveEscapedOnOneLine() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        String text = "tab\there bell\u0007 escape\u001b carriage\rreturn nul\u0000 del\u007f";

        c.get(0).send("CHAT c2 " + text);

        c.get(0).takeType("ok");
        assertEquals(text, c.get(1).takeType("message").str("message"));
    }

    @Test
    void chatToAnIdNobodyHasIsNoSuchClient() {
        server.start();
        List<RawClient> c = server.joinAll(2);

        c.get(0).send("CHAT c9 anybody there?");
        c.get(0).take().assertError("CHAT", "no-such-client");

        c.get(1).send("EXIT");
        c.get(1).takeType("bye");
        c.get(0).takeType("leave");
        c.get(0).send("CHAT c2 are you gone?");
        c.get(0).take().assertError("CHAT", "no-such-client");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CHAT", "CHAT c2", "CHAT c2 ", "CHAT bob hello", "CHAT c02 hello", "chat c0 hello",
            "SAY", "SAY    ", "say", "NAME", "NAME   "})
    void missingOrMalformedArgumentsAreBadArguments(String line) {
        server.start();
        List<RawClient> c = server.joinAll(2);

        c.get(0).send(line);

        c.get(0).take().assertError(line.strip().split(" ")[0].toUpperCase(Locale.ROOT), "bad-arguments");
        c.get(1).assertNothingPending();
    }

    // ---- verbs ---------------------------------------------------------------------------------

    @Test
    void anUnknownVerbIsUnknownCommandWithTheVerbUpperCased() {
        server.start();
        RawClient client = server.join();

        client.send("DANCE the tarantella");
        client.take().assertError("DANCE", "unknown-command");
        client.send("dance");
        client.take().assertError("DANCE", "unknown-command");
    }

    @Test
    void verbsAreCaseInsensitiveAndRepliesCarryThemUpperCase() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        RawClient me = c.get(0);

        for (String ping : List.of("ping", "Ping", "pInG", "PING")) {
            me.send(ping);
            assertEquals("PING", me.takeType("pong").str("command"));
        }
        me.send("time");
        assertEquals("TIME", me.takeType("time").str("command"));
        me.send("List");
        assertEquals("LIST", me.takeType("clients").str("command"));
        me.send("help");
        assertEquals("HELP", me.takeType("help").str("command"));
        me.send("name Anna");
        assertEquals("NAME", me.takeType("ok").str("command"));
        me.send("Say hi");
        Json said = me.takeType("ok");
        assertEquals("SAY", said.str("command"));
        me.send("chat c2 psst");
        Json chatted = me.takeType("ok");
        assertEquals("CHAT", chatted.str("command"));

        List<Json> got = c.get(1).sync();
        assertEquals(List.of("rename", "message", "message"), got.stream().map(Json::type).toList());
        assertEquals(List.of(said.replyId(), chatted.replyId()), List.of(got.get(1).messageId(), got.get(2).messageId()));
        assertTrue(said.replyId() < chatted.replyId(), () -> "ids grow: " + got);
    }

    @Test
    void argumentsAreTakenAsSentAfterTheSpacesThatFollowTheVerb() {
        server.start();
        List<RawClient> c = server.joinAll(2);

        c.get(0).send("SAY     hello   world  ");

        c.get(0).takeType("ok");
        assertEquals("hello   world  ", c.get(1).takeType("message").str("message"));
    }

    // ---- SAY -----------------------------------------------------------------------------------

    @Test
    void sayReachesEveryoneElseButNotTheSender() {
        server.start();
        List<RawClient> c = server.joinAll(3);

        c.get(0).send("SAY Ciao a tutti");

        Json ok = c.get(0).takeType("ok");
        assertEquals(Map.of("type", "ok", "command", "SAY", "recipients", 2L), ok.withoutId());
        Map<String, Object> expected =
                Map.of("type", "message", "from", client("c1", "c1"), "to", "*", "message", "Ciao a tutti");
        for (RawClient other : c.subList(1, 3)) {
            Json message = other.take();
            assertEquals(expected, message.withoutId());
            assertEquals(ok.replyId(), message.messageId(), "every recipient sees the id of the sender's reply");
        }
        c.get(0).assertNothingPending();
    }

    @Test
    void sayWithNobodyElseSucceedsWithNoRecipients() {
        server.start();
        RawClient alone = server.join();

        alone.send("SAY anyone?");

        Json ok = alone.takeType("ok");
        assertEquals(Map.of("type", "ok", "command", "SAY", "recipients", 0L), ok.withoutId());
        ok.replyId(); // it has an id all the same: the message is kept for HISTORY
        alone.assertNothingPending();
    }

    // ---- NAME ----------------------------------------------------------------------------------

    @Test
    void nameSetsTheNameAndTellsEveryoneElse() {
        server.start();
        List<RawClient> c = server.joinAll(3);

        c.get(0).send("NAME Mario");

        Json ok = c.get(0).takeType("ok");
        assertEquals("NAME", ok.str("command"));
        assertEquals("Mario", ok.str("name"));
        for (RawClient other : c.subList(1, 3)) {
            Json rename = other.takeType("rename");
            assertEquals(client("c1", "Mario"), rename.obj("client").map());
            assertEquals("c1", rename.str("previous"));
        }
        c.get(0).assertNothingPending();

        c.get(0).send("NAME Luigi");
        c.get(0).takeType("ok");
        assertEquals("Mario", c.get(1).takeType("rename").str("previous"));
        c.get(0).send("SAY it's me");
        c.get(0).takeType("ok");
        assertEquals(client("c1", "Luigi"), c.get(1).takeType("message").obj("from").map());
    }

    @Test
    void namesAreUniqueIgnoringCaseAmongConnectedClients() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        c.get(0).send("NAME Mario");
        c.get(0).takeType("ok");
        c.get(1).takeType("rename");

        for (String taken : List.of("Mario", "mario", "MARIO")) {
            c.get(1).send("NAME " + taken);
            c.get(1).take().assertError("NAME", "name-taken");
        }
        c.get(0).assertNothingPending();

        c.get(0).send("NAME Mario");
        assertEquals("Mario", c.get(0).takeType("ok").str("name"));

        c.get(0).send("EXIT");
        c.get(0).takeType("bye");
        Json next = c.get(1).take();
        if (next.type().equals("rename")) {
            next = c.get(1).take(); // whether re-setting a name tells the others is not specified
        }
        next.assertType("leave");
        c.get(1).send("NAME mario");
        assertEquals("mario", c.get(1).takeType("ok").str("name"));
    }

    static Stream<Arguments> badNames() {
        return Stream.of(
                Arguments.of("33 characters", "x".repeat(33)),
                Arguments.of("33 code points", "😀".repeat(33)),
                Arguments.of("a trailing space", "Mario "),
                Arguments.of("a control character", "Ma\u0007rio"),
                Arguments.of("a tab", "Ma\trio"),
                Arguments.of("a zero-width space", "Ma\u200Brio"),
                Arguments.of("a right-to-left override", "\u202Eoiram"),
                Arguments.of("a soft hyphen", "Ma\u00ADrio"),
                Arguments.of("an id", "c5"),
                Arguments.of("an id in upper case", "C12"),
                Arguments.of("an id with leading zeros", "c007"),
                Arguments.of("c0", "c0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNames")
    void aNameThatBreaksTheRulesIsBadName(String why, String name) {
        server.start();
        List<RawClient> c = server.joinAll(2);

        c.get(0).send("NAME " + name);

        c.get(0).take().assertError("NAME", "bad-name");
        c.get(1).assertNothingPending();
        c.get(0).send("LIST");
        assertEquals("c1", c.get(0).takeType("clients").objs("clients").get(0).str("name"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "Mario Rossi", "Zoë", "c3po", "Carlo", "ネコ"})
    void namesWithinTheRulesAreAccepted(String name) {
        server.start();
        RawClient client = server.join();

        client.send("NAME " + name);

        assertEquals(name, client.takeType("ok").str("name"));
    }

    @Test
    void nameLengthIsCountedInCodePoints() {
        server.start();
        RawClient client = server.join();
        String name = "😀".repeat(32);

        client.send("NAME " + name);

        assertEquals(name, client.takeType("ok").str("name"));
    }

    // ---- LIST, HELP, TIME, PING ----------------------------------------------------------------

    @Test
    void listShowsEveryConnectedClientInConnectionOrder() {
        server.start(b -> b.clock(ROME));
        List<RawClient> c = server.joinAll(3);
        c.get(1).send("NAME Bob");
        c.get(1).takeType("ok");
        c.get(0).takeType("rename");
        c.get(2).takeType("rename");

        c.get(2).send("LIST");

        Json list = c.get(2).takeType("clients");
        assertEquals("LIST", list.str("command"));
        List<Json> clients = list.objs("clients");
        assertEquals(List.of("c1", "c2", "c3"), clients.stream().map(j -> j.str("id")).toList());
        assertEquals(List.of("c1", "Bob", "c3"), clients.stream().map(j -> j.str("name")).toList());
        for (Json each : clients) {
            assertEquals("127.0.0.1", each.str("ip"));
            assertTrue(each.str("connectedSince").endsWith("Z"), () -> "not a UTC instant: " + each);
            assertEquals(NOW, Instant.parse(each.str("connectedSince")));
        }

        c.get(0).send("EXIT");
        c.get(0).takeType("bye");
        c.get(1).takeType("leave");
        c.get(1).send("LIST");
        assertEquals(List.of("c2", "c3"),
                c.get(1).takeType("clients").objs("clients").stream().map(j -> j.str("id")).toList());
    }

    @Test
    void helpListsTheBuiltInCommandsSortedByVerb() {
        server.start();
        RawClient client = server.join();

        client.send("HELP");

        Json help = client.takeType("help");
        List<Json> commands = help.objs("commands");
        assertEquals(List.of("CHAT", "EXIT", "HELP", "HISTORY", "JOIN", "LIST", "LOGIN", "MEMBERS", "NAME", "PART", "PASSWORD", "PING", "POST", "REGISTER", "RESUME", "ROOMS", "SAY", "SESSION", "TIME"),
                commands.stream().map(j -> j.str("verb")).toList());
        for (Json command : commands) {
            assertFalse(command.str("usage").isBlank(), () -> "no usage: " + command);
            assertFalse(command.str("description").isBlank(), () -> "no description: " + command);
        }
        assertEquals("CHAT <id> <text>", commands.get(0).str("usage"));
    }

    @Test
    void timeTellsTheServerClocksTimeAndZone() {
        server.start(b -> b.clock(ROME));
        RawClient client = server.join();

        client.send("TIME");

        Json time = client.takeType("time");
        assertEquals("TIME", time.str("command"));
        assertEquals("2026-11-21T09:15:02.318+01:00", time.str("time"));
        assertEquals(NOW.toEpochMilli(), time.num("epochMillis"));
        assertEquals("Europe/Rome", time.str("zone"));
    }

    @Test
    void pingIsAnsweredWithPong() {
        server.start();
        RawClient client = server.join();

        client.send("PING");

        assertEquals("PING", client.takeType("pong").str("command"));
    }
}
