package io.aurachat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.ClientId;
import io.aurachat.server.ChatServer;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.LiveThreads;
import io.aurachat.testing.RecordingListener;
import io.aurachat.testing.TestClients;
import io.aurachat.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A thousand {@link ChatClient}s in one JVM on one server: each sends private messages, a quarter of them a
 * message to everyone, and every listener receives exactly what was meant for it, no more, no less. Join and leave
 * notices are off ({@code presenceLimit 0}), so the traffic is the messages alone.
 */
class ManyClientsTest {

    private static final int CLIENTS = 1000;
    /** Private messages each client sends, one to each of the next clients in a ring. */
    private static final int PRIVATE_PER_CLIENT = 5;
    /**
     * Every {@code SAY_EVERY}-th client sends one message to everyone. Each SAY is delivered 999 times; with
     * every client saying something the test delivered 1,000,000 messages and its send phase took 4 to 18 s
     * on the shared 2-core machine. A quarter of them keeps the test to a few seconds.
     */
    private static final int SAY_EVERY = 4;
    /** Connections opened at once, below the server's accept backlog. */
    private static final int CONNECTING_AT_ONCE = 32;
    /** The longest wait of any phase: generous, the whole test takes a few seconds. */
    private static final Duration PHASE = Duration.ofSeconds(60);

    @RegisterExtension
    final TestServer server = new TestServer();

    @RegisterExtension
    final TestClients clients = new TestClients(server);

    /** The ids of every client by index, published once all are connected. */
    private volatile ClientId[] ids;

    private static String privateText(int from, int to, int seq) {
        return "p " + from + " " + to + " " + seq;
    }

    private static boolean says(int client) {
        return client % SAY_EVERY == 0;
    }

    private static String sayText(int from, int seq) {
        return "s " + from + " " + seq + " to all of you";
    }

    /** An order-independent checksum of texts: the sum of a 64-bit mix of each. */
    private static long mix(String text) {
        long h = text.hashCode() * 0x9E3779B97F4A7C15L + text.length();
        h ^= h >>> 31;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }

    /** Counts what one client receives and checks each message as it arrives, on its event thread. */
    private final class Tally implements ChatListener {
        final int index;
        final Queue<String> problems;
        final CountDownLatch endsSeen;
        final CountDownLatch closedSeen;
        int privates;
        int says;
        long checksum;
        int[] lastSayFrom = new int[CLIENTS];
        Thread thread;
        volatile CloseReason closedWith;

        Tally(int index, Queue<String> problems, CountDownLatch endsSeen, CountDownLatch closedSeen) {
            this.index = index;
            this.problems = problems;
            this.endsSeen = endsSeen;
            this.closedSeen = closedSeen;
            java.util.Arrays.fill(lastSayFrom, -1);
        }

        private void sameThread() {
            Thread now = Thread.currentThread();
            if (thread == null) {
                thread = now;
                if (!RecordingListener.EVENT_THREAD_NAME.matcher(now.getName()).matches()) {
                    problems.add(index + ": callback on " + now);
                }
            } else if (thread != now) {
                problems.add(index + ": callbacks on " + thread + " and " + now);
            }
        }

        @Override
        public void onConnected(ChatClient client, Session session) {
            sameThread();
        }

        @Override
        public void onMessage(ChatClient client, ChatMessage m) {
            sameThread();
            String[] parts = m.text().split(" ");
            int from = Integer.parseInt(parts[1]);
            ClientId[] known = ids;
            if (!m.from().id().equals(known[from])) {
                problems.add(index + ": '" + m.text() + "' from " + m.from());
            }
            switch (parts[0]) {
                case "p" -> {
                    privates++;
                    checksum += mix(m.text());
                    if (Integer.parseInt(parts[2]) != index || !m.recipient().equals(Optional.of(known[index]))) {
                        problems.add(index + ": misdelivered " + m);
                    }
                }
                case "s" -> {
                    says++;
                    checksum += mix(m.text());
                    int seq = Integer.parseInt(parts[2]);
                    if (m.isPrivate() || seq <= lastSayFrom[from] || from == index) {
                        problems.add(index + ": out of order or misdelivered " + m);
                    }
                    lastSayFrom[from] = seq;
                }
                case "e" -> {
                    if (from != index) {
                        problems.add(index + ": someone else's end marker " + m);
                    }
                    endsSeen.countDown();
                }
                default -> problems.add(index + ": unexpected " + m);
            }
        }

