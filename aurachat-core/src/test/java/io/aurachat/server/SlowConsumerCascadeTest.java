package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aurachat.log.LogEvent;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.RecordingLogSink;
import io.aurachat.testing.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many clients overflowing at once: each cut sends a leave to everyone, which may overflow the next
 * one. That chain must not grow the stack (one client per frame would overflow it) nor kill the thread
 * it happens on; the server keeps accepting and serving.
 */
class SlowConsumerCascadeTest {

    private static final int DEAF = 1500;

    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void aCascadeOfSlowConsumersLeavesTheServerHealthy() throws IOException {
        RecordingLogSink sink = new RecordingLogSink();
        // Notices are skipped for a client whose queue is above the soft limit (1 KiB here), so they no longer cut
        // anyone: messages do. The deaf clients are cut at the hard limit (16 KiB): 400 KB is sent to each. The hard
        // limit is above what one read of the talker's pipelined SAYs queues for it in replies before the loop writes
        // them (about 60 replies of 75 bytes since protocol 2 added the message id: at 1 KiB the talker itself was cut,
        // 1,501 of 1,500, in CI), and the soft timeout is long (2 s) so that the talker, whose replies also wait while
        // the I/O thread is busy with 1,500 cuts, is not cut by it on a loaded machine.
        server.start(b -> b.maxConnectionsPerAddress(0).maxOutboundBytes(16 * 1024).outboundSoftTimeout(Duration.ofSeconds(2))
                .presenceLimit(1_000_000).maxClients(DEAF + 10).logSink(sink));
        List<Socket> deaf = new ArrayList<>();
        for (int i = 0; i < DEAF; i++) {
            deaf.add(server.socket(s -> s.setReceiveBufferSize(1024)));
        }
        // Every connect above must have been accepted and joined: the accept thread survived the notices.
        Awaits.await().atMost(Duration.ofSeconds(30))
                .until(() -> sink.events(LogEvent.ClientConnected.class).size() == DEAF);
        // 400 KB to everyone, in one write: more than any deaf client's socket buffers take, so they are all cut
        // at about the same time, and each cut is a leave to everyone still there.
        // The talker gets a leave for each of them (about 135 KB) and has the same 1 KiB hard limit: a receive buffer
        // that holds all of it keeps it from being cut too when the machine deschedules its reader thread. (It was,
        // once in a CI run: 1,501 cut.)
        RawClient talker = server.connect(s -> s.setReceiveBufferSize(1 << 20));
        talker.awaitWelcome();
        talker.sendAll(java.util.Collections.nCopies(400, "SAY " + "x".repeat(1000)));
        try {
            Awaits.await().atMost(Duration.ofSeconds(30))
                    .until(() -> sink.events(LogEvent.ClientDisconnected.class).size() >= DEAF);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String open = java.util.Arrays.stream(TestServer.describeConnections(server.server()).split("\n"))
                    .filter(line -> line.contains("state=0")).collect(java.util.stream.Collectors.joining("\n"));
            throw new AssertionError(sink.events(LogEvent.ClientDisconnected.class).size() + " of " + DEAF
                    + " cut; the connections still open:\n" + open, e);
        }
        assertEquals(DEAF, sink.events(LogEvent.ClientDisconnected.class).size(),
                () -> "only the deaf clients are cut, not the talker " + talker.id() + "; cut besides the slow consumers: "
                        + sink.events(LogEvent.ClientDisconnected.class).stream()
                                .filter(d -> d.reason() != LeaveReason.SLOW_CONSUMER
                                        || d.client().id().value().equals(talker.id()))
                                .map(d -> d.client().id().value() + " " + d.reason().wireName()).toList());
        long slow = sink.events(LogEvent.ClientDisconnected.class).stream()
                .filter(e -> e.reason() == LeaveReason.SLOW_CONSUMER).count();
        assertEquals(DEAF, slow, "cut as slow consumers");
        // The talker was held back while they were crowded, and goes on once they are gone.
        for (int oks = 0; oks < 400; ) {
            Json line = talker.take();
            if (line.type().equals("ok")) {
                oks++;
            } else {
                assertEquals(true, line.type().equals("leave") || line.type().equals("presence-missed"), line::toString);
            }
        }
        for (Socket socket : deaf) {
            socket.close();
        }
        RawClient fresh = server.join();
        fresh.assertNothingPending();
    }
}
