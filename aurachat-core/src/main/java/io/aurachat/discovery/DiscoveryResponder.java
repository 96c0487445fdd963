package io.aurachat.discovery;

import io.aurachat.internal.Threads;
import io.aurachat.log.LogEvent;
import io.aurachat.log.LogSink;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discovery responder of one server: answers AuraChat probes on a UDP port with the server's name,
 * TCP port, instance id and client count (PROTOCOL.md, "Discovery (UDP)").
 *
 * <p>Sockets: one IPv4 socket bound to the configured address (every interface by default), which hears
 * unicast, broadcast and the IPv4 group; and, when an IPv6 group is configured and a chosen interface
 * has IPv6, one IPv6 socket on the same port for the IPv6 group. Both set {@code SO_REUSEADDR}, so
 * several servers on one host share the port and each hears every broadcast. Each socket has its own
 * platform thread, {@code aurachat-discovery-PORT} (and {@code -v6}), which ends on {@link #close()}.
 *
 * <p>Safety rules, all in {@link ProbePolicy}: a datagram is answered only if it is a well-formed probe
 * from an unprivileged port, the reply is no larger than the probe (so the responder never amplifies
 * traffic), and the source is within its rate limit; and, beyond the policy, only if the
 * {@link Announcement#reachableFrom announcement} says the client could connect from there. Every other
 * datagram is dropped. Each answer and
 * each drop is a log event, within the event budget ({@link DiscoveryConfig#maxLogEventsPerSecond()});
 * of a run of rate-limited probes from one source only the first is an event.
 */
public final class DiscoveryResponder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryResponder.class);
    /** Sources whose rate-limit state is kept; the least recently seen is forgotten beyond this. */
    static final int MAX_TRACKED_SOURCES = 4096;
    private static final int MAX_UDP_PAYLOAD = 65_536;
    private static final long SUPPRESSED_REPORT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final DiscoveryConfig config;
    private final Announcement announcement;
    private final Clock clock;
    private final LogSink events;
    private final String instanceId = UUID.randomUUID().toString();
    private final DatagramChannel v4;
    private final DatagramChannel v6;
    private final InetSocketAddress address;
    private final List<Thread> threads = new ArrayList<>();
    private final ProbePolicy policy;
    private final EventBudget budget;
    private final LongSupplier nanoTime = System::nanoTime;
    private final AtomicLong lastSuppressedReport;
    private volatile boolean closed;

    /**
     * What a responder says about its server, asked again for every reply (the client count changes).
     * Called on the responder's threads; must be cheap and must not block.
     */
    public interface Announcement {
        /** The server name, as in {@code welcome}. */
        String serverName();

        /** The plain TCP port chat clients connect to; 0 if the server has none (TLS only). */
        int tcpPort();

        /** The TLS port, or 0 (the default) if the server has none. */
        default int tlsPort() {
            return 0;
        }

        /**
         * The SHA-256 fingerprint of the TLS certificate, 64 lower-case hex digits, or {@code null} (the default) if
         * the server has no TLS port.
         */
        default String fingerprint() {
            return null;
        }

        /** How many clients are connected now. */
        int clients();

        /**
         * Whether a client that probed from {@code source} could connect to the server at the address the
         * reply comes from; a probe for which it is not is dropped (reason {@code unreachable}). The
         * default answers every probe. A {@link io.aurachat.server.ChatServer} says no where its TCP
         * listener does not take connections: to a server on 192.168.1.20, a probe from this machine's
         * loopback is unreachable, since the reply would come from 127.0.0.1.
         *
         * @param source the probe's source address
         * @return {@code true} to answer
         */
        default boolean reachableFrom(InetAddress source) {
            return true;
        }
    }

    private DiscoveryResponder(DiscoveryConfig config, Announcement announcement, Clock clock,
            LogSink events, DatagramChannel v4, DatagramChannel v6) throws IOException {
        this.config = config;
        this.announcement = announcement;
        this.clock = clock;
        this.events = events;
        this.v4 = v4;
        this.v6 = v6;
        this.address = (InetSocketAddress) v4.getLocalAddress();
        SourceRateLimiter limiter =
                new SourceRateLimiter(config.ratePerSecond(), config.rateBurst(), MAX_TRACKED_SOURCES, nanoTime);
        this.policy = new ProbePolicy(limiter, () -> DiscoveryWire.reply(instanceId, announcement.serverName(),
                announcement.tcpPort(), announcement.clients(), announcement.tlsPort(), announcement.fingerprint()));
        this.budget = new EventBudget(config.maxLogEventsPerSecond(), nanoTime);
        this.lastSuppressedReport = new AtomicLong(nanoTime.getAsLong());
    }

    /**
     * Opens the sockets, joins the groups and starts answering.
     *
     * @param config an enabled discovery configuration
     * @param announcement what the replies say about the server
     * @param clock the time of the log events
     * @param events where the responder's {@link LogEvent.DiscoveryAnswered} and {@link
     *     LogEvent.DiscoveryIgnored} events go, if it {@linkplain LogSink#accepts accepts} them (at most {@link
     *     DiscoveryConfig#maxLogEventsPerSecond()}); called on the responder's threads, so it must not block
     * @return the running responder
     * @throws IOException if the IPv4 socket cannot be bound; IPv6 and multicast problems are only logged
     */
    public static DiscoveryResponder start(DiscoveryConfig config, Announcement announcement, Clock clock,
            LogSink events) throws IOException {
        List<NetworkInterface> interfaces = multicastInterfaces(config.multicast());
        DatagramChannel v4 = DatagramChannel.open(StandardProtocolFamily.INET);
        DatagramChannel v6 = null;
        try {
            v4.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            v4.bind(new InetSocketAddress(config.bindAddress(), config.port()));
            int port = ((InetSocketAddress) v4.getLocalAddress()).getPort();
            if (config.ipv4Group() != null) {
                join(v4, config.ipv4Group(), interfaces, Inet4Address.class);
            }
            if (config.ipv6Group() != null && config.bindAddress() == null && hasAddress(interfaces, Inet6Address.class)) {
                v6 = openV6(port);
                if (v6 != null) {
                    join(v6, config.ipv6Group(), interfaces, Inet6Address.class);
                }
            }
            DiscoveryResponder responder = new DiscoveryResponder(config, announcement, clock, events, v4, v6);
            responder.startThreads();
            LOG.debug("discovery: answering probes on UDP port {} ({})", port, config);
            return responder;
        } catch (IOException | RuntimeException e) {
            closeQuietly(v4);
            if (v6 != null) {
                closeQuietly(v6);
            }
            throw e;
        }
    }

    private static DatagramChannel openV6(int port) {
        DatagramChannel v6 = null;
        try {
            v6 = DatagramChannel.open(StandardProtocolFamily.INET6);
            v6.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            v6.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[16]), port));
            return v6;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("discovery: no IPv6 socket on UDP port {}, answering over IPv4 only: {}", port, e.toString());
            if (v6 != null) {
                closeQuietly(v6);
            }
            return null;
        }
    }

    /** The interfaces to join the groups on; an interface that cannot be inspected is skipped. */
    private static List<NetworkInterface> multicastInterfaces(DiscoveryConfig.Multicast choice) throws SocketException {
        if (choice == DiscoveryConfig.Multicast.NONE) {
            return List.of();
        }
        List<NetworkInterface> chosen = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            try {
                if (!ni.isUp()) {
                    continue;
                }
                // Linux joins groups on lo even without its MULTICAST flag, and delivers looped-back
                // datagrams to the members, so "loopback only" does not ask for the flag.
                boolean wanted = choice == DiscoveryConfig.Multicast.LOOPBACK_ONLY
                        ? ni.isLoopback() : ni.supportsMulticast();
                if (wanted) {
                    chosen.add(ni);
                }
            } catch (SocketException e) {
                LOG.info("discovery: skipping interface {}: {}", ni.getName(), e.toString());
            }
        }
        return chosen;
    }

    private static boolean hasAddress(List<NetworkInterface> interfaces, Class<? extends InetAddress> family) {
        return interfaces.stream().anyMatch(ni -> ni.inetAddresses().anyMatch(family::isInstance));
    }

    private static void join(DatagramChannel channel, InetAddress group, List<NetworkInterface> interfaces,
            Class<? extends InetAddress> family) {
        for (NetworkInterface ni : interfaces) {
            if (ni.inetAddresses().noneMatch(family::isInstance)) {
                LOG.debug("discovery: {} has no {} address; not joining {} there", ni.getName(),
                        family.getSimpleName(), group.getHostAddress());
                continue;
            }
            try {
                channel.join(group, ni);
                LOG.debug("discovery: joined {} on {}", group.getHostAddress(), ni.getName());
            } catch (IOException | RuntimeException e) {
                LOG.info("discovery: cannot join {} on {}: {}", group.getHostAddress(), ni.getName(), e.toString());
            }
        }
    }

    private void startThreads() {
        int port = address.getPort();
        threads.add(Threads.service("aurachat-discovery-" + port, () -> receiveLoop(v4)));
        if (v6 != null) {
            threads.add(Threads.service("aurachat-discovery-" + port + "-v6", () -> receiveLoop(v6)));
        }
        threads.forEach(Thread::start);
    }

    /** The bound IPv4 address and port. */
    public InetSocketAddress address() {
        return address;
    }

    /** The id this server announces, the same in every reply while it runs. */
    public String instanceId() {
        return instanceId;
    }

    // ---------------------------------------------------------------- answering

    private void receiveLoop(DatagramChannel channel) {
        // Room for the largest UDP datagram, so that a too-large one is logged with its real size; only
        // datagrams up to DiscoveryWire.MAX_DATAGRAM are ever parsed.
        ByteBuffer buffer = ByteBuffer.allocate(MAX_UDP_PAYLOAD);
        while (!closed) {
            InetSocketAddress source;
            buffer.clear();
            try {
                source = (InetSocketAddress) channel.receive(buffer);
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (closed) {
                    break;
                }
                LOG.debug("discovery: receive failed", e);
                continue;
            }
            try {
                if (channel == v6 && source.getAddress() instanceof Inet4Address) {
                    continue; // the IPv4 socket got the same broadcast and answers it
                }
                handle(channel, buffer.array(), buffer.position(), source);
            } catch (RuntimeException e) {
                LOG.warn("discovery: failed to handle a datagram from {}", source, e);
            }
        }
    }

    /** Decides about one datagram and acts on it: the only place where replies are sent. */
    private void handle(DatagramChannel channel, byte[] data, int length, InetSocketAddress source) {
        ProbePolicy.Verdict verdict = policy.decide(data, length, source);
        if (verdict.reply() == null) {
            if (verdict.report()) {
                ignored(source, length, verdict.reason());
            }
            return;
        }
        if (!announcement.reachableFrom(source.getAddress())) {
            ignored(source, length, "unreachable");
            return;
        }
        try {
            channel.send(ByteBuffer.wrap(verdict.reply()), source);
        } catch (IOException e) {
            LOG.debug("discovery: cannot answer {}: {}", source, e.toString());
            ignored(source, length, "send-failed");
            return;
        }
        if (events.accepts(LogEvent.DiscoveryAnswered.class) && budgeted()) {
            events.log(new LogEvent.DiscoveryAnswered(clock.instant(), source, length, verdict.reply().length));
        }
    }

    private void ignored(InetSocketAddress source, int length, String reason) {
        LOG.trace("discovery: ignored {} bytes from {}: {}", length, source, reason);
        if (events.accepts(LogEvent.DiscoveryIgnored.class) && budgeted()) {
            events.log(new LogEvent.DiscoveryIgnored(clock.instant(), source, length, reason));
        }
    }

    private boolean budgeted() {
        boolean ok = budget.tryAcquire();
        long now = nanoTime.getAsLong();
        long last = lastSuppressedReport.get();
        if (now - last >= SUPPRESSED_REPORT_NANOS && lastSuppressedReport.compareAndSet(last, now)) {
            reportSuppressed();
        }
        return ok;
    }

    private void reportSuppressed() {
        long suppressed = budget.takeRefused();
        if (suppressed > 0) {
            LOG.warn("discovery: {} log events suppressed: more than {} datagrams per second on UDP port {}",
                    suppressed, config.maxLogEventsPerSecond(), address.getPort());
        }
    }

    // ---------------------------------------------------------------- closing

    /** Closes the sockets (which leaves the groups) and waits for the receive threads to end. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(v4);
        if (v6 != null) {
            closeQuietly(v6);
        }
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        reportSuppressed();
    }

    private static void closeQuietly(DatagramChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("discovery: close failed", e);
        }
    }

    @Override
    public String toString() {
        return "DiscoveryResponder[" + address + (v6 != null ? " +v6" : "") + ", " + instanceId + "]";
    }
}
