package io.aurachat.store.sqlite;

import io.aurachat.history.HistoryPage;
import io.aurachat.history.HistoryQuery;
import io.aurachat.history.HistoryUnavailableException;
import io.aurachat.history.NoSuchMessageException;
import io.aurachat.history.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The query threads: each owns one read connection (WAL lets them read beside the writer) and takes queries from a
 * shared queue of at most {@link #MAX_PENDING} waiting ones. Before it reads, a query waits (up to {@link
 * #READ_YOUR_WRITES_NANOS}) for the writer to be done with every message appended, and every target forgotten,
 * before the query was asked; past that wait it answers from what is committed.
 */
final class Readers {
    /** Queries waiting for a reader at most; beyond, a query fails at once with "overloaded". */
    static final int MAX_PENDING = 1024;
    /** How long a query waits at most for the writer to catch up with the appends before it. */
    static final long READ_YOUR_WRITES_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final Task STOP = new Task(null, 0, 0, null);

    private final String name;
    private final Writer writer;
    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private int pending; // guarded by lock
    private boolean closed; // guarded by lock

    private record Task(HistoryQuery query, long mustSee, long forgets, CompletableFuture<HistoryPage> answer) {}

    /** Starts one daemon thread per connection, named {@code aurachat-history-reader-N}; each closes its own. */
    Readers(String name, Writer writer, List<Connection> connections) {
        this.name = name;
        this.writer = writer;
        int n = 1;
        for (Connection c : connections) {
            Thread t = new Thread(() -> serve(c), "aurachat-history-reader-" + n++);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /** Queues {@code query}; {@code answer} completes on a reader thread. Any thread; never blocks. */
    void submit(HistoryQuery query, CompletableFuture<HistoryPage> answer) {
        long mustSee = writer.accepted();
        long forgets = writer.forgetsAsked();
        lock.lock();
        try {
            if (closed) {
                answer.completeExceptionally(new HistoryUnavailableException("history " + name + " is closed"));
                return;
            }
            if (pending >= MAX_PENDING) {
                answer.completeExceptionally(new HistoryUnavailableException(
                        "history " + name + " is overloaded: " + pending + " queries waiting"));
                return;
            }
            pending++;
            tasks.add(new Task(query, mustSee, forgets, answer));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fails the queries still waiting, lets running ones finish and stops the threads, waiting for them up to
     * {@code timeoutNanos} in all (not for the calling thread itself, should it be a reader).
     */
    void close(long timeoutNanos) throws InterruptedException {
        List<Task> left = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            tasks.drainTo(left);
            pending = 0;
            threads.forEach(t -> tasks.add(STOP));
        } finally {
            lock.unlock();
        }
        for (Task t : left) {
            t.answer().completeExceptionally(new HistoryUnavailableException("history " + name + " is closed"));
        }
        long deadline = System.nanoTime() + timeoutNanos;
        for (Thread t : threads) {
            if (t != Thread.currentThread()) {
                TimeUnit.NANOSECONDS.timedJoin(t, Math.max(1, deadline - System.nanoTime()));
            }
        }
    }

    private void serve(Connection connection) {
        Queries queries = new Queries(connection);
        try {
            while (true) {
                Task task;
                try {
                    task = tasks.take();
                } catch (InterruptedException e) {
                    continue; // stopped by STOP only
                }
                if (task == STOP) {
                    return;
                }
                lock.lock();
                try {
                    pending = Math.max(0, pending - 1);
                } finally {
                    lock.unlock();
                }
                answer(queries, task);
            }
        } finally {
            queries.close();
        }
    }

    private void answer(Queries queries, Task task) {
        try {
            // Should the writer be more than that behind (a huge backlog, a stuck disk), the query answers from what
            // is committed rather than not at all: the messages it misses were delivered live anyway.
            long start = System.nanoTime();
            writer.awaitWritten(task.mustSee(), READ_YOUR_WRITES_NANOS);
            // And the targets forgotten before it: gone means gone for the next query (within the same bound).
            writer.awaitForgotten(task.forgets(), Math.max(1, READ_YOUR_WRITES_NANOS - (System.nanoTime() - start)));
            task.answer().complete(queries.run(task.query()));
        } catch (NoSuchMessageException e) {
            task.answer().completeExceptionally(e);
        } catch (SQLException | RuntimeException e) {
            queries.reset();
            task.answer().completeExceptionally(
                    new HistoryUnavailableException("history " + name + " cannot answer: " + e.getMessage(), e));
        } catch (InterruptedException e) {
            task.answer().completeExceptionally(new HistoryUnavailableException("history " + name + " is closing", e));
        }
    }

    /**
     * One reader connection's statements, prepared on first use. Used by its thread only. Index 0 of each pair reads
     * {@code messages}, 1 {@code account_messages} (an account target's).
     */
    private static final class Queries {
        /**
         * By table, then by {@link HistoryQuery.Kind#ordinal}, then {@code SINCE} with a recipient; for {@code
         * account_messages}, then the four pages of one conversation (a {@link HistoryQuery#peer}) by kind.
         */
        private static final String[][] SQL = {sql(Schema.COLUMNS, "messages", ""),
            concat(sql(Schema.ACCOUNT_COLUMNS, "account_messages", ""),
                    sql(Schema.ACCOUNT_COLUMNS, "account_messages", "AND " + Schema.PEER + " = ? "))};
        private static final int SINCE_TO_RECIPIENT = HistoryQuery.Kind.values().length;
        /** Where the pages with a peer start in {@code SQL[1]}. */
        private static final int WITH_PEER = SINCE_TO_RECIPIENT + 1;
        private static final String[] EXISTS = {"SELECT 1 FROM messages WHERE id = ? AND target = ?",
            "SELECT 1 FROM account_messages WHERE target = ? AND id = ?"};

        private static String[] concat(String[] a, String[] b) {
            String[] both = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            return both;
        }

        private static String[] sql(String columns, String table, String filter) {
            String select = "SELECT " + columns + " FROM " + table + " WHERE target = ? " + filter;
            return new String[] {
                select + "ORDER BY id DESC LIMIT ?", // LATEST
                select + "AND id < ? ORDER BY id DESC LIMIT ?", // BEFORE
                select + "AND id > ? ORDER BY id ASC LIMIT ?", // AFTER
                select + "AND id > ? AND id < ? ORDER BY id ASC LIMIT ?", // BETWEEN
                select + "AND id > ? ORDER BY id ASC LIMIT ?", // SINCE
                select + "AND id > ? AND recipient = ? ORDER BY id ASC LIMIT ?", // SINCE to one recipient
            };
        }

        private final Connection connection;
        private final PreparedStatement[][] pages = {new PreparedStatement[SQL[0].length],
            new PreparedStatement[SQL[1].length]};
        private final PreparedStatement[] exists = new PreparedStatement[2];

        Queries(Connection connection) {
            this.connection = connection;
        }

        /** The page, read in one read transaction (so the bounds checked are the bounds used). */
        HistoryPage run(HistoryQuery q) throws SQLException {
            try {
                HistoryQuery.Kind kind = q.kind();
                if (kind != HistoryQuery.Kind.LATEST && kind != HistoryQuery.Kind.SINCE) {
                    requireMessage(q.target(), q.from()); // SINCE's id need not be held
                }
                if (kind == HistoryQuery.Kind.BETWEEN) {
                    requireMessage(q.target(), q.to());
                }
                int t = StoredMessage.isAccountTarget(q.target()) ? 1 : 0;
                int k = q.recipient() != null ? SINCE_TO_RECIPIENT
                        : q.peer() != null ? WITH_PEER + kind.ordinal() : kind.ordinal();
                if (pages[t][k] == null) {
                    pages[t][k] = connection.prepareStatement(SQL[t][k]);
                }
                PreparedStatement s = pages[t][k];
                int i = 1;
                s.setString(i++, q.target());
                if (q.peer() != null) {
                    s.setString(i++, q.peer());
                }
                if (kind != HistoryQuery.Kind.LATEST) {
                    s.setLong(i++, q.from());
                }
                if (kind == HistoryQuery.Kind.BETWEEN) {
                    s.setLong(i++, q.to());
                }
                if (q.recipient() != null) {
                    s.setString(i++, q.recipient());
                }
                s.setLong(i, q.limit() + 1L); // one more than asked says whether there is more
                List<StoredMessage> rows = new ArrayList<>(Math.min(q.limit() + 1, 1024));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.add(Schema.message(rs, t == 1));
                    }
                }
                boolean more = rows.size() > q.limit();
                if (more) {
                    rows.remove(rows.size() - 1);
                }
                if (kind == HistoryQuery.Kind.LATEST || kind == HistoryQuery.Kind.BEFORE) {
                    Collections.reverse(rows); // read newest first, answered oldest first
                }
                return new HistoryPage(rows, more);
            } finally {
                connection.commit(); // ends the read transaction: a reader must not hold the WAL back
            }
        }

        private void requireMessage(String target, long id) throws SQLException {
            int t = StoredMessage.isAccountTarget(target) ? 1 : 0;
            if (exists[t] == null) {
                exists[t] = connection.prepareStatement(EXISTS[t]);
            }
            PreparedStatement e = exists[t];
            if (t == 0) {
                e.setLong(1, id);
                e.setString(2, target);
            } else {
                e.setString(1, target);
                e.setLong(2, id);
            }
            try (ResultSet rs = e.executeQuery()) {
                if (!rs.next()) {
                    throw new NoSuchMessageException(target, id);
                }
            }
        }

        /** After a failure: drops the statements, to be prepared again, and any transaction left open. */
        void reset() {
            Schema.rollbackQuietly(connection);
            for (PreparedStatement[] table : pages) {
                for (int i = 0; i < table.length; i++) {
                    Schema.closeQuietly(table[i]);
                    table[i] = null;
                }
            }
            for (int i = 0; i < exists.length; i++) {
                Schema.closeQuietly(exists[i]);
                exists[i] = null;
            }
        }

        void close() {
            reset();
            Schema.closeQuietly(connection);
        }
    }
}
