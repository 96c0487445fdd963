package io.aurachat.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * What the server knows of a connected client, as sent in {@code join}, {@code leave}, {@code message}
 * and {@code clients} objects. Immutable: a rename produces a new instance.
 *
 * @param id the server-assigned id
 * @param name the display name; the id's text until the client sets one; of a logged-in client, the account's name
 *     as registered (which client objects also show as {@code "account"})
 * @param ip the client's IP address as text (IPv4 dotted quad or IPv6)
 * @param connectedSince when the server accepted the connection
 * @param account the key of the account the client is logged into (its name folded, {@link
 *     io.aurachat.protocol.NameRule#key}: what identifies the account and what the audit log records), or {@code
 *     null} for an anonymous client
 */
public record ClientInfo(ClientId id, String name, String ip, Instant connectedSince, String account) {

    /** Checks that no component but {@code account} is {@code null}. */
    public ClientInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(connectedSince, "connectedSince");
    }

    /** An anonymous client (no account). */
    public ClientInfo(ClientId id, String name, String ip, Instant connectedSince) {
        this(id, name, ip, connectedSince, null);
    }

    /** Returns a copy with another display name (the same account). */
    public ClientInfo withName(String newName) {
        return new ClientInfo(id, newName, ip, connectedSince, account);
    }

    /** Returns a copy logged into {@code accountKey}, with that account's name as its display name. */
    public ClientInfo withAccount(String accountKey, String accountName) {
        return new ClientInfo(id, accountName, ip, connectedSince, Objects.requireNonNull(accountKey, "accountKey"));
    }
}
