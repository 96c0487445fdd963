package io.aurachat.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * What the server knows of a connected client, as sent in {@code join}, {@code leave}, {@code message}
 * and {@code clients} objects. Immutable: a rename produces a new instance.
 *
 * @param id the server-assigned id
 * @param name the display name; the id's text until the client sets one
 * @param ip the client's IP address as text (IPv4 dotted quad or IPv6)
 * @param connectedSince when the server accepted the connection
 */
public record ClientInfo(ClientId id, String name, String ip, Instant connectedSince) {

    /** Checks that no component is {@code null}. */
    public ClientInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(connectedSince, "connectedSince");
    }

    /** Returns a copy with another display name. */
    public ClientInfo withName(String newName) {
        return new ClientInfo(id, newName, ip, connectedSince);
    }
}
