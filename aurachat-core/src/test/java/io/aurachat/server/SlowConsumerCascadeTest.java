package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aurachat.log.LogEvent;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.testing.Awaits;
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
        server.start(b -> b.maxOutboundBytes(1024).presenceLimit(1_000_000).maxClients(DEAF + 10).logSink(sink));
        // Every connect below must have been accepted and joined: the accept thread survived the cascade.
        List<Socket> deaf = new ArrayList<>();
        for (int i = 0; i < DEAF; i++) {
            deaf.add(server.socket(s -> s.setReceiveBufferSize(1024)));
        }
        // Every join is a line to every earlier client; their sockets are full, so their queues fill up
        // and they are cut, and each cut is a leave line to everyone still there, which cuts the next.
        Awaits.await().until(() -> sink.events(LogEvent.ClientDisconnected.class).size() >= 100);
        long slow = sink.events(LogEvent.ClientDisconnected.class).stream()
                .filter(e -> e.reason() == LeaveReason.SLOW_CONSUMER).count();
        assertEquals(true, slow >= 100, "cut as slow consumers: " + slow);

        // The accept thread joins each of them with a notice to all the others (about 1.1 million lines in
        // all): seconds on a busy 2-core machine, hence the longer bound.
        Awaits.await().atMost(Duration.ofSeconds(30))
                .until(() -> sink.events(LogEvent.ClientConnected.class).size() == DEAF);
        // Those not cut yet would be cut by the next notice; let them all go, then check the server serves.
        for (Socket socket : deaf) {
            socket.close();
        }
        Awaits.await().atMost(Duration.ofSeconds(30))
                .until(() -> sink.events(LogEvent.ClientDisconnected.class).size() == DEAF);
        RawClient fresh = server.join();
        fresh.assertNothingPending();
    }
}
