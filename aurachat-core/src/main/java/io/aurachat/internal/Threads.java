package io.aurachat.internal;

import io.aurachat.protocol.ClientId;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every thread AuraChat starts is made here, so names, daemon status and failure logging agree. */
final class Threads {
    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);
    private static final Thread.UncaughtExceptionHandler LOG_UNCAUGHT =
            (thread, e) -> LOG.error("uncaught exception in {}", thread.getName(), e);
    /** Writers are short-lived and many: unnamed virtual threads are cheapest. */
    private static final ThreadFactory WRITERS =
            Thread.ofVirtual().uncaughtExceptionHandler(LOG_UNCAUGHT).factory();

    private Threads() {}

    /** The accept loop: a platform thread, not a daemon, so a running server keeps the JVM alive. */
    static Thread acceptThread(Runnable loop, int port) {
        return Thread.ofPlatform().name("aurachat-accept-" + port).daemon(false)
                .uncaughtExceptionHandler(LOG_UNCAUGHT).unstarted(loop);
    }

    /** A connection's reader: a virtual thread named after the client. */
    static Thread startReader(Runnable reader, ClientId id) {
        return Thread.ofVirtual().name("aurachat-conn-" + id).uncaughtExceptionHandler(LOG_UNCAUGHT).start(reader);
    }

    /** Drains one connection's outbound queue, then ends. */
    static void startWriter(Runnable drain) {
        WRITERS.newThread(drain).start();
    }

    /** Idle and linger checks: one daemon platform thread per server. */
    static ScheduledExecutorService timer(int port) {
        return Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .name("aurachat-timer-" + port).daemon(true).uncaughtExceptionHandler(LOG_UNCAUGHT).unstarted(r));
    }

    /** A log sink's dispatcher: a daemon platform thread, since sinks may block on files. */
    static Thread logThread(Runnable dispatcher, int index) {
        return Thread.ofPlatform().name("aurachat-log-" + index).daemon(true)
                .uncaughtExceptionHandler(LOG_UNCAUGHT).unstarted(dispatcher);
    }

    /**
     * A discovery responder's receive loop: a platform thread, not a daemon, like the accept thread; the
     * responder ends it on close.
     */
    static Thread discoveryThread(Runnable loop, String name) {
        return Thread.ofPlatform().name(name).daemon(false).uncaughtExceptionHandler(LOG_UNCAUGHT).unstarted(loop);
    }
}
