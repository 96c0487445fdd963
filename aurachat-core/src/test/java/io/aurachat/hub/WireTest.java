package io.aurachat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.command.Reply;
import io.aurachat.history.MessageIds;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

class WireTest {
    private static final JsonFactory JSON = new JsonFactory();
    private static final ClientInfo MARIO =
            new ClientInfo(ClientId.of(1), "Mario", "192.168.1.20", Instant.parse("2026-11-21T08:00:00Z"));
    /** Sequence 0 of node 0 at 2026-12-02T14:00:00.123Z. */
    private static final long ID = 121611328413499392L;

    /** Parses one line into maps, lists, strings, longs, decimals, booleans and nulls. */
    static Object parse(byte[] line) {
        assertEquals('\n', line[line.length - 1], "a line ends with \\n");
        for (int i = 0; i < line.length - 1; i++) {
            assertFalse(line[i] == '\n' || line[i] == '\r', "no raw line break inside a line");
        }
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), line)) {
            Object value = read(p, p.nextToken());
            assertEquals(null, p.nextToken(), "exactly one JSON value per line");
            return value;
        }
    }

    private static Object read(JsonParser p, JsonToken t) {
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = p.currentName();
                    map.put(name, read(p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken item;
                while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(read(p, item));
                }
                return list;
            }
            case VALUE_STRING -> {
                return p.getString();
            }
            case VALUE_NUMBER_INT -> {
                return p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDecimalValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new AssertionError("unexpected token " + t);
        }
    }

    @Test
    void messageHasTheShapeSimpleClientsRead() {
        assertEquals(MessageIds.first(Instant.parse("2026-12-02T14:00:00.123Z").toEpochMilli(), 0), ID);
        Map<?, ?> message = (Map<?, ?>) parse(Wire.message(MARIO, ClientId.of(2), "Ciao", ID));
        assertEquals(Map.of("type", "message",
                        "from", Map.of("id", "c1", "name", "Mario", "ip", "192.168.1.20"),
                        "to", "c2", "id", "121611328413499392", "time", "2026-12-02T14:00:00.123Z",
                        "message", "Ciao"),
                message);
        assertEquals(List.of("type", "from", "to", "id", "time", "message"), List.copyOf(message.keySet()),
                "the id and time come after to");
        assertEquals("{\"type\":\"message\",\"from\":{\"id\":\"c1\",\"name\":\"Mario\",\"ip\":\"192.168.1.20\"},"
                        + "\"to\":\"c2\",\"id\":\"121611328413499392\",\"time\":\"2026-12-02T14:00:00.123Z\","
                        + "\"message\":\"Ciao\"}\n",
                new String(Wire.message(MARIO, ClientId.of(2), "Ciao", ID), StandardCharsets.UTF_8));
        assertEquals("*", ((Map<?, ?>) parse(Wire.message(MARIO, null, "x", ID))).get("to"));
    }

    @Test
    void aMessagesTimeIsItsIdsMillisecondWithThreeDigitsAlways() {
        long whole = MessageIds.first(Instant.parse("2026-12-02T14:00:00Z").toEpochMilli(), 0);
        assertEquals("2026-12-02T14:00:00.000Z", ((Map<?, ?>) parse(Wire.message(MARIO, null, "x", whole))).get("time"));
        long later = MessageIds.first(Instant.parse("2027-03-04T05:06:07.089Z").toEpochMilli(), 0) + 4095;
        Map<?, ?> message = (Map<?, ?>) parse(Wire.message(MARIO, null, "x", later));
        assertEquals(Long.toString(later), message.get("id"));
        assertEquals("2027-03-04T05:06:07.089Z", message.get("time"), "the sequence does not change the time");
        assertEquals(MessageIds.time(later), message.get("time"));
        long first = MessageIds.first(MessageIds.EPOCH.toEpochMilli(), 0) + 1; // the smallest id there is
        assertEquals("2026-01-01T00:00:00.000Z", ((Map<?, ?>) parse(Wire.message(MARIO, null, "x", first))).get("time"));
        assertEquals(Long.toString(Long.MAX_VALUE),
                ((Map<?, ?>) parse(Wire.message(MARIO, null, "x", Long.MAX_VALUE))).get("id"));
        assertEquals(MessageIds.time(Long.MAX_VALUE),
                ((Map<?, ?>) parse(Wire.message(MARIO, null, "x", Long.MAX_VALUE))).get("time"));
    }

    @Test
    void typeComesFirstSoLineOrientedToolsCanDispatchOnIt() {
        String line = new String(Wire.leave(MARIO, LeaveReason.IDLE_TIMEOUT), StandardCharsets.UTF_8);
        assertTrue(line.startsWith("{\"type\":\"leave\","), line);
    }

    @Test
    void escapesEverythingThatCouldBreakTheLineOrTheJson() {
        String nasty = "quote\" backslash\\ nl\n cr\r tab\t nul\u0000 esc\u001b del\u007f ls\u2028 ps\u2029 "
                + "emoji😀 </script> {\"type\":\"bye\"}";
        Map<?, ?> parsed = (Map<?, ?>) parse(Wire.message(MARIO.withName("Na\"me\n"), ClientId.of(2), nasty, ID));
        assertEquals(nasty, parsed.get("message"));
        assertEquals("121611328413499392", parsed.get("id"));
        assertEquals("Na\"me\n", ((Map<?, ?>) parsed.get("from")).get("name"));
    }

    @Test
    void writesUtf8() {
        byte[] line = Wire.message(MARIO, ClientId.of(2), "perché 李 😀", ID);
        String text = new String(line, StandardCharsets.UTF_8);
        assertTrue(text.contains("perché 李 😀"), text);
    }

    @Test
    void welcomeByeErrorJoinRename() {
        assertEquals(Map.of("type", "welcome", "id", "c1", "name", "Mario", "server", "Lab", "protocol", 2L,
                        "idleTimeoutSeconds", 120L, "maxLineLength", 4096L, "presenceLimit", 1000L),
                parse(Wire.welcome(MARIO, "Lab", Duration.ofMinutes(2), 4096, 1000)));
        assertEquals(1L, ((Map<?, ?>) parse(Wire.welcome(MARIO, "Lab", Duration.ofMillis(300), 64, 0)))
                .get("idleTimeoutSeconds"), "a sub-second timeout is rounded up, not announced as 0 (never)");
        assertEquals(Map.of("type", "bye", "reason", "slow-consumer"), parse(Wire.bye(LeaveReason.SLOW_CONSUMER)));
        assertEquals(Map.of("type", "error", "command", "CHAT", "code", "no-such-client", "message", "m"),
                parse(Wire.error("CHAT", "no-such-client", "m")));
        assertEquals(Map.of("type", "error", "code", "line-too-long", "message", "m"),
                parse(Wire.error(null, "line-too-long", "m")));
        assertEquals(Map.of("type", "join", "client", Map.of("id", "c1", "name", "Mario", "ip", "192.168.1.20")),
                parse(Wire.join(MARIO)));
        assertEquals("c1", ((Map<?, ?>) parse(Wire.rename(MARIO, "c1"))).get("previous"));
    }

    @Test
    void replyCarriesTypeCommandAndEveryFieldKind() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("text", "t");
        fields.put("n", 4);
        fields.put("big", 12345678901L);
        fields.put("dec", new BigDecimal("1.5"));
        fields.put("flag", true);
        fields.put("none", null);
        fields.put("when", Instant.parse("2026-01-02T03:04:05Z"));
        fields.put("who", ClientId.of(7));
        fields.put("client", MARIO);
        fields.put("list", List.of(1, "two", List.of()));
        fields.put("map", Map.of("k", "v"));
        Map<?, ?> parsed = (Map<?, ?>) parse(Wire.reply("ROLL", Reply.of("roll", fields)));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("type", "roll");
        expected.put("command", "ROLL");
        expected.put("text", "t");
        expected.put("n", 4L);
        expected.put("big", 12345678901L);
        expected.put("dec", new BigDecimal("1.5"));
        expected.put("flag", true);
        expected.put("none", null);
        expected.put("when", "2026-01-02T03:04:05Z");
        expected.put("who", "c7");
        expected.put("client", Map.of("id", "c1", "name", "Mario", "ip", "192.168.1.20",
                "connectedSince", "2026-11-21T08:00:00Z"));
        expected.put("list", List.of(1L, "two", List.of()));
        expected.put("map", Map.of("k", "v"));
        assertEquals(expected, parsed);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(parsed.keySet()), "field order is kept");
    }

    @Test
    void exitReplyIsABye() {
        assertEquals(Map.of("type", "bye", "command", "EXIT", "reason", "exit"), parse(Wire.reply("EXIT", Reply.exit())));
    }

    @Test
    void linesAreIndependentCopies() {
        byte[] a = Wire.bye(LeaveReason.EXIT);
        byte[] b = Wire.bye(LeaveReason.EXIT);
        assertTrue(Arrays.equals(a, b));
        assertFalse(a == b);
    }

    /** Random text that exercises every branch of the fast writer: ASCII, controls, quotes, 2-, 3- and 4-byte UTF-8, lone surrogates. */
    private static String randomText(java.util.Random random) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(40);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(9)) {
                case 0 -> sb.append((char) random.nextInt(0x20));
                case 1 -> sb.append("\"\\/".charAt(random.nextInt(3)));
                case 2 -> sb.append((char) (0x80 + random.nextInt(0x780)));
                case 3 -> sb.append((char) (0x800 + random.nextInt(0xD000)));
                case 4 -> sb.append((char) (0xE000 + random.nextInt(0x2000)));
                case 5 -> sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
                case 6 -> sb.append("\u2028\u2029\uFEFF\uFFFF\u007F".charAt(random.nextInt(5)));
                case 7 -> {
                    if (random.nextInt(20) == 0) {
                        sb.append((char) (0xD800 + random.nextInt(0x800))); // unpaired: the Jackson path
                    }
                }
                default -> sb.append((char) (0x20 + random.nextInt(0x60)));
            }
        }
        return sb.toString();
    }

    @Test
    void theFastMessageAndReplyLinesAreByteForByteWhatJacksonWrites() {
        java.util.Random random = new java.util.Random(20261121);
        for (int i = 0; i < 20_000; i++) {
            ClientInfo from = new ClientInfo(ClientId.of(1 + random.nextInt(1_000_000)), randomText(random),
                    randomText(random), Instant.EPOCH);
            ClientId to = random.nextBoolean() ? null : ClientId.of(1 + random.nextInt(1000));
            String text = randomText(random);
            // Any positive id: every millisecond of the 41 bits, and ids close together (the same second).
            long id = random.nextBoolean() ? 1 + (random.nextLong() & (Long.MAX_VALUE - 1))
                    : ID + random.nextLong(1L << (MessageIds.TIME_SHIFT + 12));
            assertEquals(new String(Wire.messageByJackson(from, to, text, id), StandardCharsets.UTF_8),
                    new String(Wire.message(from, to, text, id), StandardCharsets.UTF_8), () -> "text " + text.codePoints().boxed().toList());
            assertTrue(Arrays.equals(Wire.messageByJackson(from, to, text, id), Wire.message(from, to, text, id)));
            assertTrue(Arrays.equals(Wire.messageByJackson(from, to, text, id),
                    Wire.message(Wire.messagePrefix(from), from, to, null, text, id)), "the cached prefix's way too");
            String room = "Café-" + random.nextInt(100);
            assertEquals(new String(Wire.messageByJackson(from, null, room, text, id), StandardCharsets.UTF_8),
                    new String(Wire.message(Wire.messagePrefix(from), from, null, room, text, id), StandardCharsets.UTF_8),
                    "a room's message, the cached prefix's way and the general way");
            Map<?, ?> parsed = (Map<?, ?>) parse(Wire.message(from, to, text, id));
            assertEquals(Long.toString(id), parsed.get("id"));
            assertEquals(MessageIds.time(id), parsed.get("time"));

            Reply reply = Reply.of(random.nextBoolean() ? "ok" : "roll")
                    .with("to", ClientId.of(1 + random.nextInt(99)))
                    .with(random.nextBoolean() ? "text" : "n\"ame\u0001", randomText(random))
                    .with("count", random.nextInt())
                    .with("big", random.nextLong());
            assertTrue(Arrays.equals(Wire.replyByJackson("CHAT", reply), Wire.reply("CHAT", reply)),
                    () -> new String(Wire.reply("CHAT", reply), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aReplyWithNestedValuesStillGoesThroughJackson() {
        Reply reply = Reply.ok(Map.of("clients", List.of(MARIO)));
        assertTrue(Arrays.equals(Wire.replyByJackson("LIST", reply), Wire.reply("LIST", reply)));
        assertEquals("c1", ((Map<?, ?>) ((List<?>) ((Map<?, ?>) parse(Wire.reply("LIST", reply))).get("clients")).get(0)).get("id"));
    }
}
