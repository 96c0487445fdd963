package io.aurachat.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** The one place that says how long tests wait for something to happen, and how often they look. */
public final class Awaits {

    /** The longest any single wait in a test lasts before the test fails. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Awaits() {}

    /** An Awaitility condition bounded by {@link #TIMEOUT}, polling every few milliseconds. */
    public static ConditionFactory await() {
        return Awaitility.await()
                .atMost(TIMEOUT)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5));
    }

    /** Like {@link #await()}, with an alias that appears in the failure message. */
    public static ConditionFactory await(String alias) {
        return await().alias(alias);
    }
}
