package io.aurachat.accounts;

import java.util.List;
import java.util.Optional;

/**
 * The owner's operations on a running server's accounts ({@code ChatServer.accounts()}): what a server's command line
 * or admin tool calls. Every method may block (on the store, and {@link #setPassword} on hashing), so call them from
 * a thread of your own, never from a command handler on an I/O thread. Thread-safe.
 */
public interface AccountAdmin {

    /** Every account, sorted by key (a snapshot). */
    List<Account> list();

    /**
     * The account with this name, folded as the server folds names ({@code Mario} finds {@code mario}).
     *
     * @return the account, or empty if there is none
     */
    Optional<Account> find(String name);

    /**
     * Deletes the account named {@code name} (folded) and disconnects every device logged into it, each with
     * {@code bye} reason {@code account-removed}; its name is free from then on. Logs
     * {@link io.aurachat.log.LogEvent.AccountRemoved}.
     *
     * @return {@code false} if there was no such account
     */
    boolean remove(String name);

    /**
     * Sets the password of the account named {@code name} (folded), without the old one; its devices stay logged
     * in. The password must follow the same rules as a user's ({@code weak-password}: 8 to 1024 characters, no spaces
     * or control characters, not the name). Logs {@link io.aurachat.log.LogEvent.PasswordChanged}.
     *
     * @return {@code false} if there is no such account
     * @throws IllegalArgumentException if the password breaks the rules
     */
    boolean setPassword(String name, char[] password);
}
