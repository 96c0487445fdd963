package io.aurachat.store.sqlite;

import static io.aurachat.store.sqlite.Fixtures.failure;
import static io.aurachat.store.sqlite.Fixtures.ids;
import static io.aurachat.store.sqlite.Fixtures.message;
import static io.aurachat.store.sqlite.Fixtures.page;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.HistoryPage;
import io.aurachat.history.HistoryQuery;
import io.aurachat.history.HistoryUnavailableException;
import io.aurachat.history.MessageIds;
import io.aurachat.history.NoSuchMessageException;
import io.aurachat.history.StoredMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteHistoryStoreTest {
    @TempDir
    Path dir;

    private Path file;
    /** For tests whose ids are 1, 2, 3...: they date from MessageIds.EPOCH, older than the default maxAge. */
    private static final Duration OLD_IDS_KEPT = Duration.ZERO;
    /** Ten messages to everyone: EVERY[0] is the oldest. */
    private final long[] every = new long[10];
    /** Three in a room, interleaved with those to everyone. */
    private final long[] room = new long[3];

    @BeforeEach
    void makeIds() {
        file = dir.resolve("history.db");
        long base = MessageIds.first(Instant.now().toEpochMilli(), 0);
        int r = 0;
        for (int i = 0, id = 1; i < every.length; i++) {
            every[i] = base + id++;
            if (i % 3 == 1) {
                room[r++] = base + id++;
            }
        }
    }

    private SqliteHistoryStore filled() {
        SqliteHistoryStore store = SqliteHistoryStore.builder(file).build();
        assertEquals(0, store.open());
        List<StoredMessage> all = new ArrayList<>();
        LongStream.of(every).forEach(id -> all.add(message(id, StoredMessage.EVERYONE)));
        LongStream.of(room).forEach(id -> all.add(message(id, "room")));
        all.sort((a, b) -> Long.compare(a.id(), b.id()));
        all.forEach(store::append);
        return store;
    }

    private List<Long> every(int from, int toExclusive) {
        return LongStream.of(every).skip(from).limit(toExclusive - from).boxed().toList();
    }

    @Test
    void latestIsTheNewestOldestFirst() throws Exception {
        try (SqliteHistoryStore store = filled()) {
            HistoryPage three = page(store, HistoryQuery.latest("*", 3));
            assertEquals(every(7, 10), ids(three));
            assertTrue(three.more());
            HistoryPage ten = page(store, HistoryQuery.latest("*", 10));
            assertEquals(every(0, 10), ids(ten));
            assertFalse(ten.more(), "exactly all: nothing older");
            HistoryPage many = page(store, HistoryQuery.latest("*", 500));
            assertEquals(every(0, 10), ids(many));
            assertFalse(many.more());
            assertEquals(LongStream.of(room).boxed().toList(), ids(page(store, HistoryQuery.latest("room", 10))));
            HistoryPage none = page(store, HistoryQuery.latest("nobody", 10));
            assertEquals(List.of(), none.messages());
            assertFalse(none.more());
        }
    }

    @Test
    void beforeIsTheNewestOlderThanTheIdOldestFirst() throws Exception {
        try (SqliteHistoryStore store = filled()) {
            HistoryPage two = page(store, HistoryQuery.before("*", every[5], 2));
            assertEquals(every(3, 5), ids(two));
            assertTrue(two.more());
            HistoryPage rest = page(store, HistoryQuery.before("*", every[3], 3));
            assertEquals(every(0, 3), ids(rest));
            assertFalse(rest.more(), "exactly what is left");
            HistoryPage first = page(store, HistoryQuery.before("*", every[0], 5));
            assertEquals(List.of(), first.messages());
            assertFalse(first.more());
        }
    }

    @Test
    void afterIsTheOldestNewerThanTheId() throws Exception {
        try (SqliteHistoryStore store = filled()) {
            HistoryPage two = page(store, HistoryQuery.after("*", every[5], 2));
            assertEquals(every(6, 8), ids(two));
            assertTrue(two.more());
            HistoryPage rest = page(store, HistoryQuery.after("*", every[7], 2));
            assertEquals(every(8, 10), ids(rest));
            assertFalse(rest.more());
            HistoryPage last = page(store, HistoryQuery.after("*", every[9], 2));
            assertEquals(List.of(), last.messages());
            assertFalse(last.more());
            assertEquals(List.of(room[1], room[2]), ids(page(store, HistoryQuery.after("room", room[0], 5))));
        }
    }

    @Test
    void betweenIsTheOldestStrictlyInside() throws Exception {
        try (SqliteHistoryStore store = filled()) {
            HistoryPage three = page(store, HistoryQuery.between("*", every[1], every[8], 3));
            assertEquals(every(2, 5), ids(three));
            assertTrue(three.more());
            HistoryPage exactly = page(store, HistoryQuery.between("*", every[1], every[5], 3));
            assertEquals(every(2, 5), ids(exactly));
            assertFalse(exactly.more(), "every message before the upper bound is in the page");
            HistoryPage reversed = page(store, HistoryQuery.between("*", every[8], every[1], 100));
            assertEquals(every(2, 8), ids(reversed));
            assertFalse(reversed.more());
            HistoryPage adjacent = page(store, HistoryQuery.between("*", every[3], every[4], 10));
            assertEquals(List.of(), adjacent.messages());
            assertFalse(adjacent.more());
        }
    }

    @Test
    void anIdTheTargetDoesNotHoldIsNoSuchMessage() throws Exception {
        try (SqliteHistoryStore store = filled()) {
            long neverIssued = every[9] + 1000;
            assertInstanceOf(NoSuchMessageException.class, failure(store, HistoryQuery.before("*", neverIssued, 5)));
            assertInstanceOf(NoSuchMessageException.class, failure(store, HistoryQuery.after("*", room[0], 5)),
                    "a room's message is not a bound in everyone's history");
            assertInstanceOf(NoSuchMessageException.class, failure(store, HistoryQuery.after("room", every[0], 5)));
            assertInstanceOf(NoSuchMessageException.class,
                    failure(store, HistoryQuery.between("*", every[0], room[2], 5)), "the upper bound is checked");
            assertInstanceOf(NoSuchMessageException.class,
                    failure(store, HistoryQuery.between("*", 1, every[5], 5)), "the lower bound is checked");
            assertEquals(every(1, 5), ids(page(store, HistoryQuery.between("*", every[0], every[5], 5))));
        }
    }

    @Test
    void sinceIsAboveAnIdTheFileNeedNotHold() throws Exception {
        try (SqliteHistoryStore store = filled()) {
            HistoryPage all = page(store, HistoryQuery.since("*", 0, null, 50));
            assertEquals(every(0, 10), ids(all));
            assertFalse(all.more());
            HistoryPage three = page(store, HistoryQuery.since("*", every[4], null, 3));
            assertEquals(every(5, 8), ids(three));
            assertTrue(three.more());
            HistoryPage rest = page(store, HistoryQuery.since("*", every[4], null, 5));
            assertEquals(every(5, 10), ids(rest));
            assertFalse(rest.more(), "exactly what is left");
            HistoryPage between = page(store, HistoryQuery.since("*", room[0], null, 2));
            assertEquals(every(2, 4), ids(between), "from an id between two of the target's: a room's");
            assertTrue(between.more());
            HistoryPage below = page(store, HistoryQuery.since("*", every[0] - 1, null, 2));
            assertEquals(every(0, 2), ids(below));
            assertTrue(below.more());
            HistoryPage last = page(store, HistoryQuery.since("*", every[9], null, 5));
            assertEquals(List.of(), last.messages());
            assertFalse(last.more());
            assertEquals(LongStream.of(room).boxed().toList(),
                    ids(page(store, HistoryQuery.since("room", every[0], null, 10))));
            for (HistoryQuery q : List.of(HistoryQuery.since("nobody", 0, null, 5),
                    HistoryQuery.since("nobody", every[3], null, 5), HistoryQuery.since("nobody", 0, "c1", 5))) {
                HistoryPage none = page(store, q);
                assertEquals(List.of(), none.messages(), q.toString());
                assertFalse(none.more(), q.toString());
            }
            assertEquals(0, store.lostUpTo("*"), "nothing lost");
            assertEquals(0, store.lostUpTo("nobody"));
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "private messages in the file: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void sinceWithARecipientIsOnlyTheMessagesToThatClient(boolean inFile) throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).privateMessagesInFile(inFile).build()) {
            store.open();
            long base = every[0];
            for (int i = 0; i < 12; i++) { // to c2, c3, c4, c2, ...: c2 gets base + 0, 3, 6, 9
                store.append(new StoredMessage(base + i, StoredMessage.PRIVATE, "c1", "ann", "127.0.0.1",
                        "c" + (i % 3 + 2), "psst " + i));
            }
            store.append(message(base + 20, "*"));
            String p = StoredMessage.PRIVATE;

            HistoryPage two = page(store, HistoryQuery.since(p, 0, "c2", 2));
            assertEquals(List.of(base, base + 3), ids(two));
            assertTrue(two.more());
            HistoryPage all = page(store, HistoryQuery.since(p, 0, "c2", 4));
            assertEquals(List.of(base, base + 3, base + 6, base + 9), ids(all));
            assertFalse(all.more(), "exactly all of c2's");
            HistoryPage fromItsOwn = page(store, HistoryQuery.since(p, base + 3, "c2", 1));
            assertEquals(List.of(base + 6), ids(fromItsOwn));
            assertTrue(fromItsOwn.more());
            HistoryPage fromAnother = page(store, HistoryQuery.since(p, base + 4, "c2", 5));
            assertEquals(List.of(base + 6, base + 9), ids(fromAnother), "from another recipient's message");
            assertFalse(fromAnother.more());
            HistoryPage nobody = page(store, HistoryQuery.since(p, 0, "c9", 5));
            assertEquals(List.of(), nobody.messages());
            assertFalse(nobody.more());
            assertEquals(List.of(), page(store, HistoryQuery.since("*", 0, "c2", 5)).messages(),
                    "messages to everyone have no recipient");
            assertEquals(List.of(base + 1, base + 4), ids(page(store, HistoryQuery.since(p, 0, "c3", 2))),
                    "the same query for another recipient, its statement prepared already");
        }
    }

    @Test
    void privateMessagesStayInMemoryUnlessAskedForInTheFile() throws Exception {
        StoredMessage pub = message(every[0], "*");
        StoredMessage priv = message(every[1], StoredMessage.PRIVATE);
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).build()) {
            store.open();
            store.append(pub);
            store.append(priv);
            assertEquals(List.of(priv), page(store, HistoryQuery.latest(StoredMessage.PRIVATE, 5)).messages(),
                    "served from memory (a resume reads them)");
            assertEquals(List.of(pub), page(store, HistoryQuery.latest("*", 5)).messages());
        }
        assertEquals(List.of(0L, 1L), rowsByTarget(file), "the file has the message to everyone only");
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).build()) {
            assertEquals(every[0], store.open(), "ids continue above the file's");
            assertEquals(List.of(), page(store, HistoryQuery.latest(StoredMessage.PRIVATE, 5)).messages(),
                    "gone after a restart");
        }
        Path other = dir.resolve("with-private.db");
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(other).privateMessagesInFile(true).build()) {
            store.open();
            store.append(pub);
            store.append(priv);
        }
        assertEquals(List.of(1L, 1L), rowsByTarget(other));
    }

    /** How many rows the file has for '@' and for '*', read with plain JDBC. */
    private static List<Long> rowsByTarget(Path f) throws Exception {
        try (java.sql.Connection c = Fixtures.jdbc(f); java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM messages WHERE target = '@'), "
                        + "(SELECT count(*) FROM messages WHERE target = '*')")) {
            rs.next();
            return List.of(rs.getLong(1), rs.getLong(2));
        }
    }

    @Test
    void everyFieldComesBackAsAppended() throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).build()) {
            store.open();
            StoredMessage pub = new StoredMessage(every[0], "*", "c1", "Zoë", "::1", null, "héllo\nwörld \ud83d\ude00");
            StoredMessage priv = new StoredMessage(every[1], StoredMessage.PRIVATE, "c2", "Ярослав", "127.0.0.1",
                    "c3", "");
            store.append(pub);
            store.append(priv);
            assertEquals(List.of(pub), page(store, HistoryQuery.latest("*", 5)).messages());
            assertEquals(List.of(priv), page(store, HistoryQuery.latest(StoredMessage.PRIVATE, 5)).messages(),
                    "private messages are kept under '@' and served like any target");
        }
    }

    @Test
    void aQuerySeesEveryAppendBeforeIt() throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).maxAge(OLD_IDS_KEPT).build()) {
            store.open();
            for (long id = 1; id <= 100; id++) {
                store.append(message(id, "*"));
                assertEquals(List.of(id), ids(page(store, HistoryQuery.latest("*", 1))));
            }
        }
    }

    @Test
    void aQueryDoesNotWaitForTheCommitIntervalToSeeItsWrites() throws Exception {
        // With a minute between commits, only the query's request to commit now can make the message visible in time
        // (a query waits a second at most).
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).maxAge(OLD_IDS_KEPT)
                .commitInterval(Duration.ofMinutes(1)).build()) {
            store.open();
            for (long id = 1; id <= 5; id++) {
                store.append(message(id, "*"));
                assertEquals(List.of(id), ids(page(store, HistoryQuery.latest("*", 1))));
            }
        }
    }

    @Test
    void concurrentAppendersSeeTheirOwnWrites() throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).maxAge(OLD_IDS_KEPT).build()) {
            store.open();
            int threads = 3;
            int each = 300;
            CountDownLatch start = new CountDownLatch(1);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<Thread> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String target = "room" + t;
                long offset = t;
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < each; i++) {
                            long id = 1 + offset + (long) i * threads;
                            store.append(message(id, target));
                            if (i % 30 == 0) {
                                assertEquals(List.of(id), ids(page(store, HistoryQuery.latest(target, 1))));
                            }
                        }
                    } catch (Throwable e) {
                        failed.compareAndSet(null, e);
                    }
                });
                th.start();
                all.add(th);
            }
            start.countDown();
            for (Thread th : all) {
                th.join(Fixtures.WAIT.toMillis());
                assertFalse(th.isAlive());
            }
            if (failed.get() != null) {
                throw new AssertionError(failed.get());
            }
            for (int t = 0; t < threads; t++) {
                assertEquals(each, page(store, HistoryQuery.latest("room" + t, 10_000)).messages().size());
            }
            assertEquals(0, store.dropped());
        }
    }

    @Test
    void reopeningKeepsTheMessagesAndTheHighestId() throws Exception {
        try (SqliteHistoryStore store = filled()) {
            assertEquals(10, page(store, HistoryQuery.latest("*", 100)).messages().size());
        }
        try (SqliteHistoryStore again = SqliteHistoryStore.builder(file).build()) {
            assertEquals(every[9], again.open(), "open() gives the highest id in the file");
            assertEquals(every(0, 10), ids(page(again, HistoryQuery.latest("*", 100))));
            assertEquals(LongStream.of(room).boxed().toList(), ids(page(again, HistoryQuery.latest("room", 100))));
            again.append(message(every[9] + 100, "*"));
            assertEquals(List.of(every[8], every[9], every[9] + 100), ids(page(again, HistoryQuery.latest("*", 3))));
        }
    }

    @Test
    void aCleanCloseWritesEverythingQueued() throws Exception {
        int n = 5_500; // five full batches and a partial one, which only close() commits within the minute
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).maxAge(OLD_IDS_KEPT)
                .commitInterval(Duration.ofMinutes(1)).build()) {
            store.open();
            for (long id = 1; id <= n; id++) {
                store.append(message(id, "*"));
            }
        }
        try (SqliteHistoryStore again = SqliteHistoryStore.builder(file).maxAge(Duration.ZERO).build()) {
            assertEquals(n, again.open());
            assertEquals(n, page(again, HistoryQuery.latest("*", 10_000)).messages().size());
        }
    }

    @Test
    void closeIsIdempotentAndAClosedStoreAnswersUnavailable() throws Exception {
        SqliteHistoryStore store = filled();
        CompletableFuture<?> before = store.query(HistoryQuery.latest("*", 1)).toCompletableFuture();
        store.close();
        store.close();
        assertTrue(before.handle((page, e) -> page != null || e instanceof HistoryUnavailableException)
                .get(Fixtures.WAIT.toMillis(), TimeUnit.MILLISECONDS), "asked before close: answered or unavailable");
        assertInstanceOf(HistoryUnavailableException.class, failure(store, HistoryQuery.latest("*", 1)));
        long dropped = store.dropped();
        store.append(message(every[9] + 1, "*"));
        assertEquals(dropped + 1, store.dropped(), "an append after close is counted, not thrown");
        assertTrue(store.lostUpTo("*") >= every[9] + 1, "and lost");
        assertThrows(IllegalStateException.class, store::open);
        assertEquals(List.of(), historyThreads(), "close stops every thread the store started");
    }

    @Test
    void aStoreNotOpenAnswersUnavailable() {
        SqliteHistoryStore store = SqliteHistoryStore.builder(file).build();
        Throwable t = failure(store, HistoryQuery.latest("*", 1));
        assertInstanceOf(HistoryUnavailableException.class, t);
        assertTrue(t.getMessage().contains("not open"), t.getMessage());
        store.close();
    }

    @Test
    void theThreadsAreNamedDaemons() throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).readers(3).build()) {
            store.open();
            List<Thread> threads = historyThreads();
            assertEquals(List.of("aurachat-history-reader-1", "aurachat-history-reader-2",
                    "aurachat-history-reader-3", "aurachat-history-writer"),
                    threads.stream().map(Thread::getName).sorted().toList());
            assertTrue(threads.stream().allMatch(Thread::isDaemon));
        }
        assertEquals(List.of(), historyThreads());
    }

    private static List<Thread> historyThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("aurachat-history-"))
                .toList();
    }

    @Test
    void theBuilderChecksItsRanges() {
        List<Consumer<SqliteHistoryStore.Builder>> bad = List.of(
                b -> b.maxPerTarget(0),
                b -> b.maxAge(Duration.ofMillis(-1)),
                b -> b.commitInterval(Duration.ofMillis(-1)),
                b -> b.commitInterval(Duration.ofMinutes(2)),
                b -> b.maxBatch(0),
                b -> b.queueCapacity(0),
                b -> b.readers(0),
                b -> b.readers(65));
        for (Consumer<SqliteHistoryStore.Builder> change : bad) {
            SqliteHistoryStore.Builder b = SqliteHistoryStore.builder(file);
            change.accept(b);
            assertThrows(IllegalArgumentException.class, b::build);
        }
        assertThrows(IllegalArgumentException.class, () -> SqliteHistoryStore.builder(dir.resolve("a?b.db")).build());
        assertThrows(NullPointerException.class, () -> SqliteHistoryStore.builder(null));
        assertThrows(NullPointerException.class, () -> SqliteHistoryStore.builder(file).clock(null));
        assertThrows(NullPointerException.class, () -> SqliteHistoryStore.builder(file).maxAge(null));
        SqliteHistoryStore edge = SqliteHistoryStore.builder(file).maxPerTarget(1).maxAge(Duration.ZERO)
                .commitInterval(Duration.ZERO).maxBatch(1).queueCapacity(1).readers(1).build();
        edge.close();
        assertThrows(NullPointerException.class, () -> edge.append(null));
        assertThrows(NullPointerException.class, () -> edge.query(null));
    }
}
