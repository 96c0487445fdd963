package io.aurachat.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.ServerProcess;
import io.aurachat.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slow means slow (PROTOCOL.md, <em>Slow clients and back-pressure</em>): bursts reach every client that
 * reads, a flooder is slowed instead of its readers being cut, and the others stay responsive. All with the
 * server's default limits, as a user gets them.
 */
class BackpressureTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void aBurstOfPipelinedSaysInOneWriteReachesEveryReadingClient() {
        server.start(b -> b.rateLimit(RateLimit.NONE)); // back-pressure, not the rate limit, is tested here
        List<RawClient> c = server.joinAll(4);
        RawClient sender = c.get(0);
        int n = 3_500;
        sender.sendAll(Collections.nCopies(n, "SAY x"));
        for (int i = 0; i < n; i++) {
            sender.take().assertType("ok");
        }
        for (RawClient reader : c.subList(1, 4)) {
            for (int i = 0; i < n; i++) {
                Json m = reader.take().assertType("message");
                assertEquals("x", m.str("message"));
            }
            reader.send("PING");
            reader.takeType("pong");
        }
    }

    @Test
    void pipelinedChatsToOneClientAllReachIt() {
        server.start(b -> b.rateLimit(RateLimit.NONE));
        List<RawClient> c = server.joinAll(2);
        RawClient sender = c.get(0);
        RawClient reader = c.get(1);
        int n = 4_000; // about 80 KB of commands, about 400 KB of messages
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("CHAT " + reader.id() + " m" + i);
        }
        sender.sendAll(lines);
        for (int i = 0; i < n; i++) {
            assertEquals(reader.id(), sender.take().assertType("ok").str("to"));
        }
        for (int i = 0; i < n; i++) {
            assertEquals("m" + i, reader.take().assertType("message").str("message"));
        }
    }

    @Test
    void pipelinedListsAreAllAnswered() {
        server.start(b -> b.presenceLimit(0).rateLimit(RateLimit.NONE));
        List<RawClient> c = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            c.add(server.join());
        }
        RawClient asker = c.get(0);
        for (int i = 0; i < 60; i++) {
            asker.send("NAME somebody-with-a-long-name-" + i);
            asker.takeType("ok");
        }
        int n = 300; // each reply lists 60 clients: about 6 KB, 1.8 MB in all
        asker.sendAll(Collections.nCopies(n, "LIST"));
        for (int i = 0; i < n; i++) {
            assertEquals(60, asker.take().assertType("clients").list("clients").size());
        }
    }

    /**
     * The server runs in a JVM of its own here ({@link ServerProcess}): what is measured is how it shares itself
     * between a flooder and the others, not how the test's own reader threads and their garbage share a heap
     * with it. The machine is shared, so one round trip in a hundred may still be late for reasons of its own;
     * the bound is the issue's, 20 ms at p99.
     */
    @Test
    void aFlooderIsSlowedWhileTheOthersStayResponsive() throws Exception {
        // No rate limit: this is about back-pressure, which must slow the flooder to its readers' pace by itself.
        ServerProcess child = server.track(ServerProcess.start(true));
        java.util.function.Supplier<Socket> connect = () -> {
            Socket s = server.track(new Socket());
            try {
                s.connect(child.address());
                s.setTcpNoDelay(true);
            } catch (IOException e) {
                throw new AssertionError("cannot connect to the server process", e);
            }
            return s;
        };
        Counter flooder = new Counter(connect.get());
        List<Counter> readers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            readers.add(new Counter(connect.get()));
        }
        Counter pinger = new Counter(connect.get());
        List<Counter> all = new ArrayList<>(readers);
        all.add(flooder);
        all.add(pinger);
        for (Counter counter : all) {
            counter.start();
            counter.awaitWelcome();
        }

        // The flooder writes as fast as the server lets it, for two seconds, on a thread of its own.
        AtomicLong sent = new AtomicLong();
        AtomicReference<Throwable> floodFailure = new AtomicReference<>();
        CountDownLatch stop = new CountDownLatch(1);
        Thread flood = Thread.ofPlatform().name("test-flooder").start(() -> {
            byte[] chunk = String.join("", Collections.nCopies(256, "SAY flood flood flood\n")).getBytes(UTF_8);
            try {
                OutputStream out = flooder.socket.getOutputStream();
                while (stop.getCount() > 0) {
                    out.write(chunk);
                    sent.addAndGet(256);
                }
            } catch (IOException e) {
                floodFailure.set(e);
            }
        });

        // Meanwhile another client pings, one round trip at a time.
        List<Long> rtts = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            pinger.send("PING");
            pinger.awaitPong();
            rtts.add(System.nanoTime() - t0);
        }
        stop.countDown();
        flood.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(null, floodFailure.get(), "the flooder's connection broke");

        // Nobody was cut: every reader gets every message the flooder got an ok for, and still answers.
        flooder.send("PING");
        flooder.awaitPong();
        long oks = flooder.count("\"type\":\"ok\"");
        assertTrue(oks > 0, "the flooder was never served");
        for (Counter reader : all) {
            assertFalse(reader.ended(), reader + " was disconnected");
        }
        for (Counter reader : readers) {
            reader.send("PING");
            reader.awaitPong();
            assertTrue(reader.count("\"type\":\"message\"") >= oks,
                    reader + " got " + reader.count("\"type\":\"message\"") + " messages of " + oks);
        }
        Collections.sort(rtts);
        long p99 = rtts.get((int) Math.ceil(rtts.size() * 0.99) - 1);
        System.out.println("flood test: p99 " + p99 / 1000 + " us, median " + rtts.get(rtts.size() / 2) / 1000 + " us, " + rtts.size() + " pings, flooder sent " + sent.get());
        assertTrue(p99 <= TimeUnit.MILLISECONDS.toNanos(20), "PING p99 while flooding: " + p99 / 1_000 + " µs over "
                + rtts.size() + " pings; median " + rtts.get(rtts.size() / 2) / 1_000 + " µs; flooder sent " + sent.get());
        for (Counter counter : all) {
            counter.close();
        }
    }

    /** A sink that takes 20 µs an event (a slow disk), counting the messages logged and the events dropped. */
    private static io.aurachat.log.LogSink slowSink(AtomicLong messages, AtomicLong dropped) {
        return new io.aurachat.log.LogSink() {
            @Override
            public void log(io.aurachat.log.LogEvent event) {
                if (event instanceof io.aurachat.log.LogEvent.MessageSent) {
                    messages.incrementAndGet();
                } else if (event instanceof io.aurachat.log.LogEvent.EventsDropped d) {
                    dropped.addAndGet(d.count());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            }
        };
    }

    private static void assertEveryEventLogged(AtomicLong messages, AtomicLong dropped, int n) {
        io.aurachat.testing.Awaits.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> messages.get() + dropped.get() >= n);
        assertEquals(0, dropped.get(), "audit events dropped during the flood");
        assertEquals(n, messages.get());
    }

    @Test
    void aFloodCostsTheAuditLogNothing() {
        // A sink that takes 20 µs an event (a slow disk) and a queue of 1,024 events: without back-pressure, a
        // burst of 20,000 messages would overflow it at once and the events would be dropped (and counted).
        AtomicLong messages = new AtomicLong();
        AtomicLong dropped = new AtomicLong();
        io.aurachat.log.LogSink slow = slowSink(messages, dropped);
        server.start(b -> b.logQueueCapacity(1024).logSink(slow).rateLimit(RateLimit.NONE));
        List<RawClient> c = server.joinAll(2);
        int n = 10_000;
        c.get(0).sendAll(Collections.nCopies(n, "SAY x"));
        for (int i = 0; i < n; i++) {
            c.get(0).take().assertType("ok");
            c.get(1).take().assertType("message");
        }
        assertEveryEventLogged(messages, dropped, n);
    }

    @Test
    void aFloodInShortBurstsCostsTheAuditLogNothingEither() {
        // The same slow sink, and a flooder that sends 8 lines at a time and waits for their replies: each of its
        // turns is 8 lines, under the 32 a turn that the hold-back looks for, so only a count across turns catches it.
        AtomicLong messages = new AtomicLong();
        AtomicLong dropped = new AtomicLong();
        io.aurachat.log.LogSink slow = slowSink(messages, dropped);
        server.start(b -> b.logQueueCapacity(1024).logSink(slow).rateLimit(RateLimit.NONE));
        List<RawClient> c = server.joinAll(2);
        int bursts = 1_000;
        int burst = 8;
        for (int b = 0; b < bursts; b++) {
            c.get(0).sendAll(Collections.nCopies(burst, "SAY x"));
            for (int i = 0; i < burst; i++) {
                c.get(0).take().assertType("ok");
                c.get(1).take().assertType("message");
            }
        }
        int n = bursts * burst;
        assertEveryEventLogged(messages, dropped, n);
    }

    @Test
    void churnFromOneAddressCutsNoReader() throws Exception {
        server.start(b -> b.maxClients(20_000).maxConnectionsPerAddress(0)); // the churn is the test: no per-address limit
        List<Counter> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Counter r = new Counter(server.socket(s -> s.setReceiveBufferSize(16 << 20)));
            r.start();
            r.awaitWelcome();
            readers.add(r);
        }
        // 20,000 connections from 4 threads, half of them ended by a reset: join and leave notices in bursts.
        List<Thread> churners = new ArrayList<>();
        AtomicReference<Throwable> churnFailure = new AtomicReference<>();
        for (int t = 0; t < 4; t++) {
            churners.add(Thread.ofPlatform().name("test-churn-" + t).start(() -> {
                try {
                    for (int i = 0; i < 5_000; i++) {
                        try (Socket s = new Socket()) {
                            if (i % 2 == 0) {
                                s.setSoLinger(true, 0); // a reset instead of a close
                            }
                            s.connect(server.address());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    churnFailure.set(e);
                }
            }));
        }
        for (Thread t : churners) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertEquals(null, churnFailure.get(), "a churn connection failed");
        for (Counter r : readers) {
            r.send("PING");
            r.awaitPong();
            assertFalse(r.ended(), r + " was disconnected");
        }
        // Every notice either arrived or was counted in a presence-missed; LIST tells the truth.
        RawClient late = server.join();
        late.send("LIST");
        Awaits.listSettles(late, readers.size() + 1);
        for (Counter r : readers) {
            r.close();
        }
    }

    /** Small helpers for LIST. */
    private static final class Awaits {
        /** LIST until it shows {@code n} clients (churned connections leave asynchronously). */
        static void listSettles(RawClient client, int n) {
            Json reply = clients(client);
            while (reply.list("clients").size() != n) {
                client.send("LIST");
                reply = clients(client);
            }
        }

        /** The next LIST reply, past the presence notices of the churn's last connections. */
        private static Json clients(RawClient client) {
            while (true) {
                Json line = client.take();
                if (line.type().equals("clients")) {
                    return line;
                }
                assertTrue(List.of("join", "leave", "presence-missed").contains(line.type()), line::toString);
            }
        }
    }

    @Test
    void aChatToAnIdRightAfterItsWelcomeIsDelivered() {
        server.start(b -> b.presenceLimit(0).rateLimit(RateLimit.NONE));
        RawClient sender = server.join();
        for (int i = 0; i < 300; i++) {
            try (RawClient fresh = RawClient.connect(server.address())) {
                String id = fresh.awaitWelcome().str("id");
                sender.send("CHAT " + id + " hello " + i);
                Json reply = sender.take();
                assertEquals("ok", reply.type(), () -> "CHAT right after the welcome of " + id + ": " + reply);
                assertEquals("hello " + i, fresh.takeType("message").str("message"));
            }
        }
    }

    /**
     * A client on a plain socket whose thread reads every line as it comes and only counts them, so that it
     * keeps up with a flood (a {@link RawClient} keeps each line).
     */
    private static final class Counter implements AutoCloseable {
        final Socket socket;
        private final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
        private final CountDownLatch welcomed = new CountDownLatch(1);
        private final java.util.concurrent.ConcurrentHashMap<String, AtomicLong> counts =
                new java.util.concurrent.ConcurrentHashMap<>();
        private volatile boolean ended;
        private Thread thread;

        Counter(Socket socket) {
            this.socket = socket;
        }

        void start() {
            thread = Thread.ofPlatform().daemon().name("test-counter").start(this::read);
        }

        /**
         * Reads raw bytes and looks only at the start of each line (every server line starts with
         * {@code {"type":"}), so that this thread costs little beside a flood.
         */
        private void read() {
            byte[] buffer = new byte[1 << 16];
            byte[] head = new byte[24];
            int headLength = 0;
            try (java.io.InputStream in = socket.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    for (int i = 0; i < n; i++) {
                        byte b = buffer[i];
                        if (b == '\n') {
                            line(new String(head, 0, headLength, UTF_8));
                            headLength = 0;
                        } else if (headLength < head.length) {
                            head[headLength++] = b;
                        }
                    }
                }
            } catch (IOException e) {
                // closed
            }
            ended = true;
        }

        /** The first bytes of a line: {@code {"type":"} and the type. */
        private void line(String head) {
            int stop = head.indexOf('"', 9);
            String type = "\"type\":\"" + (stop < 0 ? head.substring(9) : head.substring(9, stop)) + "\"";
            counts.computeIfAbsent(type, k -> new AtomicLong()).incrementAndGet();
            if (type.equals("\"type\":\"pong\"")) {
                pongs.add(type);
            } else if (type.equals("\"type\":\"welcome\"")) {
                welcomed.countDown();
            } else if (type.equals("\"type\":\"bye\"")) {
                ended = true;
            }
        }

        void awaitWelcome() throws InterruptedException {
            assertTrue(welcomed.await(5, TimeUnit.SECONDS), "no welcome");
        }

        void send(String line) {
            try {
                socket.getOutputStream().write((line + "\n").getBytes(UTF_8));
            } catch (IOException e) {
                throw new AssertionError(this + " cannot send (" + e + "): the server disconnected it", e);
            }
        }

        void awaitPong() throws InterruptedException {
            String pong = pongs.poll(10, TimeUnit.SECONDS);
            assertTrue(pong != null, this + ": no pong within 10 s");
        }

        long count(String type) {
            AtomicLong n = counts.get(type);
            return n == null ? 0 : n.get();
        }

        boolean ended() {
            return ended;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public String toString() {
            return "Counter" + counts;
        }
    }
}
