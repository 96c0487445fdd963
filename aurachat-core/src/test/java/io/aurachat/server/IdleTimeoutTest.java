package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.aurachat.testing.Awaits;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The idle timeout, configured short so that the tests take a fraction of a second. */
class IdleTimeoutTest {

    private static final Duration IDLE = Duration.ofMillis(300);
    /** How often a client that means to stay sends PING: well inside {@link #IDLE}. */
    private static final Duration PING_EVERY = Duration.ofMillis(50);

    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void anIdleClientGetsByeAndIsClosedAndOthersSeeLeaveIdleTimeout() {
        server.start(b -> b.idleTimeout(IDLE));
        RawClient watcher = server.join();
        long connectedAt = System.nanoTime();
        RawClient idle = server.join();
        watcher.takeType("join");

        Json leave = watcher.awaitWhilePinging("leave", PING_EVERY);
        long afterMillis = Duration.ofNanos(System.nanoTime() - connectedAt).toMillis();

        assertEquals(idle.id(), leave.obj("client").str("id"));
        assertEquals("idle-timeout", leave.str("reason"));
        // Not before its time: allow for the server measuring in whole milliseconds.
        assertTrue(afterMillis >= IDLE.toMillis() - 20, "closed after only " + afterMillis + " ms");
        assertEquals("idle-timeout", idle.takeType("bye").str("reason"));
        idle.awaitClosed();
    }

    @Test
    void aClientThatKeepsSendingPingStaysWhileAnIdleOneIsClosed() {
        server.start(b -> b.idleTimeout(IDLE));
        RawClient busy = server.join();
        RawClient idle = server.join();
        busy.takeType("join");

        List<Json> seen = busy.keepAlive(IDLE.multipliedBy(4), PING_EVERY);

        assertEquals(1, seen.size(), () -> "expected only the idle client's leave, got " + seen);
        assertEquals("leave", seen.get(0).type());
        assertEquals(idle.id(), seen.get(0).obj("client").str("id"));
        assertEquals("idle-timeout", idle.takeType("bye").str("reason"));
        idle.awaitClosed();
        busy.assertNothingPending();
    }

    @Test
    void blankLinesDoNotCountAsActivity() {
        server.start(b -> b.idleTimeout(IDLE));
        RawClient client = server.join();

        long deadline = System.nanoTime() + Awaits.TIMEOUT.toNanos();
        Optional<Json> line = Optional.empty();
        while (line.isEmpty()) {
            if (System.nanoTime() > deadline) {
                fail("a client sending only blank lines was not closed as idle");
            }
            client.sendRaw("\n \r\n");
            line = client.poll(PING_EVERY);
        }

        assertEquals("idle-timeout", line.get().assertType("bye").str("reason"));
        client.awaitClosed();
    }
}
