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
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP transport: one listening socket, the accept thread, the I/O threads ({@link EventLoop}) and
 * every {@link TcpConnection}. It attaches each accepted connection to the {@link Hub} and joins it at
 * once, on the accept thread, so that join order is id order: every client sees the join of every client
 * that connected after it.
 *
 * <p>Threads: {@code aurachat-accept-PORT} (a platform thread, not a daemon, so a running server keeps
 * the JVM alive), {@code aurachat-io-PORT-N} (daemons), and a virtual thread {@code aurachat-cmd-cN} while
 * a client's command that may block runs.
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
     */
    public record Settings(InetAddress bindAddress, int port, int ioThreads, int maxLineLength,
            int maxOutboundBytes, int outboundSoftLimit, Duration outboundSoftTimeout, Duration shutdownTimeout) {}

    private final Hub hub;
    private final Settings settings;
    private final ServerSocketChannel acceptor;
    private final InetSocketAddress address;
    private final Thread acceptThread;
    private final EventLoop[] loops;
    private int nextLoop;
    /** Every connection whose socket is still open, joined or not. */
    private final Set<TcpConnection> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private final ReentrantLock closeLock = new ReentrantLock();
    private final Condition allClosed = closeLock.newCondition();

    private TcpTransport(Hub hub, Settings settings, ServerSocketChannel acceptor) throws IOException {
        this.hub = hub;
        this.settings = settings;
        this.acceptor = acceptor;
        this.address = (InetSocketAddress) acceptor.getLocalAddress();
        this.loops = new EventLoop[settings.ioThreads()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new EventLoop(address.getPort(), i, hub.clock());
        }
        this.acceptThread = Threads.service("aurachat-accept-" + address.getPort(), this::acceptLoop);
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
        ServerSocketChannel acceptor = open(settings.bindAddress());
        try {
            acceptor.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            acceptor.bind(new InetSocketAddress(settings.bindAddress(), settings.port()), BACKLOG);
            return new TcpTransport(hub, settings, acceptor);
        } catch (IOException | RuntimeException e) {
            acceptor.close();
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
        acceptThread.start();
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return address;
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

    private void acceptLoop() {
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
                accepted(channel);
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

    private void accepted(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
        String ip = ((InetSocketAddress) channel.getRemoteAddress()).getAddress().getHostAddress();
        EventLoop loop = loops[nextLoop];
        TcpConnection connection = new TcpConnection(this, channel, loop, ip);
        live.add(connection);
        Client client = hub.attach(connection);
        if (client == null) {
            return; // refused (server full): the connection has written its goodbye and closed
        }
        connection.attached(client);
        nextLoop = (nextLoop + 1) % loops.length;
        // Nothing is written until the hub has registered the client for broadcasts: the loop could otherwise
        // write the welcome first, and a client that had read its welcome could miss a SAY sent after it.
        connection.holdOutput();
        try {
            client.begin(); // joins, or greets a connection that must log in first
            connection.releaseOutput();
            connection.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.warn("could not start connection {}", client.id(), e);
            connection.abort(LeaveReason.DISCONNECTED);
        }
    }

    /** Called once per connection when its socket is closed. */
    void closed(TcpConnection connection) {
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
            } else {
                c.checkSoftLimit(now, softNanos);
            }
        }
    }

    // ---------------------------------------------------------------- shutdown

    /** Stops accepting; connections already attached stay until {@link #close}. */
    public void stopAccepting() {
        closing = true;
        closeQuietly(acceptor);
        try {
            if (acceptThread.isAlive()) {
                acceptThread.join(TimeUnit.SECONDS.toMillis(5));
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
                // Not attached yet when the hub said goodbye: nothing to flush.
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
        return "TcpTransport[" + address + ", " + live.size() + " connections]";
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
