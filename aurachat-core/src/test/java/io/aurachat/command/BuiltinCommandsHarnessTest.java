package io.aurachat.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.MessageIds;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.server.ServerConfig;
import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.HarnessClient;
import io.aurachat.testing.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
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
 * the example replies of its command table, line for line, and the usages of its first column. A message id in an
 * example stands for whatever id the server gives (ids come from the clock): the live line must have a valid id
 * there and be, but for it, the documented line exactly.
 */
class BuiltinCommandsHarnessTest {

    /** The instant and zone of PROTOCOL.md's TIME example. */
    private static final Instant NOW = Instant.parse("2026-11-21T08:15:02.318Z");
    private static final Clock ROME = Clock.fixed(NOW, ZoneId.of("Europe/Rome"));

    /** One row of PROTOCOL.md's command table: the usage and the first JSON example of its reply cell. */
    record Row(String usage, String reply) {}

    /** A message id or a message time as a line shows it. */
    private static final Pattern ID_OR_TIME = Pattern.compile("\"(id|time)\":\"([^\"]*)\"");

    private static List<String> lines;

    private static Map<String, Row> table;
    private static List<String> intro;

    private ChatHarness chat;

    @BeforeAll
    static void readProtocol() {
        Path doc = Stream.of(Path.of("PROTOCOL.md"), Path.of("..", "PROTOCOL.md"))
                .filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new AssertionError("PROTOCOL.md not found from " + Path.of("").toAbsolutePath()));
        try {
            lines = Files.readAllLines(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int from = lines.indexOf("## Client to server: commands");
        int to = lines.indexOf("### Names");
        assertTrue(from >= 0 && to > from, "PROTOCOL.md lost its command section");
        // The first cell is one usage, or the forms of one command (`HISTORY <target> LATEST [limit]`, `HISTORY ...`).
        // The reply cell starts with the reply, or with words about what comes before it (RESUME's missed messages).
        Pattern row = Pattern.compile("^\\| (`([A-Z]+)[^`]*`(?:, `[^`]*`)*) \\| [^`|]*`([^`]*)`.*\\|.*\\|$");
        table = new LinkedHashMap<>();
        for (String line : lines.subList(from, to)) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                table.put(m.group(2), new Row(usage(m.group(2), m.group(1)), m.group(3)));
            }
        }
        assertEquals(List.of("TIME", "EXIT", "CHAT", "SAY", "NAME", "LIST", "HELP", "PING", "HISTORY", "JOIN", "PART", "POST", "ROOMS", "MEMBERS",
                        "SESSION", "RESUME", "REGISTER", "LOGIN", "PASSWORD"),
                List.copyOf(table.keySet()), "PROTOCOL.md's command table");
        int fence = lines.indexOf("$ nc 127.0.0.1 5000");
        assertTrue(fence >= 0, "PROTOCOL.md lost its opening example");
        intro = lines.subList(fence + 1, lines.subList(fence, lines.size()).indexOf("```") + fence);
    }

    /**
     * The usage of a command-table cell: its one form, or its forms as one usage with {@code |} between the
     * alternatives after what they share ({@code HISTORY <target> LATEST [limit] | BEFORE <id> [limit] | ...}).
     */
    private static String usage(String verb, String cell) {
        List<String> forms = new ArrayList<>();
        Matcher span = Pattern.compile("`([^`]*)`").matcher(cell);
        while (span.find()) {
            forms.add(span.group(1));
        }
        for (String form : forms) {
            assertTrue(form.startsWith(verb + " ") || form.equals(verb), () -> "a form of another verb: " + cell);
        }
        if (forms.size() == 1) {
            return forms.get(0);
        }
        String shared = forms.get(0);
        for (String form : forms) {
            int n = 0;
            while (n < shared.length() && n < form.length() && shared.charAt(n) == form.charAt(n)) {
                n++;
            }
            shared = shared.substring(0, n);
        }
        shared = shared.substring(0, shared.lastIndexOf(' ') + 1); // whole words
        StringBuilder usage = new StringBuilder(shared);
        for (int i = 0; i < forms.size(); i++) {
            usage.append(i == 0 ? "" : " | ").append(forms.get(i).substring(shared.length()));
        }
        return usage.toString();
    }

    /**
     * Asserts that a live line is the documented one but for its message ids and times, which must be valid
     * ({@link Json#replyId}, and in a message {@link Json#messageId}: a time that is the id's millisecond); returns
     * the ids in the order the line has them.
     */
    private static List<Long> assertDocumentedButForIds(String documented, String live) {
        List<Long> ids = new ArrayList<>();
        checkIds(HarnessClient.json(live), ids);
        List<String> documentedValues = new ArrayList<>();
        Matcher d = ID_OR_TIME.matcher(documented);
        while (d.find()) {
            documentedValues.add(d.group(1) + " " + d.group(2));
        }
        // Each message id and time of the live line, in turn, put back to the documented value.
        StringBuilder rebuilt = new StringBuilder();
        Matcher l = ID_OR_TIME.matcher(live);
        int at = 0;
        int i = 0;
        while (l.find()) {
            String field = l.group(1);
            String value = l.group(2);
            boolean messageField = field.equals("time") || MessageIds.parse(value) > 0; // a client id is "c1"
            rebuilt.append(live, at, l.start());
            if (messageField && i < documentedValues.size() && documentedValues.get(i).startsWith(field + " ")) {
                rebuilt.append('"').append(field).append("\":\"")
                        .append(documentedValues.get(i).substring(field.length() + 1)).append('"');
            } else {
                rebuilt.append(l.group());
            }
            i++;
            at = l.end();
        }
        rebuilt.append(live.substring(at));
        assertEquals(documented, rebuilt.toString(), () -> "live line: " + live);
        return ids;
    }

    /** Checks every message id (and time) of a line, its own and its messages', in order. */
    @SuppressWarnings("unchecked")
    private static void checkIds(Map<String, Object> line, List<Long> ids) {
        switch ((String) line.get("type")) {
            case "message" -> ids.add(Json.messageId(line));
            case "ok" -> ids.add(Json.replyId(line));
            case "history" -> {
                for (Object message : (List<Object>) line.get("messages")) {
                    checkIds((Map<String, Object>) message, ids);
                }
            }
            default -> throw new AssertionError("a line with no message ids: " + line);
        }
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
        HarnessClient mario = chat.attach("127.0.0.1"); // the address of "$ nc 127.0.0.1 5000"
        assertTrue(mario.join());
        HarnessClient other1 = chat.connect();
        HarnessClient other2 = chat.connect();
        assertEquals(7, intro.size(), () -> "PROTOCOL.md's opening example: " + intro);
        assertEquals(List.of(
                "{\"type\":\"welcome\",\"id\":\"c1\",\"name\":\"c1\",\"server\":\"AuraChat\",\"protocol\":2,"
                        + "\"idleTimeoutSeconds\":120,\"maxLineLength\":4096,\"presenceLimit\":1000}",
                "NAME Mario",
                "{\"type\":\"ok\",\"command\":\"NAME\",\"name\":\"Mario\"}",
                "SAY Ciao a tutti",
                "HISTORY * LATEST 1"), List.of(intro.get(0), intro.get(1), intro.get(2), intro.get(3), intro.get(5)),
                "PROTOCOL.md's opening example");
        assertTrue(intro.get(4).startsWith("{\"type\":\"ok\",\"command\":\"SAY\",\"recipients\":2,\"id\":\""),
                () -> "the SAY reply of PROTOCOL.md's opening example: " + intro.get(4));
        assertTrue(intro.get(6).startsWith("{\"type\":\"history\",\"command\":\"HISTORY\",\"target\":\"*\","
                + "\"messages\":[{\"type\":\"message\""), () -> "the HISTORY reply of PROTOCOL.md's opening example: " + intro.get(6));

        assertEquals(intro.get(0), mario.take());
        mario.drain(); // the others' joins
        mario.send(intro.get(1).strip());
        assertEquals(intro.get(2), mario.take());
        mario.send(intro.get(3));
        long said = assertDocumentedButForIds(intro.get(4), mario.take()).get(0);
        Map<String, Object> message1 = other1.takeType("message");
        Map<String, Object> message2 = other2.takeType("message");
        assertEquals("Ciao a tutti", message1.get("message"));
        assertEquals("Ciao a tutti", message2.get("message"));
        assertEquals(said, Json.messageId(message1), "the SAY reply names the id the others saw");
        assertEquals(said, Json.messageId(message2), "the SAY reply names the id the others saw");
        mario.send(intro.get(5));
        String history = mario.take();
        assertEquals(List.of(said), assertDocumentedButForIds(intro.get(6), history));
        assertEquals(List.of(message1), HarnessClient.json(history).get("messages"),
                "the page holds the message exactly as its recipients got it");
    }

    /** PROTOCOL.md's example messages could have come from a server: each time is its id's millisecond. */
    @Test
    void theExampleTimesOfProtocolMdAreTheirIdsMilliseconds() {
        Pattern idAndTime = Pattern.compile("\"id\":\"([0-9]+)\",\"time\":\"([^\"]*)\"");
        List<String> wrong = new ArrayList<>();
        int examples = 0;
        for (String line : lines) {
            Matcher m = idAndTime.matcher(line);
            while (m.find()) {
                examples++;
                long id = MessageIds.parse(m.group(1));
                assertTrue(id > 0, () -> "not a message id: " + m.group(1));
                if (!MessageIds.time(id).equals(m.group(2))) {
                    wrong.add("id " + m.group(1) + " is of " + MessageIds.time(id) + ", not " + m.group(2));
                }
            }
        }
        assertTrue(examples >= 3, "PROTOCOL.md lost its example messages");
        assertEquals(List.of(), wrong, "PROTOCOL.md's example messages");
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

        long first = assertDocumentedButForIds(documented("CHAT"), c1.take()).get(0);
        Map<String, Object> message = c2.takeJson();
        assertEquals(Map.of("type", "message", "from", Map.of("id", "c1", "name", "c1", "ip", c1.info().ip()),
                "to", "c2", "message", "Ciao"), Json.withoutId(message));
        assertEquals(first, Json.messageId(message), "the recipient gets a message with that id");
        // The same reply again (the server may reuse its encoding): still the documented line, with the new id.
        c1.send("CHAT c2 Ciao di nuovo");
        long second = assertDocumentedButForIds(documented("CHAT"), c1.take()).get(0);
        assertEquals(second, Json.messageId(c2.takeJson()));
        assertTrue(first < second, () -> "ids grow: " + first + ", then " + second);
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

        long id = assertDocumentedButForIds(documented("SAY"), me.take()).get(0);
        Map<String, Object> expected = Map.of("type", "message",
                "from", Map.of("id", "c1", "name", "c1", "ip", me.info().ip()), "to", "*", "message", "Ciao");
        for (HarnessClient other : List.of(a, b)) {
            List<Map<String, Object>> got = other.drain().stream().map(HarnessClient::json).toList();
            assertEquals(List.of(expected), got.stream().map(Json::withoutId).toList());
            assertEquals(id, Json.messageId(got.get(0)), "every other client gets a message with that id");
        }
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

        for (String verb : List.of("CHAT", "SAY", "NAME", "HISTORY")) {
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
    void historyRepliesWithTheDocumentedShape() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();

        me.send("HISTORY * LATEST");

        assertTrue(documented("HISTORY").startsWith("{\"type\":\"history\",\"command\":\"HISTORY\",\"target\":\"*\","
                + "\"messages\":["), () -> "HISTORY in PROTOCOL.md: " + documented("HISTORY"));
        assertEquals("{\"type\":\"history\",\"command\":\"HISTORY\",\"target\":\"*\",\"messages\":[],\"more\":false}",
                me.take());
    }

    /** A session token: 128 bits in base64url without padding. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22}");

    /** A line with its {@code "session"} value put back to {@code documented}'s; the live value must be a token. */
    private static String withDocumentedSession(String documented, String live) {
        Matcher d = Pattern.compile("\"session\":\"([^\"]*)\"").matcher(documented);
        assertTrue(d.find(), () -> "no session in " + documented);
        Matcher l = Pattern.compile("\"session\":\"([^\"]*)\"").matcher(live);
        assertTrue(l.find(), () -> "no session in " + live);
        assertTrue(TOKEN.matcher(l.group(1)).matches(), () -> "not a session token: " + live);
        return live.substring(0, l.start(1)) + d.group(1) + live.substring(l.end(1));
    }

    @Test
    void sessionRepliesAsDocumented() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();

        me.send("SESSION");

        assertEquals(documented("SESSION"), withDocumentedSession(documented("SESSION"), me.take()));
    }

    @Test
    void resumeRepliesAsDocumentedAfterTheMessagesMissed() {
        start(ServerConfig.builder().build());
        List<HarnessClient> before = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            before.add(joined()); // c1 to c11, so that Mario is c12 as in the example
        }
        HarnessClient other = before.get(0);
        HarnessClient mario = joined();
        mario.send("NAME Mario");
        mario.takeType("ok");
        mario.send("JOIN lobby");
        mario.takeType("ok");
        other.send("JOIN lobby");
        other.takeType("ok");
        mario.send("SESSION");
        String token = (String) mario.takeType("session").get("session");
        mario.disconnect();
        other.drain();

        other.send("SAY one");
        other.takeType("ok");
        other.send("POST lobby two");
        other.takeType("ok");
        other.send("CHAT c12 three");
        other.takeType("ok");
        HarnessClient again = joined();
        assertEquals("c13", again.id().value());
        again.send("RESUME " + token + " 0");

        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            texts.add((String) again.takeType("message").get("message"));
        }
        assertEquals(List.of("one", "two", "three"), texts);
        assertEquals(documented("RESUME"), withDocumentedSession(documented("RESUME"), again.take()),
                "the documented reply, but for its token");
    }

    @Test
    void builtinCommandsAreTheDocumentedNineteen() {
        assertEquals(List.copyOf(table.keySet()), BuiltinCommands.all().stream().map(Command::verb).toList());
        for (Command command : BuiltinCommands.all()) {
            assertEquals(table.get(command.verb()).usage(), command.usage());
        }
    }
}
