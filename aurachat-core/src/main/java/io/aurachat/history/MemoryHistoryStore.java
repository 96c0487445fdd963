package io.aurachat.history;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default {@link HistoryStore}: the latest messages of each target in memory, lost when the server stops. Bounded
 * three ways, each with a default: {@link Builder#maxPerTarget} messages per target (10,000), {@link Builder#maxBytes}
 * in all (64 MiB, counted as {@link StoredMessage#approximateBytes}: the oldest messages of all targets go first), and
 * {@link Builder#maxAge} (30 days). {@link Builder#maxTargets} (1,100) bounds how many targets it keeps at once: a
 * new target beyond it replaces the one whose latest message is oldest.
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

    private final int maxPerTarget;
    private final long maxBytes;
    private final long maxAgeMillis;
    private final int maxTargets;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}, as is everything below. */
    private final Map<String, Ring> targets = new HashMap<>();
    /** Every kept message's ring, in append order: what the byte and age bounds evict from. Stale entries skipped. */
    private final ArrayDeque<Entry> order = new ArrayDeque<>();
    private long bytes;
    private int count;
    private boolean closed;
    /** The highest id of the rings no longer in {@link #targets}: what {@link #lostUpTo} adds to a ring's own. */
    private long lostWithTargets;

    private record Entry(Ring ring, long id) {}

    private MemoryHistoryStore(Builder b) {
        this.maxPerTarget = b.maxPerTarget;
        this.maxBytes = b.maxBytes;
        this.maxAgeMillis = b.maxAge.toMillis();
        this.maxTargets = b.maxTargets;
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
            Ring ring = targets.get(message.target());
            if (ring == null) {
                if (targets.size() >= maxTargets) {
                    dropStalestTarget();
                }
                ring = new Ring(message.target());
                targets.put(message.target(), ring);
            }
            if (ring.size() > 0 && ring.newest().id() >= message.id()) {
                ring.lost = Math.max(ring.lost, message.id()); // not kept, so let go of
                return; // ids only grow: an out-of-order append would break the binary searches; never happens
            }
            if (ring.size() == maxPerTarget) {
                remove(ring);
            }
            ring.add(message);
            bytes += message.approximateBytes();
            count++;
            order.addLast(new Entry(ring, message.id()));
            evict(clock.millis());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the oldest messages while over the byte bound or past the age. An entry at the head of {@link #order}
     * whose message is not its ring's oldest is stale (the per-target bound or a dropped target removed it): every
     * older entry of that ring has been taken already, so a message still kept would be the oldest.
     */
    private void evict(long nowMillis) {
        while (!order.isEmpty()) {
            Entry e = order.peekFirst();
            Ring ring = e.ring();
            if (targets.get(ring.target) != ring || ring.size() == 0 || ring.oldest().id() != e.id()) {
                order.pollFirst();
                continue;
            }
            boolean tooOld = maxAgeMillis > 0 && nowMillis - MessageIds.epochMillis(e.id()) > maxAgeMillis;
            if (bytes <= maxBytes && !tooOld) {
                break;
            }
            order.pollFirst();
            remove(ring);
            if (ring.size() == 0) {
                targets.remove(ring.target, ring);
                lostWithTargets = Math.max(lostWithTargets, ring.lost);
            }
        }
        // Stale entries behind a live head pile up (one target churning at its bound behind another's old message):
        // drop them when they outnumber the kept messages, which costs a pass over the queue per that many appends.
        if (order.size() > 2 * count + 1024) {
            order.removeIf(e -> targets.get(e.ring().target) != e.ring() || !e.ring().contains(e.id()));
        }
    }

    private void remove(Ring ring) {
        StoredMessage m = ring.removeOldest();
        bytes -= m.approximateBytes();
        count--;
        // The oldest goes first, so m's id is the highest gone, unless an ignored out-of-order append was higher.
        ring.lost = Math.max(ring.lost, m.id());
    }

    private void dropStalestTarget() {
        Ring stalest = null;
        for (Ring r : targets.values()) {
            if (stalest == null || r.newest().id() < stalest.newest().id()) {
                stalest = r;
            }
        }
        if (stalest != null) {
            targets.remove(stalest.target);
            while (stalest.size() > 0) {
                remove(stalest);
            }
            lostWithTargets = Math.max(lostWithTargets, stalest.lost);
        }
    }

    @Override
    public CompletionStage<HistoryPage> query(HistoryQuery query) {
        Objects.requireNonNull(query, "query");
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new HistoryUnavailableException("the history store is closed"));
            }
            evict(clock.millis());
            Ring ring = targets.get(query.target());
            if (ring == null) {
                HistoryQuery.Kind kind = query.kind();
                if (kind != HistoryQuery.Kind.LATEST && kind != HistoryQuery.Kind.SINCE) {
                    return CompletableFuture.failedFuture(new NoSuchMessageException(query.target(), query.from()));
                }
                return CompletableFuture.completedFuture(new HistoryPage(List.of(), false));
            }
            return CompletableFuture.completedFuture(ring.page(query));
        } catch (NoSuchMessageException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            lock.unlock();
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
            Ring ring = targets.get(target);
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

    /** About how many bytes of heap the kept messages hold ({@link StoredMessage#approximateBytes}). */
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
            order.clear();
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

    /** One target's messages, oldest first, in a circular array that grows up to the per-target bound. */
    private final class Ring {
        final String target;
        /** The highest id removed from this ring: the newest it let go of, 0 if none. */
        long lost;
        private StoredMessage[] slots = new StoredMessage[16];
        private int head;
        private int size;

        Ring(String target) {
            this.target = target;
        }

        int size() {
            return size;
        }

        StoredMessage get(int i) {
            return slots[(head + i) & (slots.length - 1)];
        }

        StoredMessage oldest() {
            return get(0);
        }

        StoredMessage newest() {
            return get(size - 1);
        }

        void add(StoredMessage m) {
            if (size == slots.length) {
                StoredMessage[] bigger = new StoredMessage[slots.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = get(i);
                }
                slots = bigger;
                head = 0;
            }
            slots[(head + size) & (slots.length - 1)] = m;
            size++;
        }

        StoredMessage removeOldest() {
            StoredMessage m = slots[head];
            slots[head] = null;
            head = (head + 1) & (slots.length - 1);
            size--;
            return m;
        }

        /** The index of the first message whose id is at least {@code id}: {@code size} if none. */
        int lowerBound(long id) {
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (get(mid).id() < id) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** The index of the first message whose id is above {@code id}: {@code size} if none. */
        int above(long id) {
            return id == Long.MAX_VALUE ? size : lowerBound(id + 1); // no id is above the largest long
        }

        boolean contains(long id) {
            int i = lowerBound(id);
            return i < size && get(i).id() == id;
        }

        private int indexOf(long id) {
            int i = lowerBound(id);
            if (i == size || get(i).id() != id) {
                throw new NoSuchMessageException(target, id);
            }
            return i;
        }

        HistoryPage page(HistoryQuery q) {
            if (q.kind() == HistoryQuery.Kind.SINCE && q.recipient() != null) {
                return toRecipient(above(q.from()), q.recipient(), q.limit());
            }
            int from;
            int to; // exclusive
            boolean more;
            switch (q.kind()) {
                case LATEST -> {
                    to = size;
                    from = Math.max(0, to - q.limit());
                    more = from > 0;
                }
                case BEFORE -> {
                    to = indexOf(q.from());
                    from = Math.max(0, to - q.limit());
                    more = from > 0;
                }
                case AFTER -> {
                    from = indexOf(q.from()) + 1;
                    to = Math.min(size, from + q.limit());
                    more = to < size;
                }
                case BETWEEN -> {
                    from = indexOf(q.from()) + 1;
                    int end = indexOf(q.to());
                    to = Math.min(end, from + q.limit());
                    more = to < end;
                }
                case SINCE -> {
                    from = above(q.from());
                    to = Math.min(size, from + q.limit());
                    more = to < size;
                }
                default -> throw new IllegalStateException(q.kind().toString());
            }
            List<StoredMessage> page = new ArrayList<>(Math.max(0, to - from));
            for (int i = from; i < to; i++) {
                page.add(get(i));
            }
            return new HistoryPage(page, more);
        }

        /**
         * The first {@code limit} messages from index {@code from} on whose recipient is {@code recipient}: a scan,
         * since the ring has no index by recipient; it stops at the first match beyond the page, which says more.
         */
        private HistoryPage toRecipient(int from, String recipient, int limit) {
            List<StoredMessage> page = new ArrayList<>(Math.min(limit, size - from));
            for (int i = from; i < size; i++) {
                StoredMessage m = get(i);
                if (recipient.equals(m.to())) {
                    if (page.size() == limit) {
                        return new HistoryPage(page, true);
                    }
                    page.add(m);
                }
            }
            return new HistoryPage(page, false);
        }
    }

    /** Configures a {@link MemoryHistoryStore}; every option has the default its constant gives. */
    public static final class Builder {
        private int maxPerTarget = DEFAULT_MAX_PER_TARGET;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private Duration maxAge = DEFAULT_MAX_AGE;
        private int maxTargets = DEFAULT_MAX_TARGETS;
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

        /** The most targets kept at once, at least 1. */
        public Builder maxTargets(int targets) {
            this.maxTargets = targets;
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
            return new MemoryHistoryStore(this);
        }
    }
}
