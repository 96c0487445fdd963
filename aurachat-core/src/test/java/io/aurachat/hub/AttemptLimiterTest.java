package io.aurachat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aurachat.testing.HandClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AttemptLimiterTest {
    private final HandClock clock = new HandClock(Instant.parse("2026-12-02T10:00:00Z"));

    @Test
    void aBucketRefillsAtItsRatePerMinute() {
        AttemptLimiter limiter = new AttemptLimiter(6, 100, clock);
        for (int i = 0; i < 6; i++) {
            assertEquals(0, limiter.tryTake("a"));
        }
        assertEquals(10, limiter.tryTake("a"), "one attempt every 10 s");
        assertEquals(0, limiter.tryTake("b"), "another key has its own bucket");
        clock.millis += 5_000;
        assertEquals(5, limiter.tryTake("a"));
        clock.millis += 5_000;
        assertEquals(0, limiter.tryTake("a"));
        assertEquals(10, limiter.tryTake("a"));
    }

    @Test
    void itTracksAtMostMaxKeys() {
        AttemptLimiter limiter = new AttemptLimiter(1, 1_000, clock);
        for (int i = 0; i < 50_000; i++) {
            limiter.tryTake("192.0.2." + i);
        }
        assertEquals(1_000, limiter.size());
        assertEquals(0, limiter.tryTake("192.0.2.0"), "the oldest was forgotten: a full bucket again");
        assertEquals(60, limiter.tryTake("192.0.2.49999"), "the newest is remembered");
    }
}
