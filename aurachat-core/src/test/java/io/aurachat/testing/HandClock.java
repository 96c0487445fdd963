package io.aurachat.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that a test moves by hand ({@link #millis} is public and volatile): for ids, ages and timeouts. */
public final class HandClock extends Clock {
    /** The time, in epoch milliseconds. */
    public volatile long millis;

    /** A clock at {@code start}. */
    public HandClock(Instant start) {
        millis = start.toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        return millis;
    }
}
