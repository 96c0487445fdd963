package io.aurachat.testing;

import io.aurachat.client.Response;
import io.aurachat.internal.JsonValues;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.Fields;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.transport.Connection;
import io.aurachat.transport.Peer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One in-memory client of a {@link ChatHarness}: it sends the server lines as a person with {@code nc}
 * would, and keeps every line the server sent it, in order, until a test takes them.
 *
 * <p>The lines it gets are exactly what a TCP client would read (one JSON object per line; here without
 * the {@code \n}). {@link #takeJson()} reads them into plain values: {@link String}, {@link Long},
 * {@link Double}, {@link Boolean}, {@link List}, {@link Map} and {@link Response#NULL}.
 *
 * <p>Thread-safe: a test may read on one thread while commands on others send to this client. Its own lines
 * are one client's, in order: {@link #send} it from one thread at a time, as a TCP client writes one line
 * after another.
 */
public final class HarnessClient implements Peer {
    private final String address;
    private final long maxQueuedBytes;
    private final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile Connection connection;
    /** Set first when the connection starts to end: from then on no line is taken. */
    private volatile LeaveReason ending;
    /** Set once the last line is queued: what {@link #isClosed()} and {@link #closeReason()} report. */
    private volatile LeaveReason closeReason;

    private static final VarHandle ENDING;

    static {
        try {
            ENDING = MethodHandles.lookup().findVarHandle(HarnessClient.class, "ending", LeaveReason.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Work a peer must not do inside the send that caused it, run after it on the same thread: the cut of a
     * slow consumer sends a leave notice to everyone, which may overflow the next client, and so on. Done in
     * place, that chain would nest one call per client (a few thousand are enough to overflow the stack);
     * queued here, it runs one cut after another. The TCP transport does the same with a task on its loop.
     */
    private static final ThreadLocal<Trampoline> LATER = ThreadLocal.withInitial(Trampoline::new);

    private static final class Trampoline {
        final java.util.ArrayDeque<Runnable> queue = new java.util.ArrayDeque<>();
        boolean running;

        void run(Runnable task) {
            queue.add(task);
            if (running) {
                return; // the loop below, further up this thread's stack, takes it
            }
            running = true;
            try {
                Runnable next;
                while ((next = queue.poll()) != null) {
                    next.run();
                }
            } finally {
                running = false;
            }
        }
    }

    private final boolean secure;

    HarnessClient(String address, long maxQueuedBytes, boolean secure) {
        this.address = address;
        this.maxQueuedBytes = maxQueuedBytes;
        this.secure = secure;
    }

    /** Whether the server takes this client's connection as encrypted, as {@link ChatHarness#connect(String, boolean)} said. */
    @Override
    public boolean secure() {
        return secure;
    }

    void attached(Connection c) {
        this.connection = c;
        LeaveReason reason = closeReason;
        if (reason != null) {
            c.closed(reason); // closed while attaching: the server could not be told yet
        }
    }

    // ---------------------------------------------------------------- the test's side

    /** The id the server gave this client. */
    public ClientId id() {
        return connection().id();
    }

    /** This client as others see it now. */
    public ClientInfo info() {
        return connection().info();
    }

    /**
     * Joins a client made with {@link ChatHarness#attach()}: it gets {@code welcome}, the others a
     * {@code join}.
     *
     * @return {@code false} if it had already joined or its connection has ended
     */
    public boolean join() {
        return connection().join();
    }

    /**
     * Starts a client made with {@link ChatHarness#attach()} as a transport does ({@link Connection#begin()}): it
     * joins, or, on a server that requires accounts, gets {@code hello}.
     *
     * @return whether it joined now
     */
    public boolean begin() {
        return connection().begin();
    }

    /** Whether it has joined and not left. */
    public boolean isJoined() {
        return connection().isJoined();
    }

    /**
     * Sends one command line (without a line terminator) and returns once the server has handled it: its
     * reply, and whatever else it caused, is queued at the clients concerned.
     *
     * @throws IllegalArgumentException if the line holds a line break (it would be two lines)
     * @throws IllegalStateException if the connection has ended
     */
    public void send(String line) {
        Objects.requireNonNull(line, "line");
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("one line at a time: the text holds a line break");
        }
        Connection c = connection();
        LeaveReason ended = ending;
        if (ended != null) {
            throw new IllegalStateException("the connection has ended: " + ended.wireName());
        }
        c.line(line);
    }

    /**
     * The next line the server sent, waiting up to {@link ChatHarness#DEFAULT_TAKE_TIMEOUT} for one (a command
     * on another thread may still be sending).
     *
     * @throws AssertionError if none arrives in time
     */
    public String take() {
        return take(ChatHarness.DEFAULT_TAKE_TIMEOUT);
    }

    /**
     * The next line the server sent, waiting up to {@code timeout}.
     *
     * @throws AssertionError if none arrives in time
     */
    public String take(Duration timeout) {
        try {
            byte[] line = received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError(this + " received nothing within " + timeout);
            }
            return taken(line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for a line", e);
        }
    }

    /** The next line the server sent, read into plain values; see {@link #take()}. */
    public Map<String, Object> takeJson() {
        return json(take());
    }

    /**
     * Skips lines until one of this {@code type} and returns it, read into plain values.
     *
     * @throws AssertionError if none arrives within {@link ChatHarness#DEFAULT_TAKE_TIMEOUT} of the last line
     */
    public Map<String, Object> takeType(String type) {
        while (true) {
            Map<String, Object> line = takeJson();
            if (type.equals(line.get(Fields.TYPE))) {
                return line;
            }
        }
    }

    /** The next line if one is waiting, without waiting. */
    public Optional<String> poll() {
        byte[] line = received.poll();
        return line == null ? Optional.empty() : Optional.of(taken(line));
    }

    /** Every line waiting now, taken. */
    public List<String> drain() {
        List<byte[]> lines = new ArrayList<>();
        received.drainTo(lines);
        List<String> texts = new ArrayList<>(lines.size());
        for (byte[] line : lines) {
            texts.add(taken(line));
        }
        return texts;
    }

    /** Reads one server line into plain values, as {@link #takeJson()} does. */
    public static Map<String, Object> json(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return JsonValues.object(bytes, bytes.length, Response.NULL);
    }

    /** Whether the connection has ended (the server closed it, or {@link #disconnect()}). */
    public boolean isClosed() {
        return closeReason != null;
    }

    /** Why the connection ended, once it has. */
    public Optional<LeaveReason> closeReason() {
        return Optional.ofNullable(closeReason);
    }

    /** Hangs up, as a TCP client that closes its socket: the server sees {@code disconnected}. */
    public void disconnect() {
        close(LeaveReason.DISCONNECTED, null);
    }

    private Connection connection() {
        Connection c = connection;
        if (c == null) {
            throw new IllegalStateException("not attached");
        }
        return c;
    }

    private String taken(byte[] line) {
        queuedBytes.addAndGet(-line.length);
        return text(line);
    }

    private static String text(byte[] line) {
        int n = line.length > 0 && line[line.length - 1] == '\n' ? line.length - 1 : line.length;
        return new String(line, 0, n, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- the server's side (Peer)

    /** {@inheritDoc} Its {@code ip}: {@code 192.0.2.N} unless the test chose one. */
    @Override
    public String address() {
        return address;
    }

    /** {@inheritDoc} Beyond the server's {@code maxOutboundBytes} waiting, the client is cut as a slow consumer. */
    @Override
    public boolean send(byte[] line) {
        if (ending != null) {
            return false;
        }
        long after = queuedBytes.addAndGet(line.length);
        if (after > maxQueuedBytes && after != line.length) {
            queuedBytes.addAndGet(-line.length);
            if (ENDING.compareAndSet(this, (LeaveReason) null, LeaveReason.SLOW_CONSUMER)) {
                // Cut, without a goodbye (its queue is full), after the send that overflowed it.
                LATER.get().run(() -> ended(LeaveReason.SLOW_CONSUMER, null));
            }
            return false;
        }
        received.add(line);
        return true;
    }

    /**
     * {@inheritDoc} The last line is queued before the client counts as closed and before the server hears
     * of it, so a test that sees {@link #isClosed()}, or another client's {@code leave} notice, finds the
     * {@code bye} waiting.
     */
    @Override
    public void close(LeaveReason reason, byte[] lastLine) {
        if (ENDING.compareAndSet(this, (LeaveReason) null, reason)) {
            ended(reason, lastLine);
        }
    }

    private void ended(LeaveReason reason, byte[] lastLine) {
        if (lastLine != null) {
            received.add(lastLine);
        }
        closeReason = reason;
        Connection c = connection;
        if (c != null) {
            c.closed(reason);
        }
    }

    @Override
    public String toString() {
        Connection c = connection;
        return "HarnessClient[" + (c != null ? c.id() : address) + "]";
    }
}
