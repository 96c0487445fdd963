package io.aurachat.store.sqlite;

import static io.aurachat.store.sqlite.Fixtures.failure;
import static io.aurachat.store.sqlite.Fixtures.ids;
import static io.aurachat.store.sqlite.Fixtures.message;
import static io.aurachat.store.sqlite.Fixtures.page;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.HistoryQuery;
import io.aurachat.history.MessageIds;
import io.aurachat.history.NoSuchMessageException;
import io.aurachat.history.StoredMessage;
import io.aurachat.store.sqlite.Fixtures.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention by count and by age. The clock stands still unless a test moves it, so no pass runs but those the test
 * asks for ({@code runRetention}) or lets happen (by moving the clock a second or more).
 */
class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);

    private static long idAt(Instant t, int seq) {
        return MessageIds.first(t.toEpochMilli(), 0) + seq;
    }

    @Test
    void keepsTheNewestMaxPerTargetOfEachTarget() throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(dir.resolve("h.db")).clock(clock).maxPerTarget(5).privateMessagesInFile(true)
                .build()) {
            store.open();
            long[] every = new long[8];
            long[] room = new long[3];
            long[] priv = new long[7];
            int seq = 0;
            for (int i = 0; i < 8; i++) {
                every[i] = idAt(NOW, seq++);
                store.append(message(every[i], StoredMessage.EVERYONE));
                if (i < 3) {
                    room[i] = idAt(NOW, seq++);
                    store.append(message(room[i], "room"));
                }
                if (i < 7) {
                    priv[i] = idAt(NOW, seq++);
                    store.append(message(priv[i], StoredMessage.PRIVATE));
                }
            }
            assertEquals(8, page(store, HistoryQuery.latest("*", 100)).messages().size(), "no pass yet");
            assertEquals(0, store.lostUpTo("*"));

            store.runRetention();

            long lost = store.lostUpTo("*");
            assertTrue(lost >= every[2] && lost < every[3], "the newest deleted, the oldest kept: " + lost);
            long lostPrivate = store.lostUpTo(StoredMessage.PRIVATE);
            assertTrue(lostPrivate >= priv[1] && lostPrivate < priv[2], "per target: " + lostPrivate);
            assertEquals(0, store.lostUpTo("room"), "a target under the limit lost nothing");
            var kept = page(store, HistoryQuery.latest("*", 100));
            assertEquals(LongStream.of(every).skip(3).boxed().toList(), ids(kept));
            assertFalse(kept.more());
            assertEquals(LongStream.of(room).boxed().toList(), ids(page(store, HistoryQuery.latest("room", 100))),
                    "a target under the limit keeps everything");
            assertEquals(LongStream.of(priv).skip(2).boxed().toList(),
                    ids(page(store, HistoryQuery.latest(StoredMessage.PRIVATE, 100))));
            assertInstanceOf(NoSuchMessageException.class, failure(store, HistoryQuery.after("*", every[1], 5)),
                    "a deleted message is no bound any more");
            var before = page(store, HistoryQuery.before("*", every[5], 10));
            assertEquals(List.of(every[3], every[4]), ids(before));
            assertFalse(before.more());
        }
    }

    @Test
    void deletesWhatIsOlderThanMaxAge() throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(dir.resolve("h.db")).clock(clock)
                .maxAge(Duration.ofHours(1)).build()) {
            store.open();
            long old = idAt(NOW.minus(Duration.ofHours(2)), 0);
            long edge = idAt(NOW.minus(Duration.ofHours(1)), 0); // exactly maxAge old: kept
            long recent = idAt(NOW.minus(Duration.ofMinutes(30)), 0);
            long now = idAt(NOW, 0);
            for (long id : new long[] {old, edge, recent, now}) {
                store.append(message(id, "*"));
            }
            assertEquals(4, page(store, HistoryQuery.latest("*", 100)).messages().size(), "no pass yet");

            store.runRetention();
            assertEquals(List.of(edge, recent, now), ids(page(store, HistoryQuery.latest("*", 100))));
            long lost = store.lostUpTo("*");
            assertTrue(lost >= old && lost < edge, "the one deleted, not the one kept: " + lost);

            // A pass also runs by itself after a commit once the clock says one is due: no runRetention here.
            clock.advance(Duration.ofMinutes(45));
            long later = idAt(NOW.plus(Duration.ofMinutes(45)), 0);
            store.append(message(later, "*"));
            assertEquals(List.of(now, later), ids(page(store, HistoryQuery.latest("*", 100))));
            lost = store.lostUpTo("*");
            assertTrue(lost >= recent && lost < now, "after the pass by itself: " + lost);
        }
    }

    @Test
    void aLimitOf100OrMoreIsTrimmedOnceOverByOnePercent() throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(dir.resolve("h.db")).clock(clock).maxPerTarget(200)
                .build()) {
            store.open();
            for (int i = 0; i < 202; i++) {
                store.append(message(idAt(NOW, i), "*"));
            }
            store.runRetention();
            assertEquals(202, page(store, HistoryQuery.latest("*", 1000)).messages().size(), "within 1% of 200");
            store.append(message(idAt(NOW, 202), "*"));
            store.runRetention();
            assertEquals(LongStream.range(3, 203).mapToObj(i -> idAt(NOW, (int) i)).toList(),
                    ids(page(store, HistoryQuery.latest("*", 1000))), "past it: the newest 200");
        }
    }

    @Test
    void messagesDeletedForTheirAgeNoLongerCountTowardsTheLimit() throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(dir.resolve("h.db")).clock(clock).maxPerTarget(100)
                .maxAge(Duration.ofHours(1)).build()) {
            store.open();
            Instant old = NOW.minus(Duration.ofHours(2));
            for (int i = 0; i < 50; i++) {
                store.append(message(idAt(old, i), "*"));
            }
            for (int i = 0; i < 50; i++) {
                store.append(message(idAt(NOW, i), "*"));
            }
            store.runRetention(); // 100, at the limit: 50 too old, 50 left
            assertEquals(50, page(store, HistoryQuery.latest("*", 1000)).messages().size());
            for (int i = 50; i < 101; i++) {
                store.append(message(idAt(NOW, i), "*"));
            }
            store.runRetention(); // 101: within 1% of 100, if the 50 were counted out
            assertEquals(101, page(store, HistoryQuery.latest("*", 1000)).messages().size());
            store.append(message(idAt(NOW, 101), "*"));
            store.runRetention();
            assertEquals(LongStream.range(2, 102).mapToObj(i -> idAt(NOW, (int) i)).toList(),
                    ids(page(store, HistoryQuery.latest("*", 1000))));
        }
    }

    @Test
    void maxAgeZeroKeepsOldMessages() throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(dir.resolve("h.db")).clock(clock)
                .maxAge(Duration.ZERO).build()) {
            store.open();
            long ancient = idAt(MessageIds.EPOCH, 1);
            store.append(message(ancient, "*"));
            store.runRetention();
            clock.advance(Duration.ofDays(3650));
            store.append(message(idAt(NOW, 0), "*"));
            store.runRetention();
            assertEquals(List.of(ancient, idAt(NOW, 0)), ids(page(store, HistoryQuery.latest("*", 100))));
        }
    }

    @Test
    void aLowerMaxPerTargetAppliesToTargetsNotWrittenSinceReopening() throws Exception {
        Path file = dir.resolve("h.db");
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).clock(clock).build()) {
            store.open();
            for (int i = 0; i < 20; i++) {
                store.append(message(idAt(NOW, i), "quiet-room"));
            }
        }
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).clock(clock).maxPerTarget(5).build()) {
            store.open();
            store.runRetention();
            assertEquals(LongStream.range(15, 20).mapToObj(i -> idAt(NOW, (int) i)).toList(),
                    ids(page(store, HistoryQuery.latest("quiet-room", 100))));
        }
    }
}
