package io.aurachat.accounts;

import java.util.List;
import java.util.Optional;

/**
 * Where a server keeps its accounts: the extension point for account storage. {@link MemoryAccountStore} is the
 * library's default (lost when the server stops); {@code aurachat-store-sqlite}'s {@code SqliteAccountStore} keeps
 * them in a file.
 *
 * <p>Threads: any thread, concurrently. Every method may block (on a disk, a database); the server calls them only
 * from command threads and from the owner's calls ({@link AccountAdmin}), never from an I/O thread. A method that
 * cannot do its work throws {@link AccountStoreException} (or any runtime exception): the command that called it is
 * answered {@code accounts-unavailable}, the failure is logged (once a minute at most), and the server goes on.
 *
 * <p>A store serves one server at a time; the server does not close it (its owner does, after closing the server),
 * so that the owner may keep using it through the same object.
 */
public interface AccountStore extends AutoCloseable {

    /**
     * The account with this key, if there is one.
     *
     * @param key a folded name ({@link Account#key})
     */
    Optional<Account> find(String key);

    /**
     * Stores {@code account} unless an account with its key exists: atomic, so that of two registrations of one name
     * exactly one succeeds.
     *
     * @return {@code true} if it was stored; {@code false} if the key was taken
     * @throws AccountStoreException if the store is full (its bound, if it has one) or failed
     */
    boolean createIfAbsent(Account account);

    /**
     * Replaces the password hash of the account with this key.
     *
     * @return {@code false} if there is no such account
     */
    boolean updateHash(String key, String passwordHash);

    /**
     * Deletes the account with this key.
     *
     * @return {@code false} if there was none
     */
    boolean delete(String key);

    /** How many accounts it holds. */
    long count();

    /** Every account, sorted by key (a snapshot); for the owner's tools, not for a hot path. */
    List<Account> list();

    /** Releases what the store holds (files, connections); idempotent. The default does nothing. */
    @Override
    default void close() {}
}
