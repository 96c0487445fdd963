package io.aurachat.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Both codecs on in-memory buffers: framing, frames split anywhere, and what each line or frame means. */
class CodecTest {

    private final SocketChannel unconnected;
    private final Client client;

    CodecTest() throws IOException {
        unconnected = SocketChannel.open();
        client = new Client(3, null, unconnected, 512, "c3".getBytes(StandardCharsets.US_ASCII));
    }

    @AfterEach
    void close() throws IOException {
        unconnected.close();
    }

    private static String payload(int from, int to, long seq) {
        ByteBuffer b = ByteBuffer.allocate(Payload.SIZE);
        Payload.write(b, from, to, seq, 99);
        return new String(b.array(), StandardCharsets.US_ASCII);
    }

    /** Feeds {@code stream} cut at every possible point, keeping the undecoded tail as the event loop does. */
    private List<String> decodeSplit(Codec codec, String stream, int cut) {
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        RecordingEvents events = new RecordingEvents();
        ByteBuffer in = ByteBuffer.allocateDirect(bytes.length + 16);
        byte[] carry = new byte[0];
        for (int[] part : new int[][] {{0, cut}, {cut, bytes.length}}) {
            in.clear();
            in.put(carry).put(bytes, part[0], part[1] - part[0]);
            int end = in.position();
            int done = codec.decode(in, 0, end, client, events);
            carry = new byte[end - done];
            in.get(done, carry);
        }
        assertEquals(0, carry.length, "left over");
        return events.events;
    }

    private void assertEverySplit(Codec codec, String stream, List<String> expected) {
        for (int cut = 0; cut <= stream.length(); cut++) {
            assertEquals(expected, decodeSplit(codec, stream, cut), "cut at " + cut);
        }
    }

    @Test
    void auraChatLines() {
        String stream = "{\"type\":\"welcome\",\"id\":\"c17\",\"name\":\"c17\",\"server\":\"AuraChat\",\"protocol\":2}\n"
                + "{\"type\":\"join\",\"client\":{\"id\":\"c18\",\"name\":\"c18\",\"ip\":\"127.0.0.1\"}}\n"
                // protocol 2: the message's id and time between "to" and the text
                + "{\"type\":\"message\",\"from\":{\"id\":\"c1\",\"name\":\"c1\",\"ip\":\"127.0.0.1\"},\"to\":\"c17\","
                + "\"id\":\"121611328413499392\",\"time\":\"2026-12-02T14:00:00.123Z\",\"message\":\""
                + payload(5, 3, 7) + "\"}\n"
                + "{\"type\":\"ok\",\"command\":\"CHAT\",\"to\":\"c2\",\"id\":\"121611328413499392\"}\n"
                + "{\"type\":\"leave\",\"client\":{\"id\":\"c18\",\"name\":\"c18\",\"ip\":\"127.0.0.1\"},\"reason\":\"exit\"}\n"
                // a later protocol version may add fields after the text: found by search instead
                + "{\"type\":\"message\",\"from\":{\"id\":\"c1\",\"name\":\"c1\",\"ip\":\"127.0.0.1\"},\"to\":\"*\","
                + "\"id\":\"121611328413499393\",\"time\":\"2026-12-02T14:00:00.123Z\",\"message\":\""
                + payload(5, Payload.EVERYONE, 8) + "\",\"new\":1}\n"
                // a protocol 1 server's message, without id and time
                + "{\"type\":\"message\",\"from\":{\"id\":\"c1\",\"name\":\"c1\",\"ip\":\"127.0.0.1\"},\"to\":\"*\",\"message\":\""
                + payload(5, Payload.EVERYONE, 9) + "\"}\n";
        assertEverySplit(AuraChatCodec.INSTANCE, stream,
                List.of("ready", "join", "message 5->3 #7", "reply 0", "notice LEAVE", "message 5->-1 #8",
                        "message 5->-1 #9"));
        assertArrayEquals("c17".getBytes(StandardCharsets.US_ASCII), client.serverId());
    }

    @Test
    void auraChatPresenceNoticesAreCountedAndPresenceMissedIsNoPong() {
        String client = "{\"id\":\"c18\",\"name\":\"idle1-18\",\"ip\":\"127.0.0.1\"}";
        String stream = "{\"type\":\"rename\",\"client\":" + client + ",\"previous\":\"c18\"}\n"
                + "{\"type\":\"presence-missed\",\"skipped\":12}\n"
                + "{\"type\":\"pong\",\"command\":\"PING\"}\n"
                + "{\"type\":\"leave\",\"client\":" + client + ",\"reason\":\"disconnected\"}\n"
                + "{\"type\":\"ok\",\"command\":\"NAME\",\"name\":\"idle1-3\"}\n";
        assertEverySplit(AuraChatCodec.INSTANCE, stream,
                List.of("notice RENAME", "notice PRESENCE_MISSED", "reply 0", "notice LEAVE", "reply 0"));
    }

