package io.aurachat.discovery;

import static io.aurachat.internal.Checks.check;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds AuraChat servers on the local network: sends UDP probes and collects the replies of every
 * server that hears one (PROTOCOL.md, "Discovery (UDP)").
 *
 * <pre>{@code
 * try (DiscoveryClient discovery = DiscoveryClient.create()) {
 *     Optional<ServerInfo> server = discovery.discoverFirst(Duration.ofSeconds(2));
 *     server.ifPresent(s -> connectTo(s.socketAddress()));
 * }
 * }</pre>
 *
 * <p>By default a probe goes, every {@link Builder#probeInterval probe interval} up to
 * {@link Builder#probeRepeats probe repeats} times within the timeout (UDP may lose any one of them),
 * to this machine (127.0.0.1, and the loopback broadcast address 127.255.255.255, which Linux delivers to
 * every server on this machine that shares the port), to the broadcast address of every up, non-loopback
 * IPv4 interface, to the limited broadcast address 255.255.255.255, and to the multicast groups
 * 239.255.77.77 and ff02::77:77 through every up, non-loopback, multicast-capable interface with an
 * address of the group's family. So a client finds a server on its own machine even with no network but
 * loopback. All of that is configurable. A target or interface that fails to send (no route, no IPv6, a
 * VPN without broadcast) is skipped for the rest of that call and logged through SLF4J at INFO (at DEBUG
 * for the loopback targets); it is not an error. When no probe could be sent beyond this machine, that
 * is logged once per call at INFO. When no probe could be sent at all, the call throws
 * {@link DiscoveryUnavailableException}.
 *
 * <p>A server reached by several targets (loopback and a broadcast, IPv4 and IPv6) answers each probe
 * that reaches it; a call reports it once, by its {@linkplain ServerInfo#instanceId() instance id}, with
 * the address of the first answer.
 *
 * <p>Each call opens its own sockets on ephemeral ports and closes them before it returns, so calls
 * may run concurrently from several threads. The calls block the calling thread until the timeout
 * (or, for {@link #discoverFirst}, the first answer), and respond to interruption by throwing
 * {@link InterruptedException}. {@link #close()} makes running calls return what they found so far and
 * later calls throw {@link IllegalStateException}.
 */
public final class DiscoveryClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryClient.class);

    /** The default timeout of {@link #discover()}: 2 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** The default number of probe rounds per call, {@value}. */
    public static final int DEFAULT_PROBE_REPEATS = 3;
    /** The default time between probe rounds: 250 ms. */
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(250);
    /** The limited broadcast address, 255.255.255.255. */
    private static final InetAddress LIMITED_BROADCAST = literal("255.255.255.255");
    /**
     * This machine: 127.0.0.1, which every responder bound to the wildcard (or to 127.0.0.1) hears, and
     * 127.255.255.255, the loopback broadcast address, which Linux delivers to every one of them (a unicast
     * probe reaches only one of several servers that share the port). IPv6's ::1 is not probed: a
     * responder hears unicast probes on its IPv4 socket only.
     */
    private static final List<InetAddress> LOOPBACK_TARGETS =
            List.of(literal("127.0.0.1"), literal("127.255.255.255"));

    /**
     * Receives servers as they answer. Called on the thread that called
     * {@link DiscoveryClient#discover(Duration, Listener)}, once per server (per instance id), in order of
     * answer; it should return quickly, since replies wait meanwhile. An exception it throws ends the call
     * and propagates to the caller.
     */
    @FunctionalInterface
    public interface Listener {
        /**
         * A server answered for the first time in this call.
         *
         * @param server the server
         */
        void serverFound(ServerInfo server);
    }

    private final int port;
    private final List<InetAddress> targets;
    private final List<InetAddress> multicastGroups;
    private final List<NetworkInterface> multicastInterfaces;
    private final Duration timeout;
    private final int probeRepeats;
    private final Duration probeInterval;
    private final Set<Selector> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private DiscoveryClient(Builder b) {
        this.port = b.port;
        this.targets = b.targets == null ? null : List.copyOf(b.targets);
        this.multicastGroups = List.copyOf(b.multicastGroups);
        this.multicastInterfaces = b.multicastInterfaces == null ? null : List.copyOf(b.multicastInterfaces);
        this.timeout = b.timeout;
        this.probeRepeats = b.probeRepeats;
        this.probeInterval = b.probeInterval;
    }

    /**
     * A client with every default: port 5001, the computed targets, both default groups, a 2 s timeout.
     *
     * @return the client
     */
    public static DiscoveryClient create() {
        return builder().build();
    }

    /**
     * A builder with every default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Probes for the configured timeout and returns every server that answered.
     *
     * @return the servers, deduplicated by instance id, in order of first answer; empty if none answered
     * @throws DiscoveryUnavailableException if no probe at all could be sent (no usable socket, target or
     *     interface: no network, not even loopback)
     * @throws IOException if the sockets of the call cannot be opened
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws IllegalStateException if this client is closed
     */
    public List<ServerInfo> discover() throws IOException, InterruptedException {
        return discover(timeout);
    }

    /**
     * Probes for {@code timeout} and returns every server that answered.
     *
     * @param timeout how long to listen for answers, more than zero
     * @return the servers, deduplicated by instance id, in order of first answer; empty if none answered
     * @throws DiscoveryUnavailableException if no probe at all could be sent (no usable socket, target or
     *     interface: no network, not even loopback)
     * @throws IOException if the sockets of the call cannot be opened
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws IllegalStateException if this client is closed
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public List<ServerInfo> discover(Duration timeout) throws IOException, InterruptedException {
        return run(timeout, server -> { }, false);
    }

    /**
     * Probes for {@code timeout}, telling {@code listener} about each server as it answers.
     *
     * @param timeout how long to listen for answers, more than zero
     * @param listener called on this thread with each new server
     * @return the servers, as {@link #discover(Duration)} returns them
     * @throws DiscoveryUnavailableException if no probe at all could be sent (no usable socket, target or
     *     interface: no network, not even loopback)
     * @throws IOException if the sockets of the call cannot be opened
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws IllegalStateException if this client is closed
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public List<ServerInfo> discover(Duration timeout, Listener listener) throws IOException, InterruptedException {
        return run(timeout, Objects.requireNonNull(listener, "listener"), false);
    }

    /**
     * Probes until the first server answers or {@code timeout} passes.
     *
     * @param timeout the longest wait, more than zero
     * @return the first server that answered, or empty
     * @throws DiscoveryUnavailableException if no probe at all could be sent (no usable socket, target or
     *     interface: no network, not even loopback)
     * @throws IOException if the sockets of the call cannot be opened
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws IllegalStateException if this client is closed
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public Optional<ServerInfo> discoverFirst(Duration timeout) throws IOException, InterruptedException {
        return run(timeout, server -> { }, true).stream().findFirst();
    }

    /**
     * Closes the client: running calls return what they found so far, later ones throw
     * {@link IllegalStateException}. Idempotent, never blocks.
     */
    @Override
    public void close() {
        closed = true;
        running.forEach(Selector::wakeup);
    }

    // ---------------------------------------------------------------- one call

    /** One call's sockets, the sends that failed, and what it found. */
    private final class Call {
        final Selector selector;
        final DatagramChannel v4;
        final DatagramChannel v6;
        /** Each target that failed, and why, in that order; a failed target is not tried again. */
        final LinkedHashMap<String, String> failed = new LinkedHashMap<>();
        final LinkedHashMap<String, ServerInfo> found = new LinkedHashMap<>();
        final ByteBuffer buffer = ByteBuffer.allocate(DiscoveryWire.MAX_DATAGRAM + 1);
        final List<InetAddress> unicast;
        final List<NetworkInterface> interfaces;
        final byte[] probe = DiscoveryWire.probe();
        /** Probes sent to this machine (loopback targets) and beyond it, over the call. */
        int sentLocal;
        int sentNetwork;
        /** Whether any target beyond this machine was tried. */
        boolean triedNetwork;

        Call(Selector selector, DatagramChannel v4, DatagramChannel v6, List<InetAddress> unicast,
                List<NetworkInterface> interfaces) {
            this.selector = selector;
            this.v4 = v4;
            this.v6 = v6;
            this.unicast = unicast;
            this.interfaces = interfaces;
        }

        void sendRound(boolean first) {
            for (InetAddress target : unicast) {
                send(channelFor(target), new InetSocketAddress(target, port), null, target.getHostAddress(), first);
            }
            for (InetAddress group : multicastGroups) {
                DatagramChannel channel = channelFor(group);
                boolean tried = false;
                for (NetworkInterface ni : interfaces) {
                    if (ni.inetAddresses().noneMatch(a -> a.getClass() == group.getClass())) {
                        continue;
                    }
                    InetAddress scoped = group;
                    if (group instanceof Inet6Address) {
                        try {
                            scoped = Inet6Address.getByAddress(null, group.getAddress(), ni);
                        } catch (UnknownHostException e) {
                            continue; // cannot happen: the address is 16 bytes
                        }
                    }
                    tried = true;
                    send(channel, new InetSocketAddress(scoped, port), ni, group.getHostAddress() + "%" + ni.getName(),
                            first);
                }
                if (!tried && first) {
                    String why = "no interface to send it through";
                    failed.put(group.getHostAddress(), why);
                    LOG.debug("discovery: skipping {}: {}: none of the interfaces {} has an {} address",
                            group.getHostAddress(), why, interfaces.stream().map(NetworkInterface::getName).toList(),
                            group instanceof Inet4Address ? "IPv4" : "IPv6");
                }
            }
        }

        private DatagramChannel channelFor(InetAddress address) {
            return address instanceof Inet4Address ? v4 : v6;
        }

        private void send(DatagramChannel channel, InetSocketAddress target, NetworkInterface ni, String label,
                boolean first) {
            if (failed.containsKey(label)) {
                return;
            }
            // A probe to this machine is not a probe to the network: counted apart, and its failures (a
            // machine without loopback is odd, but then the network targets say what matters) only at DEBUG,
            // so that it can neither hide nor drown what happened to the network targets.
            boolean local = target.getAddress().isLoopbackAddress();
            triedNetwork |= !local;
            if (channel == null) {
                fail(label, "no " + (target.getAddress() instanceof Inet4Address ? "IPv4" : "IPv6")
                        + " socket on this host", local);
                return;
            }
            try {
                if (ni != null) {
                    channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, ni);
                }
                if (channel.send(ByteBuffer.wrap(probe), target) > 0) {
                    if (local) {
                        sentLocal++;
                        if (first) {
                            LOG.debug("discovery: probing this machine at {}", label);
                        }
                    } else {
                        sentNetwork++;
                    }
                }
            } catch (IOException | RuntimeException e) {
                fail(label, e.getMessage() != null ? e.getMessage() : e.toString(), local);
            }
        }

        private void fail(String label, String why, boolean local) {
            failed.put(label, why);
            if (local) {
                LOG.debug("discovery: skipping {} (this machine): cannot send a probe there: {}", label, why);
            } else {
                LOG.info("discovery: skipping {}: cannot send a probe there: {}", label, why);
            }
        }

        /** Reads every datagram waiting; true if the caller should stop (first answer wanted and found). */
        boolean receive(Listener listener, boolean stopAtFirst) throws IOException {
            for (SelectionKey key : selector.selectedKeys()) {
                DatagramChannel channel = (DatagramChannel) key.channel();
                while (true) {
                    buffer.clear();
                    InetSocketAddress source = (InetSocketAddress) channel.receive(buffer);
                    if (source == null) {
                        break;
                    }
                    ServerInfo server = DiscoveryWire.parseReply(buffer.array(), buffer.position(), source.getAddress());
                    if (server == null) {
                        LOG.debug("discovery: ignoring a datagram from {} that is not a reply", source);
                        continue;
                    }
                    if (found.putIfAbsent(server.instanceId(), server) == null) {
                        listener.serverFound(server);
                        if (stopAtFirst) {
                            return true;
                        }
                    }
                }
            }
            selector.selectedKeys().clear();
            return false;
        }
    }

    private List<ServerInfo> run(Duration timeout, Listener listener, boolean stopAtFirst)
            throws IOException, InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (closed) {
            throw new IllegalStateException("discovery client closed");
        }
        long start = System.nanoTime();
        long deadline = start + saturatedNanos(timeout);
        List<NetworkInterface> up = targets == null || multicastInterfaces == null ? upInterfaces() : List.of();
        List<InetAddress> unicast = targets != null ? targets : defaultTargets(up);
        List<NetworkInterface> interfaces = multicastInterfaces != null ? multicastInterfaces : defaultInterfaces(up);
        boolean wantV4 = needs(Inet4Address.class, unicast, interfaces);
        boolean wantV6 = needs(Inet6Address.class, unicast, interfaces);

        Selector selector = Selector.open();
        DatagramChannel v4 = null;
        DatagramChannel v6 = null;
        running.add(selector);
        try {
            v4 = wantV4 ? open(StandardProtocolFamily.INET, selector) : null;
            v6 = wantV6 ? open(StandardProtocolFamily.INET6, selector) : null;
            Call call = new Call(selector, v4, v6, unicast, interfaces);
            long intervalNanos = probeInterval.toNanos();
            long nextRound = start;
            int rounds = 0;
            while (!closed) {
                long now = System.nanoTime();
                if (rounds < probeRepeats && now - nextRound >= 0) {
                    call.sendRound(rounds == 0);
                    rounds++;
                    nextRound += intervalNanos;
                    if (rounds == 1) {
                        if (call.sentLocal + call.sentNetwork == 0) {
                            throw new DiscoveryUnavailableException(port, call.failed);
                        }
                        if (call.sentNetwork == 0 && call.triedNetwork) {
                            LOG.info("discovery: no probe could be sent to the network, only to this machine ({})",
                                    call.failed);
                        }
                    }
                }
                long wakeAt = rounds < probeRepeats && nextRound - deadline < 0 ? nextRound : deadline;
                long waitNanos = wakeAt - now;
                if (deadline - now <= 0) {
                    break;
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
                if (Thread.interrupted()) {
                    throw new InterruptedException("discovery interrupted");
                }
                if (call.receive(listener, stopAtFirst)) {
                    break;
                }
            }
            return List.copyOf(call.found.values());
        } finally {
            running.remove(selector);
            closeQuietly(v4);
            closeQuietly(v6);
            selector.close();
        }
    }

    private boolean needs(Class<? extends InetAddress> family, List<InetAddress> unicast,
            List<NetworkInterface> interfaces) {
        return unicast.stream().anyMatch(family::isInstance)
                || multicastGroups.stream().anyMatch(family::isInstance) && !interfaces.isEmpty();
    }

    /** A socket of this family on an ephemeral port, or {@code null} (logged) if the host has none. */
    private static DatagramChannel open(StandardProtocolFamily family, Selector selector) {
        DatagramChannel channel = null;
        try {
            channel = DatagramChannel.open(family);
            if (family == StandardProtocolFamily.INET) {
                channel.setOption(StandardSocketOptions.SO_BROADCAST, true);
            }
            // Probes stay on the local link: routers do not forward them.
            channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            channel.bind(null);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            return channel;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("discovery: no {} socket: {}", family, e.toString());
            closeQuietly(channel);
            return null;
        }
    }

    private static void closeQuietly(DatagramChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("discovery: close failed", e);
            }
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /**
     * The default unicast targets: this machine (127.0.0.1 and 127.255.255.255), the broadcast address of
     * every up, non-loopback IPv4 interface, then 255.255.255.255. Computed at each call, so interfaces
     * that come and go are followed.
     *
     * @param up the interfaces that are up
     */
    static List<InetAddress> defaultTargets(List<NetworkInterface> up) {
        Set<InetAddress> targets = new LinkedHashSet<>(LOOPBACK_TARGETS);
        for (NetworkInterface ni : up) {
            try {
                if (ni.isLoopback()) {
                    continue;
                }
            } catch (SocketException e) {
                continue;
            }
            for (InterfaceAddress address : ni.getInterfaceAddresses()) {
                if (address.getBroadcast() != null) {
                    targets.add(address.getBroadcast());
                }
            }
        }
        targets.add(LIMITED_BROADCAST);
        return List.copyOf(targets);
    }

    /**
     * The default multicast interfaces: every up, non-loopback, multicast-capable one.
     *
     * @param up the interfaces that are up
     */
    static List<NetworkInterface> defaultInterfaces(List<NetworkInterface> up) {
        List<NetworkInterface> chosen = new ArrayList<>();
        for (NetworkInterface ni : up) {
            try {
                if (!ni.isLoopback() && ni.supportsMulticast()) {
                    chosen.add(ni);
                }
            } catch (SocketException e) {
                LOG.info("discovery: skipping interface {}: {}", ni.getName(), e.toString());
            }
        }
        return chosen;
    }

    /** The interfaces that are up, listed once per call. */
    static List<NetworkInterface> upInterfaces() {
        List<NetworkInterface> up = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                try {
                    if (ni.isUp()) {
                        up.add(ni);
                    }
                } catch (SocketException e) {
                    LOG.info("discovery: skipping interface {}: {}", ni.getName(), e.toString());
                }
            }
        } catch (SocketException e) {
            LOG.info("discovery: cannot list the network interfaces: {}", e.toString());
        }
        return up;
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public String toString() {
        return "DiscoveryClient[port=" + port + ", targets=" + (targets == null ? "default" : targets)
                + ", groups=" + multicastGroups + ", timeout=" + timeout + "]";
    }

    /** Collects the client's settings; not thread-safe. {@link #build()} validates them. */
    public static final class Builder {
        private int port = DiscoveryConfig.DEFAULT_PORT;
        private List<InetAddress> targets;
        private List<InetAddress> multicastGroups =
                List.of(DiscoveryConfig.DEFAULT_IPV4_GROUP, DiscoveryConfig.DEFAULT_IPV6_GROUP);
        private List<NetworkInterface> multicastInterfaces;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int probeRepeats = DEFAULT_PROBE_REPEATS;
        private Duration probeInterval = DEFAULT_PROBE_INTERVAL;

        private Builder() {}

        /**
         * The servers' UDP discovery port, 1 to 65535. Default 5001.
         *
         * @param port the port
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * The unicast and broadcast addresses to probe (IPv4 or IPv6), replacing the default (127.0.0.1 and
         * 127.255.255.255 for this machine, the broadcast address of every up, non-loopback IPv4 interface,
         * and 255.255.255.255). Loopback addresses here count as this machine, as the default ones do. An
         * empty collection probes by multicast only.
         *
         * @param targets the addresses
         * @return this builder
         */
        public Builder targets(Collection<? extends InetAddress> targets) {
            this.targets = List.copyOf(targets);
            return this;
        }

        /**
         * The multicast groups to probe, replacing the default (239.255.77.77 and ff02::77:77). An empty
         * collection turns multicast off.
         *
         * @param groups multicast addresses
         * @return this builder
         */
        public Builder multicastGroups(Collection<? extends InetAddress> groups) {
            this.multicastGroups = List.copyOf(groups);
            return this;
        }

        /**
         * The interfaces multicast probes leave through, replacing the default (every up, non-loopback,
         * multicast-capable interface, looked up at each call).
         *
         * @param interfaces the interfaces
         * @return this builder
         */
        public Builder multicastInterfaces(Collection<NetworkInterface> interfaces) {
            this.multicastInterfaces = List.copyOf(interfaces);
            return this;
        }

        /**
         * The timeout of {@link DiscoveryClient#discover()}, 1 ms to 10 minutes. Default 2 s.
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * How many probe rounds a call sends at most, 1 to 100; rounds due after the timeout are not sent.
         * Default 3.
         *
         * @param repeats the number of rounds
         * @return this builder
         */
        public Builder probeRepeats(int repeats) {
            this.probeRepeats = repeats;
            return this;
        }

        /**
         * The time between probe rounds, 1 ms to 1 minute. Default 250 ms.
         *
         * @param interval the interval
         * @return this builder
         */
        public Builder probeInterval(Duration interval) {
            this.probeInterval = interval;
            return this;
        }

        /**
         * Checks every value and makes the client.
         *
         * @return the client
         * @throws IllegalArgumentException naming the first value out of range
         */
        public DiscoveryClient build() {
            check(port >= 1 && port <= 65535, "port must be 1 to 65535: " + port);
            check(multicastGroups.stream().allMatch(InetAddress::isMulticastAddress),
                    "multicastGroups must be multicast addresses: " + multicastGroups);
            check(timeout != null && timeout.compareTo(Duration.ofMillis(1)) >= 0
                    && timeout.compareTo(Duration.ofMinutes(10)) <= 0, "timeout must be 1 ms to 10 minutes: " + timeout);
            check(probeRepeats >= 1 && probeRepeats <= 100, "probeRepeats must be 1 to 100: " + probeRepeats);
            check(probeInterval != null && probeInterval.compareTo(Duration.ofMillis(1)) >= 0
                            && probeInterval.compareTo(Duration.ofMinutes(1)) <= 0,
                    "probeInterval must be 1 ms to 1 minute: " + probeInterval);
            return new DiscoveryClient(this);
        }
    }
}
