package io.aurachat.store.sqlite;

import io.aurachat.history.HistoryUnavailableException;
import io.aurachat.history.StoredMessage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.sqlite.JDBC;

/**
 * The file's layout and the connections to it. Plain tables, so that the {@code sqlite3} tool reads them as they are
 * (docs/store-sqlite.md). All methods run on the caller's thread and block on the file.
 */
final class Schema {
    /**
     * The layout this code reads and writes, kept in {@code meta} under {@code schema_version}. Version 2 added {@code
     * account_messages}, version 3 {@code messages.sender_account}; a version-1 or -2 file is brought to version 3 in
     * place when it is opened (a {@code CREATE TABLE}, an {@code ALTER TABLE ... ADD COLUMN}: nothing is copied), after
     * which an older aurachat-store-sqlite refuses it.
     */
    static final int VERSION = 3;

    /** The versions {@link #prepareWriter} opens: those it brings to {@link #VERSION}, and that one. */
    private static final Set<String> READABLE = Set.of("1", "2", String.valueOf(VERSION));

    /** {@code sender_account} last, where {@link #ADD_SENDER_ACCOUNT} puts it in an older file. */
    static final String CREATE_MESSAGES = "CREATE TABLE IF NOT EXISTS messages("
            + "id INTEGER PRIMARY KEY, target TEXT NOT NULL, time_ms INTEGER NOT NULL, sender TEXT NOT NULL, "
            + "sender_name TEXT NOT NULL, ip TEXT NOT NULL, recipient TEXT, text TEXT NOT NULL, sender_account TEXT)";
    /** Version 3: the key of the account the sender was logged into, {@code NULL} for an anonymous sender. */
    static final String ADD_SENDER_ACCOUNT = "ALTER TABLE messages ADD COLUMN sender_account TEXT";
    static final String CREATE_INDEX = "CREATE INDEX IF NOT EXISTS messages_by_target ON messages(target, id)";
    /**
     * The private messages of each account ({@link StoredMessage#isAccountTarget}): one message is a row under its
     * sender's account and another under its recipient's, so the key is {@code (target, id)}, not the id alone as in
     * {@code messages}.
     */
    static final String CREATE_ACCOUNT_MESSAGES = "CREATE TABLE IF NOT EXISTS account_messages("
            + "target TEXT NOT NULL, id INTEGER NOT NULL, time_ms INTEGER NOT NULL, sender TEXT NOT NULL, "
            + "sender_name TEXT NOT NULL, ip TEXT NOT NULL, recipient TEXT, text TEXT NOT NULL, sender_account TEXT, "
            + "recipient_name TEXT, recipient_account TEXT, PRIMARY KEY (target, id)) WITHOUT ROWID";
    /** For the age bound, which deletes by id across the accounts. */
    static final String CREATE_ACCOUNT_INDEX =
            "CREATE INDEX IF NOT EXISTS account_messages_by_id ON account_messages(id)";
    /**
     * The other side of an {@code account_messages} row, for its account ({@code target} is {@code @} and its key):
     * the recipient's account of a message the account sent, else the sender's. What {@code HISTORY @name} filters on.
     */
    static final String PEER = "(CASE WHEN sender_account = substr(target, 2) THEN recipient_account "
            + "ELSE sender_account END)";
    /**
     * For the pages of one conversation ({@code HISTORY @name}), so that a conversation of a few messages in a target
     * of a million is a few index steps, not a scan. An index on an expression, made on open where it is missing: it
     * changes no table, so it is no new schema version (an older aurachat-store-sqlite keeps it up to date too).
     */
    static final String CREATE_PEER_INDEX =
            "CREATE INDEX IF NOT EXISTS account_messages_by_peer ON account_messages(target, " + PEER + ", id)";
    static final String CREATE_META = "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)";

    /** The columns {@link #message} reads, in its order; both tables have them. */
    static final String COLUMNS = "id, target, sender, sender_name, ip, recipient, text, sender_account";
    /** The columns {@link #message} reads from {@code account_messages}: {@link #COLUMNS} and the recipient's. */
    static final String ACCOUNT_COLUMNS = COLUMNS + ", recipient_name, recipient_account";

