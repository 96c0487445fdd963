package io.aurachat.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.testing.XmlLogs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/** The XML sink fed with events directly: format, schema, escaping, appending, locking, rollover. */
class XmlLogSinkTest {

    static final Instant T0 = Instant.parse("2026-11-21T08:15:02.318Z");

    @TempDir
    Path dir;

    static ClientInfo client(long n, String name) {
        return new ClientInfo(ClientId.of(n), name, "127.0.0." + n, T0);
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** One event of every kind LogEvent permits. */
    static List<LogEvent> everyKind() {
        ClientInfo mario = client(1, "Mario");
        return List.of(
                new LogEvent.ServerStarted(T0, "AuraChat", address("0.0.0.0", 5000)),
                new LogEvent.ClientConnected(T0.plusMillis(1), mario),
                new LogEvent.ConnectionRejected(T0.plusMillis(2), "10.0.0.9", LeaveReason.SERVER_FULL),
                new LogEvent.MessageSent(T0.plusMillis(3), mario, null, "hello all", 3),
                new LogEvent.MessageSent(T0.plusMillis(4), mario, ClientId.of(2), "psst", 1, 121611328413499392L),
                new LogEvent.CommandExecuted(T0.plusMillis(5), mario, "CHAT", "c2 psst", null),
                new LogEvent.CommandExecuted(T0.plusMillis(6), mario, "CHAT", "c9 anybody?", "no-such-client"),
                new LogEvent.CommandExecuted(T0.plusMillis(7), mario, "LIST", "", null),
                new LogEvent.ProtocolError(T0.plusMillis(8), mario, "unknown-command", "no command FOO"),
                new LogEvent.DiscoveryAnswered(T0.plusMillis(9), address("192.168.1.20", 40000), 64, 48),
                new LogEvent.DiscoveryIgnored(T0.plusMillis(10), address("fe80::1", 40001), 3, "too-small"),
                new LogEvent.EventsDropped(T0.plusMillis(11), 42),
                new LogEvent.RoomJoined(T0.plusMillis(12), mario, "Café"),
                new LogEvent.MessageSent(T0.plusMillis(12), mario, null, "in the room", 2, 121611328413499393L, "Café"),
                new LogEvent.RoomLeft(T0.plusMillis(12), mario, "Café", "part"),
                new LogEvent.ClientDisconnected(T0.plusMillis(12), mario.withName("Luigi"), LeaveReason.IDLE_TIMEOUT),
                new LogEvent.SessionDetached(T0.plusMillis(13), mario),
                new LogEvent.ClientDisconnected(T0.plusMillis(14), client(2, "c2"), LeaveReason.RESUMED),
                new LogEvent.SessionResumed(T0.plusMillis(14), new ClientInfo(ClientId.of(1), "Mario", "127.0.0.2", T0),
                        ClientId.of(2), 3, true),
                new LogEvent.SessionResumed(T0.plusMillis(14), mario, ClientId.of(3), 0, false),
                new LogEvent.ClientThrottled(T0.plusMillis(15), mario),
                new LogEvent.AccountRegistered(T0.plusMillis(14), mario.withAccount("mario", "Mario")),
                new LogEvent.LoggedIn(T0.plusMillis(14), mario.withAccount("mario", "Mario")),
                new LogEvent.LoginFailed(T0.plusMillis(14), mario, "luigi & co", "bad-credentials"),
                new LogEvent.PasswordChanged(T0.plusMillis(14), "mario", mario.withAccount("mario", "Mario")),
                new LogEvent.PasswordChanged(T0.plusMillis(14), "mario", null),
                new LogEvent.AccountRemoved(T0.plusMillis(14), "mario", 2),
                new LogEvent.ServerStopped(T0.plusMillis(15)));
    }

    XmlLogSink.Builder sink(Path file) {
        return XmlLogSink.builder(file).zone(ZoneOffset.UTC);
    }

    @Test
    void everyLeaveReasonIsValidInBothEventsThatCarryOne() throws IOException {
        Path file = dir.resolve("reasons.xml");
        try (XmlLogSink sink = XmlLogSink.builder(file).build()) {
            for (LeaveReason reason : LeaveReason.values()) {
                sink.log(new LogEvent.ClientDisconnected(T0, client(1, "Mario"), reason));
                sink.log(new LogEvent.ConnectionRejected(T0, "10.0.0.9", reason));
            }
        }
        XmlLogs.validate(file); // the schema's enumeration of reasons once lacked two of them
        assertEquals(2 * LeaveReason.values().length, XmlLogs.events(file).size());
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs({org.junit.jupiter.api.condition.OS.LINUX,
            org.junit.jupiter.api.condition.OS.MAC})
    void aNewFileAndItsRolledOverFilesAreReadableByTheOwnerOnlyAndAnExistingFileKeepsItsMode() throws IOException {
        Path file = dir.resolve("log.xml");
        try (XmlLogSink sink = sink(file).rolloverBytes(1024).build()) {
            for (int i = 0; i < 20; i++) {
                sink.log(new LogEvent.MessageSent(T0, client(1, "Mario"), ClientId.of(2), "private " + i, 1));
                sink.flush();
            }
        }
        assertTrue(Files.exists(dir.resolve("log-1.xml")), "rolled over");
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(p)), p.toString());
            }
        }
        Path theirs = dir.resolve("theirs.xml");
        Files.createFile(theirs, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----")));
        try (XmlLogSink sink = sink(theirs).build()) {
            sink.flush();
        }
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(theirs)));
    }

    @Test
    void theFileIsASchemaValidDocumentAfterEveryEventOfEveryKind() throws IOException {
        Path file = dir.resolve("util").resolve("log.xml");
        List<LogEvent> events = everyKind();
        try (XmlLogSink sink = sink(file).build()) {
            assertEquals(List.of(), XmlLogs.kinds(file), "a new log is an empty document");
            XmlLogs.validate(file);
            for (int i = 0; i < events.size(); i++) {
                sink.log(events.get(i));
                sink.flush();
                assertEquals(i + 1, XmlLogs.events(file).size(), "events after the write of event " + i);
                XmlLogs.validate(file);
            }
        }
        assertEquals(List.of("server-started", "client-connected", "connection-rejected", "message", "message",
                "command", "command", "command", "protocol-error", "discovery-answered", "discovery-ignored",
                "events-dropped", "room-joined", "message", "room-left", "client-disconnected", "session-detached",
                "client-disconnected", "session-resumed", "session-resumed", "client-throttled", "account-registered",
                "logged-in", "login-failed", "password-changed", "password-changed", "account-removed", "server-stopped"),
                XmlLogs.kinds(file));
        // Every record LogEvent permits has an element.
        assertEquals(LogEvent.class.getPermittedSubclasses().length,
                XmlLogs.kinds(file).stream().distinct().count());

        List<Element> e = XmlLogs.events(file);
        assertEquals(Map.of("time", "2026-11-21T08:15:02.318+00:00", "name", "AuraChat", "address", "0.0.0.0",
                "port", "5000"), attributes(e.get(0)));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.319+00:00", "client", "c1", "name", "Mario",
                "ip", "127.0.0.1"), attributes(e.get(1)));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.320+00:00", "ip", "10.0.0.9", "reason", "server-full"),
                attributes(e.get(2)));
        assertEquals("everyone", e.get(3).getAttribute("to"));
        assertEquals("3", e.get(3).getAttribute("recipients"));
        assertEquals("hello all", XmlLogs.child(e.get(3), "text"));
        assertFalse(e.get(3).hasAttribute("id"), "an event without an id (0) has no id attribute");
        assertEquals("c2", e.get(4).getAttribute("to"));
        assertEquals("121611328413499392", e.get(4).getAttribute("id"));
        assertEquals("CHAT", e.get(5).getAttribute("verb"));
        assertFalse(e.get(5).hasAttribute("error"));
        assertEquals("c2 psst", XmlLogs.child(e.get(5), "arguments"));
        assertEquals("no-such-client", e.get(6).getAttribute("error"));
        assertEquals(0, e.get(7).getChildNodes().getLength(), "no arguments, no child");
        assertEquals("unknown-command", e.get(8).getAttribute("code"));
        assertEquals("no command FOO", XmlLogs.child(e.get(8), "detail"));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.327+00:00", "ip", "192.168.1.20", "port", "40000",
                "probe-bytes", "64", "reply-bytes", "48"), attributes(e.get(9)));
        assertEquals("fe80:0:0:0:0:0:0:1", e.get(10).getAttribute("ip"));
        assertEquals("too-small", e.get(10).getAttribute("reason"));
        assertEquals("42", e.get(11).getAttribute("count"));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.330+00:00", "client", "c1", "name", "Mario",
                "ip", "127.0.0.1", "room", "Café"), attributes(e.get(12)));
        assertEquals("Café", e.get(13).getAttribute("room"));
        assertFalse(e.get(13).hasAttribute("to"), "a room's message has a room, not a to");
        assertEquals("in the room", XmlLogs.child(e.get(13), "text"));
        assertEquals("part", e.get(14).getAttribute("reason"));
        assertEquals("Café", e.get(14).getAttribute("room"));
        assertEquals("Luigi", e.get(15).getAttribute("name"));
        assertEquals("idle-timeout", e.get(15).getAttribute("reason"));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.331+00:00", "client", "c1", "name", "Mario",
                "ip", "127.0.0.1"), attributes(e.get(16)));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.332+00:00", "client", "c2", "name", "c2",
                "ip", "127.0.0.2", "reason", "resumed"), attributes(e.get(17)));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.332+00:00", "client", "c1", "name", "Mario",
                "ip", "127.0.0.2", "connection", "c2", "missed", "3", "recovered", "true"), attributes(e.get(18)));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.332+00:00", "client", "c1", "name", "Mario",
                "ip", "127.0.0.1", "connection", "c3", "missed", "0", "recovered", "false"), attributes(e.get(19)));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.333+00:00", "client", "c1", "name", "Mario",
                "ip", "127.0.0.1"), attributes(e.get(20)));
        assertEquals("client-throttled", e.get(20).getLocalName());
        Map<String, String> registered = Map.of("time", "2026-11-21T08:15:02.332+00:00", "client", "c1", "name",
                "Mario", "ip", "127.0.0.1", "account", "mario");
        assertEquals(registered, attributes(e.get(21)));
        assertEquals(registered, attributes(e.get(22)));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.332+00:00", "client", "c1", "name", "Mario",
                "ip", "127.0.0.1", "attempted", "luigi & co", "reason", "bad-credentials"), attributes(e.get(23)));
        assertEquals(registered, attributes(e.get(24)));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.332+00:00", "account", "mario"), attributes(e.get(25)));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.332+00:00", "account", "mario", "devices", "2"),
                attributes(e.get(26)));
        assertEquals(Map.of("time", "2026-11-21T08:15:02.333+00:00"), attributes(e.get(27)));
    }

    @Test
    void aMessageEventsIdIsZeroWithoutOneAndNeverNegative() {
        ClientInfo mario = client(1, "Mario");
        assertEquals(0, new LogEvent.MessageSent(T0, mario, null, "x", 1).id());
        assertEquals(new LogEvent.MessageSent(T0, mario, null, "x", 1, 0), new LogEvent.MessageSent(T0, mario, null, "x", 1));
        assertEquals(Long.MAX_VALUE, new LogEvent.MessageSent(T0, mario, null, "x", 1, Long.MAX_VALUE).id());
        assertThrows(IllegalArgumentException.class, () -> new LogEvent.MessageSent(T0, mario, null, "x", 1, -1));
    }

    @Test
    void oneEventPerLineBetweenTheHeaderAndTheClosingTag() throws IOException {
        Path file = dir.resolve("log.xml");
        try (XmlLogSink sink = sink(file).build()) {
            everyKind().forEach(sink::log);
        }
        List<String> lines = Files.readAllLines(file, UTF_8);
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", lines.get(0));
        assertEquals("<log xmlns=\"urn:aurachat:log\" version=\"1\">", lines.get(1));
        assertEquals("</log>", lines.get(lines.size() - 1));
        assertEquals(everyKind().size() + 3, lines.size());
        assertEquals("  <message time=\"2026-11-21T08:15:02.321+00:00\" client=\"c1\" name=\"Mario\" ip=\"127.0.0.1\""
                + " to=\"everyone\" recipients=\"3\"><text>hello all</text></message>", lines.get(5));
        assertEquals("  <message time=\"2026-11-21T08:15:02.322+00:00\" client=\"c1\" name=\"Mario\" ip=\"127.0.0.1\""
                + " to=\"c2\" recipients=\"1\" id=\"121611328413499392\"><text>psst</text></message>", lines.get(6));
    }

    @Test
    void timesCarryTheOffsetOfTheConfiguredZone() throws IOException {
        Path file = dir.resolve("log.xml");
        try (XmlLogSink sink = XmlLogSink.builder(file).zone(ZoneId.of("Europe/Rome")).build()) {
            sink.log(new LogEvent.ServerStopped(T0));
            sink.log(new LogEvent.ServerStopped(Instant.parse("2026-07-01T00:00:00Z")));
        }
        List<Element> e = XmlLogs.events(file);
        assertEquals("2026-11-21T09:15:02.318+01:00", e.get(0).getAttribute("time"));
        assertEquals("2026-07-01T02:00:00.000+02:00", e.get(1).getAttribute("time"));
        assertEquals(T0, java.time.OffsetDateTime.parse(e.get(0).getAttribute("time")).toInstant());
    }

    @Test
    void markupAndUnicodeAreWrittenVerbatimAndRoundTrip() throws IOException {
        Path file = dir.resolve("log.xml");
        List<String> texts = List.of(
                "<b>bold</b> & <i>'quoted'</i> \"double\"",
                "]]> <![CDATA[ x ]]> <!-- not a comment --> <?pi?> &amp; &#0; &lt;",
                "caffè, 日本語, emoji 😀 (a surrogate pair), \u007F DEL and \u0085 NEL",
                "back\\slash \\u0041 stays as typed",
                "   leading and trailing spaces   ",
                "");
        try (XmlLogSink sink = sink(file).build()) {
            for (String text : texts) {
                sink.log(new LogEvent.MessageSent(T0, client(1, "<&\"'>😀"), null, text, 0));
            }
        }
        XmlLogs.validate(file);
        List<Element> e = XmlLogs.events(file);
        for (int i = 0; i < texts.size(); i++) {
            assertFalse(e.get(i).hasAttribute("escaped"), "nothing to escape in " + texts.get(i));
            assertEquals(texts.get(i), XmlLogs.child(e.get(i), "text"));
            assertEquals("<&\"'>😀", e.get(i).getAttribute("name"));
        }
        String raw = Files.readString(file, UTF_8);
        assertFalse(raw.contains("<b>"), "markup in a message is escaped, not written as elements");
        assertFalse(raw.contains("]]>"), "not even a CDATA end");
    }

    @Test
    void controlCharactersAndUnpairedSurrogatesAreEscapedAndTheEventMarked() throws IOException {
        Path file = dir.resolve("log.xml");
        List<String> texts = new ArrayList<>();
        texts.add("nul\u0000 bell\u0007 esc\u001B[31m red");
        texts.add("tab\there, cr\r, lf\n, crlf\r\n");
        texts.add("not characters: \uFFFE \uFFFF");
        texts.add("lone high \uD83D, lone low \uDE00, reversed \uDE00\uD83D, pair \uD83D\uDE00");
        texts.add("a backslash \\ next to a control \u0001 and \\u0001 typed");
        StringBuilder everyControl = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            everyControl.append(c);
        }
        texts.add(everyControl.toString());
        try (XmlLogSink sink = sink(file).build()) {
            for (String text : texts) {
                sink.log(new LogEvent.MessageSent(T0, client(1, "Mario"), ClientId.of(2), text, 1));
            }
            sink.log(new LogEvent.ProtocolError(T0, client(3, "x\u0001y"), "bad\tcode", "detail\u0000"));
            sink.log(new LogEvent.CommandExecuted(T0, client(4, "Ann"), "SAY", "\u001B", "err\r"));
            sink.log(new LogEvent.DiscoveryIgnored(T0, address("127.0.0.1", 9), 0, "why\u0000"));
            sink.log(new LogEvent.ServerStarted(T0, "name\u0002", address("127.0.0.1", 9)));
        }
        XmlLogs.validate(file);
        List<String> lines = Files.readAllLines(file, UTF_8);
        assertEquals(texts.size() + 4 + 3, lines.size(), "still one event per line");

        List<Element> e = XmlLogs.events(file);
        for (int i = 0; i < texts.size(); i++) {
            assertEquals("true", e.get(i).getAttribute("escaped"));
            String written = XmlLogs.child(e.get(i), "text");
            assertTrue(written.chars().allMatch(c -> c >= 0x20 && !Character.isSurrogate((char) c)
                    || Character.isSurrogate((char) c) && written.contains("\uD83D\uDE00")), written);
            assertEquals(texts.get(i), XmlLogSink.unescape(written), "round trip of text " + i);
            assertEquals("Mario", XmlLogSink.unescape(e.get(i).getAttribute("name")));
        }
        assertEquals("nul\\u0000 bell\\u0007 esc\\u001B[31m red", XmlLogs.child(e.get(0), "text"));
        assertEquals("a backslash \\\\ next to a control \\u0001 and \\\\u0001 typed", XmlLogs.child(e.get(4), "text"));

        Element protocol = e.get(texts.size());
        assertEquals("true", protocol.getAttribute("escaped"));
        assertEquals("x\u0001y", XmlLogSink.unescape(protocol.getAttribute("name")));
        assertEquals("bad\tcode", XmlLogSink.unescape(protocol.getAttribute("code")));
        assertEquals("detail\u0000", XmlLogSink.unescape(XmlLogs.child(protocol, "detail")));
        Element command = e.get(texts.size() + 1);
        assertEquals("\u001B", XmlLogSink.unescape(XmlLogs.child(command, "arguments")));
        assertEquals("err\r", XmlLogSink.unescape(command.getAttribute("error")));
        assertEquals("why\u0000", XmlLogSink.unescape(e.get(texts.size() + 2).getAttribute("reason")));
        assertEquals("name\u0002", XmlLogSink.unescape(e.get(texts.size() + 3).getAttribute("name")));
    }

    @Test
    void timesAreRightOnEveryMillisecondAndAcrossAnOffsetChange() throws IOException {
        // The encoder formats each second once and writes the milliseconds itself: check both, and the second
        // in which Rome goes from +02:00 back to +01:00 (2026-10-25 01:00:00Z).
        Path file = dir.resolve("log.xml");
        Instant change = Instant.parse("2026-10-25T01:00:00Z");
        List<Instant> times = List.of(change.minusMillis(1), change, change.plusMillis(7), change.plusMillis(999),
                change.minusSeconds(3600).plusMillis(42), T0, T0.plusNanos(999_999), T0.plusMillis(682));
        try (XmlLogSink sink = XmlLogSink.builder(file).zone(ZoneId.of("Europe/Rome")).build()) {
            for (Instant t : times) {
                sink.log(new LogEvent.ServerStopped(t));
            }
        }
        List<String> written = XmlLogs.events(file).stream().map(e -> e.getAttribute("time")).toList();
        assertEquals(List.of("2026-10-25T02:59:59.999+02:00", "2026-10-25T02:00:00.000+01:00",
                "2026-10-25T02:00:00.007+01:00", "2026-10-25T02:00:00.999+01:00", "2026-10-25T02:00:00.042+02:00",
                "2026-11-21T09:15:02.318+01:00", "2026-11-21T09:15:02.318+01:00", "2026-11-21T09:15:03.000+01:00"),
                written);
    }

    @Test
    void anyStringInEveryFieldRoundTripsThroughTheFile() throws IOException {
        // Random strings over an alphabet of what needs care (markup, quotes, a CDATA end, backslashes, controls,
        // surrogates paired and not, non-characters, two- and three-byte UTF-8) in every string of two event kinds:
        // a real parser must read back exactly what was logged, after unescaping where the event is marked.
        java.util.Random random = new java.util.Random(11);
        String[] alphabet = {"a", "Z", " ", "<", ">", "&", "\"", "'", "]]>", "&amp;", "\\", "\\u0041", "\u0000", "\t",
                "\n", "\r", "\u001F", "\u007F", "é", "日", "\uD83D\uDE00", "\uD83D", "\uDE00", "\uFFFE", "\uFFFF",
                "\uFFFD", "\u2028"};
        List<String[]> cases = new ArrayList<>();
        for (int n = 0; n < 2000; n++) {
            String[] c = new String[3];
            for (int k = 0; k < c.length; k++) {
                StringBuilder b = new StringBuilder();
                for (int i = random.nextInt(8); i > 0; i--) {
                    b.append(alphabet[random.nextInt(alphabet.length)]);
                }
                c[k] = b.toString();
            }
            cases.add(c);
        }
        Path file = dir.resolve("log.xml");
        try (XmlLogSink sink = sink(file).build()) {
            for (String[] c : cases) {
                ClientInfo from = new ClientInfo(ClientId.of(1), c[0], "10.0.0.1", T0);
                sink.log(new LogEvent.MessageSent(T0, from, null, c[1], 2));
                sink.log(new LogEvent.CommandExecuted(T0, from, "SAY", c[1], c[2].isEmpty() ? null : c[2]));
            }
        }
        XmlLogs.validate(file);
        List<Element> e = XmlLogs.events(file);
        assertEquals(2 * cases.size(), e.size());
        for (int i = 0; i < cases.size(); i++) {
            String[] c = cases.get(i);
            Element message = e.get(2 * i);
            Element command = e.get(2 * i + 1);
            assertEquals(c[0], read(message, message.getAttribute("name")), "name " + i);
            assertEquals(c[1], read(message, XmlLogs.child(message, "text")), "text " + i);
            assertEquals(c[0], read(command, command.getAttribute("name")), "command name " + i);
            if (!c[1].isEmpty()) {
                assertEquals(c[1], read(command, XmlLogs.child(command, "arguments")), "arguments " + i);
            }
            if (!c[2].isEmpty()) {
                assertEquals(c[2], read(command, command.getAttribute("error")), "error " + i);
            }
        }
    }

    private static String read(Element event, String value) {
        return event.hasAttribute("escaped") ? XmlLogSink.unescape(value) : value;
    }

    @Test
    void escapingRoundTripsAnyString() {
        java.util.Random random = new java.util.Random(7);
        char[] alphabet = {'a', '\\', 'u', '0', 'F', '\u0000', '\n', '\r', '\t', '\u001F', ' ', '\uD83D', '\uDE00',
                '\uFFFE', '\uFFFF', 'é', '<', '&'};
        for (int n = 0; n < 5000; n++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                s.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String original = s.toString();
            String escaped = Escaping.escape(original);
            assertFalse(Escaping.needed(escaped), () -> "escaped form still needs escaping: " + escaped);
            assertEquals(original, XmlLogSink.unescape(escaped));
        }
        assertThrows(IllegalArgumentException.class, () -> XmlLogSink.unescape("dangling \\"));
        assertThrows(IllegalArgumentException.class, () -> XmlLogSink.unescape("\\u12"));
        assertThrows(IllegalArgumentException.class, () -> XmlLogSink.unescape("\\x"));
    }

    @Test
    void reopeningALogAppendsToIt() throws IOException {
        Path file = dir.resolve("log.xml");
        try (XmlLogSink sink = sink(file).build()) {
            sink.log(new LogEvent.ServerStarted(T0, "first", address("127.0.0.1", 1)));
            sink.log(new LogEvent.ServerStopped(T0));
        }
        try (XmlLogSink sink = sink(file).build()) {
            sink.log(new LogEvent.ServerStarted(T0, "second", address("127.0.0.1", 2)));
            sink.log(new LogEvent.ServerStopped(T0));
        }
        assertEquals(List.of("server-started", "server-stopped", "server-started", "server-stopped"), XmlLogs.kinds(file));
        assertEquals(List.of("first", "second"), XmlLogs.events(file).stream()
                .filter(e -> e.getLocalName().equals("server-started")).map(e -> e.getAttribute("name")).toList());
        XmlLogs.validate(file);
    }

    @Test
    void aFileThatIsNotAnAuraChatLogIsLeftAlone() throws IOException {
        Path file = dir.resolve("log.xml");
        byte[] foreign = "<?xml version=\"1.0\"?>\n<catalog><book/></catalog>\n".getBytes(UTF_8);
        Files.write(file, foreign);
        IOException e = assertThrows(IOException.class, () -> sink(file).build());
        assertTrue(e.getMessage().contains("is not an AuraChat XML log"), e.getMessage());
        assertArrayEquals(foreign, Files.readAllBytes(file));

        Files.write(file, new byte[] {'x'});
        assertThrows(IOException.class, () -> sink(file).build());
    }

    @Test
    void aFileHoldingPartOfTheHeaderIsStartedAgain() throws IOException {
        Path file = dir.resolve("log.xml");
        for (int cut = 0; cut <= XmlLogFile.HEADER.length; cut++) {
            Files.write(file, java.util.Arrays.copyOf(XmlLogFile.HEADER, cut));
            try (XmlLogSink sink = sink(file).build()) {
                sink.log(new LogEvent.ServerStopped(T0));
            }
            assertEquals(List.of("server-stopped"), XmlLogs.kinds(file), "header cut at " + cut);
        }
    }

    @Test
    void oneFileHasOneWriter() throws IOException {
        Path file = dir.resolve("log.xml");
        try (XmlLogSink sink = sink(file).build()) {
            IOException e = assertThrows(IOException.class, () -> sink(file).build());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
            sink.log(new LogEvent.ServerStopped(T0));
        }
        try (XmlLogSink again = sink(file).build()) {
            again.log(new LogEvent.ServerStopped(T0));
        }
        assertEquals(2, XmlLogs.events(file).size());
    }

    @Test
    void theBuilderRejectsValuesOutOfRange() {
        Path file = dir.resolve("log.xml");
        assertThrows(IllegalArgumentException.class, () -> XmlLogSink.builder(file).rolloverBytes(1023).build());
        assertThrows(IllegalArgumentException.class, () -> XmlLogSink.builder(file).rolloverBytes(-1).build());
        assertThrows(IllegalArgumentException.class, () -> XmlLogSink.builder(file).maxFiles(0).build());
        assertThrows(IllegalArgumentException.class, () -> XmlLogSink.builder(file).maxFiles(1001).build());
        assertThrows(IllegalArgumentException.class,
                () -> XmlLogSink.builder(file).forceInterval(Duration.ofMillis(-1)).build());
        assertThrows(IllegalArgumentException.class, () -> XmlLogSink.builder(file).zone(null).build());
        assertThrows(NullPointerException.class, () -> XmlLogSink.builder(null));
        assertFalse(Files.exists(file), "nothing is created before the settings are checked");
    }

    @Test
    void aClosedSinkRefusesEventsAndClosingTwiceIsHarmless() throws IOException {
        XmlLogSink sink = sink(dir.resolve("log.xml")).build();
        sink.close();
        sink.close();
        sink.flush();
        assertThrows(IllegalStateException.class, () -> sink.log(new LogEvent.ServerStopped(T0)));
    }

    @Test
    void byDefaultTheLogRollsOverAt64MiBSoItsDiskUseIsBounded() throws IOException {
        // With no rollover setting: 1 MiB events until more than 64 MiB were written. The file must have rolled
        // over, and neither file may be over the default limit.
        Path file = dir.resolve("log.xml");
        String mebibyte = "x".repeat(1 << 20);
        try (XmlLogSink sink = XmlLogSink.builder(file).zone(ZoneOffset.UTC).build()) {
            for (int i = 0; i < 66; i++) {
                sink.log(new LogEvent.MessageSent(T0, client(1, "Mario"), null, mebibyte, 1));
                sink.flush();
            }
        }
        assertEquals(64L << 20, XmlLogSink.DEFAULT_ROLLOVER_BYTES);
        assertTrue(Files.exists(dir.resolve("log-1.xml")), "rolled over by default");
        assertTrue(Files.size(dir.resolve("log-1.xml")) <= XmlLogSink.DEFAULT_ROLLOVER_BYTES);
        assertTrue(Files.size(file) <= XmlLogSink.DEFAULT_ROLLOVER_BYTES);
        assertEquals(66, XmlLogs.kinds(dir.resolve("log-1.xml")).size() + XmlLogs.kinds(file).size());
    }

    @Test
    void rolloverKeepsEveryFileCompleteAndUnderTheLimitAndDeletesTheOldest() throws IOException {
        Path file = dir.resolve("log.xml");
        int limit = 2048;
        int total = 200;
        try (XmlLogSink sink = sink(file).rolloverBytes(limit).maxFiles(3).build()) {
            for (int i = 0; i < total; i++) {
                sink.log(new LogEvent.MessageSent(T0, client(1, "Mario"), null, "message " + i, 1));
                if (i % 7 == 0) {
                    sink.flush(); // both paths: rollover inside a run and between runs
                }
            }
        }
        List<Path> files = List.of(dir.resolve("log-3.xml"), dir.resolve("log-2.xml"), dir.resolve("log-1.xml"), file);
        assertFalse(Files.exists(dir.resolve("log-4.xml")), "only maxFiles rolled files are kept");
        List<String> texts = new ArrayList<>();
        for (Path f : files) {
            assertTrue(Files.size(f) <= limit, f + " is " + Files.size(f) + " bytes");
            XmlLogs.validate(f);
            List<String> inFile = XmlLogs.events(f).stream().map(e -> XmlLogs.child(e, "text")).toList();
            assertFalse(inFile.isEmpty(), f + " is empty");
            texts.addAll(inFile);
        }
        // The four files hold the newest messages, contiguous and in order.
        int first = total - texts.size();
        assertEquals(IntStream.range(first, total).mapToObj(i -> "message " + i).toList(), texts);
        try (var listing = Files.list(dir)) {
            assertEquals(4, listing.count());
        }
    }

    @Test
    void anEventLargerThanTheLimitGetsAFileOfItsOwn() throws IOException {
        Path file = dir.resolve("audit");
        try (XmlLogSink sink = sink(file).rolloverBytes(1024).build()) {
            sink.log(new LogEvent.ServerStopped(T0));
            sink.log(new LogEvent.MessageSent(T0, client(1, "Mario"), null, "x".repeat(5000), 1));
            sink.log(new LogEvent.ServerStopped(T0));
        }
        assertEquals(List.of("server-stopped"), XmlLogs.kinds(dir.resolve("audit-2")));
        assertEquals(List.of("message"), XmlLogs.kinds(dir.resolve("audit-1")));
        assertEquals(List.of("server-stopped"), XmlLogs.kinds(file));
    }

    @Test
    void rolloverAlsoAppliesToALogThatWasAlreadyTooLarge() throws IOException {
        Path file = dir.resolve("log.xml");
        try (XmlLogSink sink = sink(file).build()) {
            for (int i = 0; i < 50; i++) {
                sink.log(new LogEvent.ServerStopped(T0));
            }
        }
        try (XmlLogSink sink = sink(file).rolloverBytes(1024).build()) {
            sink.log(new LogEvent.ServerStarted(T0, "next", address("127.0.0.1", 1)));
        }
        assertEquals(50, XmlLogs.events(dir.resolve("log-1.xml")).size());
        assertEquals(List.of("server-started"), XmlLogs.kinds(file));
    }

    static Map<String, String> attributes(Element e) {
        var attrs = e.getAttributes();
        return IntStream.range(0, attrs.getLength()).mapToObj(attrs::item)
                .collect(Collectors.toMap(org.w3c.dom.Node::getNodeName, org.w3c.dom.Node::getNodeValue));
    }
}
