package io.aurachat.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** One target of the memory store, encoded in a byte array: every kind of query, its bounds, its wrap-around. */
class ByteRingTest {
    private static final long NOW = 1_800_000_000_000L;

    private static long id(int i) {
        return MessageIds.first(NOW, 0) + i;
    }

    private static StoredMessage message(long id, String to, String text) {
        return new StoredMessage(id, StoredMessage.PRIVATE, "c1", "Zoë", "::1", to, text);
    }

    private static List<Long> ids(HistoryPage p) {
        return p.messages().stream().map(StoredMessage::id).toList();
    }

    /** A filtered page read three records at a time, as the store reads it in runs. */
    private static HistoryPage scanned(ByteRing ring, HistoryQuery q) {
        ByteRing.Scan scan = ring.scan(q);
        while (!ring.scan(scan, 3)) {
            // next run
        }
        return scan.result();
    }

    @Test
    void everyQueryKindAnswersAsTheOtherStoresDo() {
        ByteRing ring = new ByteRing(StoredMessage.PRIVATE, 100, 1 << 20);
        for (int i = 0; i < 10; i++) {
            ring.append(message(id(i), "c" + (2 + i % 2), "text " + i + " \u00e9\ud83d\ude00"));
        }
        String p = StoredMessage.PRIVATE;
        assertEquals(List.of(id(7), id(8), id(9)), ids(ring.query(HistoryQuery.latest(p, 3))));
        assertTrue(ring.query(HistoryQuery.latest(p, 3)).more());
        assertEquals(List.of(id(3), id(4)), ids(ring.query(HistoryQuery.before(p, id(5), 2))));
        assertEquals(List.of(id(6), id(7)), ids(ring.query(HistoryQuery.after(p, id(5), 2))));
        assertEquals(List.of(id(2), id(3), id(4)), ids(ring.query(HistoryQuery.between(p, id(1), id(5), 10))));
        assertThrows(NoSuchMessageException.class, () -> ring.query(HistoryQuery.after(p, id(50), 2)));
        HistoryPage toC3 = scanned(ring, HistoryQuery.since(p, id(2), "c3", 2));
        assertEquals(List.of(id(3), id(5)), ids(toC3));
        assertTrue(toC3.more());
        assertEquals(List.of(id(1), id(3), id(5), id(7), id(9)), ids(scanned(ring, HistoryQuery.since(p, 0, "c3", 10))));
        assertEquals(List.of(), ids(scanned(ring, HistoryQuery.since(p, 0, "c9", 10))));
        assertEquals(List.of(), ids(scanned(ring, HistoryQuery.since(p, Long.MAX_VALUE, "c3", 10))));
        assertEquals(List.of(id(9)), ids(scanned(ring, HistoryQuery.since(p, id(7), "c3", 10))));
        assertThrows(IllegalArgumentException.class, () -> ring.query(HistoryQuery.since(p, 0, "c3", 10)),
                "a filtered page is read in runs");
        assertEquals(10, ids(ring.query(HistoryQuery.since(p, 0, null, 10))).size());
        StoredMessage back = ring.query(HistoryQuery.after(p, id(0), 1)).messages().get(0);
        assertEquals(message(id(1), "c3", "text 1 \u00e9\ud83d\ude00"), back, "every field as appended");
        assertEquals(0, ring.lost);
    }

    @Test
    void theCountBoundKeepsTheNewest() {
        ByteRing ring = new ByteRing(StoredMessage.PRIVATE, 5, 1 << 20);
        for (int i = 0; i < 12; i++) {
            ring.append(message(id(i), "c2", "m" + i));
        }
        assertEquals(5, ring.size());
        assertEquals(List.of(id(7), id(8), id(9), id(10), id(11)),
                ids(ring.query(HistoryQuery.since(StoredMessage.PRIVATE, 0, null, 100))));
        assertEquals(id(6), ring.lost);
    }

    @Test
    void theByteBoundKeepsTheNewestThroughEveryWrapAround() {
        // Records of random sizes through a small array: whatever is kept is exactly the newest, in order and whole.
        ByteRing ring = new ByteRing(StoredMessage.PRIVATE, 1_000_000, 4096);
        SplittableRandom random = new SplittableRandom(7);
        List<StoredMessage> all = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            StoredMessage m = message(id(i), random.nextBoolean() ? null : "c" + random.nextInt(100),
                    "x".repeat(random.nextInt(1, 900)));
            all.add(m);
            ring.append(m);
            if (i % 97 == 0 || i == 4_999) {
                List<StoredMessage> kept = ring.query(HistoryQuery.since(StoredMessage.PRIVATE, 0, null, 1_000_000))
                        .messages();
                assertFalse(kept.isEmpty());
                assertEquals(all.subList(all.size() - kept.size(), all.size()), kept, "the newest, whole, at " + i);
                assertEquals(kept.size() == all.size() ? 0 : kept.get(0).id() - 1, ring.lost,
                        "lost up to just below the oldest kept");
                long bytes = kept.stream().mapToLong(k -> 21 + k.text().length()
                        + (k.to() == null ? 0 : k.to().length())).sum();
                assertTrue(bytes <= 4096, "within the bound: " + bytes);
            }
        }
    }

    @Test
    void aRecordTooLargeOrOutOfOrderIsLetGoAndAnEmptiedArrayShrinks() {
        ByteRing ring = new ByteRing(StoredMessage.PRIVATE, 100_000, 1 << 20);
        assertFalse(ring.append(message(id(5), "c2", "y".repeat((1 << 19) + 1))), "more than half the bytes");
        assertEquals(id(5), ring.lost);
        assertTrue(ring.append(message(id(6), "c2", "kept")));
        assertFalse(ring.append(message(id(6), "c2", "again")), "not newer than the newest");
        for (int i = 7; i < 5_000; i++) {
            assertTrue(ring.append(message(id(i), "c2", "z".repeat(100))));
        }
        long full = ring.bytes();
        while (ring.size() > 1) {
            ring.evictOldest();
        }
        assertEquals(List.of(id(4_999)), ids(ring.query(HistoryQuery.latest(StoredMessage.PRIVATE, 10))));
        assertTrue(ring.bytes() < full / 100, "what it keeps: " + ring.bytes());
        // Its record: a length before each field (2 bytes, 4 for the text), then the fields in UTF-8, then one byte
        // that says no account fields follow.
        assertEquals(2 + 2 + 2 + "Zoë".getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 2 + 3 + 2 + 2 + 4 + 100
                + 1, ring.bytes());
    }

    @Test
    void theSendersAccountAloneComesBackAndCountsItsBytes() {
        // A logged-in sender's message to everyone or to a room: fromAccount set, no recipient's fields.
        for (String target : List.of(StoredMessage.EVERYONE, "lobby")) {
            ByteRing ring = new ByteRing(target, 100, 1 << 20);
            StoredMessage anonymous = new StoredMessage(id(1), target, "c1", "Zoë", "::1", null, "hi");
            StoredMessage loggedIn =
                    new StoredMessage(id(2), target, "c1", "Zoë", "::1", null, "hi", "zoë", null, null);
            ring.append(anonymous);
            long plain = ring.bytes();
            ring.append(loggedIn);
            assertEquals(List.of(anonymous, loggedIn), ring.query(HistoryQuery.latest(target, 10)).messages(), target);
            // After the flag byte: the account's length (2 bytes) and its UTF-8, then two absent fields of 2 bytes.
            assertEquals(plain + 2 + "zoë".getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 2 + 2,
                    ring.bytes() - plain, target);
        }
    }
}
