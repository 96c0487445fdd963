package io.aurachat.store.sqlite;

import io.aurachat.history.MessageIds;
import io.aurachat.history.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue of appended messages and the one thread that writes them: it takes up to {@code maxBatch}
 * messages, waiting at most {@code commitInterval} for a batch to fill, inserts them in one transaction and commits,
 * then applies retention when a pass is due. A batch that fails is counted as dropped and the writer goes on with the
 * next one.
 *
 * <p>Retention keeps a count of rows per target, read at open and moved by every commit of this writer, so that a pass
 * only trims the targets over their limit: finding the {@code maxPerTarget}-th newest row walks that many index
 * entries, too much to do every second for every target. A target is trimmed once it holds more than {@code
 * maxPerTarget} plus 1% of it (so a big target is walked once per 1% of new messages, not once a second); the counts
 * are read again from the file after any failure, and trimming itself uses the file, not the counts.
 *
 * <p>For {@link #lostUpTo} it keeps, in memory, the highest id retention deleted per target, and one highest id,
 * whatever the target, of the messages it dropped (full queue, closed, a failed batch): drops are rare, and a bound
 * too high for some targets only makes their resume say it is incomplete.
 *
 * <p>{@link #forget} deletes a target's rows once every message accepted before it is written (so that none of them
 * lands after the deletion), in a transaction of its own after a batch; a deletion that fails is tried again after
 * the next batch or idle second. Forgetting is not losing: {@link #lostUpTo} does not count it.
 *
 * <p>{@link #offer} is called by any thread and never blocks on I/O (it holds the queue's lock for a few
 * instructions); {@link #run} is the writer thread's body and the only code that touches {@link #connection}.
 */
final class Writer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteHistoryStore.class);

    /** How often (by the store's clock) retention runs at most. */
    static final long RETENTION_EVERY_MS = 1000;
    /** How often a failing store logs at most. */
    static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How long the idle writer waits before looking at retention and reports again. */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** By table: {@code messages}, then {@code account_messages} (by its index on id). */
    private static final String[] DELETE_OLD = {"DELETE FROM messages WHERE id < ? RETURNING target, id",
        "DELETE FROM account_messages WHERE id < ? RETURNING target, id"};
    private static final String[] DELETE_BEYOND = {deleteBeyond("messages"), deleteBeyond("account_messages")};

    private static String deleteBeyond(String table) {
        return "DELETE FROM " + table + " WHERE target = ? AND id < (SELECT id FROM " + table
                + " WHERE target = ? ORDER BY id DESC LIMIT 1 OFFSET ?) RETURNING target, id";
    }

    /** A target to delete once the writer is done with the first {@code after} accepted messages. */
    private record Forget(String target, long after) {}

    private final String name;
    private Connection connection; // set by start, before the thread starts
    private final Clock clock;
    private final int capacity;
    private final int maxBatch;
    private final long commitIntervalNanos;
    private final long maxAgeMillis;
    private final int maxPerTarget;
    /** Trim a target once it holds more than this. */
    private final long trimAbove;

    private final ReentrantLock lock = new ReentrantLock();
    /** The writer waits on it: a message, a full batch, a flush, a retention request, close, resume. */
    private final Condition wake = lock.newCondition();
    /** Others wait on it for {@link #written} or {@link #retentionServed} to move. */
    private final Condition progress = lock.newCondition();
    private final ArrayDeque<StoredMessage> queue = new ArrayDeque<>();

    // Guarded by lock; the volatile ones are also read without it.
    private volatile long accepted;
    /** Messages taken from the queue and finished with: committed or counted as dropped. */
    private volatile long written;
    private boolean closing;
    private boolean flush;
    private boolean paused;
    private long retentionRequests;
    private long retentionServed;
    /** Targets to delete, in the order asked; see {@link #forget}. */
    private final List<Forget> forgets = new ArrayList<>();
    /** Whether the writer should wake for {@link #forgets}: not while one that failed waits for its retry. */
    private boolean forgetAsked;
    /** How many forgets were asked, and how many are done (they are done in the order asked). */
    private long forgetsAsked;
    private volatile long forgetsDone;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedFull = new AtomicLong();
    /** The highest id retention deleted, per target; set by the writer thread, read by any. */
    private final Map<String, Long> deletedUpTo = new ConcurrentHashMap<>();
    /** The highest id of a message appended and dropped, whatever its target. */
    private final AtomicLong droppedUpTo = new AtomicLong();

    // Writer thread only.
    private PreparedStatement insert;
    private PreparedStatement insertAccount;
    /** By table, as {@link #DELETE_OLD}. */
    private final PreparedStatement[] deleteOld = new PreparedStatement[2];
    private final PreparedStatement[] deleteBeyond = new PreparedStatement[2];
    /** Rows per target in the file, as far as this writer knows. */
    private final Map<String, Long> counts = new HashMap<>();
    /** The targets with more than {@link #trimAbove} rows. */
    private final Set<String> over = new HashSet<>();
    /** Whether {@link #counts} may be wrong (after a failure): read them again at the next pass. */
    private boolean recount;
    private long lastPassMs;
    private long lastReportNanos;
    private long reportedFull;
    private int failedWrites;
    private long failedMessages;
    private long duplicates;
    private int failedPasses;
    private int failedForgets;
    private Exception lastError;

    Writer(String name, Clock clock, int capacity, int maxBatch, long commitIntervalNanos, long maxAgeMillis,
            int maxPerTarget) {
        this.name = name;
        this.clock = clock;
        this.capacity = capacity;
        this.maxBatch = maxBatch;
        this.commitIntervalNanos = commitIntervalNanos;
        this.maxAgeMillis = maxAgeMillis;
        this.maxPerTarget = maxPerTarget;
        this.trimAbove = maxPerTarget + maxPerTarget / 100L;
    }

    /**
     * Hands the writer its connection (prepared by {@link Schema#prepareWriter}) and the file's rows per target
     * ({@link Schema#counts}), before the thread that runs {@link #run} is started.
     */
    void start(Connection connection, Map<String, Long> rowsPerTarget) {
        this.connection = connection;
        setCounts(rowsPerTarget); // a lowered maxPerTarget applies at the first pass
        this.lastPassMs = clock.millis();
        this.lastReportNanos = System.nanoTime() - REPORT_EVERY_NANOS;
    }

    /** For a store that never opened: stops accepting and counts what was queued as dropped. */
    void abandon() {
        lock.lock();
        try {
            closing = true;
            dropped.addAndGet(queue.size());
            queue.forEach(m -> lose(m.id()));
            queue.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Queues {@code m}, or counts it as dropped if the queue is full or closing. Any thread; never blocks. */
    void offer(StoredMessage m) {
        lock.lock();
        try {
            if (closing) {
                dropped.incrementAndGet();
                lose(m.id());
                return;
            }
            int size = queue.size();
            if (size >= capacity) {
                dropped.incrementAndGet();
                droppedFull.incrementAndGet();
                lose(m.id());
                return;
            }
            queue.addLast(m);
            accepted++;
            // Wake the writer only when it can act: it waits for a first message, then for a full batch.
            if (size == 0 || size + 1 == maxBatch) {
                wake.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes every row of {@code target} once the messages accepted before this call are written. Any thread; never
     * blocks. Ignored once closing (a store that writes nothing more deletes nothing more either).
     */
    void forget(String target) {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            forgets.add(new Forget(target, accepted));
            forgetsAsked++;
            forgetAsked = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** How many forgets were asked so far: a query waits for them ({@link #awaitForgotten}). */
    long forgetsAsked() {
        lock.lock();
        try {
            return forgetsAsked;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code timeoutNanos} until the first {@code count} forgets asked are done, so that a query after
     * {@link #forget} does not see the rows. Forgets are rare: this returns at once nearly always.
     */
    boolean awaitForgotten(long count, long timeoutNanos) throws InterruptedException {
        if (forgetsDone >= count) {
            return true;
        }
        lock.lock();
        try {
            return awaitProgress(() -> forgetsDone >= count, timeoutNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: takes the forgets due once {@code done} messages are written. */
    private List<Forget> dueForgets(long done) {
        List<Forget> due = new ArrayList<>();
        forgets.removeIf(f -> f.after() <= done && due.add(f));
        forgetAsked = false;
        return due;
    }

    /** Messages queued so far; the n-th accepted message is the n-th written. */
    long accepted() {
        return accepted;
    }

    /** Messages written or dropped by the writer so far. */
    long written() {
        return written;
    }

    /** Every message not stored: full queue, failed batches, duplicate ids, appends after close. */
    long dropped() {
        return dropped.get();
    }

    /**
     * The highest id of {@code target} this writer let go of: deleted by retention, or any target's dropped (see the
     * class comment); 0 if none. Any thread; does not block.
     */
    long lostUpTo(String target) {
        return Math.max(droppedUpTo.get(), deletedUpTo.getOrDefault(target, 0L));
    }

    private void lose(long id) {
        droppedUpTo.accumulateAndGet(id, Math::max);
    }

    /** Messages waiting in the queue. */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the writer is done with the first {@code count} accepted messages, asking it to commit at once
     * rather than wait for its batch to fill. Blocks the caller up to {@code timeoutNanos}.
     *
     * @return whether it got there in time
     */
    boolean awaitWritten(long count, long timeoutNanos) throws InterruptedException {
        if (written >= count) {
            return true;
        }
        lock.lock();
        try {
            flush = true;
            wake.signal();
            return awaitProgress(() -> written >= count, timeoutNanos);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Has the writer run a retention pass that starts after this call, and waits for it (up to {@code timeoutNanos}).
     *
     * @return whether the pass ran in time
     */
    boolean runRetention(long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long ticket = ++retentionRequests;
            wake.signal();
            return awaitProgress(() -> retentionServed >= ticket, timeoutNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Waits on {@link #progress} until {@code done} holds or {@code timeoutNanos} pass; must hold the lock. */
    private boolean awaitProgress(java.util.function.BooleanSupplier done, long timeoutNanos)
            throws InterruptedException {
        long nanos = timeoutNanos;
        while (!done.getAsBoolean()) {
            if (nanos <= 0) {
                return false;
            }
            nanos = progress.awaitNanos(nanos);
        }
        return true;
    }

    /** Holds the writer back (or lets it go): while held it takes nothing from the queue. For tests. */
    void pause(boolean pause) {
        lock.lock();
        try {
            paused = pause;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting; the writer writes everything queued, then ends. Any thread; does not wait. */
    void close() {
        lock.lock();
        try {
            closing = true;
            paused = false;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        List<StoredMessage> batch = new ArrayList<>(Math.min(maxBatch, 4096));
        try {
            boolean last;
            do {
                long ticket;
                List<Forget> due;
                lock.lock();
                try {
                    last = take(batch);
                    ticket = retentionRequests;
                    due = dueForgets(written + batch.size());
                } finally {
                    lock.unlock();
                }
                if (!batch.isEmpty()) {
                    write(batch);
                }
                if (!due.isEmpty()) {
                    forget(due);
                }
                boolean requested = ticket > retentionServed; // read unguarded: only this thread writes it
                if (requested || retentionDue()) {
                    retain();
                }
                lock.lock();
                try {
                    written += batch.size();
                    retentionServed = ticket;
                    progress.signalAll();
                } finally {
                    lock.unlock();
                }
                batch.clear();
                report(false);
            } while (!last);
        } catch (RuntimeException | Error e) {
            // Not an SQL failure (those are counted and survived) but a bug or the JVM failing (out of memory): stop
            // accepting, so that appends are counted as dropped and queries stop waiting for a writer that is gone.
            LOG.error("History {}: the writer thread died; appends are dropped from now on", name, e);
            lock.lock();
            try {
                closing = true;
                dropped.addAndGet(queue.size() + batch.size());
                droppedUpTo.set(Long.MAX_VALUE); // a store that writes nothing any more can vouch for nothing
                queue.clear();
                written = accepted;
                progress.signalAll();
            } finally {
                lock.unlock();
            }
            throw e;
        } finally {
            report(true);
            Schema.closeQuietly(insert);
            Schema.closeQuietly(insertAccount);
            closeDeletes();
            Schema.closeQuietly(connection);
        }
    }

    /**
     * Under the lock: waits for work and moves the next batch into {@code batch}.
     *
     * @return whether this is the last round (closing and nothing left)
     */
    private boolean take(List<StoredMessage> batch) {
        long idle = IDLE_NANOS;
        while ((queue.isEmpty() || paused) && !closing && retentionRequests == retentionServed && idle > 0
                && !(forgetAsked && !paused && forgets.get(0).after() <= written)) {
            idle = awaitUninterruptibly(idle);
        }
        if (!paused && !queue.isEmpty()) {
            long left = commitIntervalNanos;
            while (queue.size() < maxBatch && !flush && !closing && !paused && left > 0
                    && retentionRequests == retentionServed) {
                left = awaitUninterruptibly(left);
            }
            if (!paused) {
                for (int i = 0; i < maxBatch && !queue.isEmpty(); i++) {
                    batch.add(queue.pollFirst());
                }
            }
            if (queue.isEmpty()) {
                flush = false;
            }
        }
        return closing && queue.isEmpty();
    }

    private long awaitUninterruptibly(long nanos) {
        try {
            return wake.awaitNanos(nanos);
        } catch (InterruptedException e) {
            // Nobody interrupts this thread on purpose: the store stops it with close(). Keep going.
            return 0;
        }
    }

    private void write(List<StoredMessage> batch) {
        try {
            // Two tables, two statements: each batch of rows goes in one native loop (a third of the time of one
            // executeUpdate per row), in one transaction.
            List<StoredMessage> plain = new ArrayList<>(batch.size());
            List<StoredMessage> accounts = new ArrayList<>();
            for (StoredMessage m : batch) {
                (StoredMessage.isAccountTarget(m.target()) ? accounts : plain).add(m);
            }
            int[] plainRows = new int[0];
            int[] accountRows = new int[0];
            if (!plain.isEmpty()) {
                if (insert == null) {
                    insert = connection.prepareStatement(Schema.INSERT);
                }
                for (StoredMessage m : plain) {
                    bindCommon(insert, m);
                    insert.addBatch();
                }
                plainRows = insert.executeBatch();
            }
            if (!accounts.isEmpty()) {
                if (insertAccount == null) {
                    insertAccount = connection.prepareStatement(Schema.INSERT_ACCOUNT);
                }
                for (StoredMessage m : accounts) {
                    bindCommon(insertAccount, m);
                    setOptional(insertAccount, 10, m.toName());
                    setOptional(insertAccount, 11, m.toAccount());
                    insertAccount.addBatch();
                }
                accountRows = insertAccount.executeBatch();
            }
            connection.commit();
            int ignored = counted(plain, plainRows) + counted(accounts, accountRows);
            if (ignored > 0) {
                // The server's generator never repeats an id, so something else wrote it: keep the first.
                duplicates += ignored;
                dropped.addAndGet(ignored);
            }
        } catch (SQLException | RuntimeException e) {
            Schema.rollbackQuietly(connection);
            // Prepared again on the next batch, in case what failed was the statement (a schema change).
            Schema.closeQuietly(insert);
            Schema.closeQuietly(insertAccount);
            insert = null;
            insertAccount = null;
            dropped.addAndGet(batch.size());
            long highest = 0;
            for (StoredMessage m : batch) {
                highest = Math.max(highest, m.id());
            }
            lose(highest);
            recount = true;
            failedWrites++;
            failedMessages += batch.size();
            lastError = e;
        }
    }

    /** Binds the columns both tables have, 1 to 9, in {@link Schema#INSERT}'s order. */
    private static void bindCommon(PreparedStatement s, StoredMessage m) throws SQLException {
        s.setLong(1, m.id());
        s.setString(2, m.target());
        s.setLong(3, MessageIds.epochMillis(m.id()));
        s.setString(4, m.from());
        s.setString(5, m.fromName());
        s.setString(6, m.fromIp());
        setOptional(s, 7, m.to());
        s.setString(8, m.text());
        setOptional(s, 9, m.fromAccount());
    }

    private static void setOptional(PreparedStatement s, int i, String value) throws SQLException {
        if (value == null) {
            s.setNull(i, Types.VARCHAR);
        } else {
            s.setString(i, value);
        }
    }

    /** Moves the counts by the rows inserted; returns how many were ignored (an id the target held already). */
    private int counted(List<StoredMessage> messages, int[] rows) {
        int ignored = 0;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == 0) {
                ignored++; // INSERT OR IGNORE
            } else {
                String target = messages.get(i).target();
                if (counts.merge(target, 1L, Long::sum) > trimAbove) {
                    over.add(target);
                }
            }
        }
        return ignored;
    }

    /** Deletes the targets of {@code due}, in one transaction; on failure they wait for the next round. */
    private void forget(List<Forget> due) {
        try {
            for (Forget f : due) {
                // Rare (an owner removing an account): prepared each time.
                try (PreparedStatement s = connection.prepareStatement(
                        "DELETE FROM " + Schema.table(f.target()) + " WHERE target = ?")) {
                    s.setString(1, f.target());
                    s.executeUpdate();
                }
            }
            connection.commit();
            for (Forget f : due) {
                counts.remove(f.target());
                over.remove(f.target());
            }
            lock.lock();
            try {
                forgetsDone += due.size();
                progress.signalAll();
            } finally {
                lock.unlock();
            }
        } catch (SQLException | RuntimeException e) {
            Schema.rollbackQuietly(connection);
            lock.lock();
            try {
                forgets.addAll(0, due); // due already, so tried after the next batch or idle second
            } finally {
                lock.unlock();
            }
            failedForgets++;
            lastError = e;
        }
    }

    private void closeDeletes() {
        for (int i = 0; i < 2; i++) {
            Schema.closeQuietly(deleteOld[i]);
            Schema.closeQuietly(deleteBeyond[i]);
            deleteOld[i] = null;
            deleteBeyond[i] = null;
        }
    }

    private boolean retentionDue() {
        if (maxAgeMillis == 0 && over.isEmpty() && !recount) {
            return false;
        }
        long now = clock.millis();
        return now - lastPassMs >= RETENTION_EVERY_MS || now < lastPassMs; // a clock set back must not stop it
    }

    /**
     * One retention pass in one transaction: rows older than maxAge, then rows beyond maxPerTarget in the targets over
     * their limit. The counts move only once the pass is committed.
     */
    private void retain() {
        long now = clock.millis();
        lastPassMs = now;
        try {
            if (recount) {
                setCounts(Schema.counts(connection));
                recount = false;
            }
            Map<String, Long> deleted = new HashMap<>();
            Map<String, Long> highest = new HashMap<>();
            long cutoff = now - maxAgeMillis;
            if (maxAgeMillis > 0 && cutoff > MessageIds.EPOCH.toEpochMilli()) {
                // time_ms < cutoff is exactly id < first(cutoff): an id's milliseconds are its top bits. The id is the
                // primary key of messages and indexed in account_messages, so these are range deletes, not scans.
                for (int t = 0; t < 2; t++) {
                    if (deleteOld[t] == null) {
                        deleteOld[t] = connection.prepareStatement(DELETE_OLD[t]);
                    }
                    deleteOld[t].setLong(1, MessageIds.first(cutoff, 0));
                    delete(deleteOld[t], deleted, highest);
                }
            }
            for (String target : over) {
                int t = StoredMessage.isAccountTarget(target) ? 1 : 0;
                if (deleteBeyond[t] == null) {
                    deleteBeyond[t] = connection.prepareStatement(DELETE_BEYOND[t]);
                }
                PreparedStatement beyond = deleteBeyond[t];
                beyond.setString(1, target);
                beyond.setString(2, target);
                beyond.setLong(3, maxPerTarget - 1L); // the maxPerTarget-th newest is the oldest kept
                delete(beyond, deleted, highest);
            }
            // Before the commit, so that no query sees a row gone that lostUpTo does not count yet; should the commit
            // fail, the bound is higher than the truth, which it may be.
            highest.forEach((target, id) -> deletedUpTo.merge(target, id, Math::max));
            connection.commit();
            deleted.forEach((target, n) -> counts.computeIfPresent(target, (t, c) -> c - n > 0 ? c - n : null));
            for (String target : over) {
                if (counts.getOrDefault(target, 0L) > maxPerTarget) {
                    recount = true; // the file held fewer than counted: something else changed it
                }
            }
            over.clear();
        } catch (SQLException | RuntimeException e) {
            Schema.rollbackQuietly(connection);
            closeDeletes();
            recount = true; // and the next pass tries again
            failedPasses++;
            lastError = e;
        }
    }

    /** Runs a {@code DELETE ... RETURNING target, id}: adds up the rows and keeps the highest id, per target. */
    private static void delete(PreparedStatement statement, Map<String, Long> deleted, Map<String, Long> highest)
            throws SQLException {
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String target = rs.getString(1);
                deleted.merge(target, 1L, Long::sum);
                highest.merge(target, rs.getLong(2), Math::max);
            }
        }
    }

    private void setCounts(Map<String, Long> rowsPerTarget) {
        counts.clear();
        counts.putAll(rowsPerTarget);
        over.clear();
        counts.forEach((target, n) -> {
            if (n > trimAbove) {
                over.add(target);
            }
        });
    }

    /** Logs what went wrong since the last line, at most once per {@link #REPORT_EVERY_NANOS} unless {@code last}. */
    private void report(boolean last) {
        long full = droppedFull.get() - reportedFull;
        if (failedWrites == 0 && full == 0 && duplicates == 0 && failedPasses == 0 && failedForgets == 0) {
            return;
        }
        long now = System.nanoTime();
        if (!last && now - lastReportNanos < REPORT_EVERY_NANOS) {
            return;
        }
        lastReportNanos = now;
        StringJoiner what = new StringJoiner("; ");
        if (failedWrites > 0) {
            what.add(failedWrites + " failed writes dropped " + failedMessages + " messages");
        }
        if (full > 0) {
            what.add(full + " messages dropped on a full queue (capacity " + capacity + ")");
        }
        if (duplicates > 0) {
            what.add(duplicates + " messages ignored as duplicate ids");
        }
        if (failedPasses > 0) {
            what.add(failedPasses + " retention passes failed");
        }
        if (failedForgets > 0) {
            what.add(failedForgets + " deletions of a target failed (tried again)");
        }
        if (lastError != null) {
            what.add("last error: " + lastError);
        }
        LOG.warn("History {}, since the last report: {}", name, what);
        reportedFull += full;
        failedWrites = 0;
        failedMessages = 0;
        duplicates = 0;
        failedPasses = 0;
        failedForgets = 0;
        lastError = null;
    }
}
