package io.aurachat.client;

import io.aurachat.protocol.ClientId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One connection of a {@link ChatClient} to a server, as its {@code welcome} described it. A client that
 * reconnects gets a new session with a new id, unless it resumed the old one (then the id and name are the old
 * session's; see {@link ChatListener#onResumed}).
 *
 * @param server the address the client connected to
 * @param id this client's id on that server
 * @param name this client's display name when the session started (after the configured name was set)
 * @param serverName the server's name
 * @param protocol the protocol version the server speaks
 * @param idleTimeout how long the server lets this client stay silent; {@link Duration#ZERO} if forever
 * @param maxLineLength the longest command line the server accepts, in bytes
 */
public record Session(InetSocketAddress server, ClientId id, String name, String serverName, int protocol,
        Duration idleTimeout, int maxLineLength) {

    /** Checks that no component is {@code null}. */
    public Session {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** Returns a copy with another display name. */
    Session withName(String newName) {
        return new Session(server, id, newName, serverName, protocol, idleTimeout, maxLineLength);
    }
}
