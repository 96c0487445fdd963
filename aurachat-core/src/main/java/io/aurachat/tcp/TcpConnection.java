package io.aurachat.tcp;

import io.aurachat.hub.Client;
import io.aurachat.internal.CommandLine;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.transport.Peer;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import io.aurachat.internal.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's TCP connection, owned by one {@link EventLoop} for its whole life: the TCP {@link Peer}
 * of a hub {@link Client}. It carries bytes and knows nothing of commands.
 *
 * <p>Reading: the loop reads whatever arrived into its shared buffer and hands the complete lines to
 * the client at once, on the loop thread. A command that may block (one not built in) is not run on the
 * loop: reading from this connection pauses, a virtual thread runs the command and the lines after it,
 * and then reading resumes. Either way one client's commands run one at a time, in order. An idle
 * connection holds no thread and no read buffer.
 *
 * <p>Writing: lines are queued as shared, already-encoded byte arrays, from any thread. Queuing marks the
 * connection for a flush: on an I/O thread, at the end of the loop's current batch (so many lines for one
 * client go out in one system call); from any other thread, as a task on the owning loop. What the socket
 * does not take stays in a small backlog and is written when the socket becomes writable.
 *
 * <p>Limits (PROTOCOL.md, <em>Slow clients and back-pressure</em>): a line that takes the queue above the soft
 * limit is written out at once when the calling thread is an I/O thread; beyond the hard limit after that,
 * the client is cut ({@code slow-consumer}); still above the soft limit, the connection whose line it was stops
 * being read until this queue drains to half of it ({@link #crowded}), unless this client is stalled (its socket
 * took nothing for {@link #STALL_NANOS} while someone waited, or had no room for that long when crowded). A queue above the soft limit for the soft timeout
 * while the socket refuses bytes is cut by the server's timer ({@link #checkSoftLimit}).
 *
 * <p>Reading is also paused after {@link #LINES_PER_TURN} lines (the rest goes on in the loop's next turn), for a
 * pipelining client while the log sinks are backlogged, and for the rate limit: each line that is not blank takes a
 * token from the connection's bucket, and once it is empty the connection is not read until the loop's timer finds a
 * token in it again ({@link #tokensDue}). The rest of the input waits in the decoder and the socket meanwhile, so
 * TCP flow control slows the client down; nothing is dropped.
 *
 * <p>Closing: {@link #close} stops taking lines, queues an optional last line ({@code bye}), flushes
 * and shuts down output; the socket is closed once the client has closed its side too, or when the
 * linger deadline passes ({@link TcpTransport}'s linger check enforces it). {@link #abort} closes at once.
 * Either way the client hears of it once, through {@link Client#closed}.
 *
 * <p>TLS (a connection of the transport's TLS port, {@link TlsLayer}): the handshake runs on the loop as the client's
 * bytes arrive, its CPU-heavy steps (the engine's delegated tasks) on a virtual thread, and the hub hears of the
 * connection only once it has ended ({@link TcpTransport#handshaken}); one that does not end within the handshake
 * timeout is closed. Afterwards reading decrypts into the loop's read buffer and writing encrypts the gathered lines
 * into the loop's TLS buffer: the queue, its limits and the back-pressure work on the plaintext lines as without TLS,
 * and the backlog holds encrypted bytes.
 */
final class TcpConnection implements Peer, LineDecoder.Handler, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpConnection.class);

    static final int OPEN = 0;
    static final int CLOSING = 1;

    /**
     * The most lines of one connection an I/O thread runs in one turn: after that it serves the other
     * connections that are ready, and this one goes on in its next turn. A 64 KiB read of short commands is
     * thousands of lines; without a bound, one pipelining client would hold its loop for all of them.
     */
    static final int LINES_PER_TURN = 256;

    /**
     * While a log sink's queue is backlogged, a connection stops being read once it has run this many lines in
     * one turn, or this many in all since the backlog began: a client with that much input waiting is pipelining or
     * flooding, and it is the one to slow down; a client that sends a line now and then is not held back for the log.
     */
    static final int LOG_PAUSE_LINES = 32;

    /**
     * How long a connection waits for a crowded queue that takes nothing at all: then that client counts as
     * stalled, nobody waits for it any more (until it drains), and its queue goes on to the hard limit or the
     * soft timeout. A client that takes bytes, however slowly, is waited for.
     */
    static final long STALL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50);

    /** Why reading is paused (bits); loop thread only. */
    private static final int PAUSED_OFFLOADED = 1;
    private static final int PAUSED_TURN = 2;
    private static final int PAUSED_BACKLOG = 4;
    private static final int PAUSED_RATE = 8;

    /** Set while an offloaded command thread runs this connection's lines: who caused the output. */
    private static final ThreadLocal<TcpConnection> OFFLOADED_READER = new ThreadLocal<>();

    private static final VarHandle STATE;
    private static final VarHandle FLUSH_PENDING;
    private static final VarHandle WRITING;
    private static final VarHandle CHANNEL_CLOSED;
    private static final VarHandle QUEUED_BYTES;
    private static final VarHandle CROWDED_SINCE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(TcpConnection.class, "state", int.class);
            FLUSH_PENDING = lookup.findVarHandle(TcpConnection.class, "flushPending", boolean.class);
            WRITING = lookup.findVarHandle(TcpConnection.class, "writing", boolean.class);
            CHANNEL_CLOSED = lookup.findVarHandle(TcpConnection.class, "channelClosed", boolean.class);
            QUEUED_BYTES = lookup.findVarHandle(TcpConnection.class, "queuedBytes", long.class);
            CROWDED_SINCE = lookup.findVarHandle(TcpConnection.class, "crowdedSinceNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TcpTransport transport;
    private final SocketChannel channel;
    private final EventLoop loop;
    private final String address;
    private final LineDecoder decoder;
    /** The TLS state, or {@code null} for a plain connection. */
    private final TlsLayer tls;
    /** The client sent close_notify: its input ends once what came before it has been run; loop thread only. */
    private boolean peerClosedTls;
    /** The hub's side; {@code null} until the hub has attached this connection. */
    private volatile Client client;

    // Atomics as VarHandle fields rather than Atomic* objects: this object exists once per client.
    private volatile int state = OPEN;
    private volatile boolean flushPending;
    private volatile boolean writing;
    private volatile boolean channelClosed;
    private volatile long queuedBytes;
    /** When the queue went above the soft limit ({@link System#nanoTime}), or 0 while it is not above it. */
    private volatile long crowdedSinceNanos;
    /**
     * Connections paused because their lines crowded this one's queue; guarded by {@code this}. The lock guards
     * only list operations (nothing that blocks), so a virtual thread holding it is never pinned for long.
     */
    private volatile java.util.ArrayList<TcpConnection> waiters;
    /** The queue went above the soft limit and has not yet drained to half of it. */
    private volatile boolean draining;
    /** Its socket took nothing while others waited for it: nobody waits for it until it has drained. */
    private volatile boolean stalled;
    /** Bytes its socket has taken so far; written by the writer only. */
    private volatile long written;
    /** The recipient whose queue this connection's last line crowded; loop thread only. */
    private TcpConnection blockedBy;
    /** When reading paused for {@code blockedBy}, and how much it had taken then; loop thread only. */
    private long blockedSinceNanos;
    private long blockedWritten;
    /**
     * The lines being run crowded a queue (another client's, this one's, a log sink's): reading stops after
     * this line until it drains. Written by the thread running this connection's lines.
     */
    private volatile boolean causedBacklog;

    private volatile long closeDeadlineNanos;
    private volatile boolean inputDone;
    private volatile boolean outputDone;
    private volatile boolean flushThenClose;
    /** Lines are queued but not written: the hub is joining the client ({@link #holdOutput}). */
    private volatile boolean held;
    /** The socket would not take more: wait for OP_WRITE instead of trying again. */
    private volatile boolean wantWrite;
    /** When the socket last refused bytes ({@link System#nanoTime}); meaningful while {@link #wantWrite}. */
    private volatile long refusedSinceNanos;

    private final LineQueue outbound = new LineQueue();
    /**
     * Bytes taken from the queue that the socket has not accepted yet; only the writer changes it (volatile: a
     * writer that has just given up the role reads it to see whether it left work behind).
     */
    private volatile ByteBuffer backlog;

    // Touched on the loop thread only.
    private SelectionKey key;
    /** Why reading is paused: {@code PAUSED_*} bits, 0 while reading. */
    private int pausedFor;
    /** Lines run in this turn. */
    private int linesThisTurn;
    /**
     * Lines run while a log sink was backlogged, over all turns since a line ran while none was: what holds back a
     * client that floods in turns of a few lines each (small writes, or woken for a recipient's drain while the log
     * is still behind), which the count of one turn never reaches.
     */
    private int linesInBacklog;
    /** The last line's command must run off the loop (see {@link #offload}). */
    private boolean deferred;
    /** The backlog that paused reading is the log sinks' (not only a recipient's). */
    private boolean waitsForLog;

    // The rate limit's token bucket (two numbers, nothing per line). Touched by the thread running this connection's
    // lines (its loop, or its command thread while one runs), and by its loop while reading is paused for tokens.
    /** Lines it may send now without waiting, up to the burst. */
    private double rateTokens;
    /** By the server clock, the time the bucket has been filled up to. */
    private long rateStampMillis;
    /** While paused for tokens: by the server clock, when the bucket has one again. */
    private long rateDeadlineMillis;
    /** The line just run took the last token: reading stops after it until the bucket has one again. */
    private boolean throttled;
    /** It was paused for tokens since its bucket was last full: the hub hears of the first pause of each episode. */
    private boolean rateEpisode;

    TcpConnection(TcpTransport transport, SocketChannel channel, EventLoop loop, String address, TlsLayer tls) {
        this.transport = transport;
        this.channel = channel;
        this.loop = loop;
        this.address = address;
        this.decoder = new LineDecoder(transport.maxLineLength());
        this.tls = tls;
        this.rateTokens = transport.rateBurst();
        this.rateStampMillis = transport.clock().millis();
    }

    @Override
    public boolean secure() {
        return tls != null;
    }

    SocketChannel channel() {
        return channel;
    }

    @Override
    public String address() {
        return address;
    }

    boolean isOpen() {
        return state == OPEN;
    }

    /** The hub has attached this connection as {@code attached}; from now on it hears of every end. */
    void attached(Client attached) {
        this.client = attached;
    }

    /** Starts reading: registers with the loop. */
    void start() {
        loop.execute(() -> {
            if (channelClosed) {
                return;
            }
            try {
                key = loop.register(this, interest());
            } catch (RuntimeException e) {
                LOG.debug("could not register {}", this, e);
                abort(LeaveReason.DISCONNECTED);
            }
        });
    }

    // ---------------------------------------------------------------- reading (loop thread)

    void onReadable(EventLoop via) {
        if (tls != null) {
            tlsReadable(via);
            return;
        }
        ByteBuffer buffer = via.readBuffer;
        buffer.clear();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            // Reset by the peer, or closed by us meanwhile: either way, gone.
            abort(LeaveReason.DISCONNECTED);
            return;
        }
        if (n < 0) {
            endOfInput();
        } else if (n > 0 && isOpen()) {
            linesThisTurn = 0;
            via.reading = this;
            boolean done;
            try {
                done = decoder.process(buffer.array(), 0, n, this);
            } finally {
                via.reading = null;
            }
            afterTurn(done);
        }
        // While closing, input is read and dropped until the client closes: closing a socket with
        // unread input would reset the connection and destroy the goodbye.
    }

    // ---------------------------------------------------------------- TLS (loop thread)

    /** A TLS connection, before the hub knows of it: registers for reading; the handshake runs as bytes arrive. */
    void startHandshake() {
        loop.execute(() -> {
            if (channelClosed) {
                return;
            }
            try {
                key = loop.register(this, SelectionKey.OP_READ);
            } catch (RuntimeException e) {
                LOG.debug("could not register {}", this, e);
                closeChannel();
            }
        });
    }

    private void tlsReadable(EventLoop via) {
        ByteBuffer net = via.tlsIn();
        net.clear();
        boolean backlogged = tls.pendingBytes() > TlsLayer.MAX_RECORD; // whole records wait: run them before reading
        tls.takePending(net);
        int n = 0;
        if (!backlogged) {
            net.limit(Math.min(net.capacity(), net.position() + EventLoop.IO_BUFFER_SIZE));
            try {
                n = channel.read(net);
            } catch (IOException e) {
                abort(LeaveReason.DISCONNECTED);
                return;
            }
        }
        net.flip();
        if (n < 0) {
            if (tls.handshaking) {
                closeChannel(); // gave up during the handshake: nobody ever saw it
            } else {
                endOfInput();
            }
            return;
        }
        if (tls.handshaking) {
            handshake(via, net);
        } else if (isOpen()) {
            linesThisTurn = 0;
            decrypt(via, net);
        }
        // While closing, input is read and dropped until the client closes (see onReadable).
    }

    /** Decrypts {@code net} (flipped) and runs its lines, until it is used up or reading pauses. */
    private void decrypt(EventLoop via, ByteBuffer net) {
        ByteBuffer app = via.readBuffer;
        while (true) {
            app.clear();
            TlsLayer.Unwrapped u;
            try {
                u = tls.unwrap(net, app);
            } catch (SSLException e) {
                LOG.debug("{} sent bad TLS records: {}", this, e.toString());
                abort(LeaveReason.DISCONNECTED);
                return;
            }
            if (u == TlsLayer.Unwrapped.RENEGOTIATION) {
                LOG.debug("{} asked for a TLS renegotiation: refused, closing", this);
                abort(LeaveReason.DISCONNECTED);
                return;
            }
            if (tls.needsWrap) {
                scheduleFlush(); // a post-handshake message of ours is due (a key update)
            }
            if (u == TlsLayer.Unwrapped.CLOSED) {
                peerClosedTls = true;
            }
            boolean done = true;
            int n = app.position();
            if (n > 0) {
                via.reading = this;
                try {
                    done = decoder.process(app.array(), 0, n, this);
                } finally {
                    via.reading = null;
                }
            }
            if (!done || u != TlsLayer.Unwrapped.MORE) {
                tls.keepPending(net);
                if (!done) {
                    afterTurn(false);
                } else if (peerClosedTls) {
                    endOfInput();
                }
                return;
            }
        }
    }

    /** Goes on with the handshake on the bytes in {@code net} (flipped); what it does not use is kept. */
    private void handshake(EventLoop via, ByteBuffer net) {
        try {
            while (true) {
                SSLEngineResult.HandshakeStatus status = tls.engine.getHandshakeStatus();
                switch (status) {
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        ByteBuffer app = via.readBuffer;
                        app.clear();
                        SSLEngineResult r = tls.engine.unwrap(net, app);
                        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            closeChannel();
                            return;
                        }
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            tls.keepPending(net); // the rest of the record has not arrived
                            return;
                        }
                        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
                            handshaken(via, net);
                            return;
                        }
                    }
                    case NEED_WRAP -> {
                        ByteBuffer out = via.tlsOut();
                        out.clear();
                        ByteBuffer data = tls.handshakeWrap(out);
                        channel.write(data);
                        if (data.hasRemaining()) {
                            backlog = copyOf(data);
                            tls.keepPending(net);
                            wantWrite = true;
                            updateInterest();
                            return; // goes on in handshakeWritable
                        }
                        if (tls.engine.isOutboundDone()) {
                            closeChannel(); // the engine sent an alert: the handshake failed
                            return;
                        }
                        if (tls.finished) {
                            handshaken(via, net);
                            return;
                        }
                    }
                    case NEED_TASK -> {
                        tls.keepPending(net);
                        runHandshakeTasks();
                        return;
                    }
                    default -> { // FINISHED, NOT_HANDSHAKING
                        handshaken(via, net);
                        return;
                    }
                }
            }
        } catch (SSLException e) {
            // Not TLS, or TLS we do not speak: the engine has an alert for the client (openssl shows it); then close.
            LOG.debug("TLS handshake with {} failed: {}", address, e.toString());
            try {
                ByteBuffer out = via.tlsOut();
                out.clear();
                channel.write(tls.handshakeWrap(out));
            } catch (IOException | RuntimeException ignored) {
                // the alert is a courtesy
            }
            closeChannel();
        } catch (IOException e) {
            closeChannel();
        }
    }

    /** The engine's CPU-heavy handshake steps (signing, key agreement) run on a virtual thread, not on the loop. */
    private void runHandshakeTasks() {
        tls.taskRunning = true;
        updateInterest();
        try {
            Threads.virtual("aurachat-tls-" + address, () -> {
                try {
                    Runnable task;
                    while ((task = tls.engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                } finally {
                    loop.execute(this::handshakeTasksDone);
                }
            }).start();
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.warn("could not start a TLS task for {}", address, e);
            closeChannel();
        }
    }

    private void handshakeTasksDone() {
        tls.taskRunning = false;
        if (channelClosed) {
            return;
        }
        updateInterest();
        ByteBuffer net = loop.tlsIn();
        net.clear();
        tls.takePending(net);
        handshake(loop, net.flip());
    }

    /** OP_WRITE during the handshake: the rest of our handshake message, then the handshake goes on. */
    private void handshakeWritable() {
        ByteBuffer left = backlog;
        if (left != null) {
            try {
                channel.write(left);
            } catch (IOException e) {
                closeChannel();
                return;
            }
            if (left.hasRemaining()) {
                wantWrite = true;
                updateInterest();
                return;
            }
            backlog = null;
        }
        ByteBuffer net = loop.tlsIn();
        net.clear();
        tls.takePending(net);
        handshake(loop, net.flip());
    }

    /** The handshake has ended: the hub gets the connection; lines that came with the client's Finished run. */
    private void handshaken(EventLoop via, ByteBuffer net) {
        tls.handshaking = false;
        tls.keepPending(net);
        if (!transport.handshaken(this) || !isOpen()) {
            return;
        }
        if (tls.hasPending()) {
            runStash(via);
        } else {
            updateInterest();
        }
    }

    /** Called by the transport's timer: a handshake past its deadline is closed. */
    void checkHandshake(long nowNanos) {
        if (tls != null && tls.handshaking && !channelClosed && nowNanos - tls.handshakeDeadlineNanos > 0) {
            LOG.debug("TLS handshake with {} timed out", address);
            closeChannel();
        }
    }

    /** Whether the TLS handshake is still under way (the hub does not know this connection yet). */
    boolean isHandshaking() {
        return tls != null && tls.handshaking;
    }

    @Override
    public boolean onLine(String line) {
        EventLoop current = EventLoop.current();
        if (current == null) {
            long now = transport.clock().millis(); // an offloaded command thread
            boolean handled = client.onLine(line, now, false);
            return (CommandLine.isBlank(line) || takeToken(now)) && handled;
        }
        long now = current.batchMillis();
        boolean handled = client.onLine(line, now, true);
        boolean tokenLeft = CommandLine.isBlank(line) || takeToken(now); // a blank line is no command: no token
        if (!handled) {
            deferred = true;
            return false;
        }
        int lines = ++linesThisTurn;
        if (causedBacklog || !tokenLeft) {
            return false;
        }
        if (client.logBacklogged()) {
            if (++linesInBacklog >= LOG_PAUSE_LINES || lines >= LOG_PAUSE_LINES) {
                causedBacklog = true;
                waitsForLog = true;
                return false;
            }
        } else if (linesInBacklog != 0) {
            linesInBacklog = 0;
        }
        return lines < LINES_PER_TURN;
    }

    /**
     * After a turn of lines on the loop: {@code done} if the decoder used up its input. Otherwise it paused
     * for one of four reasons: a command to run off the loop, a queue that this client's lines crowded, an
     * empty token bucket, or the end of its turn. A bucket emptied by the command run off the loop pauses
     * reading when that command is done.
     */
    private void afterTurn(boolean done) {
        if (deferred) {
            deferred = false;
            offload();
            return;
        }
        boolean waits = false;
        if (causedBacklog) {
            waitForDrain();
            waits = true;
        }
        if (throttled) {
            waitForTokens();
            waits = true;
        }
        if (!waits && !done) {
            pause(PAUSED_TURN);
            loop.continueLater(this);
        }
    }

    // ---------------------------------------------------------------- rate limit (the thread running the lines)

    /**
     * Takes the token of a line just run, its arrival time {@code nowMillis} (the loop's batch time, which may be a
     * little old). Before it says the bucket is empty, it looks at the clock itself.
     *
     * @return {@code true} if a token is left for the next line; {@code false} if reading must stop until there is
     *     one ({@link #throttled} is then set)
     */
    private boolean takeToken(long nowMillis) {
        double perMilli = transport.ratePerMilli();
        if (perMilli == 0) {
            return true;
        }
        refill(nowMillis, perMilli);
        rateTokens -= 1;
        if (rateTokens >= 1) {
            return true;
        }
        refillNow(transport.clock().millis(), perMilli);
        if (rateTokens >= 1) {
            return true;
        }
        throttled = true;
        return false;
    }

    /** Refills the bucket up to {@code nowMillis}; a time before the last refill (an old batch time) adds nothing. */
    private void refill(long nowMillis, double perMilli) {
        long elapsed = nowMillis - rateStampMillis;
        if (elapsed > 0) {
            int burst = transport.rateBurst();
            rateTokens = Math.min(burst, rateTokens + elapsed * perMilli);
            rateStampMillis = nowMillis;
            if (rateTokens >= burst) {
                rateEpisode = false; // full again: the next pause is news
            }
        }
    }

    /** {@link #refill} with the clock's own time: one before the last refill means the clock was set back. */
    private void refillNow(long clockMillis, double perMilli) {
        if (clockMillis < rateStampMillis) {
            rateStampMillis = clockMillis; // count from here, or the bucket would stay empty until the clock caught up
        }
        refill(clockMillis, perMilli);
    }

    /**
     * The bucket is empty: stop reading until it has a token again, which the loop's timer checks. The idle clock
     * stops meanwhile (the client is waiting for us, not idle), and the first pause since the bucket was last full is
     * reported (a {@code ClientThrottled} event). On the loop thread.
     */
    private void waitForTokens() {
        throttled = false;
        pause(PAUSED_RATE);
        long wait = Math.max(1, (long) Math.ceil((1 - rateTokens) / transport.ratePerMilli()));
        rateDeadlineMillis = rateStampMillis + wait;
        loop.throttle(this);
        boolean first = !rateEpisode;
        rateEpisode = true;
        client.throttled(wait, first);
    }

    /** While paused for tokens: by the server clock, when the bucket has one again. Loop thread only. */
    long rateDeadline() {
        return rateDeadlineMillis;
    }

    /**
     * Called by the loop's timer once the server clock has reached {@link #rateDeadline}, the loop's batch time set to
     * it: reads again if the bucket has a token (or the connection is closing, which reads to drop).
     */
    void tokensDue(EventLoop via) {
        if ((pausedFor & PAUSED_RATE) == 0) {
            return;
        }
        if (isOpen()) {
            long now = via.batchMillis();
            refillNow(now, transport.ratePerMilli());
            if (rateTokens < 1) { // rounding left it a hair short
                rateDeadlineMillis = now + 1;
                via.throttle(this);
                return;
            }
        }
        pausedFor &= ~PAUSED_RATE;
        runStash(via);
    }

    /** The next turn of a connection that used up its last one; on the loop thread. */
    void continueTurn(EventLoop via) {
        if ((pausedFor & PAUSED_TURN) == 0) {
            return;
        }
        pausedFor &= ~PAUSED_TURN;
        runStash(via);
    }

    /** Runs the input kept from before a pause, then reads again unless another pause began. */
    private void runStash(EventLoop via) {
        if (pausedFor != 0 || !isOpen()) {
            updateInterest();
            return;
        }
        linesThisTurn = 0;
        via.reading = this;
        boolean done;
        try {
            done = decoder.resume(this);
        } finally {
            via.reading = null;
        }
        afterTurn(done);
        if (done && pausedFor == 0 && tls != null && (tls.hasPending() || peerClosedTls) && isOpen()) {
            ByteBuffer net = via.tlsIn();
            net.clear();
            tls.takePending(net);
            decrypt(via, net.flip());
        }
        updateInterest();
    }

    private void pause(int reason) {
        pausedFor |= reason;
        updateInterest();
    }

    /**
     * This client's lines crowded a queue: stop reading it until the queues it is waiting on drain (each
     * one that drains resumes it; if another is still crowded, the next line it crowds pauses it again).
     */
    private void waitForDrain() {
        pause(PAUSED_BACKLOG);
        if (waitsForLog) {
            waitsForLog = false;
            client.awaitLog(this::drainedElsewhere);
        }
        TcpConnection r = blockedBy;
        if (r != null) {
            blockedSinceNanos = System.nanoTime();
            blockedWritten = r.written;
            loop.watchBlocked(this);
        }
    }

    /**
     * Called by the loop while this connection waits for {@code blockedBy}: if that client's socket has taken
     * nothing for {@link #STALL_NANOS}, it is stalled and this connection goes on.
     *
     * @return whether it still waits for a recipient
     */
    boolean checkBlocked(long nowNanos) {
        TcpConnection r = blockedBy;
        if (r == null || (pausedFor & PAUSED_BACKLOG) == 0) {
            blockedBy = null;
            return false;
        }
        long w = r.written;
        if (w != blockedWritten) {
            blockedWritten = w; // it takes bytes: slow, not stalled
            blockedSinceNanos = nowNanos;
            return true;
        }
        if (nowNanos - blockedSinceNanos < STALL_NANOS) {
            return true;
        }
        blockedBy = null;
        r.stalled = true;
        r.releaseWaiters();
        resumeAfterDrain();
        return blockedBy != null; // its next line may have crowded another recipient
    }

    /** A queue this connection waited on has drained, or its client has gone; from any thread. */
    private void drainedElsewhere() {
        loop.execute(this::resumeAfterDrain);
    }

    private void resumeAfterDrain() {
        if ((pausedFor & PAUSED_BACKLOG) == 0) {
            // Not waiting yet: a command run off the loop crowded a queue (its own replies, a resume's replay), which
            // drained before the command ended. Forget it, or the end of the command would wait for this drain again.
            causedBacklog = false;
            blockedBy = null;
            return;
        }
        blockedBy = null;
        causedBacklog = false;
        pausedFor &= ~PAUSED_BACKLOG;
        runStash(loop);
    }

    @Override
    public boolean onLineTooLong() {
        client.lineTooLong();
        return takeToken(lineMillis()); // garbage is not free: it counts for the rate limit like any line
    }

    @Override
    public boolean onBadEncoding() {
        client.badEncoding();
        return takeToken(lineMillis());
    }

    /** What a line that arrives now counts as its arrival time: the loop's batch time, else the clock's. */
    private long lineMillis() {
        EventLoop current = EventLoop.current();
        return current != null ? current.batchMillis() : transport.clock().millis();
    }

    private void endOfInput() {
        inputDone = true;
        updateInterest();
        if (decoder.finish() > 0) {
            LOG.debug("{} closed its side in the middle of a line; the partial line was dropped", this);
        }
        if (isOpen()) {
            close(LeaveReason.DISCONNECTED, null);
        } else if (outputDone) {
            closeChannel();
        }
    }

    /** Runs the paused-on command and the input after it on a virtual thread; reading waits. */
    private void offload() {
        pause(PAUSED_OFFLOADED);
        try {
            transport.startCommandRunner(this::runOffloaded, client.id());
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.warn("could not start a command thread for {}", this, e);
            abort(LeaveReason.DISCONNECTED);
        }
    }

    private void runOffloaded() {
        OFFLOADED_READER.set(this);
        try {
            client.runDeferred();
            // Off the loop no command is deferred: the decoder pauses here only for an empty token bucket.
            while (isOpen() && !throttled && !decoder.resume(this)) {
                client.runDeferred();
            }
        } catch (RuntimeException | Error e) {
            LOG.error("connection {} failed", this, e);
            abort(LeaveReason.DISCONNECTED);
        } finally {
            OFFLOADED_READER.remove();
            loop.execute(() -> {
                pausedFor &= ~PAUSED_OFFLOADED;
                boolean waits = false;
                if (causedBacklog) {
                    waitForDrain();
                    waits = true;
                }
                if (throttled) {
                    waitForTokens();
                    waits = true;
                }
                if (!waits && tls != null && (tls.hasPending() || peerClosedTls)) {
                    runStash(loop); // input decrypted before the pause is still to be run
                } else if (!waits) {
                    updateInterest();
                }
            });
        }
    }

    private int interest() {
        boolean read = pausedFor == 0 && !inputDone && (tls == null || !tls.taskRunning);
        return (read ? SelectionKey.OP_READ : 0) | (wantWrite ? SelectionKey.OP_WRITE : 0);
    }

    /** Applies the current interest set; on the loop thread. */
    private void updateInterest() {
        SelectionKey k = key;
        if (k != null && k.isValid()) {
            k.interestOps(interest());
        }
    }

    // ---------------------------------------------------------------- writing (any thread)

    @Override
    public boolean send(byte[] line) {
        return isOpen() && offer(line);
    }

    private boolean offer(byte[] line) {
        long after = (long) QUEUED_BYTES.getAndAdd(this, (long) line.length) + line.length;
        if (after > transport.outboundSoftLimit()) {
            return offerCrowded(line, after);
        }
        outbound.add(line);
        scheduleFlush();
        return true;
    }

    /**
     * A line that takes the queue above the soft limit (its bytes are counted already). Before the client
     * is judged, what is queued is offered to its socket (when the calling thread is an I/O thread, which
     * has a write buffer): a client is slow only for bytes it had the chance to take. Beyond the hard limit
     * it is cut; above the soft limit, whoever's lines are being run now pauses until this queue drains.
     */
    private boolean offerCrowded(byte[] line, long after) {
        EventLoop current = EventLoop.current();
        boolean canWrite = current != null && !current.writing;
        if (after > transport.maxOutboundBytes() && after != line.length) {
            QUEUED_BYTES.getAndAdd(this, (long) -line.length);
            if (canWrite) {
                flush(current);
            }
            after = (long) QUEUED_BYTES.getAndAdd(this, (long) line.length) + line.length;
            if (after > transport.maxOutboundBytes() && after != line.length) {
                QUEUED_BYTES.getAndAdd(this, (long) -line.length);
                overflowed();
                return false;
            }
        }
        outbound.add(line);
        scheduleFlush();
        if (canWrite && queuedBytes > transport.outboundSoftLimit()) {
            flush(current);
        }
        if (queuedBytes > transport.outboundSoftLimit()) {
            crowded(current);
        }
        return true;
    }

    /** The queue is above the soft limit after a write was tried: start its clock, hold back its sender. */
    private void crowded(EventLoop current) {
        long now = System.nanoTime();
        CROWDED_SINCE.compareAndSet(this, 0L, now | 1L);
        if (!stalled && wantWrite && now - refusedSinceNanos >= STALL_NANOS) {
            // Its socket has had no room for a while already: stalled now, without a sender waiting to find out. When
            // many deaf clients are crowded at once, finding them one wait at a time would take STALL_NANOS each.
            stalled = true;
        }
        TcpConnection reader = current != null ? current.reading : OFFLOADED_READER.get();
        if (reader != null && !stalled) {
            reader.causedBacklog = true;
            if (current != null) {
                reader.blockedBy = this;
            }
            synchronized (this) {
                if (waiters == null) {
                    waiters = new java.util.ArrayList<>(4);
                }
                if (!waiters.contains(reader)) {
                    waiters.add(reader);
                }
            }
        }
        draining = true;
        // The writer may have drained the queue before it could see the flag (it checks the flag after writing):
        // then it is up to us. Volatile accesses on both sides: one of the two sees the other's write.
        if (channelClosed || queuedBytes <= transport.outboundSoftLimit() / 2) {
            wrote();
            if (channelClosed && waiters != null) {
                releaseWaiters(); // it went meanwhile: nothing will drain
            }
        }
    }

    /** Whether the queue is above the soft limit: presence notices skip such a client. */
    @Override
    public boolean congested() {
        return queuedBytes > transport.outboundSoftLimit();
    }

    /** After a write: the queue's clock stops below the soft limit; below half of it, waiters go on. */
    private void wrote() {
        long queued = queuedBytes;
        int soft = transport.outboundSoftLimit();
        if (queued <= soft) {
            if (crowdedSinceNanos != 0) {
                crowdedSinceNanos = 0;
            }
            if (queued <= soft / 2) {
                draining = false;
                if (stalled) {
                    stalled = false;
                }
                if (waiters != null) {
                    releaseWaiters();
                }
                Client c = client;
                if (c != null) {
                    c.drained();
                }
            }
        }
    }

    private void releaseWaiters() {
        java.util.ArrayList<TcpConnection> released;
        synchronized (this) {
            released = waiters;
            waiters = null;
        }
        if (released != null) {
            for (TcpConnection w : released) {
                w.drainedElsewhere();
            }
        }
    }

    /** Called by the server's timer: a queue above the soft limit for longer than allowed is cut. */
    void checkSoftLimit(long nowNanos, long softNanos) {
        long since = crowdedSinceNanos;
        // wantWrite: its socket refused bytes, so the queue waits for the client, not for a busy loop to flush it.
        if (since != 0 && nowNanos - since >= softNanos && wantWrite && queuedBytes > transport.outboundSoftLimit()) {
            overflowed();
        }
    }

    private void scheduleFlush() {
        // Most lines find a flush already pending (many reach a client between two flushes): a plain read
        // then spares the atomic update. A flush clears the flag before it takes the queue, so a line queued
        // before this read saw true is in what that flush takes.
        if (flushPending || !FLUSH_PENDING.compareAndSet(this, false, true)) {
            return;
        }
        EventLoop current = EventLoop.current();
        if (current != null) {
            current.markDirty(this);
        } else {
            loop.execute(this);
        }
    }

    /** Queued lines are not written until {@link #releaseOutput}: while the hub joins the client. */
    void holdOutput() {
        held = true;
    }

    /** Writes what was queued while held, and from now on as usual. */
    void releaseOutput() {
        held = false;
        // The flushes scheduled meanwhile returned at once and cleared the flag (or will): one more takes it all.
        FLUSH_PENDING.setVolatile(this, false);
        scheduleFlush();
    }

    /** A flush task on the owning loop. */
    @Override
    public void run() {
        flush(loop);
    }

    /** Writes what is queued, as far as the socket takes it; on an I/O thread. */
    void flush(EventLoop via) {
        FLUSH_PENDING.setVolatile(this, false);
        if (held) {
            return;
        }
        while (!wantWrite && !channelClosed && WRITING.compareAndSet(this, false, true)) {
            boolean more;
            via.writing = true;
            try {
                more = writeOut(via);
            } catch (IOException e) {
                abort(LeaveReason.DISCONNECTED);
                return;
            } finally {
                via.writing = false;
                WRITING.setVolatile(this, false);
            }
            if (draining) {
                wrote();
            }
            // Whoever found the writer role taken left its work to us: a line queued meanwhile, or (onWritable on the
            // owning loop, after our own blocked() registered OP_WRITE) a backlog the socket now has room for. That
            // one cleared wantWrite and will not come again, so a backlog with wantWrite down is ours to write.
            if (!more && outbound.isEmpty() && (backlog == null || wantWrite)) {
                return;
            }
        }
    }

    /** OP_WRITE: the socket has room again; on the loop thread. */
    void onWritable() {
        wantWrite = false;
        updateInterest();
        if (tls != null && tls.handshaking) {
            handshakeWritable();
            return;
        }
        flush(loop);
    }

    /**
     * Moves queued lines to the socket through {@code buffer}.
     *
     * @return whether lines remain that the socket did not block on (the caller loops)
     */
    private boolean writeOut(EventLoop via) throws IOException {
        ByteBuffer buffer = via.writeBuffer;
        ByteBuffer left = backlog;
        if (left != null) {
            long before = left.remaining();
            channel.write(left);
            QUEUED_BYTES.getAndAdd(this, left.remaining() - before);
            written += before - left.remaining();
            if (left.hasRemaining()) {
                blocked();
                return false;
            }
            backlog = null;
        }
        while (true) {
            buffer.clear();
            byte[] huge = outbound.drainTo(buffer);
            if (huge != null) {
                return writeHuge(huge, via);
            }
            if (buffer.position() == 0 && (tls == null || !tls.needsWrap)) {
                break;
            }
            if (!write(buffer.flip(), false, via)) {
                return false;
            }
        }
        if (flushThenClose && !outputDone && outbound.isEmpty()) {
            finishOutput(via);
        }
        return false;
    }

    /** A line bigger than the write buffer (a long LIST): written from its own array. */
    private boolean writeHuge(byte[] line, EventLoop via) throws IOException {
        return write(ByteBuffer.wrap(line), true, via);
    }

    /**
     * Offers {@code plain} (flipped, counted in the queue) to the socket, encrypted first on a TLS connection; what the
     * socket does not take becomes the backlog, and the queue then counts it (ciphertext on a TLS connection).
     *
     * @param owned whether {@code plain} is this connection's own (a line's array), so that a backlog may keep it
     *     rather than copy it out of a loop's shared buffer
     * @return whether the socket took all of it
     */
    private boolean write(ByteBuffer plain, boolean owned, EventLoop via) throws IOException {
        int taken = plain.remaining();
        ByteBuffer data = plain;
        boolean shared = !owned;
        if (tls != null) {
            ByteBuffer out = via.tlsOut();
            out.clear();
            data = tls.wrap(plain, out);
            shared = data == out;
            // The plaintext has left the queue; what is queued now is its encrypted form.
            QUEUED_BYTES.getAndAdd(this, (long) (data.remaining() - taken));
            taken = data.remaining();
        }
        channel.write(data);
        QUEUED_BYTES.getAndAdd(this, (long) (data.remaining() - taken));
        written += taken - data.remaining();
        if (data.hasRemaining()) {
            backlog = shared ? copyOf(data) : data;
            blocked();
            return false;
        }
        return true;
    }

    /** The rest of {@code data}, in a buffer of its own: a backlog outlives the loop's shared buffers. */
    private static ByteBuffer copyOf(ByteBuffer data) {
        return ByteBuffer.allocate(data.remaining()).put(data).flip();
    }

    /** The socket is full: the owning loop writes again when it has room. */
    private void blocked() {
        refusedSinceNanos = System.nanoTime();
        wantWrite = true;
        if (loop.inLoop()) {
            updateInterest();
        } else {
            loop.execute(this::updateInterest);
        }
    }

    private void finishOutput(EventLoop via) throws IOException {
        if (channelClosed) {
            return;
        }
        if (tls != null && !tls.closeSent) {
            ByteBuffer out = via.tlsOut();
            out.clear();
            ByteBuffer data = tls.closeNotify(out);
            channel.write(data);
            if (data.hasRemaining()) {
                QUEUED_BYTES.getAndAdd(this, (long) data.remaining());
                backlog = copyOf(data);
                blocked();
                return; // the next write sends the rest, then comes back here
            }
        }
        channel.shutdownOutput();
        outputDone = true;
        if (inputDone || transport.isClosing()) {
            closeChannel();
        }
    }

    // ---------------------------------------------------------------- closing (any thread)

    /**
     * Stops the connection after {@code lastLine} (may be {@code null}) and everything queued before it
     * has been written. Idempotent: only the first reason counts. Before the hub has attached this
     * connection (it was full), the line is written if the socket takes it at once, and the socket closed.
     */
    @Override
    public void close(LeaveReason reason, byte[] lastLine) {
        if (!STATE.compareAndSet(this, OPEN, CLOSING)) {
            return;
        }
        Client c = client;
        if (c == null) {
            refuse(lastLine);
            return;
        }
        closeDeadlineNanos = System.nanoTime() + transport.lingerNanos();
        c.closed(reason);
        if (lastLine != null) {
            QUEUED_BYTES.getAndAdd(this, (long) lastLine.length);
            outbound.add(lastLine);
        }
        flushThenClose = true;
        scheduleFlush();
    }

    /** Never attached: a goodbye if the socket takes it without waiting, then close. */
    private void refuse(byte[] lastLine) {
        if (lastLine != null) {
            try {
                if (tls != null) {
                    ByteBuffer data = tls.wrap(ByteBuffer.wrap(lastLine), ByteBuffer.allocate(lastLine.length
                            + TlsLayer.RECORD_OVERHEAD * 2 + tls.engine.getSession().getPacketBufferSize()));
                    channel.write(data);
                    channel.write(tls.closeNotify(ByteBuffer.allocate(TlsLayer.RECORD_OVERHEAD)));
                } else {
                    channel.write(ByteBuffer.wrap(lastLine));
                }
            } catch (IOException e) {
                LOG.debug("could not tell {} why it is refused", address, e);
            }
        }
        closeChannel();
    }

    /**
     * The queue overflowed: the connection takes no more lines from now on, and is cut as a slow
     * consumer by a task on its loop rather than here. Cutting it here would send its leave notice
     * from inside the send that overflowed, and that notice may overflow the next client, and so on:
     * one stack frame per client when many overflow at once (a StackOverflowError killed the thread
     * it happened on in the 10,000-connection benchmark).
     */
    private void overflowed() {
        if (STATE.compareAndSet(this, OPEN, CLOSING)) {
            loop.execute(() -> {
                client.closed(LeaveReason.SLOW_CONSUMER);
                closeChannel();
            });
        }
    }

    /** Closes at once, without a goodbye. */
    void abort(LeaveReason reason) {
        if (STATE.compareAndSet(this, OPEN, CLOSING)) {
            Client c = client;
            if (c != null) {
                c.closed(reason);
            }
        }
        closeChannel();
    }

    /** Called by the linger check: a closing connection past its linger deadline is closed hard. */
    void checkLinger(long nowNanos) {
        if (state == CLOSING && !channelClosed && nowNanos - closeDeadlineNanos > 0) {
            closeChannel();
        }
    }

    /** Whether output has been flushed and shut down (used by server shutdown to stop waiting). */
    boolean isOutputDone() {
        return outputDone || channelClosed;
    }

    void closeChannel() {
        if (!CHANNEL_CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed", this, e);
        }
        // A registered channel's descriptor is released when its selector next runs: wake it.
        loop.wakeup();
        outbound.clear();
        if (waiters != null) {
            releaseWaiters(); // nothing will drain now: whoever waited on this client goes on
        }
        transport.closed(this);
    }

    /** The connection's state, racy reads of every flag: for diagnostics only. */
    String describe() {
        SelectionKey k = key;
        String ops;
        try {
            ops = k == null ? "unregistered" : k.isValid() ? Integer.toString(k.interestOps()) : "cancelled";
        } catch (RuntimeException e) {
            ops = e.toString();
        }
        return this + " state=" + state + " queuedBytes=" + queuedBytes + " outbound=" + outbound.size()
                + " backlog=" + (backlog == null ? "none" : backlog.remaining()) + " flushPending=" + flushPending
                + " writing=" + writing + " wantWrite=" + wantWrite + " interestOps=" + ops + " pausedFor=" + pausedFor
                + " draining=" + draining + " stalled=" + stalled + " causedBacklog=" + causedBacklog
                + " rateTokens=" + rateTokens
                + " written=" + written + " loop=" + loop;
    }

    @Override
    public String toString() {
        Client c = client;
        return "TcpConnection[" + (c != null ? c.id() : address) + "]";
    }
}
