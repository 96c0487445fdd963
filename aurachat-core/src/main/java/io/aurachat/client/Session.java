package io.aurachat.client;

import io.aurachat.accounts.AccountsMode;
import io.aurachat.protocol.ClientId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One connection of a {@link ChatClient} to a server, as its {@code welcome} described it. A client that
 * reconnects gets a new session with a new id, unless it resumed the old one (then the id and name are the old
 * session's; see {@link ChatListener#onResumed}).
 *
 * @param server the address the client connected to
 * @param id this client's id on that server
 * @param name this client's display name when the session started (after the configured name was set, or the
 *     account's name once logged in)
 * @param serverName the server's name
 * @param protocol the protocol version the server speaks
 * @param idleTimeout how long the server lets this client stay silent; {@link Duration#ZERO} if forever
 * @param maxLineLength the longest command line the server accepts, in bytes
 * @param account the account this client is logged into, as the server names it (its {@code "account"}); empty
 *     while anonymous
 * @param accounts whether the server has accounts, as its {@code welcome} said ({@link AccountsMode#OFF} when it
 *     said nothing)
 */
public record Session(InetSocketAddress server, ClientId id, String name, String serverName, int protocol,
        Duration idleTimeout, int maxLineLength, Optional<String> account, AccountsMode accounts) {

    /** Checks that no component is {@code null}. */
    public Session {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(accounts, "accounts");
    }

    /** A session of an anonymous client on a server without accounts. */
    public Session(InetSocketAddress server, ClientId id, String name, String serverName, int protocol,
            Duration idleTimeout, int maxLineLength) {
        this(server, id, name, serverName, protocol, idleTimeout, maxLineLength, Optional.empty(), AccountsMode.OFF);
    }

    /** Returns a copy with another display name. */
    Session withName(String newName) {
        return new Session(server, id, newName, serverName, protocol, idleTimeout, maxLineLength, account, accounts);
    }

    /** Returns a copy logged into {@code newAccount} with its name as the display name. */
    Session withAccount(String newName, String newAccount) {
        return new Session(server, id, newName, serverName, protocol, idleTimeout, maxLineLength,
                Optional.of(newAccount), accounts);
    }

    /** Returns a copy with another id and name (a resumed session's), and the rest of this one. */
    Session resumed(ClientId newId, String newName) {
        return new Session(server, newId, newName, serverName, protocol, idleTimeout, maxLineLength, account, accounts);
    }
}
