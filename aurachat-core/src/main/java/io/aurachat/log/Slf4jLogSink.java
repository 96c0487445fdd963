package io.aurachat.log;

import io.aurachat.protocol.ClientInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to SLF4J under the logger {@code io.aurachat.events}: server start and stop at INFO,
 * connections and disconnections at INFO, refused connections at WARN, commands, protocol errors and discovery probes at DEBUG, message texts at
 * TRACE (they are private conversation), dropped events at WARN.
 */
public final class Slf4jLogSink implements LogSink {

    private final Logger logger;

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
        this.logger = java.util.Objects.requireNonNull(logger, "logger");
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
        switch (event) {
            case LogEvent.ServerStarted e ->
                    logger.info("server '{}' listening on {}", e.serverName(), e.address());
            case LogEvent.ServerStopped e -> logger.info("server stopped");
            case LogEvent.ClientConnected e ->
                    logger.info("{} connected from {}", e.client().id(), e.client().ip());
            case LogEvent.ClientDisconnected e ->
                    logger.info("{} ({}) disconnected: {}", e.client().id(), e.client().name(), e.reason().wireName());
            case LogEvent.ConnectionRejected e ->
                    logger.warn("refused a connection from {}: {}", e.ip(), e.reason().wireName());
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
            case LogEvent.LoginFailed e -> logger.info("{} from {} failed to log into the account with key {}: {}",
                    e.client().id(), e.client().ip(), e.account(), e.reason());
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
