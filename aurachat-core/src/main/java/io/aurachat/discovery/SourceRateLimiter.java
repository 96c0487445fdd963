package io.aurachat.discovery;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Token buckets per source address: each source may have {@code burst} probes answered at once and
 * {@code perSecond} per second after that. At most {@code maxSources} sources are tracked; beyond that
 * the least recently seen one is forgotten (and starts again with a full bucket if it returns). That
 * bounds memory under a flood of spoofed sources, and costs nothing in safety: a reply is never larger
 * than its probe, so a forgotten source can never be sent more bytes than were sent in its name.
 *
 * <p>Also remembers, per source, whether its current run of refusals has been reported, so that a
 * source flooding probes yields one log event per run, not one per datagram. Thread-safe.
 */
final class SourceRateLimiter {

    /** The outcome of {@link #acquire}. */
    enum Decision {
        /** Answer. */
        ALLOW,
        /** Do not answer, and report it: the first refusal since this source was last answered. */
        DENY_REPORT,
        /** Do not answer, and stay quiet: this run of refusals has been reported already. */
        DENY_QUIET
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;
        boolean reported;
    }

    private final double perNano;
    private final int burst;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<InetAddress, Bucket> buckets;

    SourceRateLimiter(int perSecond, int burst, int maxSources, LongSupplier nanoTime) {
        this.perNano = perSecond / (double) TimeUnit.SECONDS.toNanos(1);
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
                return size() > maxSources;
            }
        };
    }

    /** Takes a token for {@code source} if it has one. */
    Decision acquire(InetAddress source) {
        long now = nanoTime.getAsLong();
        lock.lock();
        try {
            Bucket b = buckets.get(source);
            if (b == null) {
                b = new Bucket();
                b.tokens = burst;
                b.updatedNanos = now;
                buckets.put(source, b);
            } else {
                b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.updatedNanos) * perNano);
                b.updatedNanos = now;
            }
            if (b.tokens >= 1) {
                b.tokens -= 1;
                b.reported = false;
                return Decision.ALLOW;
            }
            if (b.reported) {
                return Decision.DENY_QUIET;
            }
            b.reported = true;
            return Decision.DENY_REPORT;
        } finally {
            lock.unlock();
        }
    }

    /** How many sources are tracked now. */
    int trackedSources() {
        lock.lock();
        try {
            return buckets.size();
        } finally {
            lock.unlock();
        }
    }
}
