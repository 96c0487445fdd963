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
                .put("targetLabel", settings.targetLabel())
                .put("date", Instant.now().toString())
                .put("clients", settings.clients())
                .put("threads", settings.threads());
        for (EventLoop loop : loops) {
            loop.start();
        }
        try {
            switch (settings.workload()) {
                case DIRECT -> closedLoop(r, false);
                case FANOUT -> closedLoop(r, true);
                case LATENCY -> latency(r, false);
                case FLOOD -> latency(r, true);
                case IDLE -> idle(r);
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
        if (settings.workload() != Workload.IDLE) {
            checkCounts(r);
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
            while (c.out.position() > 0 && !c.closing) {
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

    private void idle(Result r) throws IOException, InterruptedException {
        int k = settings.clients();
        long pid = settings.serverPid();
        r.put("serverPid", pid).put("settleSeconds", settings.settle().toMillis() / 1000.0);
        settle(r, "settledSecondsStart");
        long coldBase = Proc.rssBytes(pid);
        double coldRate = idleRound(r, "cold", k);
        long coldAfter = Proc.rssBytes(pid);
        closeAll();
        settle(r, "settledSecondsAfterClose");
        long warmBase = Proc.rssBytes(pid);
        double warmRate = idleRound(r, "warm", k);
        long warmAfter = Proc.rssBytes(pid);
        r.put("rssColdBaseBytes", coldBase).put("rssColdAfterBytes", coldAfter)
                .put("rssWarmBaseBytes", warmBase).put("rssWarmAfterBytes", warmAfter);
        if (coldBase > 0 && warmBase > 0) {
            r.put("bytesPerConnectionCold", (coldAfter - coldBase) / (double) k)
                    .put("bytesPerConnectionWarm", (warmAfter - warmBase) / (double) k);
        } else {
            r.fail("no memory figures: server pid " + pid + " has no readable /proc/<pid>/status");
        }
        r.put("connectsPerSecondCold", coldRate).put("connectsPerSecondWarm", warmRate);
    }

    /** Connects {@code k} idle clients, waits for them to settle; returns connects per second. */
    private double idleRound(Result r, String name, int k) throws IOException, InterruptedException {
        String suffix = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        long joinsBefore = joins();
        long serverCpu0 = Proc.cpuNanos(settings.serverPid());
        long loopCpu0 = loopCpu();
        long t0 = System.nanoTime();
        long ready = connectOnly(k, i -> clientInbox(i), i -> 256);
        long t1 = System.nanoTime();
        drainJoins(k, joinsBefore);
        long t2 = System.nanoTime();
        if (settings.target() == Target.AURACHAT) {
            r.put("joinNoticesDrainSeconds" + suffix, (t2 - t1) / 1e9);
        }
        // CPU while connecting (and, for AuraChat, draining the join notices): who was the bottleneck.
        double seconds = (System.nanoTime() - t0) / 1e9;
        long serverCpu1 = Proc.cpuNanos(settings.serverPid());
        if (serverCpu0 >= 0 && serverCpu1 >= 0) {
            r.put("serverCpuCoresConnecting" + suffix, (serverCpu1 - serverCpu0) / 1e9 / seconds);
        }
        r.put("generatorLoopCpuCoresConnecting" + suffix, (loopCpu() - loopCpu0) / 1e9 / seconds);
        settle(r, "settledSecondsConnected" + suffix);
        return k / ((ready - t0) / 1e9);
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
        connectOnly(n, subscription, outCapacity);
        drainJoins(n, joinsBefore);
    }

    /**
     * Opens {@code n} connections, at most {@code connectConcurrency} not yet ready at a time, and
     * waits until all are ready; returns the {@link System#nanoTime()} when the last one was.
     */
    private long connectOnly(int n, IntFunction<byte[]> subscription, IntFunction<Integer> outCapacity)
            throws IOException, InterruptedException {
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
                    ? subscription.apply(i) : null);
            made[i] = c;
            channel.connect(settings.address());
            loop.submit(() -> loop.register(c));
        }
        await(() -> ready.get() >= n, ready::get, "every client to be ready (" + n + ")");
        return System.nanoTime();
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

    @Override
    public void ready(Client client) {
        if (!client.ready) {
            client.ready = true;
            ready.incrementAndGet();
            connectSlots.release();
        }
    }

    @Override
    public void joined(Client client) {
        client.loop.joins++;
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

    /**
     * Lets the server settle before a memory reading: waits the settle time, then (when the server's pid
     * is known) until it used less than 5% of a core over a whole second, so that it has finished what
     * the last step started (AuraChat: the leave notices of a mass disconnect, N(N-1)/2 of them) and
     * its memory is not read in the middle of it. Gives up after the timeout and says so.
     */
    private void settle(Result r, String key) throws InterruptedException {
        long start = System.nanoTime();
        pause(settings.settle(), () -> false);
        long pid = settings.serverPid();
        if (settings.settle().isZero() || Proc.cpuNanos(pid) < 0) {
            return;
        }
        long deadline = start + settings.timeout().toNanos();
        while (true) {
            long cpu0 = Proc.cpuNanos(pid);
            TimeUnit.SECONDS.sleep(1);
            long cpu1 = Proc.cpuNanos(pid);
            if (cpu1 - cpu0 < TimeUnit.MILLISECONDS.toNanos(50)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                failure(null, "the server was still busy " + settings.timeout() + " after " + key);
                break;
            }
        }
        r.put(key, (System.nanoTime() - start) / 1e9);
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
