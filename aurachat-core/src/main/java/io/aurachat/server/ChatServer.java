package io.aurachat.server;

import io.aurachat.internal.DiscoveryResponder;
import io.aurachat.internal.ServerCore;
import io.aurachat.protocol.ClientInfo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * When discovery is enabled ({@link ServerConfig#discovery()}), platform threads
 * {@code aurachat-discovery-UDPPORT} (and {@code -v6}) answer probes; they end on {@link #close()} too.
 *
 * <p>All methods are thread-safe. A closed server cannot be started again; create a new one.
 */
public final class ChatServer implements AutoCloseable {

    private enum State { NEW, RUNNING, CLOSED }

    private final ServerConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private State state = State.NEW;
    private ServerCore core;
    private DiscoveryResponder discovery;

    private ChatServer(ServerConfig config) {
        this.config = config;
    }

    /** A server with this configuration, not yet listening. */
    public static ChatServer create(ServerConfig config) {
        return new ChatServer(Objects.requireNonNull(config, "config"));
    }

    /**
     * Binds the port and starts accepting; returns once connections are accepted. Emits
     * {@link io.aurachat.log.LogEvent.ServerStarted}. Then, if discovery is enabled, binds its UDP port
     * and starts answering probes; if that fails, the TCP side is closed again and this throws.
     *
     * @return this server
     * @throws IOException if the address or the discovery port cannot be bound (in use, not local, no
     *     permission)
     * @throws IllegalStateException if the server was already started or closed
     */
    public ChatServer start() throws IOException {
        lock.lock();
        try {
            if (state != State.NEW) {
                throw new IllegalStateException("server already " + (state == State.RUNNING ? "started" : "closed"));
            }
            ServerCore started = ServerCore.start(config);
            if (config.discovery().enabled()) {
                try {
                    discovery = DiscoveryResponder.start(config.discovery(), started);
                } catch (IOException | RuntimeException e) {
                    started.close();
                    throw e;
                }
            }
            core = started;
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
     * The discovery responder's bound IPv4 address and UDP port, the real port when the configuration
     * asked for port 0.
     *
     * @return the address, or empty if discovery is disabled
     * @throws IllegalStateException if the server has not been started
     */
    public Optional<InetSocketAddress> discoveryAddress() {
        lock.lock();
        try {
            if (core == null) {
                throw new IllegalStateException("server not started");
            }
            return Optional.ofNullable(discovery).map(DiscoveryResponder::address);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The discovery responder's UDP port.
     *
     * @return the bound port
     * @throws IllegalStateException if the server has not been started or discovery is disabled
     */
    public int discoveryPort() {
        return discoveryAddress().orElseThrow(() -> new IllegalStateException("discovery is disabled")).getPort();
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
     * Stops answering discovery probes, stops accepting, sends every client {@code bye} with reason {@code server-shutdown}, waits up to
     * {@link ServerConfig#shutdownTimeout()} for the goodbyes to be written, closes every connection,
     * delivers {@link io.aurachat.log.LogEvent.ServerStopped} and closes the log sinks. Blocks until all
     * of that is done. Idempotent; a server that was never started just becomes closed.
     */
    @Override
    public void close() {
        ServerCore toClose;
        DiscoveryResponder responder;
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            toClose = core;
            responder = discovery;
        } finally {
            lock.unlock();
        }
        if (responder != null) {
            responder.close(); // first, so that no probe is answered for a server that is going away
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
