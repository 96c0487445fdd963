package io.aurachat.internal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every thread AuraChat starts is made here, so names, daemon status and failure logging agree: a thread
 * that dies of an exception says so in the log, whichever package started it.
 */
public final class Threads {
    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);
    private static final Thread.UncaughtExceptionHandler LOG_UNCAUGHT =
            (thread, e) -> LOG.error("uncaught exception in {}", thread.getName(), e);

    private Threads() {}

    /**
     * A platform thread that is not a daemon, so a running server keeps the JVM alive: the accept loop and
     * the discovery responder's receive loops. Not started.
     */
    public static Thread service(String name, Runnable body) {
        return Thread.ofPlatform().name(name).daemon(false).uncaughtExceptionHandler(LOG_UNCAUGHT).unstarted(body);
    }

    /**
     * A daemon platform thread, for work that may block on files or must never wait for a virtual-thread
     * carrier: a log sink's dispatcher, the XML log's disk forcer. Not started.
     */
    public static Thread daemon(String name, Runnable body) {
        return Thread.ofPlatform().name(name).daemon(true).uncaughtExceptionHandler(LOG_UNCAUGHT).unstarted(body);
    }

    /**
     * A daemon platform thread of a subclass the caller made (an I/O thread that knows its event loop);
     * named and logged like the others. Not started.
     */
    public static <T extends Thread> T daemon(T thread, String name) {
        thread.setName(name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(LOG_UNCAUGHT);
        return thread;
    }

    /** A virtual thread: a command that may block, a client's reader, listener or reconnecter. Not started. */
    public static Thread virtual(String name, Runnable body) {
        return Thread.ofVirtual().name(name).uncaughtExceptionHandler(LOG_UNCAUGHT).unstarted(body);
    }

    /** A scheduler on one daemon platform thread: a server's idle and linger checks. */
    public static ScheduledExecutorService timer(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> daemon(name, r));
    }
}
