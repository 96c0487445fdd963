package io.aurachat.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Runs one workload against one server and returns its {@link Result}. The calling thread sets up,
 * times and checks the run; the {@link EventLoop}s move the bytes and call back into this class
 * ({@link Codec.Events}, {@link #refill}) on their own threads.
 *
 * <p>Flow control of the closed-loop workloads: a message is in flight from the moment it is written
 * until its recipient has read it (for fan-out: until every receiver has), and each sender keeps at
 * most {@code window} in flight. The recipient's loop returns the credit, so neither side can outrun
 * the server and nothing is measured that the server did not deliver. The flood workload's flooder is
 * such a closed-loop sender (to itself) beside the open-loop pacer of the latency workload.
 */
public final class Driver implements Codec.Events {

    private static final int MAX_FAILURE_TEXTS = 10;
    private static final long NEVER = Long.MAX_VALUE;

    private final Settings settings;
    private final Codec codec;
    private final EventLoop[] loops;
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger failureCount = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failureTexts = new ConcurrentLinkedQueue<>();
    private final AtomicLong budget = new AtomicLong();
    private final ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
    /** TLS: one context per run, so that no run resumes another's sessions; {@code null} without TLS. */
    private final javax.net.ssl.SSLContext tlsContext;
    /** The pacer's buffer for records (TLS); pacer thread. */
    private ByteBuffer pacerNetOut;
    private Semaphore connectSlots;
    private volatile Client[] clients = new Client[0];
    private volatile boolean sending;
    private volatile long recordFrom = NEVER;
    private volatile long recordUntil = NEVER;
    /** What a RESP PUBLISH must answer (subscribers reached); -1: do not check (AuraChat). */
    private volatile long expectedReply = -1;
    private AtomicIntegerArray fanoutSlots = new AtomicIntegerArray(1);
    private int fanoutReceivers;
    private Thread pacer;
    /** Latency and flood workloads: the pacer sends, deliveries of its messages return no credit. */
    private volatile boolean openLoop;
    /** Flood workload: the flooder's index (N, connected last), never the pacer's sender or recipient; -1 otherwise. */
    private volatile int flooder = -1;
    /** Set by the main thread once the pacer has been joined, so that {@link #pacerSent} is safe to read. */
    private boolean pacerDone;
    private volatile boolean limited;
    private long pacerSent;
    private long pacerChecksum;
    /** The pacer's own CPU time at the start of the measuring window and at its end; read after it is joined. */
    private long pacerCpuStart;
    private long pacerCpuEnd;
    /** How late the pacer sent each message of the window against its schedule; pacer thread, read after join. */
    private final Histogram pacerLag = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    private long pacerStalls;

    private Driver(Settings settings) {
        this.settings = settings;
        this.codec = settings.target().codec();
        this.tlsContext = settings.tls() ? Tls.trustAllContext() : null;
        this.loops = new EventLoop[settings.threads()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new EventLoop(i, codec, this);
        }
    }

    /**
     * Runs the workload that {@code settings} describes; blocks until it is over (warm-up, window,
     * draining, and for idle the settle times) and every connection it opened is closed.
     *
     * @throws IOException if a connection cannot be opened
     * @throws InterruptedException if the calling thread is interrupted
     */
    public static Result run(Settings settings) throws IOException, InterruptedException {
        return new Driver(settings).execute();
    }

    private Result execute() throws IOException, InterruptedException {
        Result r = new Result()
                .put("workload", settings.workload().wireName())
                .put("target", settings.target().wireName())
                .put("setup", settings.setup())
                .put("targetLabel", settings.targetLabel())
                .put("date", Instant.now().toString())
                .put("clients", settings.clients())
                .put("threads", settings.threads())
                .put("tls", settings.tls());
        for (EventLoop loop : loops) {
            loop.start();
        }
        try {
            switch (settings.workload()) {
                case DIRECT -> closedLoop(r, false);
                case FANOUT -> closedLoop(r, true);
                case LATENCY -> latency(r, false);
                case FLOOD -> latency(r, true);
                case IDLE, IDLE_UNNAMED -> idle(r);
            }
        } catch (IllegalStateException e) {
            r.fail(e.getMessage());
        } finally {
            sending = false;
            closeAll();
            for (EventLoop loop : loops) {
                loop.stop();
            }
        }
        if (!settings.workload().idle()) {
            checkCounts(r);
        }
        if (tlsContext != null) {
            r.put("tlsProtocol", tlsProtocol).put("tlsCipherSuite", tlsCipherSuite);
            if (tlsProtocol.isEmpty()) {
                r.fail("no TLS session was set up");
            }
        }
        for (String f : failureTexts) {
            r.fail(f);
        }
        if (failureCount.get() > failureTexts.size()) {
            r.fail((failureCount.get() - failureTexts.size()) + " more failures");
        }
        return r;
    }

    // ---------------------------------------------------------------- workloads

    private void closedLoop(Result r, boolean fanout) throws IOException, InterruptedException {
        int n = settings.clients();
        int window = settings.window();
        r.put("window", window);
        if (fanout) {
            fanoutReceivers = n;
            fanoutSlots = new AtomicIntegerArray(window);
            connect(n + 1, i -> i == 0 ? null : RespCodec.EVERYONE, i -> i == 0 ? sendBuffer() : 256);
            expectedReply = settings.target() == Target.REDIS ? n : -1;
        } else {
            connect(n, i -> clientInbox(i), i -> sendBuffer());
            expectedReply = settings.target() == Target.REDIS ? 1 : -1;
        }
        limited = settings.messageLimit() > 0;
        budget.set(settings.messageLimit());
        r.put("warmupSeconds", settings.warmup().toMillis() / 1000.0);

        sending = true;
        Client[] all = clients;
        if (fanout) {
            all[0].loop.schedule(all[0]);
        } else {
            for (Client c : all) {
                c.loop.schedule(c);
            }
        }
        pause(settings.warmup(), () -> false);
        Window w = Window.open(this);
        recordFrom = w.startNanos;
        pause(settings.duration(), () -> limited && budget.get() <= 0);
        w.close(this);
        recordUntil = w.endNanos;
        sending = false;
        w.report(r, fanout ? "deliveriesPerSecond" : "messagesPerSecond");
        drain(fanout ? n : 1);
    }

    /**
     * The pacer's open-loop messages among N clients ({@link #pace}), and with {@code flood} one more client,
     * the flooder, that sends to itself as fast as the server lets it, with the flood window in flight
     * ({@link #refill}). The histogram holds the N clients' latencies only; the flooder's deliveries are
     * counted apart ({@code floodMessagesPerSecond}). With a message limit the pacer and the flooder each
     * send that many, and the window lasts until both have.
     */
    private void latency(Result r, boolean flood) throws IOException, InterruptedException {
        int n = settings.clients();
        r.put("offeredRate", settings.rate()).put("warmupSeconds", settings.warmup().toMillis() / 1000.0);
        if (flood) {
            r.put("floodWindow", settings.floodWindow());
            flooder = n;
            int floodBuffer = Math.max(4096, (settings.floodWindow() + 2) * codec.maxFrame());
            connect(n + 1, i -> clientInbox(i), i -> i == n ? floodBuffer : sendBuffer());
        } else {
            connect(n, i -> clientInbox(i), i -> sendBuffer());
        }
        expectedReply = settings.target() == Target.REDIS ? 1 : -1;
        long limit = settings.messageLimit() == 0 ? Long.MAX_VALUE : settings.messageLimit();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        long measureFrom = start + settings.warmup().toNanos();
        long measureUntil = measureFrom + settings.duration().toNanos();
        recordFrom = measureFrom;
        recordUntil = measureUntil;
        openLoop = true;
        pacer = Thread.ofPlatform().name("bench-pacer").unstarted(() -> pace(start, measureFrom, measureUntil, limit));
        pacer.start();
        if (flood) { // the flooder starts with the pacer's first message
            limited = settings.messageLimit() > 0;
            budget.set(settings.messageLimit());
            sending = true;
            pause(Duration.ofNanos(start - System.nanoTime()), () -> false);
            Client f = clients[n];
            f.loop.schedule(f);
        }
        pause(Duration.ofNanos(measureFrom - System.nanoTime()), () -> false);
        Window w = Window.open(this);
        pacer.join();
        pacerDone = true;
        if (flood) { // the pacer has used its limit (or the window is over): wait for the flooder to use its own
            pause(Duration.ofNanos(measureUntil - System.nanoTime()), () -> !limited || budget.get() <= 0);
        }
        w.close(this);
        sending = false;
        w.report(r, "messagesPerSecond");
        if (flood) {
            r.put("floodMessagesPerSecond", w.floodRate());
        }
        r.put("generatorPacerCpuCores", (pacerCpuEnd - pacerCpuStart) / 1e9 / (w.seconds()))
                .put("pacerLagP99Micros", pacerLag.getValueAtPercentile(99) / 1e3)
                .put("pacerLagMaxMicros", pacerLag.getMaxValue() / 1e3)
                .put("pacerStalls", pacerStalls);
        drain(1);
    }

    /**
     * Sends at the offered rate from the clients in turn to random others, open loop: it never waits
     * for deliveries, and its non-blocking writes never wait for the server either, so a slow server
     * cannot hold back the senders (no coordinated omission). A message is therefore stamped when it
     * is written, which keeps the generator's own scheduling delays (a shared machine) out of the
     * server's latency; how late the pacer was against its schedule is reported on its own
     * ({@code pacerLag*}), and so is every time a full socket made it wait ({@code pacerStalls}). It uses the
     * first N clients only: the flood workload's flooder, after them, belongs to its event loop.
     */
    private void pace(long start, long measureFrom, long until, long limit) {
        Client[] all = clients;
        int n = settings.clients();
        boolean measuring = false;
        double interval = 1e9 / settings.rate();
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        long k = 0;
        while (k < limit) {
            long due = start + (long) (k * interval);
            if (due >= until) {
                break;
            }
            if (!measuring && due >= measureFrom) {
                measuring = true;
                pacerCpuStart = threadBean.getCurrentThreadCpuTime();
            }
            long now = System.nanoTime();
            if (now < due) {
                LockSupport.parkNanos(due - now);
                continue;
            }
            Client from = all[(int) (k % n)];
            int to = random.nextInt(n - 1);
            if (to >= from.index) {
                to++;
            }
            long sequence = from.nextSequence++;
            ByteBuffer out = from.out;
            if (out.remaining() < codec.maxFrame()) {
                pacerStalls++;
                while (out.remaining() < codec.maxFrame() && !from.closing) {
                    writeFromPacer(from);
                    Thread.onSpinWait();
                }
            }
            if (measuring) {
                pacerLag.recordValue(Math.min(now - due, pacerLag.getHighestTrackableValue()));
            }
            codec.direct(out, from, all[to], sequence, System.nanoTime());
            pacerChecksum += checksum(from.index, sequence);
            pacerSent++;
            writeFromPacer(from);
            k++;
        }
        for (int i = 0; i < n; i++) {
            Client c = all[i];
            while ((c.out.position() > 0 || (c.tls != null && c.tls.hasUnsent())) && !c.closing) {
                writeFromPacer(c);
                Thread.onSpinWait();
            }
        }
        pacerCpuEnd = threadBean.getCurrentThreadCpuTime();
        if (!measuring) {
            pacerCpuStart = pacerCpuEnd;
        }
    }

    private void writeFromPacer(Client c) {
        if (c.tls != null) {
            if (pacerNetOut == null) {
                pacerNetOut = ByteBuffer.allocateDirect(4 * c.tls.packetSize());
            }
            try {
                c.tls.write(c.channel, c.out, pacerNetOut);
            } catch (IOException e) {
                failure(c, "pacer could not write: " + e);
                c.out.clear();
                c.closing = true;
            }
            return;
        }
        ByteBuffer out = c.out;
        out.flip();
        try {
            c.channel.write(out);
        } catch (IOException e) {
            failure(c, "pacer could not write: " + e);
            out.clear();
            c.closing = true;
            return;
        }
        out.compact();
    }

    /**
     * The idle workloads: the freshly started server goes quiet, then K clients connect (and with {@link Workload#IDLE}
     * each sets a name and waits for the reply) and the server goes quiet again: RSS growth from the first reading to
     * the second, divided by K, is the cold figure. Then all K close, the server goes quiet, and a second round (warm)
     * does the same. Nothing forces a garbage collection: the figure is what the process holds.
     */
    private void idle(Result r) throws IOException, InterruptedException {
        int k = settings.clients();
        long pid = settings.serverPid();
        boolean named = settings.workload() == Workload.IDLE;
        r.put("named", named).put("serverPid", pid).put("settleSeconds", settings.settle().toMillis() / 1000.0);
        Quiet fresh = quiet(System.nanoTime(), "start-up");
        r.put("settledSecondsStart", fresh.seconds());
        long coldBase = fresh.rssBytes();
        IdleRound cold = idleRound(r, "Cold", k, named);
        long closeStart = System.nanoTime();
        closeAll();
        Quiet closed = quiet(closeStart, "closing every connection");
        r.put("settledSecondsAfterClose", closed.seconds());
        long warmBase = closed.rssBytes();
        IdleRound warm = idleRound(r, "Warm", k, named);
        r.put("rssColdBaseBytes", coldBase).put("rssColdAfterBytes", cold.rssBytes())
                .put("rssWarmBaseBytes", warmBase).put("rssWarmAfterBytes", warm.rssBytes());
        if (coldBase > 0 && warmBase > 0) {
            r.put("bytesPerConnectionCold", (cold.rssBytes() - coldBase) / (double) k)
                    .put("bytesPerConnectionWarm", (warm.rssBytes() - warmBase) / (double) k);
        } else {
            r.fail("no memory figures: server pid " + pid + " has no readable /proc/<pid>/status");
        }
        r.put("connectsPerSecondCold", cold.connectsPerSecond()).put("connectsPerSecondWarm", warm.connectsPerSecond());
    }

    /** What one idle round found: connects per second and the server's RSS once it was quiet. */
    private record IdleRound(double connectsPerSecond, long rssBytes) {}

    /**
     * Connects {@code k} idle clients (named: each sends its name after the welcome, and counts as connected once
     * that is answered), reads every join notice, then waits for the server to go quiet while reading whatever else
     * it sends (the rename notices of the names, among others).
     */
    private IdleRound idleRound(Result r, String suffix, int k, boolean named) throws IOException, InterruptedException {
        long pid = settings.serverPid();
        long joinsBefore = joins();
        long renamesBefore = renames();
        long missedBefore = presenceMissed();
        long serverCpu0 = Proc.cpuNanos(pid);
        long loopCpu0 = loopCpu();
        long t0 = System.nanoTime();
        String prefix = "idle" + (suffix.equals("Cold") ? 1 : 2) + "-";
        long ready = connectOnly(k, i -> clientInbox(i), i -> 256,
                named ? i -> AuraChatCodec.ascii(prefix + i) : i -> null);
        long t1 = System.nanoTime();
        drainJoins(k, joinsBefore);
        long t2 = System.nanoTime();
        if (settings.target() == Target.AURACHAT) {
            r.put("joinNoticesDrainSeconds" + suffix, (t2 - t1) / 1e9);
        }
        // CPU while connecting (and, for AuraChat, draining the join notices): who was the bottleneck.
        double seconds = (t2 - t0) / 1e9;
        long serverCpu1 = Proc.cpuNanos(pid);
        if (serverCpu0 >= 0 && serverCpu1 >= 0) {
            r.put("serverCpuCoresConnecting" + suffix, (serverCpu1 - serverCpu0) / 1e9 / seconds);
        }
        r.put("generatorLoopCpuCoresConnecting" + suffix, (loopCpu() - loopCpu0) / 1e9 / seconds);
        Quiet q = quiet(t0, "connecting " + k + " clients");
        r.put("readySeconds" + suffix, (ready - t0) / 1e9)
                .put("settledSeconds" + suffix, q.seconds());
        if (serverCpu0 >= 0 && q.serverCpuNanos() >= 0) {
            r.put("serverCpuSecondsToSettle" + suffix, (q.serverCpuNanos() - serverCpu0) / 1e9);
        }
        if (settings.target() == Target.AURACHAT) {
            r.put("renameNotices" + suffix, renames() - renamesBefore)
                    .put("presenceMissedNotices" + suffix, presenceMissed() - missedBefore);
        }
        return new IdleRound(k / ((ready - t0) / 1e9), q.rssBytes());
    }

    // ---------------------------------------------------------------- setup and teardown

    private byte[] clientInbox(int i) {
        return AuraChatCodec.ascii("c" + i);
    }

    private int sendBuffer() {
        return Math.max(4096, (settings.window() + 2) * codec.maxFrame());
    }

    /** Connects {@code n} clients, then waits until every join notice among them has arrived. */
    private void connect(int n, IntFunction<byte[]> subscription, IntFunction<Integer> outCapacity)
            throws IOException, InterruptedException {
        long joinsBefore = joins();
        connectOnly(n, subscription, outCapacity, i -> null);
        drainJoins(n, joinsBefore);
    }

    /**
     * Opens {@code n} connections, at most {@code connectConcurrency} not yet ready at a time, and
     * waits until all are ready; returns the {@link System#nanoTime()} when the last one was. A client
     * with a name (from {@code names}; {@code null}: none) is ready once the server has answered its naming command.
     */
    private long connectOnly(int n, IntFunction<byte[]> subscription, IntFunction<Integer> outCapacity,
            IntFunction<byte[]> names) throws IOException, InterruptedException {
        Client[] made = new Client[n];
        clients = made;
        ready.set(0);
        connectSlots = new Semaphore(settings.connectConcurrency());
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        int readyAtDeadline = 0;
        for (int i = 0; i < n; i++) {
            while (!connectSlots.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                if (failureCount.get() > 0) {
                    throw new IllegalStateException("failed while connecting: " + ready.get() + " of " + n
                            + " clients ready" + firstFailure());
                }
                if (ready.get() != readyAtDeadline) { // progress: the timeout counts from here
                    readyAtDeadline = ready.get();
                    deadline = System.nanoTime() + settings.timeout().toNanos();
                } else if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no client became ready for " + settings.timeout()
                            + " while connecting: " + ready.get() + " of " + n + " clients ready" + firstFailure());
                }
            }
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            EventLoop loop = loops[i % loops.length];
            Client c = new Client(i, loop, channel, outCapacity.apply(i), settings.target() == Target.REDIS
                    ? subscription.apply(i) : null, names.apply(i));
            if (tlsContext != null) {
                c.tls = Tls.connect(tlsContext, settings.address(), settings.tlsCipherSuites());
            }
            made[i] = c;
            channel.connect(settings.address());
            loop.submit(() -> loop.register(c));
        }
        await(() -> ready.get() >= n, ready::get, "every client to be ready (" + n + ")");
        long at = System.nanoTime();
        if (tlsContext != null) {
            noteTls(made);
        }
        return at;
    }

    /** TLS: the protocol versions and cipher suites the clients' handshakes agreed on, every distinct one. */
    private String tlsProtocol = "";
    private String tlsCipherSuite = "";

    private void noteTls(Client[] made) {
        java.util.Set<String> protocols = new java.util.LinkedHashSet<>();
        java.util.Set<String> suites = new java.util.LinkedHashSet<>();
        for (Client c : made) { // ready: each has read a reply over its session, so the handshake is over
            protocols.add(c.tls.protocol());
            suites.add(c.tls.cipherSuite());
        }
        tlsProtocol = String.join(",", protocols);
        tlsCipherSuite = String.join(",", suites);
    }

    /**
     * AuraChat sends every client a join for each client that connected after it, while the server has at
     * most its presence limit of clients (the welcome says which): with m = min(n, limit) clients that
     * get notices, m(m-1)/2 in all. Clients connect to a server that has none yet.
     */
    private void drainJoins(int n, long joinsBefore) throws InterruptedException {
        if (settings.target() != Target.AURACHAT) {
            return;
        }
        long limit = clients.length > 0 && clients[0] != null ? clients[0].presenceLimit() : Long.MAX_VALUE;
        long m = Math.min(n, limit);
        long expected = m * (m - 1) / 2;
        await(() -> joins() - joinsBefore >= expected, this::joins,
                "the join notices of the mass connect (" + expected + ")");
    }

    private void closeAll() throws InterruptedException {
        Client[] all = clients;
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(loops.length);
        for (EventLoop loop : loops) {
            for (Client c : all) {
                if (c != null) {
                    c.closing = true;
                }
            }
            loop.submit(() -> {
                for (Client c : all) {
                    if (c != null && c.loop == loop) {
                        loop.close(c);
                    }
                }
                done.countDown();
            });
        }
        done.await(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        if (pacer != null) {
            pacer.join(settings.timeout().toMillis());
        }
    }

    /** Waits after sending stopped until everything sent was delivered {@code perMessage} times and answered. */
    private void drain(long perMessage) throws InterruptedException {
        try {
            await(() -> delivered() >= sent() * perMessage && replies() >= sent(), () -> delivered() + replies(),
                    "the last deliveries");
        } catch (IllegalStateException e) {
            failure(null, e.getMessage() + ": sent " + sent() + ", delivered " + delivered()
                    + ", replies " + replies());
        }
    }

    private void checkCounts(Result r) {
        long sent = pacer != null ? pacerSent : 0;
        long delivered = 0;
        long replies = 0;
        long out = pacer != null ? pacerChecksum : 0;
        long in = 0;
        long wrong = 0;
        long disorder = 0;
        long floodDelivered = 0;
        Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (EventLoop loop : loops) { // the loops have stopped: their fields are final now
            sent += loop.sent;
            delivered += loop.delivered;
            replies += loop.replies;
            out += loop.checksumOut;
            in += loop.checksumIn;
            wrong += loop.wrongRecipient;
            disorder += loop.outOfOrder;
            floodDelivered += loop.floodDelivered;
            latency.add(loop.latency);
        }
        long perMessage = settings.workload() == Workload.FANOUT ? fanoutReceivers : 1;
        r.put("sent", sent).put("delivered", delivered).put("replies", replies);
        r.put("latencySamples", latency.getTotalCount())
                .put("p50Micros", latency.getValueAtPercentile(50) / 1e3)
                .put("p99Micros", latency.getValueAtPercentile(99) / 1e3)
                .put("p999Micros", latency.getValueAtPercentile(99.9) / 1e3)
                .put("maxMicros", latency.getMaxValue() / 1e3);
        if (sent == 0) {
            r.fail("nothing was sent");
        }
        if (delivered != sent * perMessage) {
            r.fail("sent " + sent + " x " + perMessage + " but delivered " + delivered);
        }
        if (replies != sent) {
            r.fail("sent " + sent + " but got " + replies + " replies");
        }
        if (perMessage == 1 && in != out) {
            r.fail("the (sender, sequence) checksum of deliveries differs from that of sent messages: lost or duplicated messages");
        }
        if (wrong != 0) {
            r.fail(wrong + " messages reached the wrong client");
        }
        if (disorder != 0) {
            r.fail(disorder + " fan-out messages arrived out of order or twice");
        }
        if (settings.workload() == Workload.FLOOD) {
            Client f = clients.length > flooder ? clients[flooder] : null;
            long floodSent = f == null ? 0 : f.nextSequence; // its loop has stopped
            r.put("floodSent", floodSent).put("floodDelivered", floodDelivered);
            if (floodSent == 0) {
                r.fail("the flooder sent nothing");
            }
            if (floodDelivered != floodSent) {
                r.fail("the flooder sent " + floodSent + " messages to itself but received " + floodDelivered);
            }
        }
    }

    // ---------------------------------------------------------------- events (loop threads)

    /** The client is in; one with a name sends it now and is ready once the reply arrives ({@link #reply}). */
    @Override
    public void ready(Client client) {
        if (client.ready || client.naming) {
            return;
        }
        if (client.name() != null && !client.nameSent) {
            client.nameSent = true;
            client.naming = true;
            codec.name(client.out, client);
            client.loop.flush(client);
            return;
        }
        client.ready = true;
        ready.incrementAndGet();
        connectSlots.release();
    }

    @Override
    public void joined(Client client) {
        client.loop.joins++;
    }

    @Override
    public void notice(Client client, Codec.Notice kind) {
        EventLoop loop = client.loop;
        switch (kind) {
            case LEAVE -> loop.leaves++;
            case RENAME -> loop.renames++;
            case PRESENCE_MISSED -> loop.presenceMissed++;
        }
    }

    @Override
    public void message(Client client, ByteBuffer in, int at) {
        EventLoop loop = client.loop;
        long now = System.nanoTime();
        int from = Payload.sender(in, at);
        int to = Payload.recipient(in, at);
        long sequence = Payload.sequence(in, at);
        long stamp = Payload.stamp(in, at);
        boolean flooded = from == flooder; // the flood workload's flooder's own message, back to it
        loop.delivered++;
        if (client.index == flooder) {
            loop.floodDelivered++; // checked against what it sent, so the pacer's messages must not reach it
        }
        if (!flooded && stamp >= recordFrom && stamp < recordUntil) { // the histogram is the others' latency
            loop.latency.recordValue(Math.min(Math.max(0, now - stamp), loop.latency.getHighestTrackableValue()));
        }
        Client[] all = clients;
        if (from < 0 || from >= all.length) {
            loop.wrongRecipient++;
            return;
        }
        Client sender = all[from];
        if (to == Payload.EVERYONE) {
            if (sequence != client.expectedSequence) {
                loop.outOfOrder++;
            }
            client.expectedSequence = sequence + 1;
            if (fanoutSlots.incrementAndGet((int) (sequence % fanoutSlots.length())) == fanoutReceivers) {
                sender.inFlight.decrementAndGet();
                sender.loop.schedule(sender);
            }
            return;
        }
        if (to != client.index) {
            loop.wrongRecipient++;
        }
        loop.checksumIn += checksum(from, sequence);
        if (!openLoop || flooded) { // the pacer's messages return no credit, the flooder's do
            sender.inFlight.decrementAndGet();
            sender.loop.schedule(sender);
        }
    }

    @Override
    public void reply(Client client, long value) {
        if (client.naming) { // the answer to its name (the codec reports errors as failures): it is in
            client.naming = false;
            ready(client);
            return;
        }
        client.loop.replies++;
        long expected = expectedReply;
        if (expected >= 0 && value != expected) {
            failure(client, "PUBLISH reached " + value + " subscribers instead of " + expected);
        }
    }

    @Override
    public void failure(Client client, String what) {
        if (client != null) {
            client.loop.failures++;
        }
        if (failureCount.incrementAndGet() <= MAX_FAILURE_TEXTS) {
            failureTexts.add(what);
        }
    }

    /**
     * Writes as many messages as {@code client}'s window and buffer allow; on its loop's thread. The flood
     * workload's flooder (the only client its loop writes for there) sends to itself, with the flood window.
     */
    void refill(Client client) {
        if (!sending || !client.ready || client.closing) {
            return;
        }
        EventLoop loop = client.loop;
        ByteBuffer out = client.out;
        boolean flooding = client.index == flooder;
        int window = flooding ? settings.floodWindow() : settings.window();
        int frame = codec.maxFrame();
        Client[] all = clients;
        boolean fanout = fanoutReceivers > 0;
        while (client.inFlight.get() < window && out.remaining() >= frame) {
            if (limited && budget.decrementAndGet() < 0) {
                return;
            }
            long sequence = client.nextSequence++;
            if (fanout) {
                fanoutSlots.set((int) (sequence % window), 0);
                codec.toEveryone(out, client, sequence, System.nanoTime());
            } else {
                Client to = client;
                if (!flooding) {
                    int other = loop.nextInt(all.length - 1);
                    to = all[other >= client.index ? other + 1 : other];
                }
                codec.direct(out, client, to, sequence, System.nanoTime());
                loop.checksumOut += checksum(client.index, sequence);
            }
            client.inFlight.incrementAndGet();
            loop.sent++;
        }
    }

    /** {@code client}'s connection ended (a failure unless we closed it); on its loop's thread. */
    void closed(Client client) {
        if (!client.ready && !client.closing) {
            connectSlots.release(); // it will never be ready: let the next one try
        }
    }

    /** The socket of {@code client} took everything queued: it may send more. */
    void writable(Client client) {
        client.loop.schedule(client);
    }

    private static long checksum(int sender, long sequence) {
        long x = sequence * 0x9E3779B97F4A7C15L + sender;
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9L;
        return x ^ (x >>> 29);
    }

    // ---------------------------------------------------------------- counters and waiting

    private long sent() {
        long s = pacerDone ? pacerSent : 0;
        for (EventLoop loop : loops) {
            s += loop.sentCount();
        }
        return s;
    }

    private long delivered() {
        long s = 0;
        for (EventLoop loop : loops) {
            s += loop.deliveredCount();
        }
        return s;
    }

    private long floodDelivered() {
        long s = 0;
        for (EventLoop loop : loops) {
            s += loop.floodDeliveredCount();
        }
        return s;
    }

    private long replies() {
        long s = 0;
        for (EventLoop loop : loops) {
            s += loop.replyCount();
        }
        return s;
    }

    private long joins() {
        long s = 0;
        for (EventLoop loop : loops) {
            s += loop.joinCount();
        }
        return s;
    }

    private long renames() {
        long s = 0;
        for (EventLoop loop : loops) {
            s += loop.renameCount();
        }
        return s;
    }

    private long presenceMissed() {
        long s = 0;
        for (EventLoop loop : loops) {
            s += loop.presenceMissedCount();
        }
        return s;
    }

    private long received() {
        long s = 0;
        for (EventLoop loop : loops) {
            s += loop.receivedBytes();
        }
        return s;
    }

    private String firstFailure() {
        String f = failureTexts.peek();
        return f == null ? "" : "; first failure: " + f;
    }

    /**
     * Waits until {@code done}; throws IllegalStateException on a failure, or when {@code progress} has not
     * changed for the timeout (a mass connect may take long, but it must keep moving).
     */
    private void await(BooleanSupplier done, java.util.function.LongSupplier progress, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        long last = progress.getAsLong();
        while (!done.getAsBoolean()) {
            if (failureCount.get() > 0) {
                throw new IllegalStateException("failed while waiting for " + what + firstFailure());
            }
            long now = progress.getAsLong();
            if (now != last) {
                last = now;
                deadline = System.nanoTime() + settings.timeout().toNanos();
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no progress for " + settings.timeout() + " waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    /** The most CPU the server may use over a quiet window: 5% of a core. */
    private static final double QUIET_CPU_SHARE = 0.05;
    /** The most its RSS may move over a quiet window. */
    private static final long QUIET_RSS_BYTES = 512 * 1024;
    private static final long QUIET_SAMPLE_MILLIS = 100;

    /**
     * The server's state when it had gone quiet: its RSS then, the seconds from the given start to the beginning of
     * the quiet window (NaN if it never went quiet), and its CPU time then (-1 if unknown).
     */
    private record Quiet(long rssBytes, double seconds, long serverCpuNanos) {}

    /**
     * Waits until the server has gone quiet, so that its memory is not read in the middle of work the last step
     * started (AuraChat: the presence notices of a mass connect, rename or disconnect). Quiet is a whole settle
     * window (sampled every 100 ms) in which the server used less than 5% of a core, its RSS moved by at most
     * 512 KiB, and the generator received nothing: everything the server sent has been read, so it holds nothing
     * back for a full socket. Without a server pid only the last applies. With a settle time of zero, returns at
     * once. Gives up after the timeout, failing the run.
     *
     * @param from  the start of the step, which the returned seconds count from
     * @param after the step, for the failure's text
     */
    private Quiet quiet(long from, String after) throws InterruptedException {
        long pid = settings.serverPid();
        long window = settings.settle().toNanos();
        if (window == 0) {
            return new Quiet(Proc.rssBytes(pid), (System.nanoTime() - from) / 1e9, Proc.cpuNanos(pid));
        }
        List<long[]> samples = new ArrayList<>(); // {nanoTime, server CPU nanos, RSS bytes, bytes received}
        int first = 0;
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        while (true) {
            long now = System.nanoTime();
            long[] s = {now, Proc.cpuNanos(pid), Proc.rssBytes(pid), received()};
            samples.add(s);
            while (first + 1 < samples.size() && samples.get(first + 1)[0] <= now - window) {
                first++;
            }
            long[] start = samples.get(first);
            if (now - start[0] >= window) {
                long cpu = s[1] >= 0 && start[1] >= 0 ? s[1] - start[1] : 0;
                long rssMin = Long.MAX_VALUE;
                long rssMax = Long.MIN_VALUE;
                for (int i = first; i < samples.size(); i++) {
                    rssMin = Math.min(rssMin, samples.get(i)[2]);
                    rssMax = Math.max(rssMax, samples.get(i)[2]);
                }
                long got = s[3] - start[3];
                if (cpu < QUIET_CPU_SHARE * window && rssMax - rssMin <= QUIET_RSS_BYTES && got == 0) {
                    return new Quiet(s[2], (start[0] - from) / 1e9, s[1]);
                }
                if (now > deadline) {
                    failure(null, String.format(java.util.Locale.ROOT, "the server did not go quiet within %s after %s"
                            + " (its last %.1f s: %.0f ms of CPU, RSS moved by %d KiB, the generator received %d bytes)",
                            settings.timeout(), after, window / 1e9, cpu / 1e6, (rssMax - rssMin) / 1024, got));
                    return new Quiet(s[2], Double.NaN, s[1]);
                }
            }
            if (first > 1024) {
                samples.subList(0, first).clear();
                first = 0;
            }
            TimeUnit.MILLISECONDS.sleep(QUIET_SAMPLE_MILLIS);
        }
    }

    /** Waits for {@code d}, or less if {@code stop} becomes true. */
    private static void pause(Duration d, BooleanSupplier stop) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0 && !stop.getAsBoolean()) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)));
        }
    }

    /** The measuring window: delivery counts (all, and the flooder's) and CPU times at its start and end. */
    private static final class Window {
        long startNanos;
        long endNanos;
        long delivered0;
        long delivered1;
        long flooded0;
        long flooded1;
        long serverCpu0;
        long serverCpu1;
        long loopCpu0;
        long loopCpu1;
        long processCpu0;
        long processCpu1;

        static Window open(Driver d) {
            Window w = new Window();
            w.serverCpu0 = Proc.cpuNanos(d.settings.serverPid());
            w.loopCpu0 = d.loopCpu();
            w.processCpu0 = processCpu();
            w.delivered0 = d.delivered();
            w.flooded0 = d.floodDelivered();
            w.startNanos = System.nanoTime();
            return w;
        }

        void close(Driver d) {
            delivered1 = d.delivered();
            flooded1 = d.floodDelivered();
            endNanos = System.nanoTime();
            serverCpu1 = Proc.cpuNanos(d.settings.serverPid());
            loopCpu1 = d.loopCpu();
            processCpu1 = processCpu();
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        /** The flood workload's flooder's deliveries per second. */
        double floodRate() {
            return (flooded1 - flooded0) / seconds();
        }

        /** The window's length, CPU figures and {@code rateName}: deliveries per second other than the flooder's. */
        void report(Result r, String rateName) {
            double seconds = seconds();
            r.put("measuredSeconds", seconds)
                    .put(rateName, (delivered1 - delivered0 - (flooded1 - flooded0)) / seconds);
            if (serverCpu0 >= 0 && serverCpu1 >= 0) {
                r.put("serverCpuCores", (serverCpu1 - serverCpu0) / 1e9 / seconds);
                long deliveries = delivered1 - delivered0; // the flooder's too: the server did that work
                if (deliveries > 0) {
                    r.put("serverCpuMicrosPerDelivery", (serverCpu1 - serverCpu0) / 1e3 / deliveries);
                }
            }
            r.put("generatorLoopCpuCores", (loopCpu1 - loopCpu0) / 1e9 / seconds);
            if (processCpu0 >= 0) {
                r.put("generatorProcessCpuCores", (processCpu1 - processCpu0) / 1e9 / seconds);
            }
        }

        private static long processCpu() {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : -1;
        }
    }

    private long loopCpu() {
        long total = 0;
        List<Thread> threads = new ArrayList<>();
        for (EventLoop loop : loops) {
            threads.add(loop.thread());
        }
        for (Thread t : threads) {
            long cpu = threadBean.getThreadCpuTime(t.threadId());
            total += Math.max(0, cpu);
        }
        return total;
    }
}
