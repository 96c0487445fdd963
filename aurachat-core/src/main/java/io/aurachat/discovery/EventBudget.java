package io.aurachat.discovery;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A single token bucket of {@code perSecond} tokens, refilled continuously: how many discovery log
 * events may be delivered. Counts what it refuses, so the count can be reported. Thread-safe.
 */
final class EventBudget {

    private final double perNano;
    private final int capacity;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private double tokens;
    private long updatedNanos;
    private long refused;

    EventBudget(int perSecond, LongSupplier nanoTime) {
        this.perNano = perSecond / (double) TimeUnit.SECONDS.toNanos(1);
        this.capacity = perSecond;
        this.nanoTime = nanoTime;
        this.tokens = perSecond;
        this.updatedNanos = nanoTime.getAsLong();
    }

    /** Takes a token if there is one; otherwise counts a refusal. */
    boolean tryAcquire() {
        long now = nanoTime.getAsLong();
        lock.lock();
        try {
            tokens = Math.min(capacity, tokens + Math.max(0, now - updatedNanos) * perNano);
            updatedNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            refused++;
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** The refusals since the last call, and resets the count. */
    long takeRefused() {
        lock.lock();
        try {
            long n = refused;
            refused = 0;
            return n;
        } finally {
            lock.unlock();
        }
    }
}
