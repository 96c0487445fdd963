package io.aurachat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.server.ChatServer;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.RecordingListener;
import io.aurachat.testing.RecordingListener.Disconnected;
import io.aurachat.testing.RecordingListener.Event;
import io.aurachat.testing.RecordingListener.Leave;
import io.aurachat.testing.RecordingListener.Message;
import io.aurachat.testing.RecordingListener.Reconnected;
import io.aurachat.testing.RecordingListener.Resumed;
import io.aurachat.testing.TestClients;
import io.aurachat.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@link ChatClient} with a reconnect policy resumes its session by itself: the connection runs through a proxy
 * that the test cuts, which both ends see as a broken network.
 */
class ChatClientResumeTest {

    private static final ReconnectPolicy QUICK = ReconnectPolicy.backoff(Duration.ofMillis(10), Duration.ofMillis(50));

    @RegisterExtension
    final TestServer server = new TestServer();

    @RegisterExtension
    final TestClients clients = new TestClients(server);

    private Proxy proxy;

    @AfterEach
    void closeProxy() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aBrokenConnectionIsResumedWithTheSameIdNameRoomsAndEveryMissedMessageInOrder() throws Exception {
        ChatServer s = server.start();
        proxy = new Proxy(s.address());
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config().server(proxy.address()).name("Mario").reconnect(QUICK).build(),
                hears);
        me.join("lobby");
        RecordingListener otherHears = new RecordingListener();
        ChatClient other = clients.connect(clients.config().name("Luigi").build(), otherHears);
        other.join("lobby");
        other.say("before");
        hears.awaitMessage("before");
        me.say("mine, before"); // its own: never replayed
        // A session exists once the SESSION reply is in: wait for it with a round trip.
        me.ping();
        ClientId id = me.id();

        proxy.cut();
        hears.await(Disconnected.class);
        Awaits.await("the session detached").until(() -> s.clients().size() == 2 && detached(s) == 1);
        other.say("one");
        other.post("lobby", "two");
        other.chat(id, "three");
        proxy.restore();

        Resumed resumed = hears.await(Resumed.class);
        assertTrue(resumed.resumed());
        assertTrue(resumed.recovered());
        assertEquals(3, resumed.missed());
        assertEquals(id, me.id(), "the same id");
        assertEquals("Mario", me.name());
        assertEquals(List.of("lobby"), me.joinedRooms());

        List<Event> events = hears.events();
        int reconnected = indexOf(events, Reconnected.class);
        List<String> after = new ArrayList<>();
        for (Event e : events.subList(reconnected, events.size())) {
            if (e instanceof Message m) {
                after.add(m.message().text());
            }
            if (e instanceof Resumed) {
                break;
            }
        }
        assertEquals(List.of("one", "two", "three"), after, "the missed messages between onReconnected and onResumed");
        assertEquals("lobby", hears.awaitMessage("two").room().orElseThrow());
        assertTrue(hears.awaitMessage("three").isPrivate());

        // Live again, under the same id, and the others never saw it leave.
        other.chat(id, "live");
        hears.awaitMessage("live");
        me.post("lobby", "back");
        otherHears.awaitMessage("back");
        assertFalse(otherHears.events(Leave.class).stream().anyMatch(l -> l.peer().id().equals(id)),
                "no leave for the resumed client");
    }

    @Test
    void aSessionThatExpiredMeansANewClientAndTheListenerIsToldItMissedMessages() throws Exception {
        ChatServer s = server.start(b -> b.resumeWindow(Duration.ofMillis(1)));
        proxy = new Proxy(s.address());
        RecordingListener hears = new RecordingListener();
        // The proxy refuses the reconnects until the 1 ms window has passed and the sweep has ended the session.
        ChatClient me = clients.connect(clients.config().server(proxy.address()).name("Mario").reconnect(QUICK).build(),
                hears);
        me.join("lobby");
        me.ping();
        RecordingListener otherHears = new RecordingListener();
        clients.connect(clients.config().name("Luigi").build(), otherHears);
        ClientId id = me.id();

        proxy.cut();
        Leave gone = otherHears.await(Leave.class, l -> l.peer().id().equals(id));
        assertEquals(LeaveReason.DISCONNECTED, gone.reason(), "the window passed: it left");
        proxy.restore();

        Resumed resumed = hears.await(Resumed.class);
        assertFalse(resumed.resumed());
        assertFalse(resumed.recovered());
        assertNotEquals(id, me.id(), "a new client");
        assertEquals("Mario", me.name(), "the name is set again");
        assertEquals(List.of("lobby"), me.joinedRooms(), "the rooms are joined again");
    }

    @Test
    void aServerWithoutSessionsStillReconnectsAndSaysNothingWasResumed() throws Exception {
        ChatServer s = server.start(b -> b.resumeWindow(Duration.ZERO));
        proxy = new Proxy(s.address());
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config().server(proxy.address()).name("Mario").reconnect(QUICK).build(),
                hears);
        me.ping();
        ClientId id = me.id();
        proxy.cut();
        hears.await(Disconnected.class);
        proxy.restore();
        Resumed resumed = hears.await(Resumed.class);
        assertFalse(resumed.resumed());
        assertNotEquals(id, me.id());
        assertEquals("Mario", me.name());
    }

    private static long detached(ChatServer s) {
        return s.detachedSessions();
    }

    private static int indexOf(List<Event> events, Class<? extends Event> kind) {
        for (int i = 0; i < events.size(); i++) {
            if (kind.isInstance(events.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no " + kind.getSimpleName() + " in " + events);
    }

    /**
     * Relays TCP connections to the server on loopback; {@link #cut} breaks every relayed one at once and refuses new
     * ones (closed as they arrive) until {@link #restore}: the network is down, then back.
     */
    static final class Proxy implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, TestServer.LOOPBACK);
        private final InetSocketAddress target;
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private final Thread acceptor;
        private volatile boolean down;

        Proxy(InetSocketAddress target) throws IOException {
            this.target = target;
            this.acceptor = Thread.ofVirtual().start(this::accept);
        }

        InetSocketAddress address() {
            return new InetSocketAddress(TestServer.LOOPBACK, listener.getLocalPort());
        }

        private void accept() {
            try {
                while (true) {
                    Socket in = listener.accept();
                    if (down) {
                        closeQuietly(in);
                        continue;
                    }
                    Socket out = new Socket(target.getAddress(), target.getPort());
                    open.add(in);
                    open.add(out);
                    Thread.ofVirtual().start(() -> pump(in, out));
                    Thread.ofVirtual().start(() -> pump(out, in));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private static void pump(Socket from, Socket to) {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // cut, or the other side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        /** Breaks every relayed connection: both ends see it end without a goodbye. */
        void cut() {
            down = true;
            for (Socket s : open) {
                closeQuietly(s);
            }
            open.clear();
        }

        /** Relays new connections again. */
        void restore() {
            down = false;
        }

        @Override
        public void close() throws IOException {
            listener.close();
            cut();
            acceptor.interrupt();
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
