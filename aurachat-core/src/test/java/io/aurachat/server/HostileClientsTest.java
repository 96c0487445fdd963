package io.aurachat.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.testing.Awaits;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import io.aurachat.testing.TestTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile clients, each kind at a time (issue 15): after each, two well-behaved clients on another address still
 * chat, and the server's threads and heap come back to where they were before it.
 */
class HostileClientsTest {
    /** Heap that may stay above the baseline after a GC: JIT-compiled code, class metadata, allocator slack. */
    private static final long HEAP_SLACK = 48L << 20;

    @RegisterExtension
    final TestServer server = new TestServer();

    /** How long a login flood's reply may take: it may queue behind real password hashes on a loaded machine. */
    private static final Duration FLOOD_REPLY_TIMEOUT = Awaits.TIMEOUT.multipliedBy(4);

    private final List<Socket> sockets = new ArrayList<>();
    private int threadsBefore;
    private long heapBefore;

    @AfterEach
    void closeSockets() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // going anyway
            }
        }
    }

    private ChatServer start(Consumer<ServerConfig.Builder> customise) {
        ChatServer s = server.start(b -> {
            b.tls(TestTls.identity("hostile").config().handshakeTimeout(Duration.ofMillis(500)).build());
            customise.accept(b);
        });
        // Warm the paths the well-behaved clients take, so the baseline includes what they load once.
        wellBehavedPairChats();
        threadsBefore = serverThreads();
        heapBefore = heapAfterGc();
        return s;
    }

    private static int serverThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("aurachat-") && t.isAlive()).count();
    }

    private static long heapAfterGc() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** Two clients from 127.0.0.2, another machine as far as the server can tell, exchange a message. */
    private void wellBehavedPairChats() {
        InetAddress other = address("127.0.0.2");
        RawClient a = server.connect(s -> s.bind(new InetSocketAddress(other, 0)));
        String aId = a.awaitWelcome().str("id");
        RawClient b = server.connect(s -> s.bind(new InetSocketAddress(other, 0)));
        String bId = b.awaitWelcome().str("id");
        a.send("CHAT " + bId + " still here");
        Json m = b.take();
        while (!"message".equals(m.type())) {
            // The leave notices of hostile clients closed just before may still be on their way to b.
            assertTrue(Set.of("join", "leave", "rename").contains(m.type()), "unexpected line: " + m.raw());
            m = b.take();
        }
        assertEquals("still here", m.str("message"));
        assertEquals(aId, m.obj("from").str("id"));
        a.close();
        b.close();
    }

    /** The pair still chats; the server's threads and heap are back where they were. */
    private void recovered() {
        wellBehavedPairChats();
        Awaits.await("the server's threads are back to " + threadsBefore).until(() -> serverThreads() <= threadsBefore);
        long heap = heapAfterGc();
        assertTrue(heap <= heapBefore + HEAP_SLACK, "heap after GC " + (heap >> 20) + " MiB, before " + (heapBefore >> 20)
                + " MiB");
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Socket raw(InetSocketAddress to) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(to, (int) Awaits.TIMEOUT.toMillis());
        return s;
    }

    /** Reads until the server closes; returns what came (a line, an alert, or nothing). */
    private static byte[] untilClosed(Socket s) throws IOException {
        s.setSoTimeout((int) Awaits.TIMEOUT.toMillis());
        InputStream in = s.getInputStream();
        try {
            return in.readAllBytes();
        } catch (SocketException reset) {
            return new byte[0]; // closed with our bytes unread: a reset is an end too
        }
    }

    @Test
    void fiveThousandConnectionsFromOneAddressGetTheirLimitAndNothingMore() throws Exception {
        ChatServer s = start(b -> {});
        InetSocketAddress plain = server.address();
        int refused = 0;
        for (int i = 0; i < 5_000; i++) {
            Socket c = raw(plain);
            if (i >= ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS) {
                String said = new String(untilClosed(c), UTF_8);
                assertEquals("too-many-connections", Json.parse(said.strip()).str("reason"));
                c.close();
                refused++;
            }
        }
        assertEquals(5_000 - ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, refused);
        assertEquals(ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, s.clients().size(), "the first 64 are clients");
        wellBehavedPairChats(); // while the 64 are connected
        closeSockets();
        sockets.clear();
        Awaits.await("the 64 have left").until(() -> s.clients().isEmpty());
        recovered();
    }

    @Test
    void aClientThatSendsOneByteAtATimeIsCutAtTheIdleTimeout() throws Exception {
        // Long enough that the well-behaved pair, which sends its first command only once both have joined, is never
        // cut on a loaded machine; the trickler, whose bytes are not commands, is cut all the same.
        start(b -> b.idleTimeout(Duration.ofMillis(1500)));
        RawClient slow = server.connect(c -> c.bind(new InetSocketAddress(address("127.0.0.3"), 0)));
        slow.awaitWelcome();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            byte[] line = ("SAY " + "x".repeat(1000) + "\n").getBytes(UTF_8);
            int[] next = {0};
            trickle.scheduleAtFixedRate(() -> {
                if (next[0] < line.length) {
                    try {
                        slow.sendBytes(new byte[] {line[next[0]++]});
                    } catch (RuntimeException closed) {
                        next[0] = line.length;
                    }
                }
            }, 0, 50, TimeUnit.MILLISECONDS);
            // Bytes trickled in are not commands: they do not keep it alive.
            Json got;
            do {
                got = slow.take(); // the others' join and leave notices come first
            } while (!"bye".equals(got.type()));
            assertEquals("idle-timeout", got.str("reason"));
            wellBehavedPairChats();
        } finally {
            trickle.shutdownNow();
        }
        slow.close();
        recovered();
    }

    @Test
    void neverFinishedTlsHandshakesAreClosedAtTheirTimeout() throws Exception {
        ChatServer s = start(b -> b.maxConnectionsPerAddress(0));
        InetSocketAddress tls = TestTls.tlsAddress(s);
        List<Socket> stuck = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket c = raw(tls);
            if (i % 2 == 0) {
                c.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // a ClientHello's start
            }
            stuck.add(c);
        }
        wellBehavedPairChats(); // the handshakes under way hold nobody up
        for (Socket c : stuck) {
            assertEquals(0, untilClosed(c).length, "closed without a word");
        }
        assertTrue(s.clients().isEmpty(), "none of them was ever a client");
        recovered();
    }

    @Test
    void tlsGarbageEndsEachConnectionAndNothingElse() throws Exception {
        ChatServer s = start(b -> b.maxConnectionsPerAddress(0));
        InetSocketAddress tls = TestTls.tlsAddress(s);
        Random random = new Random(7);
        List<Socket> junkers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket c = raw(tls);
            junkers.add(c);
            byte[] junk = new byte[1 + random.nextInt(8192)];
            random.nextBytes(junk);
            if (i % 3 == 0) {
                junk[0] = 0x16; // looks like a handshake record, then is not
                junk[1] = 0x03;
            }
            try {
                c.getOutputStream().write(junk);
            } catch (SocketException alreadyClosed) {
                // the server may have closed after the first bytes
            }
        }
        wellBehavedPairChats();
        for (Socket c : junkers) {
            untilClosed(c); // at once, or (junk that claims a long record) at the handshake timeout
            c.close();
        }
        assertTrue(s.clients().isEmpty());
        recovered();
    }
    @Test
    void aLoginFloodIsHeldToItsAttemptLimitsAndHashesAtMostTheirBound() throws Exception {
        // Real hashing (PBKDF2, 600,000 iterations: hundreds of ms each), at most maxConcurrentHashes at once.
        start(b -> b.accounts(io.aurachat.accounts.AccountsMode.OPTIONAL).allowPlainLogin(true));
        RawClient owner = server.connect(c -> c.bind(new InetSocketAddress(address("127.0.0.5"), 0)));
        owner.awaitWelcome();
        owner.send("REGISTER victim correct-horse-battery");
        assertEquals("ok", owner.takeType("ok").type());
        owner.close();

        List<RawClient> flood = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RawClient c = server.connect(s -> s.bind(new InetSocketAddress(address("127.0.0.4"), 0)));
            c.awaitWelcome();
            for (int j = 0; j < 10; j++) {
                c.send("LOGIN victim guess-" + i + "-" + j);
            }
            flood.add(c);
        }
        wellBehavedPairChats(); // while up to 200 attempts wait for their turn
        int checked = 0;
        for (RawClient c : flood) {
            for (int j = 0; j < 10; j++) {
                // A reply may wait behind the hashes of the attempts before it (two at a time, hundreds of ms each).
                Json reply = c.take(FLOOD_REPLY_TIMEOUT);
                while (!"error".equals(reply.type())) {
                    reply = c.take(FLOOD_REPLY_TIMEOUT); // the pair's join and leave notices
                }
                String code = reply.str("code");
                assertTrue(code.equals("bad-credentials") || code.equals("too-many-attempts") || code.equals("server-busy"),
                        reply.raw());
                if (code.equals("bad-credentials")) {
                    checked++;
                }
            }
            c.close();
        }
        assertTrue(checked <= io.aurachat.server.ServerConfig.DEFAULT_MAX_LOGIN_ATTEMPTS_PER_ACCOUNT,
                checked + " passwords were checked for one account within a minute");
        recovered();
    }
}
