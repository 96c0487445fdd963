package io.aurachat.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.discovery.DiscoveryClient;
import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.server.ChatServer;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.FakeServer;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.RecordingListener;
import io.aurachat.testing.RecordingListener.Closed;
import io.aurachat.testing.RecordingListener.Connected;
import io.aurachat.testing.RecordingListener.Join;
import io.aurachat.testing.RecordingListener.Leave;
import io.aurachat.testing.RecordingListener.Rename;
import io.aurachat.testing.TestClients;
import io.aurachat.testing.TestServer;
import io.aurachat.protocol.LeaveReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ChatClient#connect}: by address and by discovery, and every way it can fail. */
class ChatClientConnectTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    @RegisterExtension
    final TestClients clients = new TestClients(server);

    private static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }

    /** A TCP port on 127.0.0.1 that nobody listens on (it was free a moment ago). */
    private static int closedTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, TestServer.LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(TestServer.LOOPBACK, 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    @Test
    void connectsByAddressAndDescribesTheSession() throws Exception {
        ChatServer s = server.start(b -> b.serverName("Sala giochi").idleTimeout(Duration.ofSeconds(90)).maxLineLength(2048));
        RecordingListener listener = new RecordingListener();
        ClientConfig config = clients.config().build();

        ChatClient client = clients.connect(config, listener);

        assertSame(config, client.config());
        assertTrue(client.isConnected());
        assertFalse(client.isClosed());
        Session session = client.session();
        assertEquals(server.address(), session.server());
        // The server sends welcome a moment before it lists the client.
        Awaits.await("the server lists the client").until(() -> s.clients().size() == 1);
        List<ClientInfo> onServer = s.clients();
        assertEquals(onServer.get(0).id(), session.id());
        assertEquals(session.id(), client.id());
        assertEquals(session.id().value(), session.name(), "without a configured name the name is the id");
        assertEquals(session.name(), client.name());
        assertEquals("Sala giochi", session.serverName());
        assertEquals(2, session.protocol());
        assertEquals(Duration.ofSeconds(90), session.idleTimeout());
        assertEquals(2048, session.maxLineLength());

        Connected connected = listener.await(Connected.class);
        assertEquals(session, connected.session());
        assertSame(client, listener.client());
        assertEquals(List.of(connected), listener.events(), "onConnected is the first and only callback so far");
    }

    @Test
    void aServerWithoutIdleTimeoutGivesAZeroIdleTimeout() throws Exception {
        server.start(b -> b.idleTimeout(Duration.ZERO));
        ChatClient client = clients.connect(new RecordingListener());
        assertEquals(Duration.ZERO, client.session().idleTimeout());
    }

    @Test
    void theConfiguredNameIsSetBeforeConnectReturnsAndBeforeOnConnected() throws Exception {
        ChatServer s = server.start();
        RawClient watcher = server.join();
        RecordingListener listener = new RecordingListener();

        ChatClient client = clients.connect("Mario", listener);

        assertEquals("Mario", client.name());
        assertEquals("Mario", client.session().name());
        assertEquals("Mario", s.clients().get(1).name());
        assertEquals("Mario", listener.await(Connected.class).session().name());
        Json join = watcher.takeType("join");
        assertEquals(client.id().value(), join.obj("client").str("id"));
        Json rename = watcher.takeType("rename");
        assertEquals("Mario", rename.obj("client").str("name"));
        assertEquals(client.id().value(), rename.str("previous"));
    }

    @Test
    void connectsToTheServerThatDiscoveryFinds() throws Exception {
        ChatServer s = server.start(b -> b.serverName("Trovato")
                .discovery(DiscoveryConfig.builder().port(0).multicast(DiscoveryConfig.Multicast.NONE).build()));
        List<DiscoveryClient> made = new CopyOnWriteArrayList<>();
        Supplier<DiscoveryClient> loopback = TestClients.loopbackDiscovery(s.discoveryPort());
        ClientConfig config = ClientConfig.builder().discover(() -> {
            DiscoveryClient d = loopback.get();
            made.add(d);
            return d;
        }).discoveryTimeout(Duration.ofSeconds(5)).name("Scout").build();

        ChatClient client = clients.connect(config, new RecordingListener());

        assertEquals(new InetSocketAddress(TestServer.LOOPBACK, s.port()), client.session().server());
        assertEquals("Trovato", client.session().serverName());
        assertEquals("Scout", s.clients().get(0).name());
        assertEquals(1, made.size(), "one discovery client per attempt");
        // "closed after it": a closed DiscoveryClient refuses further calls.
        assertThrows(IllegalStateException.class, () -> made.get(0).discover(Duration.ofMillis(1)));
    }

    @Test
    void discoveryThatHearsNobodyFailsWithServerNotFoundAfterItsTimeout() throws Exception {
        int nobody = freeUdpPort();
        RecordingListener listener = new RecordingListener();
        ClientConfig config = ClientConfig.builder().discover(TestClients.loopbackDiscovery(nobody))
                .discoveryTimeout(Duration.ofMillis(300)).build();

        long start = System.nanoTime();
        assertThrows(ServerNotFoundException.class, () -> clients.connect(config, listener));
        long took = millisSince(start);
        assertTrue(took >= 250 && took < 300 + Awaits.TIMEOUT.toMillis(), "failed after " + took + " ms");
    }

    @Test
    void aClosedPortFailsWithIOException() throws Exception {
        int port = closedTcpPort();
        RecordingListener listener = new RecordingListener();
        ClientConfig config = ClientConfig.builder().server("127.0.0.1", port).build();
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> clients.connect(config, listener));
        assertFalse(e instanceof ServerNotFoundException, e::toString);
        assertTrue(millisSince(start) < Awaits.TIMEOUT.toMillis(), "a refused connection fails at once");
    }

    @Test
    void aServerThatSaysNothingTimesOutAfterTheConnectTimeout() throws Exception {
        try (FakeServer silent = FakeServer.start(c -> {})) {
            RecordingListener listener = new RecordingListener();
            ClientConfig config = ClientConfig.builder().server(silent.address()).connectTimeout(Duration.ofMillis(300)).build();
            long start = System.nanoTime();
            assertThrows(IOException.class, () -> clients.connect(config, listener));
            long took = millisSince(start);
            assertTrue(took >= 250 && took < 300 + Awaits.TIMEOUT.toMillis(), "failed after " + took + " ms");
            silent.next().awaitEnd(); // the client closed its socket
        }
    }

    @Test
    void aServerThatSpeaksAnotherProtocolIsRefused() throws Exception {
        try (FakeServer http = FakeServer.start(c -> c.sendRaw("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(UTF_8)))) {
            RecordingListener listener = new RecordingListener();
            ClientConfig config = ClientConfig.builder().server(http.address()).connectTimeout(Duration.ofMillis(500)).build();
            long start = System.nanoTime();
            assertThrows(IOException.class, () -> clients.connect(config, listener));
            long took = millisSince(start);
            assertTrue(took < 500 + Awaits.TIMEOUT.toMillis(), "failed after " + took + " ms");
            http.next().awaitEnd();
        }
    }

    @Test
    void aServerThatSendsJsonButNoWelcomeIsRefused() throws Exception {
        try (FakeServer odd = FakeServer.start(c -> c.send("{\"type\":\"pong\",\"command\":\"PING\"}"))) {
            ClientConfig config = ClientConfig.builder().server(odd.address()).connectTimeout(Duration.ofMillis(500)).build();
            assertThrows(IOException.class, () -> clients.connect(config, new RecordingListener()));
            odd.next().awaitEnd();
        }
    }

    @Test
    void anEndlessFirstLineIsRefusedWithinTheLineLimit() throws Exception {
        // 4 MiB without a line break, more than the client accepts (maxLineLength 1 KiB here).
        byte[] flood = new byte[4 << 20];
        java.util.Arrays.fill(flood, (byte) 'x');
        try (FakeServer flooding = FakeServer.start(c -> {
            Thread.ofPlatform().daemon().name("test-flood").start(() -> {
                try {
                    c.sendRaw(flood);
                } catch (RuntimeException ignored) {
                    // The client hung up, as it should.
                }
            });
        })) {
            ClientConfig config = ClientConfig.builder().server(flooding.address()).maxLineLength(1024)
                    .connectTimeout(Duration.ofSeconds(3)).build();
            assertThrows(IOException.class, () -> clients.connect(config, new RecordingListener()));
        }
    }

    @Test
    void aFullServerRefusesWithConnectionClosedServerFull() throws Exception {
        server.start(b -> b.maxClients(1));
        clients.connect(new RecordingListener());

        ConnectionClosedException e = assertThrows(ConnectionClosedException.class,
                () -> clients.connect(new RecordingListener()));
        assertEquals(CloseReason.SERVER_FULL, e.reason());
    }

    @Test
    void aNameTheServerRefusesFailsTheConnectAndLeavesNothingOpen() throws Exception {
        ChatServer s = server.start();
        RecordingListener first = new RecordingListener();
        ChatClient mario = clients.connect("Mario", first);

        ChatErrorException taken = assertThrows(ChatErrorException.class,
                () -> clients.connect("mario", new RecordingListener()));
        assertEquals("name-taken", taken.code());
        assertEquals("NAME", taken.command().orElseThrow());

        ChatErrorException bad = assertThrows(ChatErrorException.class,
                () -> clients.connect("c42", new RecordingListener()));
        assertEquals("bad-name", bad.code());

        Awaits.await("the refused clients left the server").until(() -> s.clients().size() == 1);
        assertEquals(mario.id(), s.clients().get(0).id());
        // Mario saw both come and go under their ids: neither was renamed.
        Awaits.await("two leaves").until(() -> first.events(Leave.class).size() == 2);
        // Sorted: the server may notice the two hang-ups in either order.
        List<ClientId> joined = first.events(Join.class).stream().map(j -> j.peer().id()).sorted().toList();
        List<ClientId> left = first.events(Leave.class).stream().map(l -> l.peer().id()).sorted().toList();
        assertEquals(2, joined.size(), first::toString);
        assertEquals(joined, left);
        assertEquals(List.of(), first.events(Rename.class));
        assertEquals(List.of(), first.events(Closed.class));
        mario.ping();
    }

    @Test
    void theCloseReasonOfARefusalIsThatOfTheServer() throws Exception {
        try (FakeServer full = FakeServer.start(c -> c.send("{\"type\":\"bye\",\"reason\":\"server-full\"}").close())) {
            ClientConfig config = ClientConfig.builder().server(full.address()).build();
            ConnectionClosedException e = assertThrows(ConnectionClosedException.class,
                    () -> clients.connect(config, new RecordingListener()));
            assertEquals(CloseReason.SERVER_FULL, e.reason());
        }
    }

    @Test
    void aClientIdFromTheWelcomeIsTakenAsSent() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c77")))) {
            ChatClient client = clients.connect(ClientConfig.builder().server(fake.address()).build(), new RecordingListener());
            assertEquals(ClientId.of(77), client.id());
            assertEquals("Fake", client.session().serverName());
            assertEquals(Duration.ofSeconds(120), client.session().idleTimeout());
            assertEquals(4096, client.session().maxLineLength());
            FakeServer.Connection c = fake.next();
            List<String> received = new CopyOnWriteArrayList<>();
            Thread answer = Thread.ofPlatform().daemon().name("test-answer").start(() -> {
                received.add(c.take());
                c.send("{\"type\":\"bye\",\"command\":\"EXIT\",\"reason\":\"exit\"}").close();
            });
            client.close();
            assertTrue(answer.join(Awaits.TIMEOUT));
            assertEquals(List.of("EXIT"), received.stream().map(l -> l.strip().toUpperCase(java.util.Locale.ROOT)).toList(),
                    "close() says goodbye with EXIT");
        }
    }

    @Test
    void aNameRefusedByTheServerClosesTheConnection() throws Exception {
        // The fake refuses the name: connect must fail, and the listener must hear nothing.
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            ClientConfig config = ClientConfig.builder().server(fake.address()).name("Yoshi").build();
            RecordingListener listener = new RecordingListener();
            Thread answer = Thread.ofPlatform().daemon().name("test-answer").start(() -> {
                FakeServer.Connection c = fake.next();
                String line = c.take();
                assertTrue(line.matches("(?i)NAME[ \t]+Yoshi"), line);
                c.send("{\"type\":\"error\",\"command\":\"NAME\",\"code\":\"name-taken\",\"message\":\"Yoshi is taken\"}");
                c.awaitEnd();
            });
            ChatErrorException e = assertThrows(ChatErrorException.class, () -> clients.connect(config, listener));
            assertEquals("name-taken", e.code());
            assertEquals("Yoshi is taken", e.serverMessage());
            assertTrue(answer.join(Awaits.TIMEOUT), "the client closed the refused connection");
        }
    }

    @Test
    void presenceMissedReachesTheListenerWithItsCount() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener listener = new RecordingListener();
            clients.connect(ClientConfig.builder().server(fake.address()).build(), listener);
            fake.next().send("{\"type\":\"presence-missed\",\"skipped\":12}");
            assertEquals(12, listener.await(RecordingListener.PresenceMissed.class).skipped());
            listener.assertGrammar(false);
        }
    }

    @Test
    void aLeaveForAnUnknownReasonIsReportedAsDisconnected() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener listener = new RecordingListener();
            clients.connect(ClientConfig.builder().server(fake.address()).build(), listener);
            fake.next().send("{\"type\":\"join\",\"client\":{\"id\":\"c2\",\"name\":\"Bo\",\"ip\":\"10.0.0.2\"}}")
                    .send("{\"type\":\"leave\",\"client\":{\"id\":\"c2\",\"name\":\"Bo\",\"ip\":\"10.0.0.2\"},\"reason\":\"vanished\",\"extra\":1}");
            Leave leave = listener.await(Leave.class);
            assertEquals(LeaveReason.DISCONNECTED, leave.reason());
            assertEquals(new Peer(ClientId.of(2), "Bo", "10.0.0.2"), leave.peer());
            assertEquals(new Peer(ClientId.of(2), "Bo", "10.0.0.2"), listener.await(Join.class).peer());
        }
    }

    @Test
    void eventsThatArriveDuringTheHandshakeComeAfterOnConnectedInOrder() throws Exception {
        String bo = "{\"id\":\"c2\",\"name\":\"Bo\",\"ip\":\"10.0.0.2\"}";
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1"))
                .send("{\"type\":\"join\",\"client\":" + bo + "}")
                .send("{\"type\":\"message\",\"from\":" + bo + ",\"to\":\"*\",\"message\":\"early\"}"))) {
            Thread answer = Thread.ofPlatform().daemon().name("test-answer").start(() -> {
                FakeServer.Connection c = fake.next();
                assertTrue(c.take().matches("(?i)NAME[ \t]+Yoshi"));
                c.send("{\"type\":\"ok\",\"command\":\"NAME\",\"name\":\"Yoshi\"}")
                        .send("{\"type\":\"rename\",\"client\":{\"id\":\"c2\",\"name\":\"Bob\",\"ip\":\"10.0.0.2\"},\"previous\":\"Bo\"}");
            });
            RecordingListener listener = new RecordingListener();
            ChatClient client = clients.connect(ClientConfig.builder().server(fake.address()).name("Yoshi").build(), listener);
            assertTrue(answer.join(Awaits.TIMEOUT));
            listener.await(Rename.class);

            Peer peer = new Peer(ClientId.of(2), "Bo", "10.0.0.2");
            assertEquals(List.of(
                    new Connected(client.session()),
                    new Join(peer),
                    new RecordingListener.Message(new ChatMessage(peer, java.util.Optional.empty(), "early")),
                    new Rename(new Peer(ClientId.of(2), "Bob", "10.0.0.2"), "Bo")), listener.events());
            assertEquals("Yoshi", client.session().name());
        }
    }
}
