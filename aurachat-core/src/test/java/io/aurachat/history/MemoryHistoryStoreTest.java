package io.aurachat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.testing.HandClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The in-memory history store: pages, bounds, retention. */
class MemoryHistoryStoreTest {
    private static final Instant T = Instant.parse("2026-12-02T14:00:00Z");

    /** The id of the n-th message (n from 1), one a millisecond from T. */
    private static long id(long n) {
        return MessageIds.first(T.toEpochMilli() + n, 0);
    }

    private static StoredMessage message(String target, long n) {
        return new StoredMessage(id(n), target, "c1", "ann", "127.0.0.1", null, "text " + n);
    }

    private static StoredMessage toClient(long n, String to) {
        return new StoredMessage(id(n), StoredMessage.PRIVATE, "c1", "ann", "127.0.0.1", to, "text " + n);
    }

    private static MemoryHistoryStore filled(String target, int n) {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxAge(Duration.ZERO).build();
        for (int i = 1; i <= n; i++) {
            store.append(message(target, i));
        }
        return store;
    }

    private static List<Long> numbers(HistoryPage page) {
        return page.messages().stream().map(m -> Long.parseLong(m.text().substring(5))).toList();
    }

    private static HistoryPage page(HistoryStore store, HistoryQuery q) {
        return store.query(q).toCompletableFuture().join();
    }

