package io.aurachat.hub;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a failure that can repeat at the rate of messages (a store that fails on every append) at most once per
 * {@link #INTERVAL_NANOS}, with how many happened since the last line. Thread-safe; costs one atomic add a failure.
 */
final class FailureReport {
    private static final Logger LOG = LoggerFactory.getLogger(FailureReport.class);
    /** At most one line this often: 10 seconds. */
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String what;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);

    FailureReport(String what) {
        this.what = what;
    }

    void report(Throwable failure) {
        count.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogged.get();
        if (now - last >= INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
            LOG.warn("{} ({} times in the last {} s; chat goes on)", what, count.getAndSet(0),
                    TimeUnit.NANOSECONDS.toSeconds(INTERVAL_NANOS), failure);
        }
    }

    /** Failures not yet in a log line. */
    long pending() {
        return count.get();
    }
}
