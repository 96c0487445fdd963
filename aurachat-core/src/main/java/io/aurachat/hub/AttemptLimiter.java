package io.aurachat.hub;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Token buckets by key (an IP address, an account name): {@code perMinute} attempts at once, then one every {@code
 * 60 / perMinute} seconds. Bounded: it tracks at most {@code maxKeys} keys and forgets the one whose last attempt is
 * oldest beyond that (a bucket untouched for a minute is full anyway, so forgetting it loses nothing). By the server
 * clock, so that tests move time by hand. Thread-safe; a short lock per attempt.
 */
final class AttemptLimiter {
    /** The default bound of tracked keys, per limiter. */
    static final int DEFAULT_MAX_KEYS = 10_000;

    private static final class Bucket {
        double tokens;
        long atMillis;
    }

    private final int perMinute;
    private final int maxKeys;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<String, Bucket> buckets;

    AttemptLimiter(int perMinute, int maxKeys, Clock clock) {
        this.perMinute = perMinute;
        this.maxKeys = maxKeys;
        this.clock = clock;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > AttemptLimiter.this.maxKeys;
            }
        };
    }

    /**
     * Takes one attempt for {@code key}.
     *
     * @return 0 if taken; else in how many whole seconds (at least 1) the next attempt will be
     */
    long tryTake(String key) {
        long now = clock.millis();
        lock.lock();
        try {
            Bucket b = buckets.get(key);
            if (b == null) {
                b = new Bucket();
                b.tokens = perMinute;
                b.atMillis = now;
                buckets.put(key, b);
            } else if (now > b.atMillis) {
                b.tokens = Math.min(perMinute, b.tokens + (now - b.atMillis) * perMinute / 60_000.0);
                b.atMillis = now;
            }
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            double millisToToken = (1 - b.tokens) * 60_000.0 / perMinute;
            return Math.max(1, (long) Math.ceil(millisToToken / 1000));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives back the attempt just taken for {@code key}: it was refused by another limit before anything was tried, so
     * it costs this key nothing. A key forgotten meanwhile is left alone (a new bucket is full).
     */
    void giveBack(String key) {
        lock.lock();
        try {
            Bucket b = buckets.get(key);
            if (b != null) {
                b.tokens = Math.min(perMinute, b.tokens + 1);
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many keys it tracks now. */
    int size() {
        lock.lock();
        try {
            return buckets.size();
        } finally {
            lock.unlock();
        }
    }
}
