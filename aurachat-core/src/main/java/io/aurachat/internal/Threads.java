package io.aurachat.internal;

import io.aurachat.protocol.ClientId;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every thread AuraChat starts is made here, so names, daemon status and failure logging agree. */
final class Threads {
    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);
    private static final Thread.UncaughtExceptionHandler LOG_UNCAUGHT =
            (thread, e) -> LOG.error("uncaught exception in {}", thread.getName(), e);

    private Threads() {}

    /** The accept loop: a platform thread, not a daemon, so a running server keeps the JVM alive. */
    static Thread acceptThread(Runnable loop, int port) {
        return Thread.ofPlatform().name("aurachat-accept-" + port).daemon(false)
                .uncaughtExceptionHandler(LOG_UNCAUGHT).unstarted(loop);
    }

    /** An I/O thread: a daemon platform thread that runs one {@link EventLoop}. */
    static Thread ioThread(EventLoop loop, int port, int index) {
        Thread thread = new IoThread(loop, "aurachat-io-" + port + "-" + index);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(LOG_UNCAUGHT);
        return thread;
    }

    /** The loop of the calling thread, or {@code null} if it is not an I/O thread. */
    static EventLoop currentLoop() {
        return Thread.currentThread() instanceof IoThread io ? io.loop : null;
    }

    /** Runs a command that may block (one not built in) for one client: a virtual thread. */
    static void startCommandRunner(Runnable runner, ClientId id) {
        Thread.ofVirtual().name("aurachat-cmd-" + id).uncaughtExceptionHandler(LOG_UNCAUGHT).start(runner);
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

    private static final class IoThread extends Thread {
        final EventLoop loop;

        IoThread(EventLoop loop, String name) {
            super(loop, name);
            this.loop = loop;
        }
    }
}