    static final String INSERT = "INSERT OR IGNORE INTO messages(id, target, time_ms, sender, sender_name, ip, "
            + "recipient, text, sender_account) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String INSERT_ACCOUNT = "INSERT OR IGNORE INTO account_messages(id, target, time_ms, sender, "
            + "sender_name, ip, recipient, text, sender_account, recipient_name, recipient_account) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** The table {@code target}'s messages are in. */
    static String table(String target) {
        return StoredMessage.isAccountTarget(target) ? "account_messages" : "messages";
    }

    /** How long a connection waits for another's lock before failing with SQLITE_BUSY. */
    static final int BUSY_TIMEOUT_MS = 5000;

    private Schema() {}

    /**
     * Makes {@code file} empty and {@code rw-------} if it does not exist (on a POSIX file system), for SQLite to take as
     * a new database: the files hold password hashes and private messages, and SQLite would make them with the
     * process's umask (readable by every local user, as a rule). SQLite gives its {@code -wal} and {@code -shm} files
     * the database file's mode. An existing file keeps the mode its owner gave it. Nothing is done where it cannot be
     * (a missing directory, a file system without POSIX permissions): SQLite then makes or refuses the file itself.
     */
    static void createOwnerOnly(Path file) {
        Path dir = file.getParent();
        try {
            if (dir == null || Files.exists(file) || !Files.isDirectory(dir)
                    || !Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
                return;
            }
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // Made meanwhile by someone else: it keeps its mode.
        } catch (IOException | UnsupportedOperationException e) {
            // SQLite makes the file, or says why it cannot.
        }
    }

    /**
     * A connection to {@code file} (absolute), not yet touched: SQLite reads the file at the first statement, so a
     * file that is not a database fails there, not here.
     */
    static Connection connect(Path file) throws SQLException {
        createOwnerOnly(file);
        // Through the driver class rather than DriverManager: nothing to discover, and it works the same on the
        // module path and the class path.
        return JDBC.createConnection(JDBC.PREFIX + file, new Properties());
    }

    /**
     * Makes {@code c} the writer: WAL (readers run beside the writer; a commit is an append to the log),
     * synchronous=NORMAL (no fsync per commit; see docs/store-sqlite.md, "Durability"), creates what is missing and
     * checks the layout's version, bringing a version-1 or -2 file to {@link #VERSION} in the same transaction. Leaves
     * {@code c} in manual-commit mode.
     *
     * @return the journal mode SQLite reports, {@code wal} unless the file system cannot do WAL
     * @throws HistoryUnavailableException if the file holds a layout of a version other than 1, 2 and {@link #VERSION}
     */
    static String prepareWriter(Connection c) throws SQLException {
        String mode;
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode=WAL")) {
                mode = rs.next() ? rs.getString(1) : "?";
            }
            s.execute("PRAGMA synchronous=NORMAL");
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(CREATE_MESSAGES);
            s.execute(CREATE_INDEX);
            s.execute(CREATE_META);
            s.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '" + VERSION + "')");
            String version;
            try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
                version = rs.next() ? rs.getString(1) : null;
            }
            if (version == null || !READABLE.contains(version)) {
                c.rollback(); // nothing of a newer layout is touched
                throw new HistoryUnavailableException("the history file has schema_version " + version
                        + "; this aurachat-store-sqlite reads versions 1 to " + VERSION);
            }
            // Made here, in the transaction that records version 3: version 1 had no account_messages, versions 1 and
            // 2 no messages.sender_account. Each step looks first, so that it does nothing where it was done.
            s.execute(CREATE_ACCOUNT_MESSAGES);
            s.execute(CREATE_ACCOUNT_INDEX);
            s.execute(CREATE_PEER_INDEX);
            if (!hasColumn(s, "messages", "sender_account")) {
                s.execute(ADD_SENDER_ACCOUNT);
            }
            s.execute("UPDATE meta SET value = '" + VERSION + "' WHERE key = 'schema_version'");
        }
        c.commit();
        return mode;
    }

    private static boolean hasColumn(Statement s, String table, String column) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                if (column.equalsIgnoreCase(rs.getString("name"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Makes {@code c} a reader: it never writes, and each query runs in a read transaction of its own. */
    static void prepareReader(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            s.execute("PRAGMA query_only=1");
        }
        c.setAutoCommit(false);
    }

    /** The highest id in the file, 0 if none. */
    static long maxId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT max(m) FROM (SELECT max(id) AS m FROM messages "
                        + "UNION ALL SELECT max(id) FROM account_messages)")) {
            return rs.next() ? rs.getLong(1) : 0; // getLong gives 0 for NULL (an empty table)
        } finally {
            c.commit();
        }
    }

    /** The rows per target in the file: one pass over the index (about 70 ms per million rows). */
    static Map<String, Long> counts(Connection c) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT target, count(*) FROM messages GROUP BY target UNION ALL "
                        + "SELECT target, count(*) FROM account_messages GROUP BY target")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        } finally {
            c.commit();
        }
        return counts;
    }

    /** The message at the cursor of {@code rs}, selected with {@link #COLUMNS} or {@link #ACCOUNT_COLUMNS}. */
    static StoredMessage message(ResultSet rs, boolean accountFields) throws SQLException {
        return new StoredMessage(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), accountFields ? rs.getString(9) : null,
                accountFields ? rs.getString(10) : null);
    }

    /** Closes quietly: used on paths that are already failing or shutting down. */
    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing better to do: the store is failing or closing already
            }
        }
    }

    /** Rolls back quietly, for the same reason. */
    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException ignored) {
            // the next statement reports what is wrong with the connection
        }
    }
}
