package io.aurachat.store.sqlite;

import io.aurachat.history.HistoryPage;
import io.aurachat.history.HistoryQuery;
import io.aurachat.history.HistoryStore;
import io.aurachat.history.HistoryUnavailableException;
import io.aurachat.history.MemoryHistoryStore;
import io.aurachat.history.NoSuchMessageException;
import io.aurachat.history.StoredMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link HistoryStore} in an SQLite file: history survives restarts, and the file is plain tables that the {@code
 * sqlite3} tool reads (docs/store-sqlite.md gives the schema and the command line).
 *
 * <pre>{@code
 * HistoryStore history = SqliteHistoryStore.builder(Path.of("/var/lib/aurachat/history.db"))
 *         .maxAge(Duration.ofDays(7))
 *         .build();
 * }</pre>
 *
 * <p><b>Threads.</b> {@link #open} starts one writer thread, {@code aurachat-history-writer}, and {@code readers}
 * query threads, {@code aurachat-history-reader-1} and up; all are daemons and each owns its own connection to the
 * file. {@link #append} only queues (any thread, never blocks, never throws but for {@code null}); the writer
 * commits the queue in batches of up to {@code maxBatch}, waiting at most {@code commitInterval} for a batch to fill.
 * {@link #query} answers on a reader thread, so stages chained to its answer without an executor run there: keep
 * them short. Thread-safe.
 *
 * <p><b>Bounds.</b> At most {@code queueCapacity} messages wait for the writer; beyond, appends are dropped and
 * counted ({@link #dropped()}). At most 1,024 queries wait for a reader; beyond, a query
 * fails with {@link HistoryUnavailableException}. The file keeps none older than {@code maxAge} and the newest {@code
 * maxPerTarget} messages per target: the writer deletes the rest in a pass at most once a second (by {@code clock}),
 * after a commit or while idle. A target is trimmed once it is over {@code maxPerTarget} by more than 1% of it (for
 * the default, 10,000 messages), so that a big target's index is walked once per 1% of new messages rather than at
 * every pass; below 100, the limit is exact.
 *
 * <p><b>Read your writes.</b> A query sees every message whose {@code append} returned before {@code query} was
 * called: it waits for the writer to commit them (asking it to commit at once), up to one second; should the writer be
 * further behind than that, the query answers from what is committed.
 *
 * <p><b>Durability.</b> The file is in WAL mode with {@code synchronous=NORMAL}: a commit is an append to the
 * write-ahead log, without fsync. A killed process loses only what was not committed yet (the queue and the batch in
 * hand: at most about {@code commitInterval} of traffic plus one batch, and never more than {@code queueCapacity +
 * maxBatch} messages); a power cut or an OS crash can also lose the last commits before the OS wrote them out, but
 * never corrupts the file. {@link #close()} writes everything queued: a clean stop loses nothing.
 *
 * <p><b>Private messages</b> (target {@code @}) are kept in memory, not in the file, unless {@link
 * Builder#privateMessagesInFile} says otherwise: see there why. The private messages of each account ({@linkplain
 * StoredMessage#isAccountTarget account targets}, {@code @mario}, which {@code HISTORY @} serves to its devices) are
 * in the file, in the table {@code account_messages} keyed by target and id (one message is a row under each account
 * involved), under the same {@code maxPerTarget} and {@code maxAge} as any target.
 *
 * <p><b>Schema.</b> Version 3 (in {@code meta}); a version-1 file (before {@code account_messages}) or version-2 file
 * (before {@code messages.sender_account}, the sender's account of every message) is brought to version 3 in place by
 * {@link #open}, after which an older version of this module refuses the file.
 *
 * <p><b>Lost messages.</b> {@link #lostUpTo} answers from memory: per target, the highest id retention deleted since
 * {@link #open}; and, for every target alike, the highest id of a message dropped (a full queue, after {@link
 * #close()}, a failed batch).
 *
 * <p><b>Failures.</b> If a batch cannot be written (disk full, a locked or damaged file), its messages are counted as
 * dropped, the writer goes on with the next batch (so it recovers by itself once writing works again), and it logs
 * through SLF4J (logger {@code io.aurachat.store.sqlite.SqliteHistoryStore}) at most once every 10 seconds, with the
 * counts since its last line. A query that cannot be answered completes with {@link HistoryUnavailableException}.
 *
 * <p><b>Native library.</b> sqlite-jdbc extracts its native library into {@code org.sqlite.tmpdir} (by default {@code
 * java.io.tmpdir}) and loads it from there, which fails where {@code /tmp} is mounted {@code noexec}. Unless that
 * system property is already set, {@link #open} sets it to the database's directory; that only has an effect if no
 * sqlite-jdbc connection was made earlier in this JVM. On JDK 24 and later, grant native access to avoid a warning:
 * {@code --enable-native-access=org.xerial.sqlitejdbc} on the module path, {@code ALL-UNNAMED} on the class path.
 */
public final class SqliteHistoryStore implements HistoryStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteHistoryStore.class);

    /** Default of {@link Builder#maxPrivateInMemory}: the newest 100,000 private messages. */
    public static final int DEFAULT_MAX_PRIVATE_IN_MEMORY = 100_000;
    /** The most heap the private messages kept in memory take: 32 MiB of encoded records (the oldest go first). */
    public static final long DEFAULT_PRIVATE_MEMORY_BYTES = 32L * 1024 * 1024;
    /** Default of {@link Builder#maxPerTarget}: a million messages per target. */
    public static final int DEFAULT_MAX_PER_TARGET = 1_000_000;
    /** Default of {@link Builder#maxAge}: 30 days. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
    /** Default of {@link Builder#commitInterval}: 50 ms. */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(50);
    /** Default of {@link Builder#maxBatch}: 1,000 messages per commit. */
    public static final int DEFAULT_MAX_BATCH = 1000;
    /** Default of {@link Builder#queueCapacity}: 65,536 messages waiting for the writer. */
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    /** Default of {@link Builder#readers}: 2 query threads, each with its connection. */
    public static final int DEFAULT_READERS = 2;

    /** The system property sqlite-jdbc extracts its native library under. */
    static final String TMPDIR_PROPERTY = "org.sqlite.tmpdir";
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long TEST_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private enum State { NEW, OPEN, CLOSED }

    private final Path file;
    private final String name;
    private final int maxPerTarget;
    private final Duration maxAge;
    private final long maxAgeMillis;
    private final Duration commitInterval;
    private final int maxBatch;
    private final int queueCapacity;
    private final Clock clock;
    private final int readerCount;

    /**
     * The private messages ({@link StoredMessage#PRIVATE}) when they are kept in memory rather than in the file (the
     * default: see {@link Builder#privateMessagesInFile}); {@code null} when the file has them.
     */
    private final MemoryHistoryStore privates;
    private final ReentrantLock stateLock = new ReentrantLock();
    private volatile State state = State.NEW;
    private final Writer writer;
    private Thread writerThread; // guarded by stateLock
    private volatile Readers readers;

    private SqliteHistoryStore(Builder b) {
        this.file = b.file.toAbsolutePath().normalize();
        this.name = file.toString();
        this.maxPerTarget = b.maxPerTarget;
        this.maxAge = b.maxAge;
        this.maxAgeMillis = toMillisAtLeastOne(b.maxAge);
        this.commitInterval = b.commitInterval;
        this.maxBatch = b.maxBatch;
        this.queueCapacity = b.queueCapacity;
        this.clock = b.clock;
        this.readerCount = b.readers;
        this.writer = new Writer(name, clock, queueCapacity, maxBatch, commitInterval.toNanos(), maxAgeMillis,
                maxPerTarget);
        this.privates = b.privateInFile ? null : MemoryHistoryStore.builder()
                .maxPerTarget(b.maxPrivateInMemory)
                .maxBytes(DEFAULT_PRIVATE_MEMORY_BYTES)
                .maxAge(b.maxAge)
                .maxTargets(1)
                .clock(b.clock)
                .build();
    }

    /** Whether {@code message} goes to the in-memory private messages rather than to the file. */
    private boolean inMemory(String target) {
        return privates != null && StoredMessage.PRIVATE.equals(target);
    }

    /**
     * A builder for a store in {@code file} (made at {@link #open} if missing, with its directory). Any thread.
     *
     * @throws NullPointerException if {@code file} is {@code null}
     */
    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /**
     * Opens the file, creating it, its directory and the tables if missing, and starts the writer and reader threads.
     * Blocks on the file: it counts the rows per target for retention, one pass over the index (about 70 ms per
     * million messages). Call once, from any thread.
     *
     * @return the highest message id in the file, 0 if it holds none
     * @throws HistoryUnavailableException if the directory cannot be made, the file cannot be opened or is not an
     *     SQLite database, or holds another version of the schema; the store is closed then
     * @throws IllegalStateException if called a second time, or after {@link #close()}
     */
    @Override
    public long open() {
        stateLock.lock();
        try {
            if (state != State.NEW) {
                throw new IllegalStateException("history " + name + " was opened or closed already");
            }
            state = State.CLOSED; // until it is open
            Path dir = file.getParent();
            try {
                Files.createDirectories(dir);
            } catch (IOException | RuntimeException e) {
                writer.abandon();
                throw new HistoryUnavailableException("cannot create the directory " + dir + " for history " + name
                        + ": " + e, e);
            }
            if (System.getProperty(TMPDIR_PROPERTY) == null) {
                System.setProperty(TMPDIR_PROPERTY, dir.toString());
            }
            Connection writing = null;
            List<Connection> reading = new ArrayList<>();
            try {
                writing = Schema.connect(file);
                String mode = Schema.prepareWriter(writing);
                if (!"wal".equalsIgnoreCase(mode)) {
                    LOG.warn("History {}: SQLite keeps journal mode {} instead of WAL (a file system without shared "
                            + "memory?); queries will wait for commits", name, mode);
                }
                long maxId = Schema.maxId(writing);
                Map<String, Long> counts = Schema.counts(writing);
                for (int i = 0; i < readerCount; i++) {
                    Connection c = Schema.connect(file);
                    reading.add(c);
                    Schema.prepareReader(c);
                }
                writer.start(writing, counts);
                Thread t = new Thread(writer, "aurachat-history-writer");
                t.setDaemon(true);
                t.start();
                writerThread = t;
                readers = new Readers(name, writer, reading);
                state = State.OPEN;
                LOG.debug("History {} open: highest id {}, {} targets", name, maxId, counts.size());
                return maxId;
            } catch (SQLException | RuntimeException | LinkageError e) {
                Schema.closeQuietly(writing);
                reading.forEach(Schema::closeQuietly);
                writer.abandon();
                if (e instanceof HistoryUnavailableException h) {
                    throw new HistoryUnavailableException("cannot open history " + name + ": " + h.getMessage(), h);
                }
                throw new HistoryUnavailableException("cannot open history " + name
                        + " (is it an SQLite database, readable and writable?): " + e.getMessage(), e);
            }
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * Queues {@code message} for the writer. Any thread; never blocks and never throws for a reason of its own: when
     * the queue is full, or the store is closed or failed to open, the message is counted in {@link #dropped()}
     * instead. Appends before {@link #open} wait in the queue and are written once it opens.
     *
     * @throws NullPointerException if {@code message} is {@code null}
     */
    @Override
    public void append(StoredMessage message) {
        Objects.requireNonNull(message, "message");
        if (inMemory(message.target())) {
            privates.append(message);
        } else {
            writer.offer(message);
        }
    }

    /**
     * Answers a page of {@code query.target()}'s history, oldest first, on a reader thread. Any thread; does not
     * block. The answer completes exceptionally with {@link NoSuchMessageException} if an id the query names is not
     * a message of that target in the file ({@code SINCE}'s need not be), and with {@link
     * HistoryUnavailableException} if the store is not open, is closed, has 1,024 queries waiting already, or the
     * read fails.
     *
     * @throws NullPointerException if {@code query} is {@code null}
     */
    @Override
    public CompletionStage<HistoryPage> query(HistoryQuery query) {
        Objects.requireNonNull(query, "query");
        if (inMemory(query.target())) {
            if (state == State.OPEN) {
                return privates.query(query);
            }
            return CompletableFuture.failedFuture(
                    new HistoryUnavailableException("history " + name + (state == State.NEW ? " is not open" : " is closed")));
        }
        CompletableFuture<HistoryPage> answer = new CompletableFuture<>();
        Readers r = readers;
        if (r == null) {
            answer.completeExceptionally(new HistoryUnavailableException(
                    "history " + name + (state == State.NEW ? " is not open" : " is closed")));
        } else {
            r.submit(query, answer);
        }
        return answer;
    }

    /**
     * The highest id of a message of {@code target} deleted by retention since {@link #open}, or of any target's
     * dropped since this store was built (see {@link #dropped()}, but for duplicate ids, whose first message is
     * kept); 0 if none, {@link Long#MAX_VALUE} once the writer thread has died. Any thread; does not block.
     */
    @Override
    public long lostUpTo(String target) {
        Objects.requireNonNull(target, "target");
        return inMemory(target) ? privates.lostUpTo(target) : writer.lostUpTo(target);
    }

    /**
     * Deletes every message of {@code target} from the file (or from memory, for {@code @} kept there), once the
     * messages appended before this call are written: queued behind them, never blocking. Any thread. Not counted by
     * {@link #lostUpTo}. Ignored once closed.
     *
     * @throws NullPointerException if {@code target} is {@code null}
     */
    @Override
    public void forget(String target) {
        Objects.requireNonNull(target, "target");
        if (inMemory(target)) {
            privates.forget(target);
        } else {
            writer.forget(target);
        }
    }

    /**
     * Stops accepting appends, fails the queries still waiting, lets the writer commit everything queued, closes the
     * connections and stops the threads. Blocks until then (up to 30 seconds for the writer: should it still be
     * writing a large backlog to a slow disk by then, it finishes in the background and a warning says so).
     * Idempotent; any thread, a reader thread included.
     */
    @Override
    public void close() {
        stateLock.lock();
        try {
            State was = state;
            state = State.CLOSED;
            if (privates != null) {
                privates.close();
            }
            if (was == State.NEW) {
                writer.abandon();
                return;
            }
            Readers r = readers;
            if (r == null) {
                return; // closed already, or failed to open
            }
            writer.close();
            long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
            try {
                r.close(CLOSE_WAIT_NANOS);
                Thread t = writerThread;
                if (t != Thread.currentThread()) {
                    TimeUnit.NANOSECONDS.timedJoin(t, Math.max(1, deadline - System.nanoTime()));
                    if (t.isAlive()) {
                        LOG.warn("History {}: the writer is still writing {} queued messages after {} s; it goes on "
                                + "in the background until the JVM exits", name, writer.queued(),
                                TimeUnit.NANOSECONDS.toSeconds(CLOSE_WAIT_NANOS));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the writer goes on draining in the background
            } finally {
                readers = null;
            }
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * How many appended messages were not stored since this store was built: dropped on a full queue, after {@link
     * #close()}, in a batch that failed to write, or ignored as a duplicate id. Any thread; does not block.
     */
    public long dropped() {
        return writer.dropped();
    }

    @Override
    public String toString() {
        return "SqliteHistoryStore[" + name + ", maxPerTarget=" + maxPerTarget + ", maxAge=" + maxAge
                + ", commitInterval=" + commitInterval + ", maxBatch=" + maxBatch + ", queueCapacity="
                + queueCapacity + ", readers=" + readerCount + ", clock=" + clock + "]";
    }

    // ---- Test hooks: package-private, never part of the API.

    /** Holds the writer back: until {@link #resumeWriter}, it takes nothing from the queue. */
    void pauseWriter() {
        writer.pause(true);
    }

    /** Lets the writer go on. */
    void resumeWriter() {
        writer.pause(false);
    }

    /** Writes what is queued, then runs a retention pass and waits for it. */
    void runRetention() throws InterruptedException {
        if (!writer.awaitWritten(writer.accepted(), TEST_WAIT_NANOS) || !writer.runRetention(TEST_WAIT_NANOS)) {
            throw new IllegalStateException("the writer did not run retention in time");
        }
    }

    /** Waits up to {@code timeout} until the writer is done with the first {@code count} accepted messages. */
    boolean awaitWritten(long count, Duration timeout) throws InterruptedException {
        return writer.awaitWritten(count, timeout.toNanos());
    }

    /** Messages accepted into the queue so far. */
    long accepted() {
        return writer.accepted();
    }

    /** Messages the writer is done with (committed, or dropped by a failed write). */
    long written() {
        return writer.written();
    }

    /** Messages waiting for the writer. */
    int queued() {
        return writer.queued();
    }

    private static long toMillisAtLeastOne(Duration d) {
        if (d.isZero()) {
            return 0;
        }
        try {
            return Math.max(1, d.toMillis());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Options of a {@link SqliteHistoryStore}, each with a documented default. Setters check only for {@code null};
     * {@link #build()} checks the ranges. Not thread-safe: use it from one thread.
     */
    public static final class Builder {
        private final Path file;
        private int maxPerTarget = DEFAULT_MAX_PER_TARGET;
        private Duration maxAge = DEFAULT_MAX_AGE;
        private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private Clock clock = Clock.systemUTC();
        private int readers = DEFAULT_READERS;
        private boolean privateInFile;
        private int maxPrivateInMemory = DEFAULT_MAX_PRIVATE_IN_MEMORY;

        private Builder(Path file) {
            this.file = Objects.requireNonNull(file, "file");
        }

        /**
         * How many messages are kept per target (each room, everyone, private, each account's private): the oldest
         * beyond are deleted, once
         * the target is over by more than 1% of this (see the class comment). At least 1; default {@value
         * SqliteHistoryStore#DEFAULT_MAX_PER_TARGET}.
         */
        public Builder maxPerTarget(int maxPerTarget) {
            this.maxPerTarget = maxPerTarget;
            return this;
        }

        /**
         * How long a message is kept, by its id's time and {@link #clock}; {@link Duration#ZERO} keeps messages
         * regardless of age. Not negative; default 30 days.
         */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
            return this;
        }

        /**
         * How long the writer waits at most for a batch to fill before it commits what it has: what a killed process
         * can lose is about this much traffic (plus one batch). 0 to 60 seconds; default 50 ms.
         */
        public Builder commitInterval(Duration commitInterval) {
            this.commitInterval = Objects.requireNonNull(commitInterval, "commitInterval");
            return this;
        }

        /** The most messages written in one transaction. At least 1; default {@value SqliteHistoryStore#DEFAULT_MAX_BATCH}. */
        public Builder maxBatch(int maxBatch) {
            this.maxBatch = maxBatch;
            return this;
        }

        /**
         * The most appended messages waiting for the writer; beyond, appends are dropped and counted. At least 1;
         * default {@value SqliteHistoryStore#DEFAULT_QUEUE_CAPACITY}. A queued message holds about {@link
         * StoredMessage#approximateBytes()} of heap.
         */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        /** The clock {@link #maxAge} and the retention schedule go by. Default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Whether private messages ({@code CHAT}, target {@code @}) are written to the file too. Default {@code false}:
         * they are kept in memory only (the newest {@link #maxPrivateInMemory}, at most 32 MiB, no older than {@link
         * #maxAge}), where a resume finds them, and are gone after a restart. They are not served by {@code HISTORY}
         * (a client id lasts one connection), so on disk they would only be a record of private talk that nobody can
         * read through the server: the copies kept for accounts, which {@code HISTORY @} serves, are in the file
         * whatever this says. And a row costs the writer 2.5 to 3.5 µs of CPU, more than
         * routing the message: writing every private message halved direct throughput on a 2-core machine
         * (docs/store-sqlite.md, docs/performance.md).
         */
        public Builder privateMessagesInFile(boolean inFile) {
            this.privateInFile = inFile;
            return this;
        }

        /**
         * How many private messages are kept in memory when they are not in the file. At least 1; default {@value
         * SqliteHistoryStore#DEFAULT_MAX_PRIVATE_IN_MEMORY}.
         */
        public Builder maxPrivateInMemory(int messages) {
            this.maxPrivateInMemory = messages;
            return this;
        }

        /**
         * How many queries run at once: one thread and one read connection each. 1 to 64; default {@value
         * SqliteHistoryStore#DEFAULT_READERS}.
         */
        public Builder readers(int readers) {
            this.readers = readers;
            return this;
        }

        /**
         * The store, not open yet ({@link SqliteHistoryStore#open}). Touches no file.
         *
         * @throws IllegalArgumentException if an option is out of its range, or the path has no file name or
         *     contains {@code ?} (which the SQLite JDBC URL would read as options)
         */
        public SqliteHistoryStore build() {
            if (file.getFileName() == null) {
                throw new IllegalArgumentException("the history file needs a file name: " + file);
            }
            if (file.toString().indexOf('?') >= 0) {
                throw new IllegalArgumentException("the history file's path may not contain '?': " + file);
            }
            if (maxPerTarget < 1) {
                throw new IllegalArgumentException("maxPerTarget must be at least 1: " + maxPerTarget);
            }
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
            }
            if (commitInterval.isNegative() || commitInterval.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("commitInterval must be 0 to 60 s: " + commitInterval);
            }
            if (maxBatch < 1) {
                throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
            }
            if (maxPrivateInMemory < 1) {
                throw new IllegalArgumentException("maxPrivateInMemory must be at least 1: " + maxPrivateInMemory);
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1: " + queueCapacity);
            }
            if (readers < 1 || readers > 64) {
                throw new IllegalArgumentException("readers must be 1 to 64: " + readers);
            }
            return new SqliteHistoryStore(this);
        }
    }
}
