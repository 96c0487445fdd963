package io.aurachat.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.LeaveReason;
import io.aurachat.server.ServerConfig;
import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.HarnessClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in commands' replies, run through the in-memory harness, compared with what PROTOCOL.md shows:
 * the example replies of its command table, line for line, and the usages of its first column.
 */
class BuiltinCommandsHarnessTest {

    /** The instant and zone of PROTOCOL.md's TIME example. */
    private static final Instant NOW = Instant.parse("2026-11-21T08:15:02.318Z");
    private static final Clock ROME = Clock.fixed(NOW, ZoneId.of("Europe/Rome"));

    /** One row of PROTOCOL.md's command table: the usage and the first JSON example of its reply cell. */
    record Row(String usage, String reply) {}

    private static Map<String, Row> table;
    private static List<String> intro;

    private ChatHarness chat;

    @BeforeAll
    static void readProtocol() {
        Path doc = Stream.of(Path.of("PROTOCOL.md"), Path.of("..", "PROTOCOL.md"))
                .filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new AssertionError("PROTOCOL.md not found from " + Path.of("").toAbsolutePath()));
        List<String> lines;
        try {
            lines = Files.readAllLines(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int from = lines.indexOf("## Client to server: commands");
        int to = lines.indexOf("### Names");
        assertTrue(from >= 0 && to > from, "PROTOCOL.md lost its command section");
        Pattern row = Pattern.compile("^\\| `(([A-Z]+)[^`]*)` \\| `([^`]*)`.*\\|.*\\|$");
        table = new LinkedHashMap<>();
        for (String line : lines.subList(from, to)) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                table.put(m.group(2), new Row(m.group(1), m.group(3)));
            }
        }
        assertEquals(List.of("TIME", "EXIT", "CHAT", "SAY", "NAME", "LIST", "HELP", "PING"), List.copyOf(table.keySet()),
                "PROTOCOL.md's command table");
        int fence = lines.indexOf("$ nc 127.0.0.1 5000");
        assertTrue(fence >= 0, "PROTOCOL.md lost its opening example");
        intro = lines.subList(fence + 1, lines.subList(fence, lines.size()).indexOf("```") + fence);
    }

    @AfterEach
    void close() {
        if (chat != null) {
            chat.close();
        }
    }

    private ChatHarness start(ServerConfig config) {
        chat = ChatHarness.start(config);
        return chat;
    }

    private HarnessClient joined() {
        HarnessClient c = chat.connect();
        c.takeType("welcome");
        return c;
    }

    /** The reply PROTOCOL.md shows for a verb, exactly as written. */
    private static String documented(String verb) {
        Row row = table.get(verb);
        assertNotNull(row, () -> "PROTOCOL.md has no row for " + verb);
        return row.reply();
    }

    @Test
    void theOpeningExampleOfProtocolMdPlaysOutAsShown() {
        start(ServerConfig.builder().build());
        HarnessClient mario = chat.connect();
        HarnessClient other1 = chat.connect();
        HarnessClient other2 = chat.connect();
        assertEquals(List.of(
                "{\"type\":\"welcome\",\"id\":\"c1\",\"name\":\"c1\",\"server\":\"AuraChat\",\"protocol\":1,"
                        + "\"idleTimeoutSeconds\":120,\"maxLineLength\":4096,\"presenceLimit\":1000}",
                "NAME Mario",
                "{\"type\":\"ok\",\"command\":\"NAME\",\"name\":\"Mario\"}",
                "SAY Ciao a tutti",
                "{\"type\":\"ok\",\"command\":\"SAY\",\"recipients\":2}"), intro, "PROTOCOL.md's opening example");

        assertEquals(intro.get(0), mario.take());
        mario.drain(); // the others' joins
        mario.send(intro.get(1).strip());
        assertEquals(intro.get(2), mario.take());
        mario.send(intro.get(3));
        assertEquals(intro.get(4), mario.take());
        assertEquals("Ciao a tutti", other1.takeType("message").get("message"));
        assertEquals("Ciao a tutti", other2.takeType("message").get("message"));
    }

    @Test
    void timeRepliesAsDocumented() {
        start(ServerConfig.builder().clock(ROME).build());
        HarnessClient me = joined();

        me.send("TIME");

        String line = me.take();
        assertEquals(documented("TIME"), line);
        Map<String, Object> time = HarnessClient.json(line);
        assertEquals("2026-11-21T09:15:02.318+01:00", time.get("time"));
        assertEquals(NOW.toEpochMilli(), time.get("epochMillis"));
        assertEquals("Europe/Rome", time.get("zone"));
    }

    @Test
    void timeFollowsTheClocksZoneAndTruncatesToMillis() {
        start(ServerConfig.builder()
                .clock(Clock.fixed(Instant.parse("2026-06-01T12:00:00.123456789Z"), ZoneId.of("UTC"))).build());
        HarnessClient me = joined();

        me.send("TIME");

        Map<String, Object> time = me.takeJson();
        assertEquals(Instant.parse("2026-06-01T12:00:00.123Z").toEpochMilli(), time.get("epochMillis"));
        assertEquals("UTC", time.get("zone"));
        assertTrue(((String) time.get("time")).startsWith("2026-06-01T12:00:00.123"), () -> "time: " + time);
    }

    @Test
    void exitRepliesByeExitThenTheClientIsClosed() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();
        HarnessClient watcher = joined();
        me.drain();

        me.send("EXIT");

        assertEquals(List.of(documented("EXIT")), me.drain());
        assertTrue(me.isClosed());
        assertEquals(LeaveReason.EXIT, me.closeReason().orElseThrow());
        assertFalse(me.isJoined());
        assertThrows(IllegalStateException.class, () -> me.send("PING"));
        Map<String, Object> leave = watcher.takeJson();
        assertEquals("leave", leave.get("type"));
        assertEquals("exit", leave.get("reason"));
        assertEquals(List.of(), me.drain(), "nothing follows bye");
    }

    @Test
    void chatRepliesAsDocumented() {
        start(ServerConfig.builder().build());
        HarnessClient c1 = joined();
        HarnessClient c2 = joined();
        c1.drain();

        c1.send("CHAT c2 Ciao");

        assertEquals(documented("CHAT"), c1.take());
        assertEquals(Map.of("type", "message", "from", Map.of("id", "c1", "name", "c1", "ip", c1.info().ip()),
                "to", "c2", "message", "Ciao"), c2.takeJson());
        // The same reply again (the server may reuse its encoding): still the documented line.
        c1.send("CHAT c2 Ciao di nuovo");
        assertEquals(documented("CHAT"), c1.take());
    }

    @Test
    void theErrorExampleOfProtocolMdIsWhatChatToAnUnknownIdGets() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();

        me.send("CHAT c9 hello");

        assertEquals("{\"type\":\"error\",\"command\":\"CHAT\",\"code\":\"no-such-client\","
                + "\"message\":\"no client with id c9 is connected\"}", me.take());
    }

    @Test
    void sayRepliesAsDocumented() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();
        HarnessClient a = joined();
        HarnessClient b = joined();
        me.drain();
        a.drain();

        me.send("SAY Ciao");

        assertEquals(documented("SAY"), me.take());
        Map<String, Object> expected = Map.of("type", "message",
                "from", Map.of("id", "c1", "name", "c1", "ip", me.info().ip()), "to", "*", "message", "Ciao");
        assertEquals(List.of(expected), a.drain().stream().map(HarnessClient::json).toList());
        assertEquals(List.of(expected), b.drain().stream().map(HarnessClient::json).toList());
    }

    @Test
    void nameRepliesAsDocumented() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();
        HarnessClient other = joined();
        me.drain();

        me.send("NAME Mario");

        assertEquals(documented("NAME"), me.take());
        assertEquals(Map.of("type", "rename", "client", Map.of("id", "c1", "name", "Mario", "ip", me.info().ip()),
                "previous", "c1"), other.takeJson());
    }

    @Test
    void pingRepliesAsDocumented() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();

        me.send("PING");

        assertEquals(documented("PING"), me.take());
    }

    @Test
    void listRepliesWithTheDocumentedShape() {
        start(ServerConfig.builder().clock(ROME).build());
        HarnessClient me = joined();

        me.send("LIST");

        String line = me.take();
        assertTrue(documented("LIST").startsWith("{\"type\":\"clients\",\"command\":\"LIST\",\"clients\":["));
        assertEquals("{\"type\":\"clients\",\"command\":\"LIST\",\"clients\":[{\"id\":\"c1\",\"name\":\"c1\",\"ip\":\""
                + me.info().ip() + "\",\"connectedSince\":\"2026-11-21T08:15:02.318Z\"}]}", line);
    }

    @Test
    void helpShowsTheUsagesOfProtocolMdsTable() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();

        me.send("HELP");

        String line = me.take();
        assertTrue(line.startsWith("{\"type\":\"help\",\"command\":\"HELP\",\"commands\":[{\"verb\":\"CHAT\","
                + "\"usage\":\"CHAT <id> <text>\",\"description\":\""), () -> "HELP: " + line);
        List<?> commands = (List<?>) HarnessClient.json(line).get("commands");
        Map<String, String> usages = new LinkedHashMap<>();
        for (Object each : commands) {
            Map<?, ?> command = (Map<?, ?>) each;
            usages.put((String) command.get("verb"), (String) command.get("usage"));
        }
        Map<String, String> documented = new LinkedHashMap<>();
        table.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> documented.put(e.getKey(), e.getValue().usage()));
        assertEquals(documented, usages);
        assertEquals(List.copyOf(documented.keySet()), List.copyOf(usages.keySet()), "HELP is sorted by verb");
    }

    @Test
    void theBadArgumentsUsagesAreTheDocumentedOnes() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();

        for (String verb : List.of("CHAT", "SAY", "NAME")) {
            me.send(verb);
            Map<String, Object> error = me.takeJson();
            assertEquals("bad-arguments", error.get("code"));
            assertEquals("usage: " + table.get(verb).usage(), error.get("message"));
        }
    }

    @Test
    void builtinCommandsAreOrdinaryCommandsAServerMayReplace() {
        start(ServerConfig.builder()
                .command(new Command("PING", "PING", "Answer in Italian.", ctx -> Reply.ok("pronto"))).build());
        HarnessClient me = joined();

        me.send("PING");

        assertEquals(Map.of("type", "ok", "command", "PING", "text", "pronto"), me.takeJson());
    }

    @Test
    void builtinCommandsAreTheDocumentedEight() {
        assertEquals(List.copyOf(table.keySet()), BuiltinCommands.all().stream().map(Command::verb).toList());
        for (Command command : BuiltinCommands.all()) {
            assertEquals(table.get(command.verb()).usage(), command.usage());
        }
    }
}
