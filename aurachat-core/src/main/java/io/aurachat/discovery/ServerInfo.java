package io.aurachat.discovery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * An AuraChat server that answered a discovery probe.
 *
 * @param address where the reply came from: the address to connect to (an IPv6 link-local address
 *     carries its scope)
 * @param tcpPort the server's chat (TCP) port, 1 to 65535
 * @param name the server's name, as announced in {@code welcome}
 * @param instanceId an opaque id of the running server, the same in every reply while it runs; two
 *     replies with the same id come from the same server (reached by two routes)
 * @param clients how many clients were connected when it answered
 * @param protocolVersion the discovery protocol version the server speaks, 1 or more
 * @param tlsPort the server's TLS port, or 0 if it has none
 * @param fingerprint the SHA-256 fingerprint of its TLS certificate (64 lower-case hex digits) as the reply announced
 *     it, or {@code null} if it has no TLS port; a claim to check against what the connection presents and what
 *     the client remembers (a discovery reply is not authenticated)
 */
public record ServerInfo(InetAddress address, int tcpPort, String name, String instanceId, int clients,
        int protocolVersion, int tlsPort, String fingerprint) {

    /** A server without a TLS port. */
    public ServerInfo(InetAddress address, int tcpPort, String name, String instanceId, int clients,
            int protocolVersion) {
        this(address, tcpPort, name, instanceId, clients, protocolVersion, 0, null);
    }

    /**
     * Checks the components.
     *
     * @throws NullPointerException if {@code address}, {@code name} or {@code instanceId} is {@code null}
     * @throws IllegalArgumentException if the port, client count or version is out of range
     */
    public ServerInfo {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(instanceId, "instanceId");
        if (tcpPort < 0 || tcpPort > 65535 || tlsPort < 0 || tlsPort > 65535 || (tcpPort == 0 && tlsPort == 0)) {
            throw new IllegalArgumentException("ports must be 0 to 65535, one of them not 0: " + tcpPort + ", " + tlsPort);
        }
        if ((tlsPort == 0) != (fingerprint == null)) {
            throw new IllegalArgumentException("a TLS port comes with a fingerprint, and only with one");
        }
        if (clients < 0) {
            throw new IllegalArgumentException("clients must not be negative: " + clients);
        }
        if (protocolVersion < 1) {
            throw new IllegalArgumentException("protocolVersion must be 1 or more: " + protocolVersion);
        }
    }

    /**
     * Where to connect a chat client.
     *
     * @return {@link #address()} with {@link #tcpPort()}
     */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, tcpPort);
    }

    /** Whether the server offers TLS ({@link #tlsPort()} and {@link #fingerprint()}). */
    public boolean hasTls() {
        return tlsPort != 0;
    }

    /**
     * Where to connect a TLS chat client.
     *
     * @throws IllegalStateException if the server has no TLS port
     */
    public InetSocketAddress tlsSocketAddress() {
        if (tlsPort == 0) {
            throw new IllegalStateException("the server announced no TLS port");
        }
        return new InetSocketAddress(address, tlsPort);
    }
}
