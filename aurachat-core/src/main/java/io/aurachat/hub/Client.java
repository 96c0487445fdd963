package io.aurachat.hub;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.transport.Connection;
import io.aurachat.transport.Peer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The hub's state for one attached connection: who it is, whether it has joined, its command state and
 * its encode-once caches. Its transport is a {@link Peer}; the hub never sees more of it.
 *
 * <p>States: pre-join, joining (inside {@link #join()}), joined, left. Leaving happens once, through
 * {@link #closed}, whoever ends the connection; the first reason counts.
 *
 * <p>Lines: a transport with threads that must not block (the TCP transport's I/O threads) calls
 * {@link #onLine(String, long, boolean)} and may be told to run the command later with {@link #runDeferred()}
 * on a thread that may block; any other caller uses {@link #line}. Either way one client's lines are handled
 * one at a time, in order.
 */
public final class Client implements Connection {
    private static final int PENDING = 0;
    private static final int JOINING = 1;
    private static final int JOINED = 2;
    private static final int LEFT = 3;

    private static final VarHandle STATE;
    private static final VarHandle CLOSE_REASON;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(Client.class, "state", int.class);
            CLOSE_REASON = lookup.findVarHandle(Client.class, "closeReason", LeaveReason.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Its id: the one its welcome announced, or, once it has resumed a session, that session's. Changed only by the
     * resume, on this client's command thread, before the client is registered under the new id.
     */
    ClientId id;
    private final Hub hub;
    /**
     * The transport side; the hub keeps a registry of joined clients' peers too. While a resume replays what the
     * session missed, a {@link HoldingPeer} in front of it keeps the live lines until the replay is out.
     */
    volatile Peer peer;

    /**
     * Orders what happens to this client's session: its leaving, a resume's claim of it, its expiry (Hub). A lock, not
     * a monitor: a resume holds it on a virtual thread while it takes the rooms' lock, which on Java 21 would pin the
     * carrier under {@code synchronized}.
     */
    final java.util.concurrent.locks.ReentrantLock sessionLock = new java.util.concurrent.locks.ReentrantLock();

    // Sessions (see Hub.session and Hub.resume); changed under sessionLock.
    /** Its session token once it asked for one ({@code SESSION}) or resumed; {@code null} if it is not resumable. */
    volatile String sessionToken;
    /** By the server clock, when its connection broke and its session started waiting for a resume; 0 if it has not. */
    volatile long detachedAtMillis;
    /** A resume took its session: its connection's end changes nothing of the identity, which lives on elsewhere. */
    volatile boolean takenOver;
    /**
     * The last message id given when this client was registered for messages to everyone: every such message with a
     * higher id reached it (the generator's {@code mark}). A resume on this connection replays messages to everyone
     * only up to here; those after, it had already.
     */
    volatile long joinedAfterId;
    /**
     * The generator's mark when this connection became a device of its account (0 if it never did): the account's
     * private messages above it reached it live, once it had joined. A resume of the account's session replays them
     * only up to here, or up to its join if that came later.
     */
    volatile long loggedInAfterId;
    /**
     * The same mark for the session this connection is: its own join's, or, once it resumed one, that session's first
     * connection's. Nothing before it is the session's to miss: a resume starts no earlier, whatever id it names.
     */
    volatile long sessionStartId;
    /** Set by a resume while it paces its replay: counted down when the peer's queue has drained. */
    volatile java.util.concurrent.CountDownLatch drainLatch;
    private volatile ClientInfo info;
    private volatile int state = PENDING;
    /** Why it left; set once, before the state becomes LEFT. */
    private volatile LeaveReason closeReason;
    /** Presence notices skipped because its peer was congested, not yet reported; see {@link #drained()}. */
    private final java.util.concurrent.atomic.AtomicLong presenceSkipped = new java.util.concurrent.atomic.AtomicLong();
    /** Its welcome is queued: messages to it may follow. Set once, by Hub.join, right after the welcome. */
    volatile boolean welcomed;
    /** By the server clock, when its last command arrived; written by the dispatcher, read by the idle rule. */
    volatile long lastActivityMillis;

    // Command state, touched by one thread at a time (see the class comment).
    /** Lines in a row that were not commands at all (unknown verb, too long, not UTF-8). */
    int consecutiveErrors;
    /** A command that must not run on an I/O thread, waiting for {@link #runDeferred()}, and its line. */
    Dispatcher.Deferred deferred;

    /** The encoded start of this client's {@code message} lines, for the client info it was made from. */
    private record MessagePrefix(ClientInfo from, byte[] bytes) {}

    /** Written by whichever thread routes a message after a rename; an immutable value, so races are benign. */
    private MessagePrefix messagePrefix;

    /** Whether a line of its own has already made it a client of its own: a name, a room, a message. */
    boolean hasActed() {
        // A name of its own counts, but not an account's: a connection logs in before it resumes that account's session.
        return lastMessageId != 0 || !rooms.isEmpty() || (!info.name().equals(id.value()) && info.account() == null)
                || sessionToken != null;
    }

    /** Forgets the reply kept for reuse: after a resume it names the old id. */
    void forgetReplyMemo() {
        replyMemo = null;
    }

    /**
     * A reply line kept for reuse (see {@code Dispatcher.encode}): the reply of {@code verb} whose one field
     * {@code name} is {@code value}; with {@code idFollows}, the line up to the digits of a second field, the message
     * {@code id} ({@code CHAT}'s reply), which each reply then appends. Immutable, so a memo that senders on several
     * threads replace is always whole; a stale one costs only an encoding.
     */
    record Memo(String verb, String type, String name, Object value, byte[] line, boolean idFollows) {}

    /** The last one-field reply line to a command that messaged this client alone. */
    Memo replyMemo;

    /** The rooms it is in, by key; changed under the rooms' lock, read by its own commands. */
    final java.util.Map<String, Rooms.Room> rooms = new java.util.concurrent.ConcurrentHashMap<>(4);

    Client(Hub hub, Peer peer, ClientInfo info) {
        this.hub = hub;
        this.peer = peer;
        this.info = info;
        this.id = info.id();
        this.lastActivityMillis = info.connectedSince().toEpochMilli();
    }

    @Override
    public ClientId id() {
        return id;
    }

    @Override
    public ClientInfo info() {
        return info;
    }

    void info(ClientInfo updated) {
        this.info = updated;
    }

    Hub hub() {
        return hub;
    }

    @Override
    public boolean isJoined() {
        return state == JOINED;
    }

    @Override
    public boolean isOpen() {
        return state != LEFT;
    }

    /** Why the client left, or {@code null} while it has not. */
    LeaveReason closeReason() {
        return closeReason;
    }

    // ---------------------------------------------------------------- joining and leaving

    @Override
    public boolean join() {
        return hub.join(this);
    }

    @Override
    public boolean begin() {
        return hub.begin(this);
    }

    boolean startJoining() {
        return STATE.compareAndSet(this, PENDING, JOINING);
    }

    /** @return {@code false} if the client left while joining */
    boolean finishJoining() {
        return STATE.compareAndSet(this, JOINING, JOINED);
    }

    @Override
    public void closed(LeaveReason reason) {
        if (!CLOSE_REASON.compareAndSet(this, (LeaveReason) null, reason)) {
            return;
        }
        int before = (int) STATE.getAndSet(this, LEFT);
        hub.left(this, reason, before == JOINED, before == PENDING);
    }

    /** Ends the connection after {@code lastLine}; the peer reports back through {@link #closed}. */
    void close(LeaveReason reason, byte[] lastLine) {
        if (isOpen()) {
            peer.close(reason, lastLine);
        }
    }

    /** Queues a line for this client; {@code false} if its peer would not take it. */
    boolean send(byte[] line) {
        return peer.send(line);
    }

    /**
     * A presence notice: skipped (and counted) while the peer is congested, so that a storm of notices
     * cannot cut a client that reads; the count goes out as {@code presence-missed} when it has drained.
     */
    boolean sendPresence(byte[] line) {
        if (peer.congested()) {
            presenceSkipped.incrementAndGet();
            return false;
        }
        return peer.send(line);
    }

    @Override
    public void drained() {
        java.util.concurrent.CountDownLatch latch = drainLatch;
        if (latch != null) {
            latch.countDown();
        }
        if (presenceSkipped.get() == 0) {
            return;
        }
        long skipped = presenceSkipped.getAndSet(0);
        if (skipped > 0 && isJoined()) {
            peer.send(Wire.presenceMissed(skipped));
        }
    }

    /**
     * Whether a log sink's queue is above its watermark: a transport then stops reading this client (and
     * every other whose lines add events) until {@link #awaitLog} says it has drained.
     */
    public boolean logBacklogged() {
        return hub.log().backlogged();
    }

    /**
     * Its transport stopped reading it for the rate limit, for about {@code pauseMillis} (PROTOCOL.md, <em>Rate
     * limit</em>). Its idle clock stops meanwhile: it is waiting for the server, not idle. {@code episodeStarts}: the
     * first pause since its token bucket was last full, reported to the log sinks ({@code ClientThrottled}), so a
     * flood costs one event. On the transport's thread that runs its lines.
     */
    public void throttled(long pauseMillis, boolean episodeStarts) {
        lastActivityMillis += pauseMillis; // only this client's line thread writes it
        if (episodeStarts) {
            LogBus log = hub.log();
            if (log.wants(io.aurachat.log.LogEvent.ClientThrottled.class)) {
                log.emit(new io.aurachat.log.LogEvent.ClientThrottled(hub.clock().instant(), info));
            }
        }
    }

    /** Runs {@code wake} once the log sinks' queues have drained (at once, on this thread, if they have). */
    public void awaitLog(Runnable wake) {
        hub.log().await(wake);
    }

    // ---------------------------------------------------------------- lines

    @Override
    public void line(String line) {
        if (!hub.dispatcher.line(this, line, hub.clock().millis(), false)) {
            throw new IllegalStateException("a command was deferred off a thread that may block");
        }
    }

    /**
     * One line, on a thread of the transport's.
     *
     * @param nowMillis the server clock's time when the line arrived (an I/O thread reads it once per batch)
     * @param mustNotBlock whether the calling thread must not block: then a command that may block is only
     *     noted, and {@code false} tells the caller to stop feeding lines and to call {@link #runDeferred()}
     *     on a thread that may block
     * @return {@code true} if the line was handled
     */
    public boolean onLine(String line, long nowMillis, boolean mustNotBlock) {
        return hub.dispatcher.line(this, line, nowMillis, mustNotBlock);
    }

    /** Runs the command that {@link #onLine} returned {@code false} for; on a thread that may block. */
    public void runDeferred() {
        hub.dispatcher.runDeferred(this);
    }

    @Override
    public void lineTooLong() {
        hub.dispatcher.lineTooLong(this);
    }

    @Override
    public void badEncoding() {
        hub.dispatcher.badEncoding(this);
    }

    // ---------------------------------------------------------------- encode once

    /** The id of the last message this client sent: what its CHAT or SAY reply tells. Its command thread only. */
    long lastMessageId;

    /**
     * A {@code message} line from this client: its {@link Wire#messagePrefix prefix} is encoded once per
     * name, not once per message.
     *
     * @param from this client's info as the message should show it (the current one)
     * @param to the recipient of a private message, else {@code null}
     * @param room the room of a message to a room, else {@code null}; both {@code null}: to everyone
     */
    byte[] messageLine(ClientInfo from, ClientId to, String room, String text, long id) {
        MessagePrefix prefix = messagePrefix;
        if (prefix == null || prefix.from() != from) {
            prefix = new MessagePrefix(from, Wire.messagePrefix(from));
            messagePrefix = prefix;
        }
        return Wire.message(prefix.bytes(), from, to, room, text, id);
    }

    @Override
    public String toString() {
        return "Client[" + id + "]";
    }
}
