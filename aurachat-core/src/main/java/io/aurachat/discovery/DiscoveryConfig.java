package io.aurachat.discovery;

import static io.aurachat.internal.Checks.check;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * The immutable configuration of the discovery responder that a {@link io.aurachat.server.ChatServer}
 * runs beside its TCP port (see {@link io.aurachat.server.ServerConfig.Builder#discovery}). Make one with
 * {@link #builder()}; {@link Builder#build()} checks every value at once. {@link #disabled()} is the
 * server's default: a library opens no UDP port unless asked to.
 *
 * <p>The responder listens on {@link #port()} for IPv4 broadcast and unicast probes, and for probes to
 * {@link #ipv4Group()} and {@link #ipv6Group()} on the interfaces chosen by {@link #multicast()}.
 */
public final class DiscoveryConfig {

    /** The default UDP port, {@value}. */
    public static final int DEFAULT_PORT = 5001;
    /** The default IPv4 multicast group, 239.255.77.77 (organisation-local scope). */
    public static final Inet4Address DEFAULT_IPV4_GROUP = (Inet4Address) literal("239.255.77.77");
    /** The default IPv6 multicast group, ff02::77:77 (link-local scope). */
    public static final Inet6Address DEFAULT_IPV6_GROUP = (Inet6Address) literal("ff02::77:77");
    /** The default number of probes answered per second to one source address, {@value}. */
    public static final int DEFAULT_RATE_PER_SECOND = 5;
    /** The default number of probes one source address may have answered in a burst, {@value}. */
    public static final int DEFAULT_RATE_BURST = 10;
    /** The default number of discovery log events per second before they are counted instead, {@value}. */
    public static final int DEFAULT_MAX_LOG_EVENTS_PER_SECOND = 100;

    private static final DiscoveryConfig DISABLED = new Builder().enabled(false).build();

    /** On which network interfaces the responder joins its multicast groups. */
    public enum Multicast {
        /** Every interface that is up and supports multicast, loopback included if it does. */
        ALL_INTERFACES,
        /** Only the loopback interface: for tests and for servers that only local clients should find. */
        LOOPBACK_ONLY,
        /** No multicast at all: the responder only hears broadcast and unicast probes. */
        NONE
    }

    private final boolean enabled;
    private final int port;
    private final Inet4Address bindAddress;
    private final Inet4Address ipv4Group;
    private final Inet6Address ipv6Group;
    private final Multicast multicast;
    private final int ratePerSecond;
    private final int rateBurst;
    private final int maxLogEventsPerSecond;

    private DiscoveryConfig(Builder b) {
        this.enabled = b.enabled;
        this.port = b.port;
        this.bindAddress = (Inet4Address) b.bindAddress;
        this.ipv4Group = (Inet4Address) b.ipv4Group;
        this.ipv6Group = (Inet6Address) b.ipv6Group;
        this.multicast = b.multicast;
        this.ratePerSecond = b.ratePerSecond;
        this.rateBurst = b.rateBurst;
        this.maxLogEventsPerSecond = b.maxLogEventsPerSecond;
    }

    /**
     * Discovery turned off: the server opens no UDP socket. The default of
     * {@link io.aurachat.server.ServerConfig}.
     *
     * @return the shared disabled configuration
     */
    public static DiscoveryConfig disabled() {
        return DISABLED;
    }

    /**
     * A builder with every default: enabled, UDP port 5001 on every interface, the default groups
     * joined on every multicast-capable interface, 5 answers per second (burst 10) per source.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder that starts from this configuration's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.enabled = enabled;
        b.port = port;
        b.bindAddress = bindAddress;
        b.ipv4Group = ipv4Group;
        b.ipv6Group = ipv6Group;
        b.multicast = multicast;
        b.ratePerSecond = ratePerSecond;
        b.rateBurst = rateBurst;
        b.maxLogEventsPerSecond = maxLogEventsPerSecond;
        return b;
    }

    /**
     * Whether the server runs a responder at all.
     *
     * @return {@code true} if it does
     */
    public boolean enabled() {
        return enabled;
    }

    /**
     * The UDP port; 0 picks a free one, which {@link io.aurachat.server.ChatServer#discoveryPort()} tells.
     *
     * @return the configured port
     */
    public int port() {
        return port;
    }

    /**
     * The IPv4 address the responder binds, or {@code null} for every interface (the default). On Linux
     * a socket bound to a unicast address does not receive broadcasts, so set this only to restrict
     * discovery to unicast and multicast probes.
     *
     * @return the bind address, or {@code null}
     */
    public Inet4Address bindAddress() {
        return bindAddress;
    }

    /**
     * The IPv4 multicast group the responder joins, or {@code null} for none.
     *
     * @return the group, by default {@link #DEFAULT_IPV4_GROUP}
     */
    public Inet4Address ipv4Group() {
        return ipv4Group;
    }

    /**
     * The IPv6 multicast group the responder joins where an interface has IPv6, or {@code null} for none.
     *
     * @return the group, by default {@link #DEFAULT_IPV6_GROUP}
     */
    public Inet6Address ipv6Group() {
        return ipv6Group;
    }

    /**
     * Which interfaces the groups are joined on.
     *
     * @return the choice, by default {@link Multicast#ALL_INTERFACES}
     */
    public Multicast multicast() {
        return multicast;
    }

    /**
     * How many probes per second from one source address are answered, on average.
     *
     * @return the sustained rate
     */
    public int ratePerSecond() {
        return ratePerSecond;
    }

    /**
     * How many probes from one source address are answered in a burst before the rate applies.
     *
     * @return the burst size
     */
    public int rateBurst() {
        return rateBurst;
    }

    /**
     * How many discovery log events ({@code DiscoveryAnswered}, {@code DiscoveryIgnored}) are delivered
     * per second at most; beyond it they are counted and the count is logged through SLF4J, so a flood of
     * datagrams cannot flood the log sinks.
     *
     * @return the event budget per second
     */
    public int maxLogEventsPerSecond() {
        return maxLogEventsPerSecond;
    }

    @Override
    public String toString() {
        if (!enabled) {
            return "DiscoveryConfig[disabled]";
        }
        return "DiscoveryConfig[port=" + port + ", bind=" + (bindAddress == null ? "*" : bindAddress.getHostAddress())
                + ", ipv4Group=" + (ipv4Group == null ? "none" : ipv4Group.getHostAddress())
                + ", ipv6Group=" + (ipv6Group == null ? "none" : ipv6Group.getHostAddress())
                + ", multicast=" + multicast + ", rate=" + ratePerSecond + "/s burst " + rateBurst
                + ", maxLogEventsPerSecond=" + maxLogEventsPerSecond + "]";
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Collects configuration values; not thread-safe. {@link #build()} validates them. */
    public static final class Builder {
        private boolean enabled = true;
        private int port = DEFAULT_PORT;
        private InetAddress bindAddress;
        private InetAddress ipv4Group = DEFAULT_IPV4_GROUP;
        private InetAddress ipv6Group = DEFAULT_IPV6_GROUP;
        private Multicast multicast = Multicast.ALL_INTERFACES;
        private int ratePerSecond = DEFAULT_RATE_PER_SECOND;
        private int rateBurst = DEFAULT_RATE_BURST;
        private int maxLogEventsPerSecond = DEFAULT_MAX_LOG_EVENTS_PER_SECOND;

        private Builder() {}

        /**
         * Whether to run the responder. Default {@code true} for a builder.
         *
         * @param enabled {@code false} to open no UDP socket
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * The UDP port, 0 to 65535; 0 picks a free one. Default 5001.
         *
         * @param port the port
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * An IPv4 address to bind, or {@code null} (the default) for every interface; see
         * {@link DiscoveryConfig#bindAddress()}.
         *
         * @param address an IPv4 address of this host, or {@code null}
         * @return this builder
         */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        /**
         * The IPv4 multicast group, or {@code null} to join none. Default 239.255.77.77.
         *
         * @param group an IPv4 multicast address, or {@code null}
         * @return this builder
         */
        public Builder ipv4Group(InetAddress group) {
            this.ipv4Group = group;
            return this;
        }

        /**
         * The IPv6 multicast group, or {@code null} to join none. Default ff02::77:77.
         *
         * @param group an IPv6 multicast address, or {@code null}
         * @return this builder
         */
        public Builder ipv6Group(InetAddress group) {
            this.ipv6Group = group;
            return this;
        }

        /**
         * On which interfaces to join the groups. Default {@link Multicast#ALL_INTERFACES}.
         *
         * @param multicast the choice
         * @return this builder
         */
        public Builder multicast(Multicast multicast) {
            this.multicast = multicast;
            return this;
        }

        /**
         * The per-source rate limit: {@code perSecond} answers per second on average, 1 to 10,000, and
         * bursts of up to {@code burst}, 1 to 10,000. Default 5 per second, burst 10.
         *
         * @param perSecond the sustained rate
         * @param burst the burst size
         * @return this builder
         */
        public Builder rateLimit(int perSecond, int burst) {
            this.ratePerSecond = perSecond;
            this.rateBurst = burst;
            return this;
        }

        /**
         * Discovery log events per second, 1 to 1,000,000, beyond which they are only counted. Default 100.
         *
         * @param events the budget
         * @return this builder
         */
        public Builder maxLogEventsPerSecond(int events) {
            this.maxLogEventsPerSecond = events;
            return this;
        }

        /**
         * Checks every value and makes the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException naming the first value out of range
         */
        public DiscoveryConfig build() {
            check(port >= 0 && port <= 65535, "discovery port must be 0 to 65535: " + port);
            check(bindAddress == null || bindAddress instanceof Inet4Address,
                    "discovery bindAddress must be an IPv4 address: " + bindAddress);
            check(ipv4Group == null || ipv4Group instanceof Inet4Address && ipv4Group.isMulticastAddress(),
                    "discovery ipv4Group must be an IPv4 multicast address: " + ipv4Group);
            check(ipv6Group == null || ipv6Group instanceof Inet6Address && ipv6Group.isMulticastAddress(),
                    "discovery ipv6Group must be an IPv6 multicast address: " + ipv6Group);
            check(multicast != null, "discovery multicast must not be null");
            check(ratePerSecond >= 1 && ratePerSecond <= 10_000,
                    "discovery rate limit must be 1 to 10000 per second: " + ratePerSecond);
            check(rateBurst >= 1 && rateBurst <= 10_000, "discovery rate burst must be 1 to 10000: " + rateBurst);
            check(maxLogEventsPerSecond >= 1 && maxLogEventsPerSecond <= 1_000_000,
                    "discovery maxLogEventsPerSecond must be 1 to 1000000: " + maxLogEventsPerSecond);
            return new DiscoveryConfig(this);
        }

    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiscoveryConfig c && enabled == c.enabled && port == c.port
                && Objects.equals(bindAddress, c.bindAddress) && Objects.equals(ipv4Group, c.ipv4Group)
                && Objects.equals(ipv6Group, c.ipv6Group) && multicast == c.multicast
                && ratePerSecond == c.ratePerSecond && rateBurst == c.rateBurst
                && maxLogEventsPerSecond == c.maxLogEventsPerSecond;
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, port, bindAddress, ipv4Group, ipv6Group, multicast, ratePerSecond, rateBurst,
                maxLogEventsPerSecond);
    }
}
