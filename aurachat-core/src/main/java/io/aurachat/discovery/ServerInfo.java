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
 */
public record ServerInfo(InetAddress address, int tcpPort, String name, String instanceId, int clients,
        int protocolVersion) {

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
        if (tcpPort < 1 || tcpPort > 65535) {
            throw new IllegalArgumentException("tcpPort must be 1 to 65535: " + tcpPort);
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
}