        @Override
        public void onJoin(ChatClient client, io.aurachat.client.Peer peer) {
            problems.add(index + ": join with presenceLimit 0: " + peer);
        }

        @Override
        public void onClosed(ChatClient client, CloseReason reason, Throwable cause) {
            sameThread();
            closedWith = reason;
            closedSeen.countDown();
        }
    }

    private static void awaitLatch(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(PHASE.toMillis(), TimeUnit.MILLISECONDS), what + ": " + latch.getCount() + " missing");
    }

    private static void allDone(List<Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            f.get(PHASE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aThousandClientsChatWithoutLosingAMessage() throws Exception {
        ChatServer s = server.start(b -> b.presenceLimit(0).maxClients(CLIENTS + 10).maxConnectionsPerAddress(0));
        ClientConfig config = clients.config().connectTimeout(PHASE).callTimeout(PHASE).build();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch endsSeen = new CountDownLatch(CLIENTS);
        CountDownLatch closedSeen = new CountDownLatch(CLIENTS);
        List<Tally> tallies = new ArrayList<>();
        ChatClient[] chat = new ChatClient[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            tallies.add(new Tally(i, problems, endsSeen, closedSeen));
        }
        long t0 = System.nanoTime();

        // Connect, a few at a time.
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Semaphore connecting = new Semaphore(CONNECTING_AT_ONCE);
            List<Future<?>> connects = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int index = i;
                connects.add(pool.submit(() -> {
                    connecting.acquire();
                    try {
                        chat[index] = clients.track(ChatClient.connect(config, tallies.get(index)));
                    } finally {
                        connecting.release();
                    }
                    return null;
                }));
            }
            allDone(connects);
        }
        ClientId[] known = new ClientId[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            known[i] = chat[i].id();
        }
        ids = known;
        assertEquals(CLIENTS, s.clients().size());
        long t1 = System.nanoTime();

        // Everyone sends at once.
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int from = i;
                sends.add(pool.submit(() -> {
                    for (int j = 1; j <= PRIVATE_PER_CLIENT; j++) {
                        int to = (from + j) % CLIENTS;
                        chat[from].chat(known[to], privateText(from, to, j));
                    }
                    if (says(from)) {
                        int reached = chat[from].say(sayText(from, 0));
                        if (reached != CLIENTS - 1) {
                            problems.add(from + ": SAY reached " + reached);
                        }
                    }
                    return null;
                }));
            }
            allDone(sends);
        }
        long t2 = System.nanoTime();

        // Every send has been answered, so all messages are queued: an end marker each sends itself
        // arrives after everything else meant for it.
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> ends = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int index = i;
                ends.add(pool.submit(() -> {
                    chat[index].chat(known[index], "e " + index);
                    return null;
                }));
            }
            allDone(ends);
        }
        awaitLatch(endsSeen, "end markers");
        long t3 = System.nanoTime();

        for (Tally t : tallies) {
            long expected = 0;
            for (int j = 1; j <= PRIVATE_PER_CLIENT; j++) {
                int from = Math.floorMod(t.index - j, CLIENTS);
                expected += mix(privateText(from, t.index, j));
            }
            int expectedSays = 0;
            for (int from = 0; from < CLIENTS; from++) {
                if (says(from) && from != t.index) {
                    expected += mix(sayText(from, 0));
                    expectedSays++;
                }
            }
            int expectedSaysOf = expectedSays;
            int index = t.index;
            assertEquals(PRIVATE_PER_CLIENT, t.privates, () -> "private messages of client " + index);
            assertEquals(expectedSaysOf, t.says, () -> "messages to everyone of client " + index);
            assertEquals(expected, t.checksum, () -> "checksum of client " + index);
        }
        assertEquals(List.of(), List.copyOf(problems));

        // Everyone leaves; nothing stays behind.
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ChatClient c : chat) {
                pool.execute(c::close);
            }
        }
        awaitLatch(closedSeen, "onClosed");
        long t4 = System.nanoTime();
        for (Tally t : tallies) {
            assertEquals(CloseReason.EXIT, t.closedWith, () -> "client " + t.index);
            assertTrue(chat[t.index].isClosed());
        }
        Awaits.await("the server has no client left").until(() -> s.clients().isEmpty());
        LiveThreads.awaitNone(TestClients.THREAD_PREFIX);
        assertEquals(List.of(), List.copyOf(problems));
        System.out.printf("ManyClientsTest: connect %d ms, send %d ms, deliver %d ms, close %d ms%n",
                ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3));
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
