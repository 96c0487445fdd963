package io.aurachat.accounts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The library's default {@link AccountStore}: accounts in memory, lost when the process ends. Bounded: it holds at
 * most {@link #maxAccounts()} accounts ({@value #DEFAULT_MAX_ACCOUNTS} by default, about 20 MB of heap with
 * PBKDF2 or Argon2id hashes of about 100 characters); a registration beyond fails with {@link AccountStoreException},
 * which the server answers {@code accounts-unavailable}.
 *
 * <p>Thread-safe; lookups take no lock, a registration takes a short one (so that the bound holds exactly). Never blocks
 * on anything but that lock.
 */
public final class MemoryAccountStore implements AccountStore {
    /** The default bound, {@value} accounts. */
    public static final int DEFAULT_MAX_ACCOUNTS = 100_000;

    private final int maxAccounts;
    private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
    private final ReentrantLock creating = new ReentrantLock();

    /** A store of at most {@value #DEFAULT_MAX_ACCOUNTS} accounts. */
    public MemoryAccountStore() {
        this(DEFAULT_MAX_ACCOUNTS);
    }

    /**
     * A store of at most {@code maxAccounts} accounts.
     *
     * @throws IllegalArgumentException unless 1 to 100,000,000
     */
    public MemoryAccountStore(int maxAccounts) {
        if (maxAccounts < 1 || maxAccounts > 100_000_000) {
            throw new IllegalArgumentException("maxAccounts must be 1 to 100000000: " + maxAccounts);
        }
        this.maxAccounts = maxAccounts;
    }

    /** The most accounts it holds. */
    public int maxAccounts() {
        return maxAccounts;
    }

    @Override
    public Optional<Account> find(String key) {
        return Optional.ofNullable(accounts.get(Objects.requireNonNull(key, "key")));
    }

    /**
     * {@inheritDoc}
     *
     * @throws AccountStoreException if it already holds {@link #maxAccounts()} accounts
     */
    @Override
    public boolean createIfAbsent(Account account) {
        Objects.requireNonNull(account, "account");
        creating.lock();
        try {
            if (accounts.containsKey(account.key())) {
                return false;
            }
            if (accounts.size() >= maxAccounts) {
                throw new AccountStoreException("the store holds its most accounts (" + maxAccounts + ")");
            }
            accounts.put(account.key(), account);
            return true;
        } finally {
            creating.unlock();
        }
    }

    @Override
    public boolean updateHash(String key, String passwordHash) {
        Objects.requireNonNull(passwordHash, "passwordHash");
        return accounts.computeIfPresent(Objects.requireNonNull(key, "key"),
                (k, a) -> a.withPasswordHash(passwordHash)) != null;
    }

    @Override
    public boolean delete(String key) {
        return accounts.remove(Objects.requireNonNull(key, "key")) != null;
    }

    @Override
    public long count() {
        return accounts.size();
    }

    @Override
    public List<Account> list() {
        List<Account> all = new ArrayList<>(accounts.values());
        all.sort(Comparator.comparing(Account::key));
        return all;
    }

    @Override
    public String toString() {
        return "MemoryAccountStore[" + accounts.size() + " of at most " + maxAccounts + "]";
    }
}
