package io.aurachat.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.aurachat.log.LogEvent;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.RecordingLogSink;
import io.aurachat.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client that never reads is cut off, and nobody else notices anything but its leave. */
class SlowConsumerTest {

    private static final int MAX_OUTBOUND = 64 * 1024;
    private static final int FLOOD_BATCH = 64;
    /** Far more than the outbound limit plus every socket buffer on the way: the cut must come first. */
    private static final int MAX_FLOOD_BYTES = 16 << 20;
    private static final int ROUNDS_AFTER_CUT = 20;

    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void aClientThatDoesNotReadIsDisconnectedWithoutDelayingAnyoneElse() throws IOException {
        RecordingLogSink sink = new RecordingLogSink();
        // The flooder waits while the deaf client's queue is above the soft limit (MAX_OUTBOUND / 16); the deaf
        // client is cut once it has stayed there for the soft timeout, short here.
        server.start(b -> b.maxOutboundBytes(MAX_OUTBOUND).outboundSoftTimeout(java.time.Duration.ofMillis(200))
                .logSink(sink));
        List<RawClient> c = server.joinAll(3);
        RawClient flooder = c.get(0);
        RawClient bea = c.get(1);
        RawClient carlo = c.get(2);
        Socket deaf = server.socket(s -> s.setReceiveBufferSize(4096));
        String deafId = flooder.takeType("join").obj("client").str("id");
        bea.takeType("join");
        carlo.takeType("join");

        // The flooder sends ~1 KB private messages to the deaf client, reading its own replies, while
        // Bea and Carlo keep chatting with each other, until the deaf client is cut off.
        String payload = "z".repeat(1000);
        Json leave = null;
        boolean gone = false; // a CHAT to it failed: cut, though the flooder's leave notice may have been skipped
        int round = 0;
        long flooded = 0;
        while (leave == null && !gone) {
            assertTrue(flooded < MAX_FLOOD_BYTES, "a client that never reads was not disconnected after "
                    + flooded + " bytes were sent to it");
            List<String> batch = Collections.nCopies(FLOOD_BATCH, "CHAT " + deafId + " " + round + " " + payload);
            flooder.sendAll(batch);
            flooded += (long) FLOOD_BATCH * payload.length();
            bea.send("CHAT " + carlo.id() + " bea-" + round);
            carlo.send("CHAT " + bea.id() + " carlo-" + round);
            for (int replies = 0; replies < FLOOD_BATCH; ) {
                Json line = flooder.take();
                if (line.type().equals("leave")) {
                    leave = line;
                } else if (line.type().equals("presence-missed")) {
                    // the flooder's own queue was above the soft limit when the leave went out: skipped, counted
                } else if (line.type().equals("ok")) {
                    assertEquals(deafId, line.str("to"));
                    replies++;
                } else {
                    line.assertError("CHAT", "no-such-client"); // sent after the cut
                    gone = true;
                    replies++;
                }
            }
            round++;
        }
        for (int i = 0; i < ROUNDS_AFTER_CUT; i++, round++) {
            bea.send("CHAT " + carlo.id() + " bea-" + round);
            carlo.send("CHAT " + bea.id() + " carlo-" + round);
        }

        if (leave != null) {
            assertEquals(deafId, leave.obj("client").str("id"));
            assertEquals("slow-consumer", leave.str("reason"));
        }
        assertReceivedEverything(bea, carlo.id(), "carlo-", round, deafId);
        assertReceivedEverything(carlo, bea.id(), "bea-", round, deafId);
        sink.await(LogEvent.ClientDisconnected.class,
                e -> e.client().id().value().equals(deafId) && e.reason() == LeaveReason.SLOW_CONSUMER);
        assertClosedWithoutBye(deaf);
    }

    /**
     * Takes everything {@code client} got in the test: one ok per message it sent, every message its
     * partner sent in order, and the deaf client's leave somewhere among them.
     */
    private static void assertReceivedEverything(RawClient client, String partnerId, String partnerPrefix,
            int rounds, String deafId) {
        List<String> received = new ArrayList<>();
        int oks = 0;
        int leaves = 0;
        for (int i = 0; i < 2 * rounds + 1; i++) {
            Json line = client.take();
            switch (line.type()) {
                case "ok" -> {
                    assertEquals(partnerId, line.str("to"));
                    oks++;
                }
                case "message" -> {
                    assertEquals(partnerId, line.obj("from").str("id"));
                    received.add(line.str("message"));
                }
                case "leave" -> {
                    assertEquals(deafId, line.obj("client").str("id"));
                    assertEquals("slow-consumer", line.str("reason"));
                    leaves++;
                }
                default -> fail(client + ": unexpected " + line);
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            expected.add(partnerPrefix + i);
        }
        assertEquals(expected, received, client + ": messages from " + partnerId);
        assertEquals(rounds, oks, client + ": ok replies");
        assertEquals(1, leaves, client + ": leave events");
        client.assertNothingPending();
    }

    /** Reads what the server had managed to send before the cut; it must end, and hold no bye. */
    private static void assertClosedWithoutBye(Socket deaf) throws IOException {
        deaf.setSoTimeout((int) Awaits.TIMEOUT.toMillis());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        InputStream in = deaf.getInputStream();
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                got.write(buffer, 0, n);
                assertTrue(got.size() < MAX_FLOOD_BYTES, "the deaf client's stream does not end");
            }
        } catch (SocketTimeoutException e) {
            fail("the server did not close the slow consumer's connection; it had sent " + got.size() + " bytes");
        } catch (SocketException e) {
            // A reset is a close too.
        }
        String[] lines = got.toString(UTF_8).split("\n");
        for (int i = 0; i < lines.length - 1; i++) { // the last one may be cut short
            assertNotEquals("bye", Json.parse(lines[i]).type(), "a slow consumer gets no bye");
        }
    }
}
