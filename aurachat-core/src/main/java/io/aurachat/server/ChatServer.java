package io.aurachat.server;

import io.aurachat.internal.ServerCore;
import io.aurachat.protocol.ClientInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An AuraChat server: accepts TCP clients and routes their messages, commands, joins and leaves as
 * described in {@code PROTOCOL.md}.
 *
 * <pre>{@code
 * try (ChatServer server = ChatServer.create(ServerConfig.builder().port(0).build()).start()) {
 *     System.out.println("listening on " + server.port());
 *     ...
 * }
 * }</pre>
 *
 * <p>Threads: one platform thread {@code aurachat-accept-PORT} accepts connections; a few daemon I/O
 * threads {@code aurachat-io-PORT-N} ({@link ServerConfig#ioThreads()}) read every connection, run the
 * built-in commands and write; a command that is not built in runs on a virtual thread
 * {@code aurachat-cmd-cN}; a daemon thread {@code aurachat-timer-PORT} closes idle clients. The accept thread
 * is not a daemon, so a started server keeps the JVM alive until {@link #close()}.
 *
 * <p>All methods are thread-safe. A closed server cannot be started again; create a new one.
 */
public final class ChatServer implements AutoCloseable {

    private enum State { NEW, RUNNING, CLOSED }

    private final ServerConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private State state = State.NEW;
    private ServerCore core;

    private ChatServer(ServerConfig config) {
        this.config = config;
    }

    /** A server with this configuration, not yet listening. */
    public static ChatServer create(ServerConfig config) {
        return new ChatServer(Objects.requireNonNull(config, "config"));
    }

    /**
     * Binds the port and starts accepting; returns once connections are accepted. Emits
     * {@link io.aurachat.log.LogEvent.ServerStarted}.
     *
     * @return this server
     * @throws IOException if the address cannot be bound (in use, not local, no permission)
     * @throws IllegalStateException if the server was already started or closed
     */
    public ChatServer start() throws IOException {
        lock.lock();
        try {
            if (state != State.NEW) {
                throw new IllegalStateException("server already " + (state == State.RUNNING ? "started" : "closed"));
            }
            core = ServerCore.start(config);
            state = State.RUNNING;
            return this;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The bound TCP port, the real one when the configuration asked for port 0.
     *
     * @throws IllegalStateException if the server has not been started
     */
    public int port() {
        return address().getPort();
    }

    /**
     * The bound address and port.
     *
     * @throws IllegalStateException if the server has not been started
     */
    public InetSocketAddress address() {
        return started().address();
    }

    /**
     * The connected clients in connection order (a snapshot).
     *
     * @throws IllegalStateException if the server has not been started
     */
    public List<ClientInfo> clients() {
        return started().clients();
    }

    /** The configuration the server was created with. */
    public ServerConfig config() {
        return config;
    }

    /** Whether the server has been started and not closed. */
    public boolean isRunning() {
        lock.lock();
        try {
            return state == State.RUNNING;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting, sends every client {@code bye} with reason {@code server-shutdown}, waits up to
     * {@link ServerConfig#shutdownTimeout()} for the goodbyes to be written, closes every connection,
     * delivers {@link io.aurachat.log.LogEvent.ServerStopped} and closes the log sinks. Blocks until all
     * of that is done. Idempotent; a server that was never started just becomes closed.
     */
    @Override
    public void close() {
        ServerCore toClose;
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            toClose = core;
        } finally {
            lock.unlock();
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    private ServerCore started() {
        lock.lock();
        try {
            if (core == null) {
                throw new IllegalStateException("server not started");
            }
            return core;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "ChatServer[" + state + (core != null ? " " + core.address() : "") + "]";
        } finally {
            lock.unlock();
        }
    }
}