    private static Throwable failure(HistoryStore store, HistoryQuery q) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> store.query(q).toCompletableFuture().join());
        return e.getCause();
    }

    @Test
    void latestIsTheNewestOldestFirstAndSaysWhetherThereIsMore() {
        MemoryHistoryStore store = filled("*", 10);

        HistoryPage three = page(store, HistoryQuery.latest("*", 3));
        HistoryPage all = page(store, HistoryQuery.latest("*", 50));

        assertEquals(List.of(8L, 9L, 10L), numbers(three));
        assertTrue(three.more());
        assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), numbers(all));
        assertFalse(all.more());
    }

    @Test
    void beforeAndAfterExcludeTheNamedMessage() {
        MemoryHistoryStore store = filled("*", 10);

        HistoryPage before = page(store, HistoryQuery.before("*", id(5), 2));
        HistoryPage beforeAll = page(store, HistoryQuery.before("*", id(5), 10));
        HistoryPage after = page(store, HistoryQuery.after("*", id(5), 2));
        HistoryPage afterAll = page(store, HistoryQuery.after("*", id(5), 10));

        assertEquals(List.of(3L, 4L), numbers(before));
        assertTrue(before.more());
        assertEquals(List.of(1L, 2L, 3L, 4L), numbers(beforeAll));
        assertFalse(beforeAll.more());
        assertEquals(List.of(6L, 7L), numbers(after));
        assertTrue(after.more());
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L), numbers(afterAll));
        assertFalse(afterAll.more());
    }

    @Test
    void betweenIsStrictlyInsideInEitherOrder() {
        MemoryHistoryStore store = filled("*", 10);

        HistoryPage some = page(store, HistoryQuery.between("*", id(8), id(2), 3));
        HistoryPage all = page(store, HistoryQuery.between("*", id(2), id(8), 50));

        assertEquals(List.of(3L, 4L, 5L), numbers(some));
        assertTrue(some.more());
        assertEquals(List.of(3L, 4L, 5L, 6L, 7L), numbers(all));
        assertFalse(all.more());
    }

    @Test
    void anIdTheTargetDoesNotHoldIsNoSuchMessage() {
        MemoryHistoryStore store = filled("*", 3);
        store.append(message("room", 4));

        assertInstanceOf(NoSuchMessageException.class, failure(store, HistoryQuery.before("*", id(99), 5)));
        assertInstanceOf(NoSuchMessageException.class, failure(store, HistoryQuery.after("*", id(4), 5)));
        assertInstanceOf(NoSuchMessageException.class, failure(store, HistoryQuery.after("nowhere", id(1), 5)));
        assertEquals(List.of(), page(store, HistoryQuery.latest("nowhere", 5)).messages());
    }

    @Test
    void sinceIsAboveAnIdTheStoreNeedNotHold() {
        MemoryHistoryStore store = filled("*", 10);

        HistoryPage all = page(store, HistoryQuery.since("*", 0, null, 50));
        HistoryPage three = page(store, HistoryQuery.since("*", id(5), null, 3));
        HistoryPage rest = page(store, HistoryQuery.since("*", id(5), null, 5));
        HistoryPage between = page(store, HistoryQuery.since("*", id(5) + 1, null, 2));
        HistoryPage belowTheOldest = page(store, HistoryQuery.since("*", id(1) - 1, null, 2));

        assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), numbers(all));
        assertFalse(all.more());
        assertEquals(List.of(6L, 7L, 8L), numbers(three));
        assertTrue(three.more());
        assertEquals(List.of(6L, 7L, 8L, 9L, 10L), numbers(rest));
        assertFalse(rest.more(), "exactly what is left");
        assertEquals(List.of(6L, 7L), numbers(between), "an id between two held ones");
        assertTrue(between.more());
        assertEquals(List.of(1L, 2L), numbers(belowTheOldest));
        assertTrue(belowTheOldest.more());
        for (long above : new long[] {id(10), id(99), Long.MAX_VALUE}) {
            HistoryPage none = page(store, HistoryQuery.since("*", above, null, 5));
            assertEquals(List.of(), none.messages());
            assertFalse(none.more());
        }
    }

    @Test
    void sinceWithARecipientIsOnlyTheMessagesToThatClient() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxAge(Duration.ZERO).build();
        for (int i = 1; i <= 12; i++) {
            store.append(toClient(i, "c" + (i % 3 + 2))); // c3, c4, c2, c3, ...: c2 gets 3, 6, 9, 12
        }
        String p = StoredMessage.PRIVATE;

        HistoryPage two = page(store, HistoryQuery.since(p, 0, "c2", 2));
        HistoryPage all = page(store, HistoryQuery.since(p, 0, "c2", 4));
        HistoryPage fromBetween = page(store, HistoryQuery.since(p, id(6) + 1, "c2", 1));
        HistoryPage fromAnother = page(store, HistoryQuery.since(p, id(10), "c2", 5));
        HistoryPage nobody = page(store, HistoryQuery.since(p, 0, "c9", 5));

        assertEquals(List.of(3L, 6L), numbers(two));
        assertTrue(two.more());
        assertEquals(List.of(3L, 6L, 9L, 12L), numbers(all));
        assertFalse(all.more(), "exactly all of c2's");
        assertEquals(List.of(9L), numbers(fromBetween));
        assertTrue(fromBetween.more());
        assertEquals(List.of(12L), numbers(fromAnother), "from another recipient's message");
        assertFalse(fromAnother.more());
        assertEquals(List.of(), nobody.messages());
        assertFalse(nobody.more());
        assertEquals(List.of(), page(store, HistoryQuery.since("*", 0, "c2", 5)).messages(),
                "messages to everyone have no recipient");
    }

    @Test
    void sinceOnATargetWithoutMessagesIsAnEmptyPage() {
        MemoryHistoryStore store = filled("*", 3);

        for (HistoryQuery q : List.of(HistoryQuery.since("nowhere", 0, null, 5),
                HistoryQuery.since("nowhere", id(2), null, 5), HistoryQuery.since("nowhere", id(2), "c2", 5))) {
            HistoryPage none = page(store, q);
            assertEquals(List.of(), none.messages(), q.toString());
            assertFalse(none.more(), q.toString());
        }
    }

    @Test
    void eachTargetKeepsItsLatestMessagesUpToItsBound() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxPerTarget(100).maxAge(Duration.ZERO).build();
        for (int i = 1; i <= 1000; i++) {
            store.append(message(i % 2 == 0 ? "even" : "odd", i));
        }

        assertEquals(200, store.size());
        HistoryPage even = page(store, HistoryQuery.latest("even", 200));
        assertEquals(LongStream.rangeClosed(401, 500).map(n -> 2 * n).boxed().toList(), numbers(even));
        assertFalse(even.more());
        assertInstanceOf(NoSuchMessageException.class, failure(store, HistoryQuery.after("even", id(2), 5)));
    }

    @Test
    void theByteBoundDropsTheOldestOfAllTargets() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxBytes(64 * 1024).maxAge(Duration.ZERO).build();
        long each = message("a", 1).approximateBytes();
        for (int i = 1; i <= 10_000; i++) {
            store.append(message(i <= 10 ? "old" : "busy", i));
        }

        assertTrue(store.bytes() <= 64 * 1024, store.bytes() + " bytes kept");
        assertTrue(store.bytes() > 64 * 1024 - 2 * each, "it dropped more than it had to: " + store.bytes());
        assertEquals(List.of(), page(store, HistoryQuery.latest("old", 10)).messages());
        assertEquals(10_000L, numbers(page(store, HistoryQuery.latest("busy", 1))).get(0));
    }

    @Test
    void messagesOlderThanTheAgeAreGone() {
        HandClock clock = new HandClock(T);
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxAge(Duration.ofMinutes(10)).clock(clock).build();
        for (int i = 1; i <= 5; i++) {
            store.append(message("*", i * 60_000L)); // one a minute, from T + 1 min
        }
        clock.millis = T.toEpochMilli() + 12 * 60_000L + 1; // 12 min after T: the first two are over 10 min old

        assertEquals(List.of(180_000L, 240_000L, 300_000L), numbers(page(store, HistoryQuery.latest("*", 10))));
    }

    @Test
    void theTargetBoundReplacesTheStalestTarget() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxTargets(2).maxAge(Duration.ZERO).build();
        store.append(message("a", 1));
        store.append(message("b", 2));
        store.append(message("a", 3));
        store.append(message("c", 4)); // b's latest (2) is the oldest: b goes

        assertEquals(List.of(), page(store, HistoryQuery.latest("b", 10)).messages());
        assertEquals(List.of(1L, 3L), numbers(page(store, HistoryQuery.latest("a", 10))));
        assertEquals(3, store.size());
    }

    @Test
    void aChurningTargetBehindAnOldMessageDoesNotGrowTheStoreWithoutBound() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxPerTarget(10).maxAge(Duration.ZERO).build();
        store.append(message("quiet", 1));
        for (int i = 2; i <= 200_000; i++) {
            store.append(message("busy", i));
        }
        assertEquals(11, store.size());
        assertEquals(List.of(1L), numbers(page(store, HistoryQuery.latest("quiet", 10))));
    }

    @Test
    void nothingIsLostWhileNoBoundIsReached() {
        MemoryHistoryStore store = MemoryHistoryStore.create();
        assertEquals(0, store.lostUpTo("*"));
        assertEquals(0, store.lostUpTo("nowhere"));

        MemoryHistoryStore used = filled("*", 10);
        used.append(message("room", 11));
        assertEquals(0, used.lostUpTo("*"));
        assertEquals(0, used.lostUpTo("room"));
    }

    @Test
    void lostUpToIsTheNewestMessageTheCountBoundRemoved() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxPerTarget(5).maxAge(Duration.ZERO).build();
        for (int i = 1; i <= 8; i++) {
            store.append(message("*", i)); // 1 to 3 go
        }
        store.append(message("room", 9));

        long lost = store.lostUpTo("*");
        assertTrue(lost >= id(3) && lost < id(4), "between the newest removed and the oldest kept: " + lost);
        assertEquals(4L, numbers(page(store, HistoryQuery.latest("*", 10))).get(0));
        assertEquals(0, store.lostUpTo("room"), "a target under its bound lost nothing");
    }

    @Test
    void lostUpToCountsWhatAgedOutWithoutAQuery() {
        HandClock clock = new HandClock(T);
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxAge(Duration.ofMinutes(10)).clock(clock).build();
        for (int i = 1; i <= 5; i++) {
            store.append(message("*", i * 60_000L)); // one a minute, from T + 1 min
        }
        assertEquals(0, store.lostUpTo("*"));

        clock.millis = T.toEpochMilli() + 12 * 60_000L + 1; // the first two are over 10 min old
        long lost = store.lostUpTo("*");
        assertTrue(lost >= id(120_000) && lost < id(180_000), "the second gone, the third kept: " + lost);

        clock.millis = T.toEpochMilli() + 60 * 60_000L; // all of them: the target goes
        assertTrue(store.lostUpTo("*") >= id(300_000));
        store.append(message("*", 60 * 60_000L));
        assertTrue(store.lostUpTo("*") >= id(300_000), "the target again, with a new message");
        assertEquals(List.of(3_600_000L), numbers(page(store, HistoryQuery.latest("*", 10))));
    }

    @Test
    void lostUpToCountsWhatTheByteBoundRemoved() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxBytes(64 * 1024).maxAge(Duration.ZERO).build();
        for (int i = 1; i <= 10_000; i++) {
            store.append(message(i <= 10 ? "old" : "busy", i));
        }

        long oldestKept = numbers(page(store, HistoryQuery.latest("busy", 10_000))).get(0);
        long busy = store.lostUpTo("busy");
        assertTrue(busy >= id(oldestKept - 1) && busy < id(oldestKept),
                "between the newest removed and the oldest kept (" + oldestKept + "): " + busy);
        assertTrue(store.lostUpTo("old") >= id(10), "a target the byte bound emptied");
    }

    @Test
    void lostUpToCountsATargetReplacedByANewOne() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxTargets(2).maxAge(Duration.ZERO).build();
        store.append(message("a", 1));
        store.append(message("b", 2));
        store.append(message("a", 3));
        store.append(message("c", 4)); // b goes
        assertTrue(store.lostUpTo("b") >= id(2));

        store.append(message("b", 5)); // a goes, b is back
        assertTrue(store.lostUpTo("b") >= id(2), "a target replaced, then back");
        assertTrue(store.lostUpTo("a") >= id(3));
        assertEquals(List.of(5L), numbers(page(store, HistoryQuery.latest("b", 10))));
    }

    @Test
    void aClosedStoreIsUnavailableAndTakesNothing() {
        MemoryHistoryStore store = filled("*", 3);
        store.close();
        store.append(message("*", 4));

        assertInstanceOf(HistoryUnavailableException.class, failure(store, HistoryQuery.latest("*", 5)));
        assertEquals(0, store.size());
        assertEquals(Long.MAX_VALUE, store.lostUpTo("*"), "closing let go of everything");
    }

    @Test
    void theNoneStoreKeepsNothingAndIsUnavailable() {
        HistoryStore.NONE.append(message("*", 1));
        assertEquals(0, HistoryStore.NONE.open());
        assertInstanceOf(HistoryUnavailableException.class, failure(HistoryStore.NONE, HistoryQuery.latest("*", 5)));
        assertEquals(Long.MAX_VALUE, HistoryStore.NONE.lostUpTo("*"));
    }

    @Test
    void theBuilderRefusesValuesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> MemoryHistoryStore.builder().maxPerTarget(0).build());
        assertThrows(IllegalArgumentException.class, () -> MemoryHistoryStore.builder().maxBytes(10).build());
        assertThrows(IllegalArgumentException.class, () -> MemoryHistoryStore.builder().maxTargets(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> MemoryHistoryStore.builder().maxAccountTargets(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> MemoryHistoryStore.builder().maxAge(Duration.ofSeconds(-1)).build());
        assertThrows(IllegalArgumentException.class, () -> HistoryQuery.latest("*", 0));
        assertThrows(IllegalArgumentException.class, () -> new HistoryQuery("*", HistoryQuery.Kind.BEFORE, 0, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> HistoryQuery.since("*", -1, null, 5));
        assertThrows(IllegalArgumentException.class,
                () -> new HistoryQuery("*", HistoryQuery.Kind.AFTER, id(1), 0, 5, "c2"));
        assertThrows(IllegalArgumentException.class, () -> HistoryQuery.latest("*", 5).withPeer("bob"),
                "a peer filters an account target only");
        assertThrows(IllegalArgumentException.class, () -> HistoryQuery.latest("@ann", 5).withPeer(""));
        assertThrows(IllegalArgumentException.class, () -> HistoryQuery.since("@ann", 0, null, 5).withPeer("bob"));
    }

    // ---------------------------------------------------------------- one conversation of an account

    /**
     * Ann's account target: 1 and 6 to Bob, 2 from Bob, 3 to Cid, 4 from an anonymous client, 5 between her own
     * devices, 7 from Dan, 8 to an anonymous client.
     */
    static MemoryHistoryStore annsConversations() {
        MemoryHistoryStore store = MemoryHistoryStore.create();
        String[][] sides = {{"ann", "bob"}, {"bob", "ann"}, {"ann", "cid"}, {null, "ann"}, {"ann", "ann"},
            {"ann", "bob"}, {"dan", "ann"}, {"ann", null}};
        for (int i = 0; i < sides.length; i++) {
            store.append(new StoredMessage(id(i + 1), "@ann", "c" + i, "N" + i, "127.0.0.1", "c9", "text " + (i + 1),
                    sides[i][0], "R" + i, sides[i][1]));
        }
        return store;
    }

    @Test
    void aPeerPagesOneConversationOfAnAccountAndTheBoundsAreAnyOfItsMessages() {
        MemoryHistoryStore store = annsConversations();

        HistoryPage bob = page(store, HistoryQuery.latest("@ann", 10).withPeer("bob"));
        assertEquals(List.of(1L, 2L, 6L), numbers(bob), "both ways");
        assertFalse(bob.more());
        HistoryPage last2 = page(store, HistoryQuery.latest("@ann", 2).withPeer("bob"));
        assertEquals(List.of(2L, 6L), numbers(last2));
        assertTrue(last2.more());
        HistoryPage before = page(store, HistoryQuery.before("@ann", id(6), 10).withPeer("bob"));
        assertEquals(List.of(1L, 2L), numbers(before));
        assertFalse(before.more());
        assertTrue(page(store, HistoryQuery.before("@ann", id(6), 1).withPeer("bob")).more());
        HistoryPage after = page(store, HistoryQuery.after("@ann", id(1), 1).withPeer("bob"));
        assertEquals(List.of(2L), numbers(after));
        assertTrue(after.more());
        HistoryPage rest = page(store, HistoryQuery.after("@ann", id(2), 10).withPeer("bob"));
        assertEquals(List.of(6L), numbers(rest));
        assertFalse(rest.more());
        assertEquals(List.of(2L), numbers(page(store, HistoryQuery.between("@ann", id(6), id(1), 10).withPeer("bob"))));
        assertEquals(List.of(1L, 2L), numbers(page(store, HistoryQuery.before("@ann", id(4), 10).withPeer("bob"))),
                "a bound of another conversation is a position");
        assertEquals(List.of(5L), numbers(page(store, HistoryQuery.latest("@ann", 10).withPeer("ann"))), "her own");
        assertEquals(List.of(3L), numbers(page(store, HistoryQuery.latest("@ann", 10).withPeer("cid"))));
        assertEquals(List.of(7L), numbers(page(store, HistoryQuery.latest("@ann", 10).withPeer("dan"))));
        assertEquals(List.of(), page(store, HistoryQuery.latest("@ann", 10).withPeer("eve")).messages());
        assertInstanceOf(NoSuchMessageException.class,
                failure(store, HistoryQuery.before("@ann", id(99), 10).withPeer("bob")));
        assertEquals(List.of(), page(store, HistoryQuery.latest("@bob", 10).withPeer("ann")).messages(),
                "Ann's messages are Ann's target's");
        assertEquals(8, page(store, HistoryQuery.latest("@ann", 10)).messages().size(), "no peer: all of them");
    }

    @Test
    void aConversationSpreadOverManyRunsOfTheScanIsPagedTheSame() {
        // Every 100th message of Ann's is with Bob, the rest with Cid: a page of Bob's must look at several runs.
        MemoryHistoryStore store = MemoryHistoryStore.create();
        int n = 5 * MemoryHistoryStore.SCAN_RUN + 7;
        for (int i = 1; i <= n; i++) {
            String peer = i % 100 == 0 ? "bob" : "cid";
            store.append(new StoredMessage(id(i), "@ann", "c1", "Ann", "127.0.0.1", "c2", "text " + i, "ann", peer,
                    peer));
        }
        List<Long> bob = LongStream.rangeClosed(1, n).filter(i -> i % 100 == 0).boxed().toList();

        HistoryPage all = page(store, HistoryQuery.latest("@ann", 200).withPeer("bob"));
        assertEquals(bob, numbers(all));
        assertFalse(all.more());
        HistoryPage last3 = page(store, HistoryQuery.latest("@ann", 3).withPeer("bob"));
        assertEquals(bob.subList(bob.size() - 3, bob.size()), numbers(last3));
        assertTrue(last3.more(), "found in a later run");
        assertEquals(bob.subList(0, 2), numbers(page(store, HistoryQuery.before("@ann", id(bob.get(2)), 5)
                .withPeer("bob"))));
        HistoryPage after = page(store, HistoryQuery.after("@ann", id(1), 4).withPeer("bob"));
        assertEquals(bob.subList(0, 4), numbers(after));
        assertTrue(after.more());
        assertEquals(bob.subList(1, bob.size()),
                numbers(page(store, HistoryQuery.between("@ann", id(bob.get(0)), id(n), 200).withPeer("bob"))));
        assertEquals(bob.subList(1, bob.size() - 1), numbers(page(store,
                HistoryQuery.between("@ann", id(bob.get(0)), id(bob.get(bob.size() - 1)), 200).withPeer("bob"))));
        assertEquals(List.of(), page(store, HistoryQuery.latest("@ann", 50).withPeer("eve")).messages(),
                "a whole target looked at, run after run");
    }

    @Test
    void aResumesMessagesSpreadOverManyRunsOfTheScanAreFoundAndPagedTheSame() {
        // Every 100th private message is to c9, the rest to c2: what c9 missed lies in several runs of the @ target.
        MemoryHistoryStore store = MemoryHistoryStore.create();
        int n = 5 * MemoryHistoryStore.SCAN_RUN + 7;
        for (int i = 1; i <= n; i++) {
            store.append(new StoredMessage(id(i), StoredMessage.PRIVATE, "c1", "Ann", "127.0.0.1", i % 100 == 0 ? "c9"
                    : "c2", "text " + i));
        }
        List<Long> toC9 = LongStream.rangeClosed(1, n).filter(i -> i % 100 == 0).boxed().toList();
        String p = StoredMessage.PRIVATE;

        HistoryPage all = page(store, HistoryQuery.since(p, 0, "c9", 100));
        assertEquals(toC9, numbers(all));
        assertFalse(all.more());
        HistoryPage first3 = page(store, HistoryQuery.since(p, id(1), "c9", 3));
        assertEquals(toC9.subList(0, 3), numbers(first3));
        assertTrue(first3.more(), "the fourth found in a later run");
        assertEquals(toC9.subList(2, toC9.size()), numbers(page(store, HistoryQuery.since(p, id(250), "c9", 100))));
        assertEquals(List.of(), page(store, HistoryQuery.since(p, id(n), "c9", 100)).messages());
        assertEquals(List.of(), page(store, HistoryQuery.since(p, Long.MAX_VALUE, "c9", 100)).messages());
        assertEquals(List.of(), page(store, HistoryQuery.since(p, 0, "c7", 100)).messages(),
                "a whole target looked at, run after run");
        assertEquals(List.of(), page(store, HistoryQuery.since("@nobody", 0, "c9", 100)).messages(), "no such target");
    }

    // ---------------------------------------------------------------- one message under several targets

    /** A private message between two accounts as the hub keeps it under {@code target}. */
    private static StoredMessage between(String target, long n) {
        return new StoredMessage(id(n), target, "c1", "Ann", "127.0.0.1", "c2", "text " + n, "ann", "Bob", "bob");
    }

    @Test
    void oneIdUnderSeveralTargetsIsKeptInEachWithItsAccountFields() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxAge(Duration.ZERO).build();
        for (int i = 1; i <= 3; i++) {
            store.append(toClient(i, "c2"));
            store.append(between("@ann", i));
            store.append(between("@bob", i));
        }

        for (String target : List.of("@ann", "@bob")) {
            HistoryPage page = page(store, HistoryQuery.latest(target, 10));
            assertEquals(List.of(1L, 2L, 3L), numbers(page), target);
            StoredMessage m = page.messages().get(0);
            assertEquals(target, m.target());
            assertEquals("ann", m.fromAccount());
            assertEquals("Bob", m.toName());
            assertEquals("bob", m.toAccount());
            assertEquals("c2", m.to());
        }
        StoredMessage plain = page(store, HistoryQuery.latest(StoredMessage.PRIVATE, 1)).messages().get(0);
        assertFalse(plain.hasAccountFields(), "the @ copy is kept as given: " + plain);
        assertEquals(List.of(2L), numbers(page(store, HistoryQuery.between("@bob", id(1), id(3), 10))));
        assertEquals(9, store.size());
    }

    @Test
    void theByteAndAgeBoundsTakeFromEveryTargetThatSharesAnOldestId() {
        // Three rings whose oldest message has one id: the index used to keep only one of them, so the others were
        // never evicted and the byte bound did not hold.
        MemoryHistoryStore bounded = MemoryHistoryStore.builder().maxBytes(16 * 1024).maxAge(Duration.ZERO).build();
        for (int i = 1; i <= 2_000; i++) {
            bounded.append(toClient(i, "c2"));
            bounded.append(between("@ann", i));
            bounded.append(between("@bob", i));
        }
        assertTrue(bounded.bytes() <= 16 * 1024, bounded.bytes() + " bytes kept");
        for (String target : List.of("@", "@ann", "@bob")) {
            List<Long> kept = numbers(page(bounded, HistoryQuery.latest(target, 200)));
            assertEquals(2_000L, kept.get(kept.size() - 1), target);
            assertTrue(kept.get(0) > 1_000, target + " kept its oldest: " + kept.get(0));
        }

        HandClock clock = new HandClock(T);
        MemoryHistoryStore aging = MemoryHistoryStore.builder().maxAge(Duration.ofMinutes(1)).clock(clock).build();
        aging.append(between("@ann", 1));
        aging.append(between("@bob", 1));
        aging.append(between("@bob", 120_000));
        clock.millis = T.toEpochMilli() + 90_000; // the first is 90 s old, the second to come
        assertEquals(List.of(), page(aging, HistoryQuery.latest("@ann", 10)).messages());
        assertEquals(List.of(120_000L), numbers(page(aging, HistoryQuery.latest("@bob", 10))));
        assertEquals(1, aging.size());
    }

    @Test
    void theCountBoundAppliesToAccountTargets() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxPerTarget(5).maxAge(Duration.ZERO).build();
        for (int i = 1; i <= 12; i++) {
            store.append(between("@ann", i));
        }
        assertEquals(List.of(8L, 9L, 10L, 11L, 12L), numbers(page(store, HistoryQuery.latest("@ann", 50))));
    }

    @Test
    void accountTargetsAreBoundedApartFromRoomsAndReplaceOnlyOneAnother() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxTargets(2).maxAccountTargets(2)
                .maxAge(Duration.ZERO).build();
        store.append(message("*", 1));
        store.append(message("lobby", 2));
        store.append(between("@ann", 3));
        store.append(between("@bob", 4));
        store.append(between("@ann", 5));
        store.append(between("@cid", 6)); // @bob's latest (4) is the oldest of the account targets: it goes

        assertEquals(List.of(1L), numbers(page(store, HistoryQuery.latest("*", 10))), "rooms stay");
        assertEquals(List.of(2L), numbers(page(store, HistoryQuery.latest("lobby", 10))));
        assertEquals(List.of(), page(store, HistoryQuery.latest("@bob", 10)).messages());
        assertEquals(List.of(3L, 5L), numbers(page(store, HistoryQuery.latest("@ann", 10))));
        assertEquals(List.of(6L), numbers(page(store, HistoryQuery.latest("@cid", 10))));

        store.append(message("room2", 7)); // a room beyond maxTargets replaces a room (the stalest: *), never an account's
        assertEquals(List.of(), page(store, HistoryQuery.latest("*", 10)).messages());
        assertEquals(List.of(3L, 5L), numbers(page(store, HistoryQuery.latest("@ann", 10))));
    }

    @Test
    void forgetDeletesOneTargetAndOnlyIt() {
        MemoryHistoryStore store = MemoryHistoryStore.builder().maxAge(Duration.ZERO).build();
        store.append(between("@ann", 1));
        store.append(between("@bob", 1));
        store.append(toClient(1, "c2"));
        long bytes = store.bytes();

        store.forget("@ann");
        store.forget("@nobody");

        assertEquals(List.of(), page(store, HistoryQuery.latest("@ann", 10)).messages());
        assertEquals(List.of(1L), numbers(page(store, HistoryQuery.latest("@bob", 10))));
        assertEquals(2, store.size());
        assertTrue(store.bytes() < bytes);
        assertEquals(0, store.lostUpTo("@bob"), "forgetting is not losing");
        store.append(between("@ann", 2)); // a target made again starts empty
        assertEquals(List.of(2L), numbers(page(store, HistoryQuery.latest("@ann", 10))));
    }
}
