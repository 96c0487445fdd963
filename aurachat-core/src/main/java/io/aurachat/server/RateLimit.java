package io.aurachat.server;

import static io.aurachat.internal.Checks.check;

/**
 * How fast one client's lines are read: a token bucket of {@link #burst()} lines that refills at {@link #perSecond()}
 * lines a second. A client that sends faster is not cut: the server stops reading it until the bucket has a line's
 * token again, as IRC servers' "fakelag" does, so its lines wait in its socket and TCP flow control slows its sender.
 * Nothing is lost and nothing is reordered. See PROTOCOL.md, <em>Rate limit</em>.
 *
 * <p>Every line counts except blank ones: commands, unknown verbs, over-long lines and lines that are not UTF-8.
 * Immutable and thread-safe.
 */
public final class RateLimit {

    /** No limit: every client is read as fast as it sends (for benchmarks and load generators). */
    public static final RateLimit NONE = new RateLimit(0, 0);

    private static final double MIN_PER_SECOND = 0.01;
    private static final double MAX_PER_SECOND = 1_000_000;
    private static final int MAX_BURST = 1_000_000;

    private final double perSecond;
    private final int burst;

    private RateLimit(double perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /**
     * A limit of {@code perSecond} lines a second on average, with bursts of up to {@code burst} lines at once (a
     * client that has sent nothing for {@code burst / perSecond} seconds may send that many without waiting).
     *
     * @param perSecond the sustained rate, 0.01 to 1,000,000 lines a second
     * @param burst the bucket's size, 1 to 1,000,000 lines
     * @throws IllegalArgumentException if either is out of range
     */
    public static RateLimit of(double perSecond, int burst) {
        check(perSecond >= MIN_PER_SECOND && perSecond <= MAX_PER_SECOND,
                "rate limit: perSecond must be 0.01 to 1000000: " + perSecond);
        check(burst >= 1 && burst <= MAX_BURST, "rate limit: burst must be 1 to 1000000: " + burst);
        return new RateLimit(perSecond, burst);
    }

    /** Whether this limits anything: {@code false} only for {@link #NONE}. */
    public boolean isLimited() {
        return burst > 0;
    }

    /** The sustained rate in lines a second; 0 for {@link #NONE}. */
    public double perSecond() {
        return perSecond;
    }

    /** The most lines read at once after a quiet spell; 0 for {@link #NONE}. */
    public int burst() {
        return burst;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RateLimit r && r.perSecond == perSecond && r.burst == burst;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(perSecond) * 31 + burst;
    }

    /** {@code "none"}, or the rate and burst, such as {@code "100/s, burst 500"}. */
    @Override
    public String toString() {
        if (!isLimited()) {
            return "none";
        }
        String rate = perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond);
        return rate + "/s, burst " + burst;
    }
}
