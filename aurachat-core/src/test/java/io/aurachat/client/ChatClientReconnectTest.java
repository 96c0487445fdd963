package io.aurachat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.ClientId;
import io.aurachat.server.ChatServer;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.FakeServer;
import io.aurachat.testing.RecordingListener;
import io.aurachat.testing.RecordingListener.Closed;
import io.aurachat.testing.RecordingListener.Connected;
import io.aurachat.testing.RecordingListener.Disconnected;
import io.aurachat.testing.RecordingListener.Event;
import io.aurachat.testing.RecordingListener.Join;
import io.aurachat.testing.RecordingListener.Reconnected;
import io.aurachat.testing.RecordingListener.Rename;
import io.aurachat.testing.TestClients;
import io.aurachat.testing.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reconnection with a {@link ReconnectPolicy}: after a restart, giving up, and closing while it waits. */
class ChatClientReconnectTest {

    private static final ReconnectPolicy QUICK = ReconnectPolicy.backoff(Duration.ofMillis(10), Duration.ofMillis(100));

    @RegisterExtension
    final TestServer server = new TestServer();

    @RegisterExtension
    final TestClients clients = new TestClients(server);

    /**
     * Starts a new server on {@code port}, retrying while the port is still held (the old server's
     * sockets may linger for a moment; the server sets SO_REUSEADDR, so this is rare).
     */
    private ChatServer restartOn(int port, String name) {
        return Awaits.await("a new server bound to port " + port).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> server.track(ChatServer.create(TestServer.defaults().port(port).serverName(name).build())).start(),
                        s -> s != null);
    }

    @Test
    void afterTheServerRestartsTheClientComesBackWithItsName() throws Exception {
        ChatServer first = server.start(b -> b.serverName("First"));
        int port = first.port();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config().name("Mario").reconnect(QUICK).random(new SplittableRandom(5)).build(), hears);
        Session before = me.session();

        first.close();

        Disconnected lost = hears.await(Disconnected.class);
        assertEquals(CloseReason.SERVER_SHUTDOWN, lost.reason());
        assertNull(lost.cause(), "the server said why");
        assertFalse(me.isConnected());
        assertFalse(me.isClosed(), "still trying");
        IOException meanwhile = assertThrows(IOException.class, me::ping, "calls fail with an IOException until onReconnected");
        assertFalse(meanwhile instanceof java.io.InterruptedIOException, meanwhile::toString);
        assertEquals(before, me.session(), "the last session stays readable while reconnecting");

        ChatServer second = restartOn(port, "Second");
        Reconnected back = hears.await(Reconnected.class);

        Session session = back.session();
        assertNotEquals(before, session);
        assertEquals("Second", session.serverName());
        assertEquals("Mario", session.name(), "the configured name is set again");
        assertEquals(session, me.session());
        assertEquals("Mario", me.name());
        assertTrue(me.isConnected());
        assertEquals(List.of("Mario"), second.clients().stream().map(c -> c.name()).toList());
        assertEquals(second.clients().get(0).id(), me.id());

        // Calls work again, and so do events.
        RecordingListener otherHears = new RecordingListener();
        ChatClient other = clients.connect(clients.config().server(second.address()).name("Luigi").build(), otherHears);
        assertEquals(1, me.say("sono tornato"));
        otherHears.awaitMessage("sono tornato");
        other.chat(me.id(), "bentornato");
        assertEquals("Luigi", hears.awaitMessage("bentornato").from().name());
        assertEquals(2, me.list().size());

        me.close();
        Closed closed = hears.awaitClosed();
        assertEquals(CloseReason.EXIT, closed.reason());
        List<Class<?>> kinds = hears.events().stream().filter(e -> !(e instanceof RecordingListener.Message)
                && !(e instanceof Join) && !(e instanceof Rename)).<Class<?>>map(Event::getClass).toList();
        // A restarted server has no sessions: the client tried to resume (onResumed says it could not) and is new.
        assertEquals(List.of(Connected.class, Disconnected.class, Reconnected.class, RecordingListener.Resumed.class,
                Closed.class), kinds);
        assertFalse(hears.events(RecordingListener.Resumed.class).get(0).resumed());
    }

    @Test
    void aNetworkFailureIsRetriedAndTheNewSessionHasTheNewId() throws Exception {
        int[] next = {1};
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c" + next[0]++)))) {
            RecordingListener hears = new RecordingListener();
            ChatClient me = clients.connect(ClientConfig.builder().server(fake.address()).reconnect(QUICK).build(), hears);
            assertEquals(ClientId.of(1), me.id());
            fake.next().reset();

            Disconnected lost = hears.await(Disconnected.class);
            assertEquals(CloseReason.NETWORK_FAILURE, lost.reason());
            assertNotNull(lost.cause());
            Reconnected back = hears.await(Reconnected.class);
            assertEquals(ClientId.of(2), back.session().id());
            assertEquals(ClientId.of(2), me.id());
            assertEquals(2, fake.acceptCount());
            fake.next(); // the second connection; the fake's close ends it
        }
    }

    @Test
    void aPolicyWithMaxAttemptsGivesUpAndClosesWithTheLostReason() throws Exception {
        ChatServer s = server.start();
        int port = s.port();
        RecordingListener hears = new RecordingListener();
        clients.connect(clients.config().reconnect(QUICK.maxAttempts(3)).build(), hears);

        s.close();
        Closed closed = hears.awaitClosed();

        assertEquals(CloseReason.SERVER_SHUTDOWN, closed.reason(), "the reason of the connection that was lost");
        assertNull(closed.cause());
        assertEquals(List.of(CloseReason.SERVER_SHUTDOWN), hears.events(Disconnected.class).stream().map(Disconnected::reason).toList());
        assertEquals(List.of(), hears.events(Reconnected.class));
        assertTrue(hears.client().isClosed());
        assertTrue(port > 0);
    }

    @Test
    void maxAttemptsCountsEveryFailedAttempt() throws Exception {
        // A first connection that the server drops, then a server that hangs up on every attempt.
        int[] accepted = {0};
        try (FakeServer fake = FakeServer.start(c -> {
            if (accepted[0]++ == 0) {
                c.send(FakeServer.welcome("c1"));
            } else {
                c.close();
            }
        })) {
            RecordingListener hears = new RecordingListener();
            clients.connect(ClientConfig.builder().server(fake.address()).reconnect(QUICK.maxAttempts(3)).build(), hears);
            fake.next().close();

            Closed closed = hears.awaitClosed();
            assertEquals(CloseReason.NETWORK_FAILURE, closed.reason());
            assertNotNull(closed.cause());
            assertEquals(1 + 3, fake.acceptCount(), "the first connection and exactly 3 attempts");
        }
    }

    @Test
    void closeWhileWaitingToReconnectEndsPromptly() throws Exception {
        ChatServer s = server.start();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config()
                .reconnect(ReconnectPolicy.backoff(Duration.ofMinutes(1), Duration.ofMinutes(1))).build(), hears);
        s.close();
        hears.await(Disconnected.class);

        long start = System.nanoTime();
        me.close();
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();

        assertTrue(took < 2000, "close() took " + took + " ms while the next attempt was 30-60 s away");
        assertEquals(1, hears.closedCount(), "close() returned after onClosed");
        assertTrue(me.isClosed());
        assertThrows(IllegalStateException.class, me::ping);
    }

    @Test
    void exitWhileWaitingToReconnectThrowsAndClosesAnyway() throws Exception {
        ChatServer s = server.start();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config()
                .reconnect(ReconnectPolicy.backoff(Duration.ofMinutes(1), Duration.ofMinutes(1))).build(), hears);
        s.close();
        hears.await(Disconnected.class);

        assertThrows(IOException.class, me::exit, "not connected");

        assertTrue(me.isClosed(), "closed anyway");
        hears.awaitClosed();
    }

    @Test
    void connectIsNotRetriedEvenWithAPolicy() throws Exception {
        ChatServer s = server.start(b -> b.maxClients(1));
        RecordingListener firstHears = new RecordingListener();
        ChatClient first = clients.connect(firstHears);
        // Refused while full: a policy does not make connect() itself retry.
        ConnectionClosedException e = assertThrows(ConnectionClosedException.class,
                () -> clients.connect(clients.config().reconnect(QUICK).build(), new RecordingListener()));
        assertEquals(CloseReason.SERVER_FULL, e.reason());
        assertTrue(first.isConnected());
        assertEquals(1, s.clients().size());
    }

    @Test
    void theListenerGrammarHoldsAcrossSeveralRestarts() throws Exception {
        ChatServer current = server.start();
        int port = current.port();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config().name("Fenice").reconnect(QUICK).build(), hears);
        for (int round = 1; round <= 3; round++) {
            current.close();
            int disconnects = round;
            Awaits.await("disconnect " + round).until(() -> hears.events(Disconnected.class).size() == disconnects);
            current = restartOn(port, "Round" + round);
            Reconnected back = hears.await(Reconnected.class, r -> r.session().serverName().equals("Round" + disconnects));
            assertEquals("Fenice", back.session().name());
            me.ping();
        }
        hears.assertGrammar(false);
        assertEquals(3, hears.events(Reconnected.class).size());
        assertInstanceOf(Connected.class, hears.events().get(0));
    }

    @Test
    void aNameSetLaterIsTheOneSetAgainAfterAReconnect() throws Exception {
        ChatServer first = server.start();
        int port = first.port();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config().name("Mario").reconnect(QUICK).build(), hears);
        me.setName("Luigi");

        first.close();
        hears.await(Disconnected.class);
        ChatServer second = restartOn(port, "Second");
        Reconnected back = hears.await(Reconnected.class);

        assertEquals("Luigi", back.session().name(), "setName: it is set again after each reconnect");
        assertEquals("Luigi", me.name());
        assertEquals("Luigi", second.clients().get(0).name());
    }

    @Test
    void callsWhileReconnectingFailWithTheReasonTheConnectionWasLost() throws Exception {
        ChatServer s = server.start();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config()
                .reconnect(ReconnectPolicy.backoff(Duration.ofMinutes(1), Duration.ofMinutes(1))).build(), hears);
        s.close();
        hears.await(Disconnected.class);

        // "A call that cannot complete because the connection is gone throws ConnectionClosedException";
        // its reason() "says why the connection ended".
        ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> me.say("anyone?"));
        assertEquals(CloseReason.SERVER_SHUTDOWN, e.reason());
    }
}
