package io.aurachat.log;

import io.aurachat.protocol.ClientInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to SLF4J under the logger {@code io.aurachat.events}: server start and stop at INFO,
 * connections and disconnections at INFO, refused connections at WARN, commands, protocol errors and discovery probes at DEBUG, message texts at
 * TRACE (they are private conversation), dropped events at WARN.
 *
 * <p><b>Repeats are folded.</b> A refused connection and a failed login are logged the first time an address meets
 * them for a reason; the same again from that address, for that reason, within {@link #DEFAULT_REPEAT_WINDOW} (by
 * the events' own times) is counted instead, and the count is logged in one line once the window is over: at the
 * next event after it, or when the sink closes. So a host that opens 5,000 connections past its limit, or tries
 * passwords as fast as the server lets it, costs a few lines, not thousands. The XML audit log keeps every event.
 * At most {@value #MAX_REPEAT_KEYS} address and reason pairs are followed at once; repeats beyond that are counted
 * together, under "other addresses".
 */
public final class Slf4jLogSink implements LogSink {

    /** How long the repeats of a refusal from one address are counted before their count is logged: 10 seconds. */
    public static final java.time.Duration DEFAULT_REPEAT_WINDOW = java.time.Duration.ofSeconds(10);
    /** The most address and reason pairs whose repeats are counted each on their own. */
    static final int MAX_REPEAT_KEYS = 1024;

    private final Logger logger;
    private final long windowMillis;
    /** The window in seconds, as the count's line says it ("10", "0.5"). */
    private final String windowSeconds;
    /** Repeats being counted, by kind, address and reason, oldest window first; the sink's thread only. */
    private final java.util.LinkedHashMap<String, Repeats> repeats = new java.util.LinkedHashMap<>();
    /** Repeats past {@link #MAX_REPEAT_KEYS} pairs, counted together; {@code null} while there are none. */
    private Repeats others;

    /** Repeats of one kind of refusal from one address: logged once, then counted until the window is over. */
    private static final class Repeats {
        final long startMillis;
        long count;

        Repeats(long startMillis) {
            this.startMillis = startMillis;
        }
    }

    /** A sink that writes to the logger {@code io.aurachat.events}. */
    public Slf4jLogSink() {
        this(LoggerFactory.getLogger("io.aurachat.events"));
    }

    /**
     * A sink that writes to {@code logger}.
     *
     * @param logger where events go
     */
    public Slf4jLogSink(Logger logger) {
        this(logger, DEFAULT_REPEAT_WINDOW);
    }

    /**
     * A sink that writes to {@code logger} and folds repeats within {@code repeatWindow}.
     *
     * @param logger where events go
     * @param repeatWindow how long repeated refusals from one address are counted rather than logged; zero logs each
     */
    public Slf4jLogSink(Logger logger, java.time.Duration repeatWindow) {
        this.logger = java.util.Objects.requireNonNull(logger, "logger");
        if (repeatWindow.isNegative()) {
            throw new IllegalArgumentException("repeatWindow must not be negative: " + repeatWindow);
        }
        this.windowMillis = repeatWindow.toMillis();
        this.windowSeconds = windowMillis % 1000 == 0 ? Long.toString(windowMillis / 1000)
                : Double.toString(windowMillis / 1000.0);
    }

    /**
     * Only the kinds its logger would print at its current level: with message texts at TRACE and that
     * level off (the usual case), the server does not even build a {@link LogEvent.MessageSent}. The
     * level is read when the server starts; a later change of level applies to the next server.
     */
    @Override
    public boolean accepts(Class<? extends LogEvent> kind) {
        if (kind == LogEvent.MessageSent.class) {
            return logger.isTraceEnabled();
        }
        if (kind == LogEvent.CommandExecuted.class || kind == LogEvent.ProtocolError.class
                || kind == LogEvent.DiscoveryAnswered.class || kind == LogEvent.DiscoveryIgnored.class) {
            return logger.isDebugEnabled();
        }
        if (kind == LogEvent.ConnectionRejected.class || kind == LogEvent.EventsDropped.class) {
            return logger.isWarnEnabled();
        }
        return logger.isInfoEnabled();
    }

    @Override
    public void log(LogEvent event) {
        long now = event.time().toEpochMilli();
        reportEnded(now);
        switch (event) {
            case LogEvent.ServerStarted e ->
                    logger.info("server '{}' listening on {}", e.serverName(), e.address());
            case LogEvent.ServerStopped e -> logger.info("server stopped");
            case LogEvent.ClientConnected e ->
                    logger.info("{} connected from {}", e.client().id(), e.client().ip());
            case LogEvent.ClientDisconnected e ->
                    logger.info("{} ({}) disconnected: {}", e.client().id(), e.client().name(), e.reason().wireName());
            case LogEvent.ConnectionRejected e -> {
                if (first("refused connections from " + e.ip() + " (" + e.reason().wireName() + ")", now)) {
                    logger.warn("refused a connection from {}: {}", e.ip(), e.reason().wireName());
                }
            }
            case LogEvent.MessageSent e -> {
                if (logger.isTraceEnabled()) {
                    logger.trace("{} -> {}: {}", e.from().id(),
                            e.room() != null ? "room " + e.room() : e.isBroadcast() ? "*" : e.to(), e.text());
                }
            }
            case LogEvent.CommandExecuted e -> {
                if (logger.isDebugEnabled()) {
                    logger.debug("{} {} -> {}", e.client().id(), e.verb(), e.succeeded() ? "ok" : e.errorCode());
                }
            }
            case LogEvent.RoomJoined e -> logger.debug("{} joined room {}", e.client().id(), e.room());
            case LogEvent.RoomLeft e -> logger.debug("{} left room {}", e.client().id(), e.room());
            case LogEvent.SessionDetached e -> logger.debug("{} lost its connection; its session waits", e.client().id());
            case LogEvent.SessionResumed e -> logger.debug("{} resumed on connection {}: {} missed, recovered {}",
                    e.client().id(), e.connection(), e.missed(), e.recovered());
            case LogEvent.ClientThrottled e -> logger.info("{} ({}) sends faster than the rate limit: reading it more slowly",
                    e.client().id(), e.client().name());
            // A logged-in client's name is its account's name as registered; the key (the folded form the store
            // keys it by, "rnario" for Mario with the confusables rule) is what the events without a client carry.
            case LogEvent.AccountRegistered e -> logger.info("{} registered account {}{}", e.client().id(),
                    e.client().name(), key(e.client()));
            case LogEvent.LoggedIn e -> logger.info("{} logged into account {}{}", e.client().id(), e.client().name(),
                    key(e.client()));
            case LogEvent.LoginFailed e -> {
                if (first("failed logins from " + e.client().ip() + " (" + e.reason() + ")", now)) {
                    logger.info("{} from {} failed to log into the account with key {}: {}",
                            e.client().id(), e.client().ip(), e.account(), e.reason());
                }
            }
            case LogEvent.PasswordChanged e -> logger.info("the password of the account with key {} was changed by {}",
                    e.account(), e.client() == null ? "the owner" : e.client().id());
            case LogEvent.AccountRemoved e -> logger.info("the account with key {} was removed; {} connection{} ended",
                    e.account(), e.devices(), e.devices() == 1 ? "" : "s");
            case LogEvent.ProtocolError e ->
                    logger.debug("{} protocol error {}: {}", e.client().id(), e.code(), e.detail());
            case LogEvent.DiscoveryAnswered e ->
                    logger.debug("answered a discovery probe from {}", e.source());
            case LogEvent.DiscoveryIgnored e ->
                    logger.debug("ignored a datagram from {}: {}", e.source(), e.reason());
            case LogEvent.EventsDropped e ->
                    logger.warn("{} log events were dropped because this sink fell behind", e.count());
        }
    }

    /** Logs the count of every repeat window still open: nothing more comes. */
    @Override
    public void close() {
        reportEnded(Long.MAX_VALUE);
    }

    /**
     * Whether this is the first of {@code what} in its window (log it), else counts it. A window starts at the first;
     * its count is logged once it is over.
     */
    private boolean first(String what, long now) {
        if (windowMillis == 0) {
            return true;
        }
        Repeats r = repeats.get(what);
        if (r != null) {
            r.count++;
            return false;
        }
        if (repeats.size() < MAX_REPEAT_KEYS) {
            repeats.put(what, new Repeats(now));
            return true;
        }
        if (others == null) {
            others = new Repeats(now);
        }
        others.count++;
        return false;
    }

    /** Logs and forgets the windows that are over by {@code now}: oldest first, so it stops at the first open one. */
    private void reportEnded(long now) {
        if (repeats.isEmpty() && others == null) {
            return;
        }
        var it = repeats.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (now - e.getValue().startMillis < windowMillis) {
                break;
            }
            it.remove();
            report(e.getKey(), e.getValue());
        }
        if (others != null && now - others.startMillis >= windowMillis) {
            report("refusals and failed logins from other addresses", others);
            others = null;
        }
    }

    private void report(String what, Repeats r) {
        if (r.count > 0) {
            logger.warn("{} more {} in the {} s after the first", r.count, what, windowSeconds);
        }
    }

    @Override
    public String toString() {
        return "Slf4jLogSink[" + logger.getName() + "]";
    }

    /** " (key k)" when the account's key is not simply its name in lower case, else nothing. */
    private static String key(ClientInfo client) {
        String key = client.account();
        return key == null || key.equals(client.name().toLowerCase(java.util.Locale.ROOT)) ? "" : " (key " + key + ")";
    }
}
