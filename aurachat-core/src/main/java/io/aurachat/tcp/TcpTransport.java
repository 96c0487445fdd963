package io.aurachat.tcp;

import io.aurachat.hub.Client;
import io.aurachat.hub.Hub;
import io.aurachat.internal.Threads;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.LeaveReason;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP transport: the plain listening socket and the TLS one (either may be off), an accept thread each, the I/O
 * threads ({@link EventLoop}) and every {@link TcpConnection}. It counts each accepted connection against the
 * per-address limit, then attaches it to the {@link Hub} and begins it (joins it, or greets it with {@code hello} where
 * login is required): a plain connection at once on its accept thread, a TLS one on its loop once the handshake has
 * ended. Attach and begin happen under one lock, so that join order is id order: every client sees the join of every
 * client that connected after it.
 *
 * <p>Threads: {@code aurachat-accept-PORT} and {@code aurachat-accept-tls-PORT} (platform threads, not daemons, so a
 * running server keeps the JVM alive), {@code aurachat-io-PORT-N} (daemons), a virtual thread {@code aurachat-cmd-cN}
 * while a client's command that may block runs, and a virtual thread {@code aurachat-tls-ADDRESS} while a handshake's
 * delegated tasks run.
 */
public final class TcpTransport {
    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);
    /** How long a closing connection may take to flush its goodbye and see the client close. */
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final int BACKLOG = 1024;
    static final int SEND_BUFFER = 64 * 1024;

    /**
     * How the transport is set up.
     *
     * @param bindAddress the address to listen on; {@code null} for every interface (see {@link #bind} for the
     *     socket each gets)
     * @param port the port; 0 for any free one
     * @param ioThreads how many I/O threads
     * @param maxLineLength the longest line accepted, in bytes
     * @param maxOutboundBytes the hard limit: a client whose queued output would exceed it, once what is
     *     queued has been offered to its socket, is cut as a slow consumer
     * @param outboundSoftLimit the watermark: above it, senders to the client pause, and a client that stays
     *     above it for {@code outboundSoftTimeout} is cut as a slow consumer
     * @param outboundSoftTimeout see {@code outboundSoftLimit}
     * @param shutdownTimeout how long a shutdown waits for goodbyes to be written
     * @param plain whether the plain port listens ({@code port})
     * @param tls the TLS port's settings, or {@code null} for none
     * @param maxConnectionsPerAddress the most open connections from one IP address (0: no limit); further ones get
     *     {@code bye too-many-connections} (plain) or are closed (TLS, before the handshake)
     * @param ratePerSecond how many lines a second each connection is read at, sustained; 0 for no rate limit
     * @param rateBurst how many lines a connection may send at once after a quiet spell (the token bucket's size); 0
     *     for no rate limit
     */
    public record Settings(InetAddress bindAddress, int port, int ioThreads, int maxLineLength,
            int maxOutboundBytes, int outboundSoftLimit, Duration outboundSoftTimeout, Duration shutdownTimeout,
            boolean plain, Tls tls, int maxConnectionsPerAddress, double ratePerSecond, int rateBurst) {}

    /**
     * The TLS port.
     *
     * @param context makes each connection's engine (server mode)
     * @param port the port; 0 for any free one
     * @param handshakeTimeout a connection whose handshake has not ended by then is closed
     * @param protocols the protocol versions enabled, e.g. {@code TLSv1.3}, {@code TLSv1.2}
     */
    public record Tls(SSLContext context, int port, Duration handshakeTimeout, List<String> protocols) {}

    private final Hub hub;
    private final Settings settings;
    /** The plain port's listener, or {@code null}. */
    private final ServerSocketChannel acceptor;
    private final InetSocketAddress address;
    /** The TLS port's listener, or {@code null}. */
    private final ServerSocketChannel tlsAcceptor;
    private final InetSocketAddress tlsAddress;
    private final Thread acceptThread;
    private final Thread tlsAcceptThread;
    private final String[] tlsProtocols;
    /** Open connections per IP address; only while a limit is set. */
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    /**
     * Held from a connection's attach to the end of its join, by the accept threads and by loops ending TLS
     * handshakes: join order stays id order, so every client sees the join of every client that came after it.
     */
    private final ReentrantLock joinLock = new ReentrantLock();
    private final EventLoop[] loops;
    private int nextLoop;
    /** Every connection whose socket is still open, joined or not. */
    private final Set<TcpConnection> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private final ReentrantLock closeLock = new ReentrantLock();
    private final Condition allClosed = closeLock.newCondition();

    private TcpTransport(Hub hub, Settings settings, ServerSocketChannel acceptor, ServerSocketChannel tlsAcceptor)
            throws IOException {
        this.hub = hub;
        this.settings = settings;
        this.acceptor = acceptor;
        this.address = acceptor == null ? null : (InetSocketAddress) acceptor.getLocalAddress();
        this.tlsAcceptor = tlsAcceptor;
        this.tlsAddress = tlsAcceptor == null ? null : (InetSocketAddress) tlsAcceptor.getLocalAddress();
        int port = address != null ? address.getPort() : tlsAddress.getPort();
        this.loops = new EventLoop[settings.ioThreads()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new EventLoop(port, i, hub.clock());
        }
        this.acceptThread = acceptor == null ? null
                : Threads.service("aurachat-accept-" + address.getPort(), () -> acceptLoop(acceptor, null));
        this.tlsAcceptThread = tlsAcceptor == null ? null
                : Threads.service("aurachat-accept-tls-" + tlsAddress.getPort(), () -> acceptLoop(tlsAcceptor, settings.tls()));
        this.tlsProtocols = settings.tls() == null ? null : settings.tls().protocols().toArray(String[]::new);
    }

    /**
     * Binds; nothing is accepted until {@link #start()}.
     *
     * <p>The listening socket is of the bind address's own family: an IPv4 address, 0.0.0.0 included, gets
     * an IPv4 socket, which takes IPv4 clients only; an IPv6 address gets an IPv6 socket. Bound to
     * {@code ::}, that one takes IPv4 clients too (as {@code ::ffff:a.b.c.d}, which Java reports as the IPv4
     * address), since the JDK opens its IPv6 sockets with {@code IPV6_V6ONLY} off whatever the system
     * default ({@code net.ipv6.bindv6only} on Linux); bound to any other IPv6 address, it takes only clients
     * that reach that address. {@code null} (every interface) gets the JDK's default socket: dual-stack, as
     * for {@code ::}, where the host has IPv6, else IPv4.
     *
     * @throws IOException if the address cannot be bound, or is IPv6 and this host or JVM has no IPv6
     */
    public static TcpTransport bind(Hub hub, Settings settings) throws IOException {
        ServerSocketChannel acceptor = null;
        ServerSocketChannel tlsAcceptor = null;
        try {
            if (settings.plain()) {
                acceptor = listen(settings.bindAddress(), settings.port());
            }
            if (settings.tls() != null) {
                tlsAcceptor = listen(settings.bindAddress(), settings.tls().port());
            }
            return new TcpTransport(hub, settings, acceptor, tlsAcceptor);
        } catch (IOException | RuntimeException e) {
            if (acceptor != null) {
                acceptor.close();
            }
            if (tlsAcceptor != null) {
                tlsAcceptor.close();
            }
            throw e;
        }
    }

    private static ServerSocketChannel listen(InetAddress bindAddress, int port) throws IOException {
        ServerSocketChannel channel = open(bindAddress);
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(bindAddress, port), BACKLOG);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The listening socket for a bind address, of its family (see {@link #bind}). */
    static ServerSocketChannel open(InetAddress bindAddress) throws IOException {
        if (bindAddress == null) {
            return ServerSocketChannel.open();
        }
        StandardProtocolFamily family =
                bindAddress instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        try {
            return ServerSocketChannel.open(family);
        } catch (UnsupportedOperationException e) {
            throw new SocketException("cannot listen on " + bindAddress.getHostAddress() + ": no IPv6 here ("
                    + e.getMessage() + ")");
        }
    }

    /** Starts the I/O threads and accepting. */
    public void start() {
        for (EventLoop loop : loops) {
            loop.start();
        }
        if (acceptThread != null) {
            acceptThread.start();
        }
        if (tlsAcceptThread != null) {
            tlsAcceptThread.start();
        }
    }

    /** The plain port's bound address, or {@code null} if it is switched off. */
    public InetSocketAddress address() {
        return address;
    }

    /** The TLS port's bound address, or {@code null} if there is none. */
    public InetSocketAddress tlsAddress() {
        return tlsAddress;
    }

    int maxLineLength() {
        return settings.maxLineLength();
    }

    int maxOutboundBytes() {
        return settings.maxOutboundBytes();
    }

    int outboundSoftLimit() {
        return settings.outboundSoftLimit();
    }

    Clock clock() {
        return hub.clock();
    }

    /** Lines per millisecond of the rate limit; 0 without one. */
    double ratePerMilli() {
        return settings.rateBurst() == 0 ? 0 : settings.ratePerSecond() / 1000;
    }

    /** The rate limit's bucket size in lines; 0 without one. */
    int rateBurst() {
        return settings.rateBurst();
    }

    boolean isClosing() {
        return closing;
    }

    long lingerNanos() {
        return closing ? settings.shutdownTimeout().toNanos() : LINGER.toNanos();
    }

    /** Runs a command that may block (one not built in) for one client: a virtual thread. */
    void startCommandRunner(Runnable runner, ClientId id) {
        Threads.virtual("aurachat-cmd-" + id, runner).start();
    }

    // ---------------------------------------------------------------- accepting

    private void acceptLoop(ServerSocketChannel acceptor, Tls tls) {
        long failures = 0;
        long lastWarning = 0;
        while (!closing) {
            SocketChannel channel;
            try {
                channel = acceptor.accept();
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (closing) {
                    break;
                }
                // Typically out of file descriptors: back off instead of spinning on the error, and
                // warn at most every 10 s so that the log does not flood while it lasts.
                failures++;
                long now = System.nanoTime();
                if (lastWarning == 0 || now - lastWarning > TimeUnit.SECONDS.toNanos(10)) {
                    LOG.warn("accept failed on {} ({} times since the last warning): {}", address, failures, e.toString());
                    lastWarning = now;
                    failures = 0;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                continue;
            }
            try {
                accepted(channel, tls);
            } catch (IOException | RuntimeException e) {
                LOG.debug("could not set up a new connection", e);
                closeQuietly(channel);
            } catch (StackOverflowError | OutOfMemoryError e) {
                // Whatever went wrong with this connection, the server must keep accepting the next.
                LOG.error("could not set up a new connection", e);
                closeQuietly(channel);
            }
        }
    }

    private void accepted(SocketChannel channel, Tls tls) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
        InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
        String ip = remote.getAddress().getHostAddress();
        if (!admit(ip)) {
            byte[] bye = hub.refused(ip, LeaveReason.TOO_MANY_CONNECTIONS);
            if (tls == null) {
                channel.write(ByteBuffer.wrap(bye)); // a courtesy: the socket buffer is empty, so it never waits
            }
            closeQuietly(channel);
            return;
        }
        EventLoop loop = loops[nextLoop];
        nextLoop = (nextLoop + 1) % loops.length;
        TlsLayer layer = null;
        if (tls != null) {
            SSLEngine engine = tls.context().createSSLEngine(ip, remote.getPort());
            engine.setUseClientMode(false);
            engine.setEnabledProtocols(tlsProtocols);
            engine.beginHandshake();
            layer = new TlsLayer(engine, System.nanoTime() + tls.handshakeTimeout().toNanos());
        }
        TcpConnection connection = new TcpConnection(this, channel, loop, ip, layer);
        live.add(connection);
        if (closing) {
            connection.closeChannel(); // stopAccepting went through the live connections before this one
            return;
        }
        if (layer != null) {
            connection.startHandshake(); // the hub hears of it once the handshake has ended
            return;
        }
        if (join(connection)) {
            connection.start();
        }
    }

    /**
     * A TLS connection's handshake has ended (on its loop): the hub attaches and joins it.
     *
     * @return whether it joined
     */
    boolean handshaken(TcpConnection connection) {
        return !closing && join(connection);
    }

    /** Attaches a connection to the hub and joins it; {@code false} if refused (it has closed) or it failed. */
    private boolean join(TcpConnection connection) {
        joinLock.lock();
        try {
            Client client = hub.attach(connection);
            if (client == null) {
                return false; // refused (server full): the connection has written its goodbye and closed
            }
            connection.attached(client);
            // Nothing is written until the hub has registered the client for broadcasts: the loop could otherwise
            // write the welcome first, and a client that had read its welcome could miss a SAY sent after it.
            connection.holdOutput();
            try {
                client.begin(); // joins, or greets a connection that must log in first (hello)
                connection.releaseOutput();
                return true;
            } catch (RuntimeException | OutOfMemoryError e) {
                LOG.warn("could not start connection {}", client.id(), e);
                connection.abort(LeaveReason.DISCONNECTED);
                return false;
            }
        } finally {
            joinLock.unlock();
        }
    }

    /** Counts a new connection from {@code ip}; {@code false} (not counted) if that address is at its limit. */
    private boolean admit(String ip) {
        int limit = settings.maxConnectionsPerAddress();
        if (limit <= 0) {
            return true;
        }
        boolean[] admitted = {false};
        perAddress.compute(ip, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= limit) {
                return n;
            }
            admitted[0] = true;
            return now + 1;
        });
        return admitted[0];
    }

    /** Called once per connection when its socket is closed. */
    void closed(TcpConnection connection) {
        if (settings.maxConnectionsPerAddress() > 0) {
            perAddress.computeIfPresent(connection.address(), (k, n) -> n <= 1 ? null : n - 1);
        }
        if (live.remove(connection) && closing && live.isEmpty()) {
            closeLock.lock();
            try {
                allClosed.signalAll();
            } finally {
                closeLock.unlock();
            }
        }
    }

    /**
     * Closes hard every closing connection past its linger deadline, and cuts every open one whose queue has
     * stayed above the soft limit for the soft timeout; called by the server's timer.
     */
    public void checkLinger() {
        long now = System.nanoTime();
        long softNanos = settings.outboundSoftTimeout().toNanos();
        for (TcpConnection c : live) {
            if (!c.isOpen()) {
                c.checkLinger(now);
            } else if (c.isHandshaking()) {
                c.checkHandshake(now);
            } else {
                c.checkSoftLimit(now, softNanos);
            }
        }
    }

    // ---------------------------------------------------------------- shutdown

    /** Stops accepting; connections already attached stay until {@link #close}. */
    public void stopAccepting() {
        closing = true;
        for (ServerSocketChannel a : new ServerSocketChannel[] {acceptor, tlsAcceptor}) {
            if (a != null) {
                closeQuietly(a);
            }
        }
        try {
            for (Thread t : new Thread[] {acceptThread, tlsAcceptThread}) {
                if (t != null && t.isAlive()) {
                    t.join(TimeUnit.SECONDS.toMillis(5));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits up to the shutdown timeout for every connection to flush its goodbye and close (the hub has
     * told them to), closes what is left, and stops the I/O threads.
     */
    public void close() {
        closing = true;
        for (TcpConnection c : live) {
            if (c.isOpen()) {
                // Not attached yet when the hub said goodbye (or still in its TLS handshake): nothing to flush.
                c.abort(LeaveReason.SERVER_SHUTDOWN);
            } else if (c.isOutputDone()) {
                c.closeChannel(); // already said goodbye and lingering: no need to wait for the client
            }
        }
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        closeLock.lock();
        try {
            while (!live.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                allClosed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeLock.unlock();
        }
        for (TcpConnection c : live) {
            c.abort(LeaveReason.SERVER_SHUTDOWN);
        }
        for (EventLoop loop : loops) {
            loop.shutdown(TimeUnit.SECONDS.toMillis(5));
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.debug("close failed", e);
        }
    }

    @Override
    public String toString() {
        return "TcpTransport[" + (address != null ? address : "no plain port") + (tlsAddress != null ? ", TLS "
                + tlsAddress : "") + ", " + live.size() + " connections]";
    }

    /** Each live connection's write and read state, one per line: for diagnostics when a test hangs. */
    public String describeConnections() {
        StringBuilder out = new StringBuilder();
        for (TcpConnection c : live) {
            out.append("\n  ").append(c.describe());
        }
        return out.toString();
    }
}
