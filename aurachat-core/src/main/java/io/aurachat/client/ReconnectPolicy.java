package io.aurachat.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * When a {@link ChatClient} tries to connect again after it lost its connection. The default,
 * {@link #none()}, never does. {@link #backoff} waits longer after each failed attempt, with jitter, so
 * that many clients of a restarted server do not all come back in the same millisecond.
 *
 * <p>Only {@linkplain CloseReason#isRetriable() retriable} losses are retried. Immutable.
 */
public final class ReconnectPolicy {

    private static final ReconnectPolicy NONE = new ReconnectPolicy(Duration.ZERO, Duration.ZERO, 0);

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final int maxAttempts;

    private ReconnectPolicy(Duration initialDelay, Duration maxDelay, int maxAttempts) {
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.maxAttempts = maxAttempts;
    }

    /** Never reconnect: a lost connection closes the client. */
    public static ReconnectPolicy none() {
        return NONE;
    }

    /**
     * Reconnect until it works, waiting before attempt {@code n} (from 1) a random duration between half
     * and all of {@code min(maxDelay, initialDelay * 2^(n-1))} ("equal jitter").
     *
     * @throws IllegalArgumentException if {@code initialDelay} is not positive or {@code maxDelay} is
     *     shorter than it
     */
    public static ReconnectPolicy backoff(Duration initialDelay, Duration maxDelay) {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initialDelay must be positive: " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is shorter than initialDelay " + initialDelay);
        }
        return new ReconnectPolicy(initialDelay, maxDelay, Integer.MAX_VALUE);
    }

    /**
     * A copy that gives up after {@code attempts} failed attempts in a row; the client then closes with
     * the reason of the connection it lost.
     *
     * @throws IllegalArgumentException if {@code attempts} is less than 1
     * @throws IllegalStateException on {@link #none()}
     */
    public ReconnectPolicy maxAttempts(int attempts) {
        if (!isEnabled()) {
            throw new IllegalStateException("none() makes no attempts");
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
        return new ReconnectPolicy(initialDelay, maxDelay, attempts);
    }

    /** Whether this policy reconnects at all. */
    public boolean isEnabled() {
        return maxAttempts > 0;
    }

    /** The most attempts in a row before the client gives up; {@link Integer#MAX_VALUE} for no limit. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The base delay before the first attempt. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** The longest base delay. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /**
     * The wait before attempt {@code attempt} (from 1), with jitter drawn from {@code random}.
     *
     * @throws IllegalStateException on {@link #none()}
     */
    public Duration delay(int attempt, RandomGenerator random) {
        if (!isEnabled()) {
            throw new IllegalStateException("none() has no delays");
        }
        long initial = initialDelay.toNanos();
        long max = maxDelay.toNanos();
        int shift = Math.min(Math.max(attempt - 1, 0), 62);
        long base = initial > (max >> shift) ? max : Math.min(max, initial << shift);
        long half = base / 2;
        return Duration.ofNanos(half + random.nextLong(base - half + 1));
    }

    @Override
    public String toString() {
        return isEnabled()
                ? "ReconnectPolicy[backoff " + initialDelay + ".." + maxDelay
                        + (maxAttempts == Integer.MAX_VALUE ? "" : ", at most " + maxAttempts + " attempts") + "]"
                : "ReconnectPolicy[none]";
    }
}