    @Test
    void namingCommandsAreWhatPROTOCOLmdAndRedisSay() throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            Client named = new Client(5, null, channel, 256, "c5".getBytes(StandardCharsets.US_ASCII),
                    "idle1-5".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer out = ByteBuffer.allocate(256);
            AuraChatCodec.INSTANCE.name(out, named);
            assertEquals("NAME idle1-5\n", new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII));
            out.clear();
            RespCodec.INSTANCE.name(out, named);
            assertEquals("*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$7\r\nidle1-5\r\n",
                    new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void auraChatErrorsAndForeignMessagesAreFailures() {
        RecordingEvents events = new RecordingEvents();
        String stream = "{\"type\":\"error\",\"command\":\"CHAT\",\"code\":\"no-such-client\",\"message\":\"x\"}\n"
                + "{\"type\":\"message\",\"from\":{\"id\":\"c1\"},\"to\":\"c2\",\"message\":\"hello\"}\n"
                + "{\"type\":\"bye\",\"reason\":\"idle-timeout\"}\n";
        ByteBuffer in = ByteBuffer.wrap(stream.getBytes(StandardCharsets.UTF_8));
        assertEquals(in.limit(), AuraChatCodec.INSTANCE.decode(in, 0, in.limit(), client, events));
        assertEquals(3, events.events.size());
        assertTrue(events.events.stream().allMatch(e -> e.startsWith("failure ")), events.events.toString());
    }

    @Test
    void auraChatCommandsAreWhatPROTOCOLmdSays() {
        ByteBuffer out = ByteBuffer.allocate(256);
        client.serverId("c9".getBytes(StandardCharsets.US_ASCII));
        AuraChatCodec.INSTANCE.direct(out, client, client, 1, 99);
        AuraChatCodec.INSTANCE.toEveryone(out, client, 2, 99);
        String text = new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII);
        assertEquals("CHAT c9 " + payload(3, 3, 1) + "\nSAY " + payload(3, Payload.EVERYONE, 2) + "\n", text);
        assertTrue(out.position() <= 2 * AuraChatCodec.INSTANCE.maxFrame());
    }

    @Test
    void respFrames() {
        String hello = "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"
                + "$2\r\nid\r\n:5\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                + "$7\r\nmodules\r\n*0\r\n";
        String stream = hello
                + ">3\r\n$9\r\nsubscribe\r\n$2\r\nc3\r\n:1\r\n"
                + ":1\r\n"
                + ">3\r\n$7\r\nmessage\r\n$2\r\nc3\r\n$64\r\n" + payload(4, 3, 11) + "\r\n"
                + "+OK\r\n";
        assertEverySplit(RespCodec.INSTANCE, stream, List.of("ready", "reply 1", "message 4->3 #11", "reply 0"));
    }

    @Test
    void respErrorsAreFailures() {
        RecordingEvents events = new RecordingEvents();
        ByteBuffer in = ByteBuffer.wrap("-ERR unknown command\r\n>3\r\n$7\r\nmessage\r\n$2\r\nc3\r\n$2\r\nhi\r\n"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(in.limit(), RespCodec.INSTANCE.decode(in, 0, in.limit(), client, events));
        assertEquals(2, events.events.size());
        assertTrue(events.events.stream().allMatch(e -> e.startsWith("failure ")), events.events.toString());
    }

    @Test
    void respCommands() {
        ByteBuffer out = ByteBuffer.allocate(512);
        RespCodec.INSTANCE.handshake(client, out);
        RespCodec.INSTANCE.direct(out, client, client, 1, 99);
        String text = new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII);
        assertEquals("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nc3\r\n"
                + "*3\r\n$7\r\nPUBLISH\r\n$2\r\nc3\r\n$64\r\n" + payload(3, 3, 1) + "\r\n", text);
    }

    /** The word-at-a-time newline search agrees with a byte-by-byte one, in both byte orders, at every offset. */
    @Test
    void newlineSearchFindsTheFirstNewlineLikeAPlainScan() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        // Bytes next to '\n' (0x0A) in value, which would fool a borrow-prone zero-byte test, and high bytes.
        byte[] alphabet = {'\n', 0x0B, 0x09, 0x0A ^ 0x01, (byte) 0x8A, (byte) 0xFF, 0, 'a', '"'};
        for (java.nio.ByteOrder order : List.of(java.nio.ByteOrder.BIG_ENDIAN, java.nio.ByteOrder.LITTLE_ENDIAN)) {
            for (int round = 0; round < 2_000; round++) {
                byte[] bytes = new byte[random.nextInt(1, 40)];
                for (int k = 0; k < bytes.length; k++) {
                    bytes[k] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
                }
                ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length).order(order).put(bytes);
                for (int from = 0; from <= bytes.length; from++) {
                    int expected = -1;
                    for (int k = from; k < bytes.length; k++) {
                        if (bytes[k] == '\n') {
                            expected = k;
                            break;
                        }
                    }
                    assertEquals(expected, AuraChatCodec.indexOfNewline(buffer, from, bytes.length),
                            "from " + from + " in " + java.util.Arrays.toString(bytes) + " " + order);
                }
            }
        }
    }
}
