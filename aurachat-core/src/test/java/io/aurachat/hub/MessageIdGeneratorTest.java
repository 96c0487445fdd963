package io.aurachat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.MessageIds;
import io.aurachat.testing.HandClock;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The server's message ids: increasing, unique, in the clock's millisecond, above the store's floor. */
class MessageIdGeneratorTest {

    private static final Instant T = Instant.parse("2026-12-02T14:00:00.123Z");

    @Test
    void anIdCarriesTheClocksMillisecondAndTheNode() {
        HandClock clock = new HandClock(T);
        MessageIdGenerator ids = new MessageIdGenerator(clock, 5, 0);

        long id = ids.next();

        assertEquals(T.toEpochMilli(), MessageIds.epochMillis(id));
        assertEquals(5, MessageIds.node(id));
        assertEquals("2026-12-02T14:00:00.123Z", MessageIds.time(id));
        assertTrue(id > 0);
    }

    @Test
    void idsInOneMillisecondCountUpAndTheNextMillisecondStartsAbove() {
        HandClock clock = new HandClock(T);
        MessageIdGenerator ids = new MessageIdGenerator(clock, 0, 0);

        long a = ids.next();
        long b = ids.next();
        clock.millis += 1;
        long c = ids.next();

        assertEquals(a + 1, b);
        assertEquals(MessageIds.first(T.toEpochMilli() + 1, 0), c);
    }

    @Test
    void aClockThatStepsBackDoesNotMakeIdsGoBack() {
        HandClock clock = new HandClock(T);
        MessageIdGenerator ids = new MessageIdGenerator(clock, 0, 0);
        long before = ids.next();

        clock.millis -= 60_000;
        long after = ids.next();

        assertEquals(before + 1, after);
    }

    @Test
    void morethan4096IdsInAMillisecondBorrowTheNextMillisecondAndStayOnTheNode() {
        HandClock clock = new HandClock(T);
        MessageIdGenerator ids = new MessageIdGenerator(clock, 3, 0);
        long last = 0;
        for (int i = 0; i < 10_000; i++) {
            long id = ids.next();
            assertTrue(id > last, "id " + i + " did not grow");
            assertEquals(3, MessageIds.node(id), "id " + i + " left its node");
            last = id;
        }
        assertEquals(T.toEpochMilli() + 2, MessageIds.epochMillis(last)); // 10,000 ids = 3 milliseconds of 4,096
    }

    @Test
    void idsContinueAboveTheFloorEvenWhenTheClockIsBehindIt() {
        HandClock clock = new HandClock(T);
        long floor = MessageIds.first(T.toEpochMilli() + 3_600_000, 0) + 17; // a store written an hour "later"

        long id = new MessageIdGenerator(clock, 0, floor).next();

        assertEquals(floor + 1, id);
    }

    @Test
    void idsFromManyThreadsAreUnique() throws InterruptedException {
        MessageIdGenerator ids = new MessageIdGenerator(Clock.systemUTC(), 0, 0);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        int threads = 4;
        int each = 20_000;
        CountDownLatch done = new CountDownLatch(threads);
        AtomicReference<String> problem = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            Thread.ofPlatform().start(() -> {
                try {
                    long last = 0;
                    for (int i = 0; i < each; i++) {
                        long id = ids.next();
                        if (id <= last || !seen.add(id)) {
                            problem.compareAndSet(null, "id " + id + " repeated or went back");
                        }
                        last = id;
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(60, TimeUnit.SECONDS), "the threads did not finish");
        assertEquals(null, problem.get());
        assertEquals(threads * each, seen.size());
    }

    @Test
    void theLayoutReadsBackAndTheWireFormParses() {
        long id = MessageIds.first(T.toEpochMilli(), MessageIds.MAX_NODE) + 4095;
        assertEquals(T.toEpochMilli(), MessageIds.epochMillis(id));
        assertEquals(MessageIds.MAX_NODE, MessageIds.node(id));
        assertEquals(id, MessageIds.parse(Long.toString(id)));
        Set<String> bad = new HashSet<>(Set.of("", "0", "-1", "12a", "99999999999999999999", "9223372036854775808",
                " 1", "+1"));
        for (String s : bad) {
            assertEquals(-1, MessageIds.parse(s), "'" + s + "'");
        }
        assertEquals(Long.MAX_VALUE, MessageIds.parse("9223372036854775807"));
        assertThrows(IllegalArgumentException.class, () -> MessageIds.first(0, MessageIds.MAX_NODE + 1));
    }
}
