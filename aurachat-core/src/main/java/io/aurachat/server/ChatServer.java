package io.aurachat.server;

import io.aurachat.accounts.AccountAdmin;
import io.aurachat.accounts.AccountsMode;
import io.aurachat.accounts.MemoryAccountStore;
import io.aurachat.accounts.PasswordHasher;
import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.discovery.DiscoveryResponder;
import io.aurachat.history.HistoryStore;
import io.aurachat.history.MemoryHistoryStore;
import io.aurachat.hub.Hub;
import io.aurachat.internal.Threads;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.tcp.TcpTransport;
import io.aurachat.transport.Connection;
import io.aurachat.transport.Peer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * {@code aurachat-cmd-cN}; a daemon thread {@code aurachat-timer-PORT} closes idle clients; each log sink
 * has a daemon thread {@code aurachat-log-N}. The accept thread is not a daemon, so a started server keeps
 * the JVM alive until {@link #close()}. When discovery is enabled ({@link ServerConfig#discovery()}),
 * platform threads {@code aurachat-discovery-UDPPORT} (and {@code -v6}) answer probes; they end on
 * {@link #close()} too.
 *
 * <p>Other transports: clients need not come over the server's own TCP port. A transport that implements
 * {@link Peer} for each of its clients {@linkplain #attach attaches} them, and they chat with the TCP
 * clients as equals. With {@link ServerConfig.Builder#tcpEnabled tcpEnabled(false)} the server listens on
 * nothing and has only such clients ({@link io.aurachat.testing.ChatHarness} runs one in memory).
 *
 * <p>All methods are thread-safe. A closed server cannot be started again; create a new one.
 */
public final class ChatServer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChatServer.class);

    private enum State { NEW, RUNNING, CLOSED }

    private final ServerConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private State state = State.NEW;
    private Hub hub;
    private TcpTransport tcp;
    private ScheduledExecutorService timer;
    private DiscoveryResponder discovery;
    private HistoryStore history;

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
     * and starts answering probes; if that fails, the TCP side is closed again and this throws. Discovery
     * answers only where the chat port can be reached: a server listening on IPv4 only (0.0.0.0 or an IPv4
     * address) joins no IPv6 group, and one on a specific address answers no probe whose reply would send
     * the client elsewhere: one on 127.0.0.1 answers this machine's probes only (docs/discovery.md).
     *
     * @return this server
     * @throws IOException if the address or the discovery port cannot be bound (in use, not local, no
     *     permission)
     * @throws IllegalStateException if the server was already started or closed
     */
    public ChatServer start() throws IOException {
        Exception discoveryFailure = null;
        lock.lock();
        try {
            if (state != State.NEW) {
                throw new IllegalStateException("server already " + (state == State.RUNNING ? "started" : "closed"));
            }
            HistoryStore store = config.historyStore() != null ? config.historyStore() : MemoryHistoryStore.create();
            Hub started = new Hub(hubSettings(config, store));
            started.maxDetachedPerAddress(config.maxConnectionsPerAddress());
            TcpTransport transport = null;
            if (config.tcpEnabled()) {
                TlsConfig t = config.tls();
                transport = TcpTransport.bind(started, new TcpTransport.Settings(config.bindAddress(), config.port(),
                        config.ioThreads(), config.maxLineLength(), config.maxOutboundBytes(),
                        config.outboundSoftLimit(), config.outboundSoftTimeout(), config.shutdownTimeout(),
                        config.plainPort(), t == null ? null : new TcpTransport.Tls(t.context(), t.port(),
                                t.handshakeTimeout(), t.protocols()), config.maxConnectionsPerAddress(),
                        config.rateLimit().perSecond(), config.rateLimit().burst()));
            }
            try {
                started.start(transport == null ? null : primary(transport));
            } catch (RuntimeException e) {
                // The history store could not be opened: nothing has run yet.
                if (transport != null) {
                    transport.close();
                }
                started.closeLog(config.shutdownTimeout());
                closeQuietly(store);
                state = State.CLOSED;
                throw e;
            }
            history = store;
            hub = started;
            tcp = transport;
            timer = Threads.timer(transport == null ? "aurachat-timer" : "aurachat-timer-" + primary(transport).getPort());
            long period = sweepPeriodMillis(config.idleTimeout());
            if (config.accounts() == AccountsMode.REQUIRED) {
                period = Math.min(period, sweepPeriodMillis(config.preJoinTimeout()));
            }
            timer.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
            if (transport != null) {
                transport.start();
            }
            state = State.RUNNING;
            if (config.discovery().enabled()) {
                try {
                    InetAddress listening = primary(transport).getAddress();
                    discovery = DiscoveryResponder.start(discoveryFor(config.discovery(), listening),
                            announcement(listening), config.clock(), started.events());
                } catch (IOException | RuntimeException e) {
                    discoveryFailure = e;
                }
            }
        } finally {
            lock.unlock();
        }
        if (discoveryFailure != null) {
            close();
            if (discoveryFailure instanceof IOException e) {
                throw e;
            }
            throw (RuntimeException) discoveryFailure;
        }
        return this;
    }

    private static Hub.Settings hubSettings(ServerConfig config, HistoryStore store) {
        return new Hub.Settings(config.serverName(), config.idleTimeout(), config.maxLineLength(),
                config.maxClients(), config.presenceLimit(), config.maxConsecutiveErrors(), config.commands(),
                config.logSinks(), config.logQueueCapacity(), config.clock(), config.nameRule(), store,
                config.resumeWindow(), config.maxResumeMessages(), accountSettings(config));
    }

    private static Hub.AccountSettings accountSettings(ServerConfig config) {
        if (config.accounts() == AccountsMode.OFF) {
            return Hub.AccountSettings.off();
        }
        return new Hub.AccountSettings(config.accounts(),
                config.accountStore() != null ? config.accountStore() : new MemoryAccountStore(),
                config.passwordHasher() != null ? config.passwordHasher() : PasswordHasher.pbkdf2(),
                config.allowPlainLogin(), config.preJoinTimeout(), config.maxLoginAttemptsPerAddress(),
                config.maxLoginAttemptsPerAccount(), config.maxConcurrentHashes(), config.maxQueuedHashes());
    }

    private static void closeQuietly(HistoryStore store) {
        try {
            store.close();
        } catch (RuntimeException e) {
            LOG.warn("the history store {} failed to close", store, e);
        }
    }

    /**
     * The responder's configuration for a server listening on {@code listening}: one on an IPv4 socket
     * (0.0.0.0 or an IPv4 address) joins no IPv6 group, since IPv6 clients could not connect to it.
     */
    static DiscoveryConfig discoveryFor(DiscoveryConfig configured, InetAddress listening) {
        return listening instanceof Inet4Address ? configured.toBuilder().ipv6Group(null).build() : configured;
    }

    /**
     * Whether a client that probed from {@code source} can connect to a server listening on {@code listening}
     * at the address the reply comes from. The reply leaves from an address of the probe's family, a
     * loopback one for a probe from this machine's loopback: a wildcard listener takes its family
     * ({@code ::} both), a specific address only probes of its family and of its kind (loopback or not).
     * So a server on 127.0.0.1 answers this machine's probes only, and a server on 192.168.1.20 does not
     * answer this machine's probes to 127.0.0.1, which would send the client to 127.0.0.1, where it does not
     * listen (the client finds it by broadcast instead).
     */
    static boolean reachable(InetAddress listening, InetAddress source) {
        if (listening.isAnyLocalAddress()) {
            return listening instanceof Inet6Address || source instanceof Inet4Address;
        }
        return (listening instanceof Inet4Address) == (source instanceof Inet4Address)
                && listening.isLoopbackAddress() == source.isLoopbackAddress();
    }

    /** What discovery replies say: asked for every reply, so the client count is current. */
    private DiscoveryResponder.Announcement announcement(InetAddress listening) {
        Hub h = hub;
        int tcpPort = tcp.address() == null ? 0 : tcp.address().getPort();
        int tlsPort = tcp.tlsAddress() == null ? 0 : tcp.tlsAddress().getPort();
        String fingerprint = config.tls() == null ? null : config.tls().fingerprint().hex();
        return new DiscoveryResponder.Announcement() {
            @Override
            public boolean reachableFrom(InetAddress source) {
                return reachable(listening, source);
            }

            @Override
            public String serverName() {
                return config.serverName();
            }

            @Override
            public int tcpPort() {
                return tcpPort;
            }

            @Override
            public int tlsPort() {
                return tlsPort;
            }

            @Override
            public String fingerprint() {
                return fingerprint;
            }

            @Override
            public int clients() {
                return h.clientCount();
            }
        };
    }

    private static long sweepPeriodMillis(Duration idleTimeout) {
        if (idleTimeout.isZero()) {
            return 250;
        }
        return Math.max(5, Math.min(250, idleTimeout.toMillis() / 10));
    }

    private void sweep() {
        hub.closeIdle();
        hub.checkLog();
        if (tcp != null) {
            tcp.checkLinger();
        }
    }

    /** The plain port's address where there is one, else the TLS port's. */
    private static InetSocketAddress primary(TcpTransport transport) {
        return transport.address() != null ? transport.address() : transport.tlsAddress();
    }

    /**
     * The bound plain TCP port, the real one when the configuration asked for port 0.
     *
     * @throws IllegalStateException if the server has not been started, or has no plain TCP listener
     */
    public int port() {
        return address().getPort();
    }

    /**
     * The bound address and port of the plain TCP listener.
     *
     * @throws IllegalStateException if the server has not been started, or has no plain TCP listener
     */
    public InetSocketAddress address() {
        lock.lock();
        try {
            started();
            if (tcp == null || tcp.address() == null) {
                throw new IllegalStateException(tcp == null ? "the server has no TCP listener (tcpEnabled is false)"
                        : "the plain port is switched off (plainPort is false)");
            }
            return tcp.address();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The bound address and port of the TLS listener.
     *
     * @return the address, or empty if the server has no TLS port
     * @throws IllegalStateException if the server has not been started
     */
    public Optional<InetSocketAddress> tlsAddress() {
        lock.lock();
        try {
            started();
            return Optional.ofNullable(tcp).map(TcpTransport::tlsAddress);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The bound TLS port.
     *
     * @throws IllegalStateException if the server has not been started or has no TLS port
     */
    public int tlsPort() {
        return tlsAddress().orElseThrow(() -> new IllegalStateException("the server has no TLS port")).getPort();
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
            started();
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
     * The connected clients in connection order (a snapshot): those that have joined, whatever their
     * transport.
     *
     * @throws IllegalStateException if the server has not been started
     */
    public List<ClientInfo> clients() {
        return startedHub().clients();
    }

    /**
     * How many sessions wait for a {@code RESUME} now: resumable clients whose connection broke less than the resume
     * window ago. They are still among {@link #clients()}.
     */
    public int detachedSessions() {
        return startedHub().detachedCount();
    }

    /**
     * The owner's operations on the server's accounts: list, find, remove (which disconnects the account's devices) and
     * set a password. Its methods block on the account store and the hasher; call them from a thread of your own.
     *
     * @throws IllegalStateException if the server has not been started, or has no accounts ({@link
     *     ServerConfig#accounts()} is {@code OFF})
     */
    public AccountAdmin accounts() {
        if (config.accounts() == AccountsMode.OFF) {
            throw new IllegalStateException("this server has no accounts (ServerConfig.accounts is OFF)");
        }
        return startedHub().accountAdmin();
    }

    /**
     * Attaches a client of another transport: the server gives it an id and returns the connection the
     * transport feeds its lines to. The client is in the pre-join state ({@link Connection}): call
     * {@link Connection#join()} to make it visible, as the TCP transport does at once. If the server is
     * full, it tells the peer {@code bye server-full} through {@link Peer#close} and returns empty; while
     * it shuts down, {@code bye server-shutdown}.
     *
     * @param peer the transport's side of the client
     * @return the connection, or empty if the client was refused
     * @throws IllegalStateException if the server is not running
     */
    public Optional<Connection> attach(Peer peer) {
        Objects.requireNonNull(peer, "peer");
        Hub h;
        lock.lock();
        try {
            if (state != State.RUNNING) {
                throw new IllegalStateException("server not running");
            }
            h = hub;
        } finally {
            lock.unlock();
        }
        return Optional.ofNullable(h.attach(peer));
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
     * delivers {@link io.aurachat.log.LogEvent.ServerStopped}, closes the log sinks and then the history store. Blocks until all
     * of that is done. Idempotent; a server that was never started just becomes closed.
     */
    @Override
    public void close() {
        Hub h;
        TcpTransport transport;
        DiscoveryResponder responder;
        ScheduledExecutorService t;
        HistoryStore store;
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            h = hub;
            transport = tcp;
            responder = discovery;
            t = timer;
            store = history;
        } finally {
            lock.unlock();
        }
        if (responder != null) {
            responder.close(); // first, so that no probe is answered for a server that is going away
        }
        if (h == null) {
            return;
        }
        if (transport != null) {
            transport.stopAccepting();
        }
        h.shutdown();
        if (transport != null) {
            transport.close();
        }
        t.shutdownNow();
        h.closeLog(config.shutdownTimeout());
        if (store != null) {
            closeQuietly(store); // after the transports: no message is routed any more, and a clean stop loses none
        }
    }

    /** Must hold the lock. */
    private void started() {
        if (hub == null) {
            throw new IllegalStateException("server not started");
        }
    }

    private Hub startedHub() {
        lock.lock();
        try {
            started();
            return hub;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "ChatServer[" + state + (tcp != null ? " " + tcp : "") + "]";
        } finally {
            lock.unlock();
        }
    }
}
