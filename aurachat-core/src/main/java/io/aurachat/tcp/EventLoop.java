package io.aurachat.tcp;

import io.aurachat.internal.Threads;
import io.aurachat.protocol.LeaveReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One I/O thread and its selector. It reads from the connections registered with it, runs their
 * built-in commands, and writes for them; a connection stays on one loop for its whole life.
 *
 * <p>Output is flushed the way Redis does it: a line queued while the loop handles ready keys only
 * marks its connection; once every ready key has been handled, the loop writes each marked
 * connection's queue in one system call. Under load that turns many small lines into few writes.
 *
 * <p>Other threads hand work to the loop with {@link #execute}; the loop runs it between selects.
 */
final class EventLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    /** Read and write chunk: one socket call moves at most this much. */
    static final int IO_BUFFER_SIZE = 64 * 1024;
    /** How often connections waiting for a crowded recipient are checked for a stalled one. */
    private static final long BLOCKED_CHECK_MILLIS = 10;
    /**
     * How long, at most, a loop with connections paused for the rate limit sleeps before it looks at the server
     * clock again for their tokens: the clock may be moved by other means than time passing (a test's hand clock).
     */
    private static final long RATE_CHECK_MILLIS = 10;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** False while the loop may be blocked in select: then a new task must wake it. */
    private final AtomicBoolean awake = new AtomicBoolean(true);
    private final ArrayList<TcpConnection> dirty = new ArrayList<>();
    /** Connections that used up their turn with lines left: they go on in the next turn. Loop thread only. */
    private ArrayList<TcpConnection> continuing = new ArrayList<>();
    private ArrayList<TcpConnection> continuingNow = new ArrayList<>();
    /** Connections paused for a crowded recipient, checked for a stalled one every few ms; loop thread only. */
    private final ArrayList<TcpConnection> blocked = new ArrayList<>();
    /**
     * Connections paused for the rate limit, soonest first by when their bucket has a token again (server clock):
     * at most one entry per connection, since a paused connection runs no line that could pause it again.
     * Loop thread only.
     */
    private final java.util.PriorityQueue<TcpConnection> throttled =
            new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(TcpConnection::rateDeadline));
    /** The connection whose lines this loop is running now, or {@code null}; loop thread only. */
    TcpConnection reading;
    /** Whether {@link #writeBuffer} is in use (a write is under way on this thread); loop thread only. */
    boolean writing;
    private final java.util.function.Consumer<SelectionKey> handler = this::handle;
    private volatile boolean running = true;
    private final java.time.Clock clock;
    /** The server clock's time when the current batch of ready keys came in; loop thread only. */
    private long batchMillis;
    /** Whether {@link #batchMillis} was read for the current select; loop thread only. */
    private boolean batchStarted;

    /** Where reads land before they are split into lines; lines are decoded from it directly. */
    final ByteBuffer readBuffer = ByteBuffer.allocate(IO_BUFFER_SIZE);
    /** Where queued lines are gathered for one socket write. */
    final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(IO_BUFFER_SIZE);
    /** Encrypted input of TLS connections, before decryption into {@link #readBuffer}; made on first use. */
    private ByteBuffer tlsIn;
    /** The encrypted form of {@link #writeBuffer}, for TLS connections; made on first use. */
    private ByteBuffer tlsOut;

    EventLoop(int port, int index, java.time.Clock clock) throws IOException {
        this.clock = clock;
        this.selector = Selector.open();
        this.thread = Threads.daemon(new IoThread(this), "aurachat-io-" + port + "-" + index);
    }

    void start() {
        thread.start();
    }

    /** Where a TLS connection's encrypted input lands: a read and the start of a record kept from before. */
    ByteBuffer tlsIn() {
        ByteBuffer b = tlsIn;
        if (b == null) {
            b = tlsIn = ByteBuffer.allocate(IO_BUFFER_SIZE + 2 * TlsLayer.MAX_RECORD);
        }
        return b;
    }

    /**
     * Where a TLS connection's gathered lines are encrypted to: room for a full write buffer's records. On the heap,
     * not direct: the JDK's AES-GCM encrypts a heap buffer's array with its intrinsics but a direct buffer through a
     * slower path (a record of 8 KB took 3.2 against 1.6 µs on this machine, of 2 KB 1.35 against 0.95 µs; equal for
     * 150 bytes), and the socket write's copy into the JDK's cached direct buffer costs far less than that.
     */
    ByteBuffer tlsOut() {
        ByteBuffer b = tlsOut;
        if (b == null) {
            b = tlsOut = ByteBuffer.allocate(IO_BUFFER_SIZE + 8 * TlsLayer.RECORD_OVERHEAD + TlsLayer.MAX_RECORD);
        }
        return b;
    }

    /** Whether the caller is this loop's thread. */
    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** The loop of the calling thread, or {@code null} if it is not an I/O thread. */
    static EventLoop current() {
        return Thread.currentThread() instanceof IoThread io ? io.loop : null;
    }

    /** An I/O thread knows its loop, so that code on it can tell it is on one without a thread-local. */
    private static final class IoThread extends Thread {
        final EventLoop loop;

        IoThread(EventLoop loop) {
            super(loop);
            this.loop = loop;
        }
    }

    /** Runs {@code task} on this loop's thread, soon. Any thread may call this. */
    void execute(Runnable task) {
        tasks.add(task);
        wakeup();
    }

    /** Makes a blocked select return, e.g. so that it releases a closed channel's descriptor. */
    void wakeup() {
        if (!inLoop() && awake.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /**
     * The server clock's time when the current batch of ready keys came in: what a line read in this
     * batch counts as its arrival time, without reading the clock once per line. Loop thread only.
     */
    long batchMillis() {
        return batchMillis;
    }

    /** Registers a new connection; called on this loop's thread. */
    SelectionKey register(TcpConnection connection, int ops) {
        try {
            return connection.channel().register(selector, ops, connection);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asks for {@code connection} to be flushed once the current batch of ready keys is handled. */
    void markDirty(TcpConnection connection) {
        dirty.add(connection);
    }

    /**
     * {@code connection} used up its lines for this turn: it goes on after every other connection that is
     * ready now has had its turn. Loop thread only.
     */
    void continueLater(TcpConnection connection) {
        continuing.add(connection);
    }

    /** {@code connection} waits for a crowded recipient: check it until it goes on. Loop thread only. */
    void watchBlocked(TcpConnection connection) {
        if (!blocked.contains(connection)) {
            blocked.add(connection);
        }
    }

    /**
     * {@code connection} stopped reading for the rate limit: it is resumed ({@link TcpConnection#tokensDue}) once the
     * server clock has reached its {@link TcpConnection#rateDeadline}. Loop thread only.
     */
    void throttle(TcpConnection connection) {
        throttled.add(connection);
    }

    @Override
    public void run() {
        while (running) {
            try {
                runTasks();
                awake.set(false);
                batchStarted = false;
                // The Consumer forms hand each ready key over as epoll reports it, without the
                // selected-key set (a HashSet insert and removal per ready key per select).
                if (tasks.isEmpty() && continuing.isEmpty()) {
                    selector.select(handler, selectTimeout());
                } else {
                    selector.selectNow(handler);
                }
                awake.set(true);
                flushDirty();
                runTasks();
                continueReaders();
                checkBlocked();
                checkThrottled();
            } catch (IOException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
                // A dead I/O thread would silently hang every connection on it: log and go on.
                LOG.error("I/O loop {} failed; it goes on", thread.getName(), e);
            }
        }
        closeSelector();
    }

    private void closeSelector() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the selector failed", e);
        }
    }

    private void handle(SelectionKey key) {
        if (!batchStarted) {
            // Read the clock once per batch, when its first key comes in (not before select blocks).
            batchMillis = clock.millis();
            batchStarted = true;
        }
        TcpConnection connection = (TcpConnection) key.attachment();
        try {
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                connection.onWritable();
            }
            if ((ready & SelectionKey.OP_READ) != 0) {
                connection.onReadable(this);
            }
        } catch (CancelledKeyException e) {
            // Closed by another thread meanwhile: nothing left to do.
        } catch (RuntimeException | StackOverflowError e) {
            LOG.error("connection {} failed", connection, e);
            connection.abort(LeaveReason.DISCONNECTED);
        }
    }

    /** How long select may block: until the next check of blocked or throttled connections, else a second. */
    private long selectTimeout() {
        long timeout = blocked.isEmpty() ? TimeUnit.SECONDS.toMillis(1) : BLOCKED_CHECK_MILLIS;
        TcpConnection next = throttled.peek();
        if (next != null) {
            long wait = next.rateDeadline() - clock.millis();
            timeout = Math.min(timeout, Math.max(1, Math.min(wait, RATE_CHECK_MILLIS)));
        }
        return timeout;
    }

    /** Connections paused for the rate limit whose bucket has a token again read on. */
    private void checkThrottled() {
        TcpConnection next = throttled.peek();
        if (next == null) {
            return;
        }
        long now = clock.millis();
        if (next.rateDeadline() > now) {
            return;
        }
        // Their lines run now: what they count as their arrival time (and the bucket refills to it).
        batchMillis = now;
        batchStarted = true;
        // A connection that runs out of tokens again is put back with a deadline after now: the loop ends.
        while ((next = throttled.peek()) != null && next.rateDeadline() <= now) {
            throttled.poll();
            try {
                next.tokensDue(this);
            } catch (RuntimeException | StackOverflowError e) {
                LOG.error("connection {} failed", next, e);
                next.abort(LeaveReason.DISCONNECTED);
            }
        }
        flushDirty();
    }

    /** Connections waiting for a recipient that takes nothing go on once it counts as stalled. */
    private void checkBlocked() {
        if (blocked.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (int i = blocked.size() - 1; i >= 0; i--) {
            TcpConnection connection = blocked.get(i);
            try {
                if (!connection.checkBlocked(now)) {
                    blocked.remove(i);
                }
            } catch (RuntimeException e) {
                blocked.remove(i);
                LOG.error("connection {} failed", connection, e);
                connection.abort(LeaveReason.DISCONNECTED);
            }
        }
        flushDirty();
    }

    /** Gives each connection that used up its last turn its next one. */
    private void continueReaders() {
        if (continuing.isEmpty()) {
            return;
        }
        if (!batchStarted) {
            batchMillis = clock.millis();
            batchStarted = true;
        }
        ArrayList<TcpConnection> now = continuing;
        continuing = continuingNow;
        continuingNow = now;
        for (int i = 0; i < now.size(); i++) {
            TcpConnection connection = now.get(i);
            try {
                connection.continueTurn(this);
            } catch (RuntimeException | StackOverflowError e) {
                LOG.error("connection {} failed", connection, e);
                connection.abort(LeaveReason.DISCONNECTED);
            }
        }
        now.clear();
        flushDirty();
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("task on {} failed", thread.getName(), e);
            }
        }
        flushDirty();
    }

    /**
     * Writes every connection marked since the last flush: once after all ready keys, once after the
     * tasks. A connection that many senders of one batch wrote to gets one system call, not one each.
     */
    private void flushDirty() {
        if (dirty.isEmpty()) {
            return;
        }
        for (int i = 0; i < dirty.size(); i++) {
            TcpConnection connection = dirty.get(i);
            try {
                connection.flush(this);
            } catch (RuntimeException e) {
                LOG.error("writing to {} failed", connection, e);
                connection.abort(LeaveReason.DISCONNECTED);
            }
        }
        dirty.clear();
    }

    /** Stops the loop; connections must already be closed. Waits up to {@code millis} for the thread. */
    void shutdown(long millis) {
        running = false;
        if (thread.getState() == Thread.State.NEW) {
            closeSelector(); // never started: nobody else will
            return;
        }
        selector.wakeup();
        if (!inLoop()) {
            try {
                thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return thread.getName();
    }
}
