package io.aurachat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * One selector thread that owns a share of the clients: it connects them, reads and decodes what they
 * receive (into one shared 64 KiB direct buffer, keeping only an incomplete tail per client), and
 * writes what they send, pipelined. Other threads talk to it only through {@link #submit} and
 * {@link #schedule}. Its counters are plain fields published to the main thread once per iteration.
 */
final class EventLoop implements Runnable {

    private static final int READ_BUFFER = 64 * 1024;
    /** No frame the generator expects comes near this; a longer one means the stream is not what we think. */
    private static final int MAX_FRAME = 16 * 1024;

    final int id;
    private final Selector selector;
    private final Thread thread;
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER);
    /** TLS only, made with the first TLS client: encrypted bytes read, and records being written. */
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private final Codec codec;
    private final Driver driver;
    /** Bounded: the main thread blocks in {@link #submit} when the loop is this far behind. */
    private final ArrayBlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(4096);
    /** Holds each client at most once (guarded by {@link Client#scheduled}), so it never exceeds the client count. */
    private final ConcurrentLinkedQueue<Client> toSend = new ConcurrentLinkedQueue<>();
    /** This loop's own queue of clients to let send; holds each at most once, like {@link #toSend}. */
    private final ArrayDeque<Client> sendingNow = new ArrayDeque<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private volatile boolean running = true;
    private long random;

    // Counters, written by this loop only.
    long sent;
    long delivered;
    /** Of {@link #delivered}, those the flood workload's flooder received (in a valid run, its own messages back). */
    long floodDelivered;
    long replies;
    long joins;
    /** Presence notices other than joins (idle workloads), by {@link Codec.Notice}. */
    long leaves;
    long renames;
    long presenceMissed;
    /** Bytes read from all of this loop's sockets. */
    long received;
    long checksumOut;
    long checksumIn;
    long wrongRecipient;
    long outOfOrder;
    long failures;
    /** Latencies in nanoseconds of messages stamped inside the measuring window; read after {@link #stop}. */
    final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

    // Published copies for other threads.
    private volatile long publishedSent;
    private volatile long publishedDelivered;
    private volatile long publishedFloodDelivered;
    private volatile long publishedReplies;
    private volatile long publishedJoins;
    private volatile long publishedRenames;
    private volatile long publishedPresenceMissed;
    private volatile long publishedReceived;
    private volatile long publishedFailures;

    EventLoop(int id, Codec codec, Driver driver) {
        this.id = id;
        this.codec = codec;
        this.driver = driver;
        this.random = 0x9E3779B97F4A7C15L * (id + 1);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.thread = Thread.ofPlatform().name("bench-loop-" + id).daemon(true).unstarted(this);
    }

    void start() {
        thread.start();
    }

    /** The loop's thread, for CPU accounting. */
    Thread thread() {
        return thread;
    }

    /** Runs {@code task} on this loop's thread; blocks while 4096 tasks are already waiting. */
    void submit(Runnable task) {
        try {
            tasks.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while submitting to " + thread.getName(), e);
        }
        wakeup();
    }

    /** Asks this loop to let {@code client} send; a no-op if it is already queued. Any thread. */
    void schedule(Client client) {
        // A plain read first: during a burst of deliveries the sender is usually queued already.
        if (!client.scheduled.get() && client.scheduled.compareAndSet(false, true)) {
            if (Thread.currentThread() == thread) {
                sendingNow.add(client);
            } else {
                toSend.offer(client);
                wakeup();
            }
        }
    }

    private void wakeup() {
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Stops the loop and waits for its thread; closes the selector (and with it every key). */
    void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join();
    }

    /** A pseudo-random number in {@code [0, bound)}; loop thread only. */
    int nextInt(int bound) {
        long x = random;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        random = x;
        return (int) ((x >>> 33) % bound);
    }

    @Override
    public void run() {
        try {
            while (running) {
                selector.select(this::handle, 100);
                wakeupPending.set(false);
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                Client client;
                while ((client = toSend.poll()) != null) {
                    sendingNow.add(client);
                }
                while ((client = sendingNow.poll()) != null) {
                    client.scheduled.set(false);
                    driver.refill(client);
                    flush(client);
                }
                publish();
            }
        } catch (IOException e) {
            driver.failure(null, "selector failed: " + e);
        } finally {
            publish();
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing more to do with it
            }
        }
    }

    private void publish() {
        publishedSent = sent;
        publishedDelivered = delivered;
        publishedFloodDelivered = floodDelivered;
        publishedReplies = replies;
        publishedJoins = joins;
        publishedRenames = renames;
        publishedPresenceMissed = presenceMissed;
        publishedReceived = received;
        publishedFailures = failures;
    }

    long sentCount() {
        return publishedSent;
    }

    long deliveredCount() {
        return publishedDelivered;
    }

    long floodDeliveredCount() {
        return publishedFloodDelivered;
    }

    long replyCount() {
        return publishedReplies;
    }

    long joinCount() {
        return publishedJoins;
    }

    long renameCount() {
        return publishedRenames;
    }

    long presenceMissedCount() {
        return publishedPresenceMissed;
    }

    long receivedBytes() {
        return publishedReceived;
    }

    long failureCount() {
        return publishedFailures;
    }

    /** Registers a client whose connect has been started; runs on this loop. */
    void register(Client client) {
        try {
            if (client.channel.isConnectionPending()) {
                client.key = client.channel.register(selector, SelectionKey.OP_CONNECT, client);
            } else {
                client.key = client.channel.register(selector, SelectionKey.OP_READ, client);
                connected(client);
            }
        } catch (ClosedChannelException e) {
            lost(client, e);
        }
    }

    private void handle(SelectionKey key) {
        Client client = (Client) key.attachment();
        try {
            if (key.isConnectable()) {
                if (!client.channel.finishConnect()) {
                    return;
                }
                key.interestOps(SelectionKey.OP_READ);
                connected(client);
            }
            if (key.isReadable()) {
                read(client);
            }
            if (key.isValid() && key.isWritable()) {
                flush(client);
                driver.writable(client);
            }
        } catch (IOException | RuntimeException e) {
            lost(client, e);
        }
    }

    private void connected(Client client) {
        if (client.tls != null) { // its ClientHello; the codec's handshake follows the TLS one (flushTls)
            flushTls(client);
            return;
        }
        codec.handshake(client, client.out);
        flush(client);
    }

    private void read(Client client) throws IOException {
        if (client.tls != null) {
            readTls(client);
            return;
        }
        in.clear();
        in.put(client.carry, 0, client.carryLength);
        int n = client.channel.read(in);
        if (n < 0) {
            lost(client, null);
            return;
        }
        received += n;
        int end = in.position();
        int done = codec.decode(in, 0, end, client, driver);
        if (done == end) {
            client.carryLength = 0;
        } else if (!client.keep(in, done, end - done, MAX_FRAME)) {
            driver.failure(client, "a frame longer than " + MAX_FRAME + " bytes");
            close(client);
        }
    }

    /**
     * TLS: reads records, decrypts them into the read buffer behind the client's incomplete frame, and decodes them
     * as {@link #read} does; moves the handshake on when it is its turn to write.
     */
    private void readTls(Client client) throws IOException {
        Tls tls = client.tls;
        if (netIn == null) {
            netIn = ByteBuffer.allocateDirect(READ_BUFFER + tls.packetSize());
        }
        ByteBuffer net = netIn;
        net.clear();
        tls.takeUnread(net);
        int n = client.channel.read(net);
        if (n < 0) {
            lost(client, null);
            return;
        }
        received += n;
        net.flip();
        while (true) {
            in.clear();
            in.put(client.carry, 0, client.carryLength);
            Tls.Unwrapped u = tls.unwrap(net, in);
            int end = in.position();
            if (end > client.carryLength && !decoded(client, end)) {
                return;
            }
            if (u == Tls.Unwrapped.CLOSED) {
                lost(client, null);
                return;
            }
            if (tls.handshakeWantsWrap() || (tls.established && !tls.greeted)) {
                if (!flushTls(client)) {
                    break; // the socket is full or the client is gone: what is left waits for the next read
                }
                if (net.hasRemaining()) {
                    continue;
                }
            }
            if (u != Tls.Unwrapped.MORE) {
                break;
            }
        }
        tls.keepUnread(net);
    }

    /** Decodes the read buffer up to {@code end} and keeps its incomplete tail; false if the client was closed. */
    private boolean decoded(Client client, int end) {
        int done = codec.decode(in, 0, end, client, driver);
        if (done == end) {
            client.carryLength = 0;
        } else if (!client.keep(in, done, end - done, MAX_FRAME)) {
            driver.failure(client, "a frame longer than " + MAX_FRAME + " bytes");
            close(client);
            return false;
        }
        return true;
    }

    /**
     * TLS: writes the handshake's messages, or once it is over, the codec's handshake (what a plain client writes on
     * connect) and then whatever is queued, encrypted; asks for write readiness if the socket is full.
     *
     * @return whether everything was written (false also when the connection is lost)
     */
    private boolean flushTls(Client client) {
        if (client.key == null || !client.key.isValid()) {
            return false;
        }
        Tls tls = client.tls;
        if (netOut == null) {
            netOut = ByteBuffer.allocateDirect(4 * tls.packetSize());
        }
        boolean done;
        try {
            done = tls.write(client.channel, client.out, netOut);
            if (tls.established && !tls.greeted) {
                tls.greeted = true;
                codec.handshake(client, client.out);
                done = tls.write(client.channel, client.out, netOut);
            }
        } catch (IOException e) {
            client.out.clear();
            lost(client, e);
            return false;
        }
        int wanted = done ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE;
        if (client.key.isValid() && client.key.interestOps() != wanted) {
            client.key.interestOps(wanted);
        }
        return done;
    }

    /** Writes what {@code client} has queued; asks for write readiness if the socket is full. Loop thread. */
    void flush(Client client) {
        if (client.tls != null) {
            flushTls(client);
            return;
        }
        ByteBuffer out = client.out;
        if (out.position() == 0 || client.key == null || !client.key.isValid()) {
            return;
        }
        out.flip();
        try {
            client.channel.write(out);
        } catch (IOException e) {
            out.clear();
            lost(client, e);
            return;
        }
        out.compact();
        int wanted = out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        if (client.key.isValid() && client.key.interestOps() != wanted) {
            client.key.interestOps(wanted);
        }
    }

    private void lost(Client client, Exception cause) {
        if (!client.closing) {
            driver.failure(client, "connection of client " + client.index + " ended"
                    + (cause == null ? " by the server" : ": " + cause));
            driver.closed(client);
        }
        close(client);
    }

    /** Closes one client's socket; loop thread. */
    void close(Client client) {
        client.closing = true;
        if (client.key != null) {
            client.key.cancel();
        }
        try {
            client.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
