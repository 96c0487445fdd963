package io.aurachat.store.sqlite;

import io.aurachat.accounts.Account;
import io.aurachat.accounts.AccountStore;
import io.aurachat.accounts.AccountStoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link AccountStore} in an SQLite file: the table {@code accounts(folded TEXT PRIMARY KEY, name TEXT, hash TEXT,
 * created INTEGER)} ({@code created} in epoch milliseconds), beside the history's tables when given the history's file,
 * or in a file of its own. It opens a connection of its own (WAL, {@code busy_timeout} 5 s, {@code synchronous=FULL}:
 * a registration or a password change is on disk when the call returns), so it may share the file with a running
 * {@link SqliteHistoryStore}.
 *
 * <pre>{@code
 * Path db = Path.of("/var/lib/aurachat/chat.db");
 * try (SqliteAccountStore accounts = SqliteAccountStore.open(db);
 *      ChatServer server = ChatServer.create(ServerConfig.builder()
 *              .accounts(AccountsMode.REQUIRED).accountStore(accounts)
 *              .historyStore(SqliteHistoryStore.builder(db).build()).build()).start()) { ... }
 * }</pre>
 *
 * <p>Thread-safe: one connection behind a lock, each call one statement (an account is a few hundred bytes, and the
 * server calls the store only to register, log in and change passwords, never per message). Every method blocks on
 * the file and throws {@link AccountStoreException} when SQLite fails. Close it after the server that uses it.
 */
public final class SqliteAccountStore implements AccountStore {
    static final String CREATE = "CREATE TABLE IF NOT EXISTS accounts(folded TEXT PRIMARY KEY, name TEXT NOT NULL, "
            + "hash TEXT NOT NULL, created INTEGER NOT NULL)";

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private SqliteAccountStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Opens (or makes) the accounts table in {@code file}; blocks on it.
     *
     * @throws AccountStoreException if the file cannot be opened or is not a database
     */
    public static SqliteAccountStore open(Path file) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath();
        Connection c = null;
        try {
            c = Schema.connect(absolute);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=" + Schema.BUSY_TIMEOUT_MS);
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
                    rs.next();
                }
                s.execute("PRAGMA synchronous=FULL");
                s.execute(CREATE);
            }
            return new SqliteAccountStore(absolute, c);
        } catch (SQLException e) {
            Schema.closeQuietly(c);
            throw new AccountStoreException("cannot open the accounts in " + absolute + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Account> find(String key) {
        Objects.requireNonNull(key, "key");
        return call(() -> {
            try (PreparedStatement s = connection.prepareStatement(
                    "SELECT name, folded, hash, created FROM accounts WHERE folded = ?")) {
                s.setString(1, key);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(account(rs)) : Optional.<Account>empty();
                }
            }
        });
    }

    @Override
    public boolean createIfAbsent(Account account) {
        Objects.requireNonNull(account, "account");
        return call(() -> {
            try (PreparedStatement s = connection.prepareStatement(
                    "INSERT OR IGNORE INTO accounts(folded, name, hash, created) VALUES (?, ?, ?, ?)")) {
                s.setString(1, account.key());
                s.setString(2, account.name());
                s.setString(3, account.passwordHash());
                s.setLong(4, account.created().toEpochMilli());
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean updateHash(String key, String passwordHash) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(passwordHash, "passwordHash");
        return call(() -> {
            try (PreparedStatement s = connection.prepareStatement("UPDATE accounts SET hash = ? WHERE folded = ?")) {
                s.setString(1, passwordHash);
                s.setString(2, key);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean delete(String key) {
        Objects.requireNonNull(key, "key");
        return call(() -> {
            try (PreparedStatement s = connection.prepareStatement("DELETE FROM accounts WHERE folded = ?")) {
                s.setString(1, key);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public long count() {
        return call(() -> {
            try (Statement s = connection.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM accounts")) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public List<Account> list() {
        return call(() -> {
            List<Account> all = new ArrayList<>();
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT name, folded, hash, created FROM accounts ORDER BY folded")) {
                while (rs.next()) {
                    all.add(account(rs));
                }
            }
            return all;
        });
    }

    private static Account account(ResultSet rs) throws SQLException {
        return new Account(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)));
    }

    @FunctionalInterface
    private interface Query<T> {
        T run() throws SQLException;
    }

    private <T> T call(Query<T> query) {
        lock.lock();
        try {
            if (closed) {
                throw new AccountStoreException("the account store " + file + " is closed");
            }
            return query.run();
        } catch (SQLException e) {
            throw new AccountStoreException("the account store " + file + " failed: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Closes its connection; idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                Schema.closeQuietly(connection);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "SqliteAccountStore[" + file + "]";
    }
}
