package io.aurachat.client;

import io.aurachat.protocol.ClientId;
import java.util.Objects;

/**
 * Another client as events describe it ({@code message}, {@code join}, {@code leave}, {@code rename}):
 * its id, its display name at the time of the event, and its IP address as the server saw it.
 *
 * @param id the server-assigned id, stable for the whole connection
 * @param name the display name when the event happened
 * @param ip the client's IP address as text
 */
public record Peer(ClientId id, String name, String ip) {

    /** Checks that no component is {@code null}. */
    public Peer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ip, "ip");
    }
}
