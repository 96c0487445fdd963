package io.aurachat.history;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Comparator;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default {@link HistoryStore}: the latest messages of each target in memory, lost when the server stops. Bounded
 * three ways, each with a default: {@link Builder#maxPerTarget} messages per target (10,000), {@link Builder#maxBytes}
 * in all (64 MiB of the messages' encoding: the oldest messages of all targets go first), and {@link Builder#maxAge}
 * (30 days). {@link Builder#maxTargets} (1,100) bounds how many targets it keeps at once: a new target beyond it
 * replaces the one whose latest message is oldest. {@linkplain StoredMessage#isAccountTarget Account targets} (the
 * private messages of each account) are bounded apart, by {@link Builder#maxAccountTargets} (1,000), and replace only
 * one another: a thousand accounts talking never push a room's history out, nor rooms an account's.
 *
 * <p>One message may be kept under several targets (the {@code @} copy of a private message and the account targets of
 * its sender and recipient), each copy counted in the bounds of its target and in the bytes.
 *
 * <p>Messages are kept encoded, in one byte array per target ({@code ByteRing}), not as objects: a store that keeps
 * objects at a few hundred thousand messages a second makes the collector copy each of them before it dies
 * (docs/performance.md). The arrays grow with what they keep and shrink when mostly empty: the heap they take is
 * about one to four times {@link #bytes()}, plus 4 KiB and 3 KiB of slots per target.
 *
 * <p>{@link #lostUpTo} is exact as long as no whole target has gone; once one has (replaced by a new target, or
 * emptied by the byte bound or the age), it answers at least that target's newest id for every target: a bound, higher
 * than the truth for the others.
 *
 * <p>{@link #append} takes one short lock (no I/O, no waiting on anything but another append or query of the store);
 * {@link #query} answers at once, on the caller's thread. Thread-safe.
 */
public final class MemoryHistoryStore implements HistoryStore {
    /** The default of {@link Builder#maxPerTarget}. */
    public static final int DEFAULT_MAX_PER_TARGET = 10_000;
    /** The default of {@link Builder#maxBytes}: 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    /** The default of {@link Builder#maxAge}. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
    /** The default of {@link Builder#maxTargets}: the everyone target, private messages and 1,000 rooms, and spare. */
    public static final int DEFAULT_MAX_TARGETS = 1_100;
    /**
     * The default of {@link Builder#maxAccountTargets}: 1,000 accounts' private messages. An empty target's arrays take
     * about 5 KiB, so this bound alone holds at most about 5 MiB besides the messages (which {@link Builder#maxBytes}
     * counts).
     */
    public static final int DEFAULT_MAX_ACCOUNT_TARGETS = 1_000;

    /** The index's order: by key, then by when the ring was made (two rings may share a key). */
    private static final Comparator<ByteRing> BY_KEY = Comparator.<ByteRing>comparingLong(r -> r.indexKey)
            .thenComparingLong(r -> r.serial);

    private final int maxPerTarget;
    private final long maxBytes;
    private final long maxAgeMillis;
    private final int maxTargets;
    private final int maxAccountTargets;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}, as is everything below. Every ring in it keeps at least one message. */
    private final Map<String, ByteRing> targets = new HashMap<>();
    /**
     * The same rings, oldest first, each under a key at or below the id of its oldest message ({@code
     * ByteRing.indexKey}), then by {@code ByteRing.serial}: one id may be the oldest of several targets (a private
     * message is kept under its sender's and its recipient's account targets), so the key alone does not tell rings
     * apart. Where the byte and age bounds take from. An append that makes a ring drop its own oldest (its count bound)
     * leaves the key as it is, so that appending does no tree work; {@link #evict} moves a ring whose key has gone
     * stale when it comes first. A ring's key changes only while it is out of the set.
     */
    private final TreeSet<ByteRing> byOldest = new TreeSet<>(BY_KEY);
    private long serials;
    /** How many of {@link #targets} are account targets. */
    private int accountTargets;
    private long bytes;
    private int count;
    private boolean closed;
    /** The highest id of the rings no longer in {@link #targets}: what {@link #lostUpTo} adds to a ring's own. */
    private long lostWithTargets;

    private MemoryHistoryStore(Builder b) {
        this.maxPerTarget = b.maxPerTarget;
        this.maxBytes = b.maxBytes;
        this.maxAgeMillis = b.maxAge.toMillis();
        this.maxTargets = b.maxTargets;
        this.maxAccountTargets = b.maxAccountTargets;
        this.clock = b.clock;
    }

    /** A store with every default. */
    public static MemoryHistoryStore create() {
        return builder().build();
    }

    /** Starts configuring a store. */
    public static Builder builder() {
        return new Builder();
    }

    /** Nothing to open: returns 0 (the server's ids start from its clock). */
    @Override
    public long open() {
        return 0;
    }

    @Override
    public void append(StoredMessage message) {
        Objects.requireNonNull(message, "message");
        lock.lock();
        try {
            if (closed) {
                return;
            }
            ByteRing ring = targets.get(message.target());
            if (ring == null) {
                boolean account = StoredMessage.isAccountTarget(message.target());
                if (account ? accountTargets >= maxAccountTargets : targets.size() - accountTargets >= maxTargets) {
                    dropStalestTarget(account);
                }
                ring = new ByteRing(message.target(), maxPerTarget, maxBytes);
                ring.serial = serials++;
                put(ring);
            }
            long bytesBefore = ring.bytes();
            int countBefore = ring.size();
            ring.append(message);
            bytes += ring.bytes() - bytesBefore;
            count += ring.size() - countBefore;
            if (countBefore == 0) {
                index(ring); // new: into the index, or gone if its first message was refused
            }
            evict(clock.millis());
        } finally {
            lock.unlock();
        }
    }

    private void put(ByteRing ring) {
        targets.put(ring.target, ring);
        if (StoredMessage.isAccountTarget(ring.target)) {
            accountTargets++;
        }
    }

    /** Takes {@code ring} out of {@link #targets}, if it is there. */
    private void unmap(ByteRing ring) {
        if (targets.remove(ring.target, ring) && StoredMessage.isAccountTarget(ring.target)) {
            accountTargets--;
        }
    }

    /** Puts {@code ring} into the index under its oldest id, or, empty, forgets it (its losses remembered). */
    private void index(ByteRing ring) {
        if (ring.size() > 0) {
            ring.indexKey = ring.oldestId();
            byOldest.add(ring);
        } else {
            unmap(ring);
            lostWithTargets = Math.max(lostWithTargets, ring.lost);
        }
    }

    /** Drops the oldest messages of all targets while over the byte bound or past the age. */
    private void evict(long nowMillis) {
        while (!byOldest.isEmpty()) {
            // The first key is at or below every ring's oldest id: if it is not too old, no message is.
            long key = byOldest.first().indexKey;
            boolean tooOld = maxAgeMillis > 0 && nowMillis - MessageIds.epochMillis(key) > maxAgeMillis;
            if (bytes <= maxBytes && !tooOld) {
                break;
            }
            ByteRing ring = byOldest.pollFirst();
            if (ring.oldestId() == key) {
                long before = ring.bytes();
                ring.evictOldest();
                bytes -= before - ring.bytes();
                count--;
            }
            index(ring); // under its oldest now: after an eviction, or a key gone stale
        }
    }

    /** Drops the account target (or other target) whose newest message is oldest. */
    private void dropStalestTarget(boolean account) {
        ByteRing stalest = null;
        for (ByteRing r : targets.values()) {
            if (StoredMessage.isAccountTarget(r.target) == account
                    && (stalest == null || r.newestId() < stalest.newestId())) {
                stalest = r;
            }
        }
        if (stalest != null) {
            remove(stalest);
            lostWithTargets = Math.max(lostWithTargets, Math.max(stalest.lost, stalest.newestId()));
        }
    }

    private void remove(ByteRing ring) {
        byOldest.remove(ring);
        unmap(ring);
        bytes -= ring.bytes();
        count -= ring.size();
    }

    /**
     * Deletes every message of {@code target} at once. Not counted in {@link #lostUpTo}: a target is forgotten on
     * purpose (an account removed), and no resume reads it afterwards. Takes the store's lock, as an append does.
     */
    @Override
    public void forget(String target) {
        Objects.requireNonNull(target, "target");
        lock.lock();
        try {
            ByteRing ring = targets.get(target);
            if (ring != null) {
                remove(ring);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * How many records a filtered page (one conversation, or a resume's messages to one recipient) looks at per hold of
     * the lock: a page that must look at a whole target of 10,000 (about 0.4 ms on the machine of
     * docs/performance.md), or at the 100,000 of the {@code @} target, lets appends in every few microseconds.
     */
    static final int SCAN_RUN = 256;

    @Override
    public CompletionStage<HistoryPage> query(HistoryQuery query) {
        Objects.requireNonNull(query, "query");
        if (ByteRing.scannedInRuns(query)) {
            return scanned(query);
        }
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new HistoryUnavailableException("the history store is closed"));
            }
            evict(clock.millis());
            ByteRing ring = targets.get(query.target());
            if (ring == null) {
                HistoryQuery.Kind kind = query.kind();
                if (kind != HistoryQuery.Kind.LATEST && kind != HistoryQuery.Kind.SINCE) {
                    return CompletableFuture.failedFuture(new NoSuchMessageException(query.target(), query.from()));
                }
                return CompletableFuture.completedFuture(new HistoryPage(List.of(), false));
            }
            return CompletableFuture.completedFuture(ring.query(query));
        } catch (NoSuchMessageException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A filtered page: one conversation ({@link HistoryQuery#peer}), which may have to look at every message of the
     * account's target, or a resume's {@code SINCE} for one recipient, which may have to look at every message of the
     * {@code @} target after its id. So it does in runs of {@link #SCAN_RUN} records, each under the lock, and the
     * appends of the I/O threads wait for one run at most. Messages appended after the first run are not in the page
     * (a resume holds the live ones from before it asks). If the target is dropped or forgotten between two runs, the
     * page ends there.
     */
    private CompletionStage<HistoryPage> scanned(HistoryQuery query) {
        ByteRing ring;
        ByteRing.Scan c;
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new HistoryUnavailableException("the history store is closed"));
            }
            evict(clock.millis());
            ring = targets.get(query.target());
            if (ring == null) {
                HistoryQuery.Kind kind = query.kind();
                if (kind != HistoryQuery.Kind.LATEST && kind != HistoryQuery.Kind.SINCE) {
                    return CompletableFuture.failedFuture(new NoSuchMessageException(query.target(), query.from()));
                }
                return CompletableFuture.completedFuture(new HistoryPage(List.of(), false));
            }
            c = ring.scan(query);
            if (ring.scan(c, SCAN_RUN)) {
                return CompletableFuture.completedFuture(c.result());
            }
        } catch (NoSuchMessageException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            lock.unlock();
        }
        while (true) {
            lock.lock();
            try {
                if (closed || targets.get(query.target()) != ring || ring.scan(c, SCAN_RUN)) {
                    return CompletableFuture.completedFuture(c.result());
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The highest id of {@code target} dropped since the store was built (see the class comment); {@link
     * Long#MAX_VALUE} once closed, which let go of everything. Takes the store's lock, as an append does.
     */
    @Override
    public long lostUpTo(String target) {
        Objects.requireNonNull(target, "target");
        lock.lock();
        try {
            if (closed) {
                return Long.MAX_VALUE;
            }
            // Age as a query would: messages past the age are as good as gone, and a query just after must not drop
            // more than this answer counts.
            evict(clock.millis());
            ByteRing ring = targets.get(target);
            return Math.max(lostWithTargets, ring == null ? 0 : ring.lost);
        } finally {
            lock.unlock();
        }
    }

    /** How many messages it keeps now, in all targets. */
    public int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** How many bytes the kept messages take, encoded (UTF-8 fields and their lengths); the byte bound counts these. */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            targets.clear();
            accountTargets = 0;
            byOldest.clear();
            bytes = 0;
            count = 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MemoryHistoryStore[" + maxPerTarget + " a target, " + maxBytes + " bytes]";
    }

    /** Configures a {@link MemoryHistoryStore}; every option has the default its constant gives. */
    public static final class Builder {
        private int maxPerTarget = DEFAULT_MAX_PER_TARGET;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private Duration maxAge = DEFAULT_MAX_AGE;
        private int maxTargets = DEFAULT_MAX_TARGETS;
        private int maxAccountTargets = DEFAULT_MAX_ACCOUNT_TARGETS;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The most messages kept per target, at least 1; the oldest go first. */
        public Builder maxPerTarget(int messages) {
            this.maxPerTarget = messages;
            return this;
        }

        /** The most bytes of messages kept in all, at least 1 KiB; the oldest of all targets go first. */
        public Builder maxBytes(long bytes) {
            this.maxBytes = bytes;
            return this;
        }

        /** How long a message is kept; {@link Duration#ZERO} keeps messages whatever their age. */
        public Builder maxAge(Duration age) {
            this.maxAge = Objects.requireNonNull(age, "age");
            return this;
        }

        /** The most targets kept at once but account targets, at least 1. */
        public Builder maxTargets(int targets) {
            this.maxTargets = targets;
            return this;
        }

        /**
         * The most {@linkplain StoredMessage#isAccountTarget account targets} kept at once, at least 1; beyond, a new
         * one replaces the account target whose newest message is oldest.
         */
        public Builder maxAccountTargets(int targets) {
            this.maxAccountTargets = targets;
            return this;
        }

        /** The clock that ages messages (the server's, in tests a fixed one). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The store.
         *
         * @throws IllegalArgumentException if an option is out of range
         */
        public MemoryHistoryStore build() {
            if (maxPerTarget < 1) {
                throw new IllegalArgumentException("maxPerTarget must be at least 1: " + maxPerTarget);
            }
            if (maxBytes < 1024) {
                throw new IllegalArgumentException("maxBytes must be at least 1024: " + maxBytes);
            }
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
            }
            if (maxTargets < 1) {
                throw new IllegalArgumentException("maxTargets must be at least 1: " + maxTargets);
            }
            if (maxAccountTargets < 1) {
                throw new IllegalArgumentException("maxAccountTargets must be at least 1: " + maxAccountTargets);
            }
            return new MemoryHistoryStore(this);
        }
    }
}
