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

    private static final String DELETE_OLD = "DELETE FROM messages WHERE id < ? RETURNING target, id";
    private static final String DELETE_BEYOND = "DELETE FROM messages WHERE target = ? AND id < "
            + "(SELECT id FROM messages WHERE target = ? ORDER BY id DESC LIMIT 1 OFFSET ?) RETURNING target, id";

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

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedFull = new AtomicLong();
    /** The highest id retention deleted, per target; set by the writer thread, read by any. */
    private final Map<String, Long> deletedUpTo = new ConcurrentHashMap<>();
    /** The highest id of a message appended and dropped, whatever its target. */
    private final AtomicLong droppedUpTo = new AtomicLong();

    // Writer thread only.
    private PreparedStatement insert;
    private PreparedStatement deleteOld;
    private PreparedStatement deleteBeyond;
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
                lock.lock();
                try {
                    last = take(batch);
                    ticket = retentionRequests;
                } finally {
                    lock.unlock();
                }
                if (!batch.isEmpty()) {
                    write(batch);
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
            Schema.closeQuietly(deleteOld);
            Schema.closeQuietly(deleteBeyond);
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
        while ((queue.isEmpty() || paused) && !closing && retentionRequests == retentionServed && idle > 0) {
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
            if (insert == null) {
                insert = connection.prepareStatement(Schema.INSERT);
            }
            for (StoredMessage m : batch) {
                insert.setLong(1, m.id());
                insert.setString(2, m.target());
                insert.setLong(3, MessageIds.epochMillis(m.id()));
                insert.setString(4, m.from());
                insert.setString(5, m.fromName());
                insert.setString(6, m.fromIp());
                if (m.to() == null) {
                    insert.setNull(7, Types.VARCHAR);
                } else {
                    insert.setString(7, m.to());
                }
                insert.setString(8, m.text());
                insert.addBatch();
            }
            int[] rows = insert.executeBatch(); // one native loop: a third of the time of one executeUpdate per row
            connection.commit();
            int ignored = 0;
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] == 0) {
                    ignored++; // an id already in the file (INSERT OR IGNORE)
                } else {
                    String target = batch.get(i).target();
                    if (counts.merge(target, 1L, Long::sum) > trimAbove) {
                        over.add(target);
                    }
                }
            }
            if (ignored > 0) {
                // The server's generator never repeats an id, so something else wrote it: keep the first.
                duplicates += ignored;
                dropped.addAndGet(ignored);
            }
        } catch (SQLException | RuntimeException e) {
            Schema.rollbackQuietly(connection);
            // Prepared again on the next batch, in case what failed was the statement (a schema change).
            Schema.closeQuietly(insert);
            insert = null;
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
                // primary key, so this is a range delete, not a scan of the table.
                if (deleteOld == null) {
                    deleteOld = connection.prepareStatement(DELETE_OLD);
                }
                deleteOld.setLong(1, MessageIds.first(cutoff, 0));
                delete(deleteOld, deleted, highest);
            }
            for (String target : over) {
                if (deleteBeyond == null) {
                    deleteBeyond = connection.prepareStatement(DELETE_BEYOND);
                }
                deleteBeyond.setString(1, target);
                deleteBeyond.setString(2, target);
                deleteBeyond.setLong(3, maxPerTarget - 1L); // the maxPerTarget-th newest is the oldest kept
                delete(deleteBeyond, deleted, highest);
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
            Schema.closeQuietly(deleteOld);
            Schema.closeQuietly(deleteBeyond);
            deleteOld = null;
            deleteBeyond = null;
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
        if (failedWrites == 0 && full == 0 && duplicates == 0 && failedPasses == 0) {
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
        if (lastError != null) {
            what.add("last error: " + lastError);
        }
        LOG.warn("History {}, since the last report: {}", name, what);
        reportedFull += full;
        failedWrites = 0;
        failedMessages = 0;
        duplicates = 0;
        failedPasses = 0;
        lastError = null;
    }
}
