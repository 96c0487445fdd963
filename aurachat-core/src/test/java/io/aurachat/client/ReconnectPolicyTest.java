package io.aurachat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The reconnection policy: validation, exponential growth with a cap, and equal jitter. No sockets. */
class ReconnectPolicyTest {

    private static final Duration INITIAL = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(1);

    /** A random source that always draws the same end of the range. */
    private static RandomGenerator always(boolean highest) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new AssertionError("the policy draws bounded values");
            }

            @Override
            public long nextLong(long bound) {
                return highest ? bound - 1 : 0;
            }

            @Override
            public long nextLong(long origin, long bound) {
                return highest ? bound - 1 : origin;
            }
        };
    }

    /** The base delay of attempt {@code n} for INITIAL and MAX: 100, 200, 400, 800, 1000, 1000, ... ms. */
    private static long baseMillis(int attempt) {
        return Math.min(MAX.toMillis(), INITIAL.toMillis() << Math.min(attempt - 1, 20));
    }

    @Test
    void noneNeverReconnects() {
        ReconnectPolicy none = ReconnectPolicy.none();
        assertFalse(none.isEnabled());
        assertEquals(0, none.maxAttempts());
        assertSame(none, ReconnectPolicy.none());
        assertThrows(IllegalStateException.class, () -> none.delay(1, new SplittableRandom(1)));
        assertThrows(IllegalStateException.class, () -> none.maxAttempts(3));
        assertTrue(none.toString().contains("none"), none::toString);
    }

    @Test
    void backoffIsUnlimitedUntilToldOtherwise() {
        ReconnectPolicy p = ReconnectPolicy.backoff(INITIAL, MAX);
        assertTrue(p.isEnabled());
        assertEquals(Integer.MAX_VALUE, p.maxAttempts());
        assertEquals(INITIAL, p.initialDelay());
        assertEquals(MAX, p.maxDelay());
    }

    @Test
    void backoffChecksItsDelays() {
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.backoff(Duration.ZERO, MAX));
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.backoff(Duration.ofMillis(-1), MAX));
        assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.backoff(MAX, INITIAL), "max shorter than initial");
        assertThrows(NullPointerException.class, () -> ReconnectPolicy.backoff(null, MAX));
        assertThrows(NullPointerException.class, () -> ReconnectPolicy.backoff(INITIAL, null));
        ReconnectPolicy flat = ReconnectPolicy.backoff(INITIAL, INITIAL);
        assertEquals(INITIAL, flat.maxDelay());
    }

    @Test
    void maxAttemptsIsACheckedCopy() {
        ReconnectPolicy unlimited = ReconnectPolicy.backoff(INITIAL, MAX);
        ReconnectPolicy three = unlimited.maxAttempts(3);
        assertNotSame(unlimited, three);
        assertEquals(3, three.maxAttempts());
        assertEquals(Integer.MAX_VALUE, unlimited.maxAttempts(), "the original is immutable");
        assertEquals(INITIAL, three.initialDelay());
        assertEquals(MAX, three.maxDelay());
        assertEquals(1, unlimited.maxAttempts(1).maxAttempts());
        assertThrows(IllegalArgumentException.class, () -> unlimited.maxAttempts(0));
        assertThrows(IllegalArgumentException.class, () -> unlimited.maxAttempts(-1));
        assertTrue(three.toString().contains("3"), three::toString);
    }

    @Test
    void theExtremesOfTheJitterAreHalfAndAllOfTheBaseDelay() {
        ReconnectPolicy p = ReconnectPolicy.backoff(INITIAL, MAX);
        for (int attempt = 1; attempt <= 8; attempt++) {
            long base = baseMillis(attempt);
            assertEquals(Duration.ofMillis(base / 2), p.delay(attempt, always(false)), "shortest wait of attempt " + attempt);
            assertEquals(Duration.ofMillis(base), p.delay(attempt, always(true)), "longest wait of attempt " + attempt);
        }
    }

    @Test
    void seededDelaysStayWithinBoundsAndSpreadOverThem() {
        ReconnectPolicy p = ReconnectPolicy.backoff(INITIAL, MAX);
        SplittableRandom random = new SplittableRandom(20261121L);
        for (int attempt = 1; attempt <= 10; attempt++) {
            long base = Duration.ofMillis(baseMillis(attempt)).toNanos();
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < 2000; i++) {
                long d = p.delay(attempt, random).toNanos();
                assertTrue(d >= base / 2 && d <= base, "attempt " + attempt + ": " + d + " ns outside [" + base / 2 + ", " + base + "]");
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            // Jitter really varies: 2000 draws come close to both ends.
            assertTrue(min < base / 2 + base / 20, "attempt " + attempt + ": shortest " + min);
            assertTrue(max > base - base / 20, "attempt " + attempt + ": longest " + max);
        }
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        ReconnectPolicy p = ReconnectPolicy.backoff(INITIAL, MAX);
        List<Duration> a = new ArrayList<>();
        List<Duration> b = new ArrayList<>();
        SplittableRandom ra = new SplittableRandom(99);
        SplittableRandom rb = new SplittableRandom(99);
        for (int attempt = 1; attempt <= 20; attempt++) {
            a.add(p.delay(attempt, ra));
            b.add(p.delay(attempt, rb));
        }
        assertEquals(a, b);
    }

    @Test
    void theBaseDelayDoublesUntilTheCapAndStaysThere() {
        ReconnectPolicy p = ReconnectPolicy.backoff(INITIAL, MAX);
        List<Long> longest = new ArrayList<>();
        for (int attempt = 1; attempt <= 7; attempt++) {
            longest.add(p.delay(attempt, always(true)).toMillis());
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L), longest);
    }

    @Test
    void hugeAttemptNumbersAndDelaysDoNotOverflow() {
        ReconnectPolicy p = ReconnectPolicy.backoff(Duration.ofSeconds(1), Duration.ofNanos(Long.MAX_VALUE));
        long previous = 0;
        for (int attempt : new int[] {1, 2, 30, 61, 62, 63, 64, 65, 100, 1000, Integer.MAX_VALUE}) {
            long longest = p.delay(attempt, always(true)).toNanos();
            long shortest = p.delay(attempt, always(false)).toNanos();
            assertTrue(shortest > 0 && shortest <= longest, "attempt " + attempt + ": " + shortest + ".." + longest);
            assertTrue(longest >= previous, "attempt " + attempt + " waits less than the one before: " + longest);
            previous = longest;
        }
        assertEquals(Long.MAX_VALUE, previous, "the cap is reached");

        ReconnectPolicy capped = ReconnectPolicy.backoff(Duration.ofMillis(3), Duration.ofMinutes(5));
        assertEquals(Duration.ofMinutes(5), capped.delay(Integer.MAX_VALUE, always(true)));
        assertEquals(Duration.ofMinutes(5).dividedBy(2), capped.delay(Integer.MAX_VALUE, always(false)));
    }
}
