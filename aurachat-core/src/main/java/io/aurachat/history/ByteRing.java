package io.aurachat.history;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One target's kept messages for {@link MemoryHistoryStore}: the newest that fit in {@code maxMessages} and {@code
 * maxBytes}, as encoded records in one circular byte array, with their ids and places in three primitive arrays.
 *
 * <p>Why not objects: a kept message as a {@code StoredMessage} with its strings is four objects that live for
 * seconds, and at a few hundred thousand messages a second the collector copies every one of them out of the young
 * generation (measured on the SQLite store's private messages: 3.3 s of pauses in 14 s for 100,000 kept, against
 * 0.4 s keeping nothing; docs/performance.md). Here a kept message is bytes in an array that lives in the old
 * generation: appending allocates only what its encoding needs for a moment. The arrays grow by doubling up to their
 * bounds and shrink when mostly empty, so an idle target holds little.
 *
 * <p>Not thread-safe: the store's lock guards it. The age bound is the store's ({@link #evictOldest}).
 */
final class ByteRing {
    private static final int NO_RECIPIENT = 0xFFFF;

    /** The smallest data array, and the one a new target starts with. */
    private static final int MIN_DATA = 4096;
    private static final int MIN_SLOTS = 64;

    final String target;
    private final int maxMessages;
    private final int maxBytes;

    // Slots, a circular array in id order: the oldest at head.
    private long[] ids = new long[MIN_SLOTS];
    private int[] starts = new int[MIN_SLOTS];
    private int[] lengths = new int[MIN_SLOTS];
    private int head;
    private int count;
    /** The records: each at its slot's start, the newest ending where the next one goes. */
    private byte[] data = new byte[MIN_DATA];
    /** The bytes of the records kept. */
    private long live;
    /** The highest id removed, or refused. */
    long lost;
    /** The store's: the key it is indexed under, at or below {@link #oldestId()} (MemoryHistoryStore). */
    long indexKey;
    /** The store's: tells apart two rings indexed under one key (one message kept under two targets). */
    long serial;

    ByteRing(String target, int maxMessages, long maxBytes) {
        this.target = target;
        this.maxMessages = maxMessages;
        this.maxBytes = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(MIN_DATA, maxBytes));
    }

    /**
     * Keeps {@code m}, removing the oldest if the count or the array's size needs it (counted in {@link #lost}).
     *
     * @return {@code false} if it was refused: too large for the bounds, or not newer than the newest kept
     */
    boolean append(StoredMessage m) {
        byte[] from = utf8(m.from());
        byte[] name = utf8(m.fromName());
        byte[] ip = utf8(m.fromIp());
        byte[] to = m.to() == null ? null : utf8(m.to());
        byte[] text = utf8(m.text());
        boolean extras = m.hasAccountFields();
        byte[] fromAccount = extras ? utf8OrNull(m.fromAccount()) : null;
        byte[] toName = extras ? utf8OrNull(m.toName()) : null;
        byte[] toAccount = extras ? utf8OrNull(m.toAccount()) : null;
        int length = 2 + from.length + 2 + name.length + 2 + ip.length + 2 + (to == null ? 0 : to.length) + 4
                + text.length + 1 + (extras ? 6 + len(fromAccount) + len(toName) + len(toAccount) : 0);
        if (from.length > 0xFFFE || name.length > 0xFFFE || ip.length > 0xFFFE
                || (to != null && to.length > 0xFFFE) || len(fromAccount) > 0xFFFE || len(toName) > 0xFFFE
                || len(toAccount) > 0xFFFE || length > maxBytes / 2
                || (count > 0 && ids[slot(count - 1)] >= m.id())) {
            lost = Math.max(lost, m.id()); // cannot be kept (too large, or out of order): let go of
            return false;
        }
        if (count == maxMessages) {
            removeOldest();
        }
        int at = place(length);
        int p = at;
        p = putShort(p, from.length);
        p = put(p, from);
        p = putShort(p, name.length);
        p = put(p, name);
        p = putShort(p, ip.length);
        p = put(p, ip);
        p = putShort(p, to == null ? NO_RECIPIENT : to.length);
        if (to != null) {
            p = put(p, to);
        }
        p = putInt(p, text.length);
        p = put(p, text);
        // One byte says whether the account fields follow (those of an account target): the others pay one byte.
        data[p++] = (byte) (extras ? 1 : 0);
        if (extras) {
            p = putOptional(p, fromAccount);
            p = putOptional(p, toName);
            putOptional(p, toAccount);
        }
        if (count == ids.length) {
            growSlots();
        }
        int s = slot(count);
        ids[s] = m.id();
        starts[s] = at;
        lengths[s] = length;
        count++;
        live += length;
        return true;
    }

    /** Where a record of {@code length} bytes goes: after the newest, or at 0; frees (or grows) room for it. */
    private int place(int length) {
        while (true) {
            if (count == 0) {
                if (data.length < length) {
                    data = new byte[Math.min(maxBytes, Math.max(length, 2 * data.length))];
                }
                return 0;
            }
            int newest = slot(count - 1);
            int end = starts[newest] + lengths[newest];
            int oldest = starts[head];
            if (oldest <= starts[newest]) {
                // In order: the records fill [oldest, end); free are [end, data.length) and [0, oldest).
                if (end + length <= data.length) {
                    return end;
                }
                if (length <= oldest) {
                    return 0; // what is left at the end stays unused this lap
                }
            } else if (end + length <= oldest) {
                return end; // wrapped: the newest run from 0 to end, the oldest from oldest up; free is between
            }
            if (data.length < maxBytes) {
                growData();
            } else {
                removeOldest();
            }
        }
    }

    /** The store's bounds (bytes, age) remove the oldest (there must be one); a mostly empty array is halved. */
    void evictOldest() {
        removeOldest();
        if (data.length > MIN_DATA && live < data.length / 4) {
            relayout(Math.max(MIN_DATA, data.length / 2));
        }
    }

    private void removeOldest() {
        lost = Math.max(lost, ids[head]);
        live -= lengths[head];
        head = (head + 1) % ids.length;
        count--;
        if (count == 0) {
            head = 0;
        }
    }

    /** The records in order at the start of an array twice as large (at most maxBytes). */
    private void growData() {
        relayout((int) Math.min(maxBytes, 2L * data.length));
    }

    /** The records in order at the start of a new array of {@code size} bytes (at least what they take). */
    private void relayout(int size) {
        byte[] other = new byte[size];
        int p = 0;
        for (int i = 0; i < count; i++) {
            int s = slot(i);
            System.arraycopy(data, starts[s], other, p, lengths[s]);
            starts[s] = p;
            p += lengths[s];
        }
        data = other;
    }

    private void growSlots() {
        int n = (int) Math.min(maxMessages, 2L * ids.length);
        long[] i2 = new long[n];
        int[] s2 = new int[n];
        int[] l2 = new int[n];
        for (int i = 0; i < count; i++) {
            int s = slot(i);
            i2[i] = ids[s];
            s2[i] = starts[s];
            l2[i] = lengths[s];
        }
        ids = i2;
        starts = s2;
        lengths = l2;
        head = 0;
    }

    private int slot(int i) {
        return (head + i) % ids.length;
    }

    HistoryPage query(HistoryQuery q) {
        if (scannedInRuns(q)) {
            throw new IllegalArgumentException("a filtered page is read in runs: scan(HistoryQuery), scan(Scan, int)");
        }
        int from;
        int to;
        boolean more;
        switch (q.kind()) {
            case LATEST -> {
                to = count;
                from = Math.max(0, to - q.limit());
                more = from > 0;
            }
            case BEFORE -> {
                to = indexOf(q.target(), q.from());
                from = Math.max(0, to - q.limit());
                more = from > 0;
            }
            case AFTER -> {
                from = indexOf(q.target(), q.from()) + 1;
                to = Math.min(count, from + q.limit());
                more = to < count;
            }
            case BETWEEN -> {
                from = indexOf(q.target(), q.from()) + 1;
                int end = indexOf(q.target(), q.to());
                to = Math.min(end, from + q.limit());
                more = to < end;
            }
            case SINCE -> {
                return since(q);
            }
            default -> throw new IllegalStateException(q.kind().toString());
        }
        List<StoredMessage> page = new ArrayList<>(Math.max(0, to - from));
        for (int i = from; i < to; i++) {
            page.add(decode(slot(i)));
        }
        return new HistoryPage(page, more);
    }

    private HistoryPage since(HistoryQuery q) {
        List<StoredMessage> page = new ArrayList<>();
        int i = q.from() == Long.MAX_VALUE ? count : lowerBound(q.from() + 1);
        for (; i < count; i++) {
            if (page.size() == q.limit()) {
                return new HistoryPage(page, true);
            }
            page.add(decode(slot(i)));
        }
        return new HistoryPage(page, false);
    }

    /**
     * Whether {@code q} filters the records of its target, and so may have to look at all of them: one conversation
     * ({@link HistoryQuery#peer}) or a resume's {@code SINCE} for one recipient. Those are read with {@link #scan}.
     */
    static boolean scannedInRuns(HistoryQuery q) {
        return q.peer() != null || q.kind() == HistoryQuery.Kind.SINCE && q.recipient() != null;
    }

    /**
     * One page of a {@linkplain #scannedInRuns filtered query}, read in {@linkplain #scan runs}: one conversation of an
     * account target ({@link HistoryQuery#peer}), or a resume's {@code SINCE} for one recipient of the {@code @}
     * target. The store takes its lock for each run, so that a page that must look at a whole target never holds it
     * for long. Positions between runs are ids, since the ring may change meanwhile (appends after the newest, evictions
     * of the oldest); the messages appended after the scan began are not in it.
     */
    final class Scan {
        /** A conversation's: the account of the target, and the other side's; else {@code null}. */
        final byte[] own;
        final byte[] peer;
        /** A resume's: the recipient every record must have; else {@code null}. */
        final byte[] recipient;
        final int limit;
        final boolean backwards;
        /** Backwards: the next record looked at is the newest below this id; forwards: the oldest above it. */
        long position;
        /** Backwards: stop at or below this id (0: at the oldest); forwards: at or above it. */
        final long stop;
        final List<StoredMessage> page;
        boolean more;

        Scan(HistoryQuery q) {
            peer = q.peer() == null ? null : utf8(q.peer());
            own = peer == null ? null : utf8(target.substring(1));
            recipient = peer == null ? utf8(q.recipient()) : null;
            limit = q.limit();
            page = new ArrayList<>(Math.min(limit, 64));
            switch (q.kind()) {
                case LATEST -> {
                    backwards = true;
                    position = count == 0 ? 0 : newestId() + 1;
                    stop = 0;
                }
                case BEFORE -> {
                    indexOf(q.target(), q.from());
                    backwards = true;
                    position = q.from();
                    stop = 0;
                }
                case AFTER -> {
                    indexOf(q.target(), q.from());
                    backwards = false;
                    position = q.from();
                    stop = newestId() + 1;
                }
                case BETWEEN -> {
                    indexOf(q.target(), q.from());
                    indexOf(q.target(), q.to());
                    backwards = false;
                    position = q.from();
                    stop = q.to();
                }
                case SINCE -> { // the id need not be held; Long.MAX_VALUE asks for nothing
                    backwards = false;
                    long newest = count == 0 ? 0 : newestId();
                    position = Math.min(q.from(), newest);
                    stop = newest + 1;
                }
                default -> throw new IllegalStateException(q.kind().toString());
            }
        }

        /** The page, oldest first; once {@link #scan} said it is done. */
        HistoryPage result() {
            if (backwards) {
                Collections.reverse(page);
            }
            return new HistoryPage(page, more);
        }
    }

    /**
     * A page of a {@linkplain #scannedInRuns filtered query}, to be read with {@link #scan(Scan, int)}; the bounds it
     * names must be held (but a {@code SINCE}'s).
     */
    Scan scan(HistoryQuery q) {
        return new Scan(q);
    }

    /**
     * Looks at up to {@code records} more records for {@code c}, matching them in their bytes (a record skipped is
     * not decoded, so a scan of a whole target makes no garbage).
     *
     * @return whether the page is complete
     */
    boolean scan(Scan c, int records) {
        if (count == 0) {
            return true;
        }
        int i = c.backwards ? lowerBound(c.position) - 1 : lowerBound(c.position + 1);
        for (int n = 0; n < records; n++, i += c.backwards ? -1 : 1) {
            if (i < 0 || i >= count) {
                return true;
            }
            int s = slot(i);
            long id = ids[s];
            if (c.backwards ? id <= c.stop : id >= c.stop) {
                return true;
            }
            c.position = id;
            if (c.peer != null ? !withPeer(s, c.own, c.peer) : !recipientIs(s, c.recipient)) {
                continue;
            }
            if (c.page.size() == c.limit) {
                c.more = true;
                return true;
            }
            c.page.add(decode(s));
        }
        return false;
    }

    /**
     * Whether the record in slot {@code s} is of the conversation with {@code peer}: its recipient's account if its
     * sender's is {@code own}, else its sender's, is {@code peer}. A record without account fields is of none.
     */
    private boolean withPeer(int s, byte[] own, byte[] peer) {
        int p = starts[s];
        for (int field = 0; field < 3; field++) { // from, name, ip
            p += 2 + getShort(p);
        }
        int n = getShort(p); // to
        p += 2 + (n == NO_RECIPIENT ? 0 : n);
        n = (data[p] & 0xFF) << 24 | (data[p + 1] & 0xFF) << 16 | (data[p + 2] & 0xFF) << 8 | (data[p + 3] & 0xFF);
        p += 4 + n; // text
        if (data[p++] == 0) {
            return false;
        }
        int fromAccount = p;
        boolean sentByOwn = equalsOptional(fromAccount, own);
        if (!sentByOwn) {
            return equalsOptional(fromAccount, peer);
        }
        n = getShort(p);
        p += 2 + (n == NO_RECIPIENT ? 0 : n); // past fromAccount
        n = getShort(p);
        p += 2 + (n == NO_RECIPIENT ? 0 : n); // past toName
        return equalsOptional(p, peer);
    }

    /** Whether the optional field at {@code p} is present and holds {@code value}'s bytes. */
    private boolean equalsOptional(int p, byte[] value) {
        int n = getShort(p);
        return n == value.length && java.util.Arrays.equals(data, p + 2, p + 2 + n, value, 0, n);
    }

    /** How many it keeps. */
    int size() {
        return count;
    }

    /** The bytes of the records it keeps. */
    long bytes() {
        return live;
    }

    /** The oldest id kept; there must be one. */
    long oldestId() {
        return ids[head];
    }

    /** The newest id kept; there must be one. */
    long newestId() {
        return ids[slot(count - 1)];
    }

    private int lowerBound(long id) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ids[slot(mid)] < id) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int indexOf(String target, long id) {
        int i = lowerBound(id);
        if (i == count || ids[slot(i)] != id) {
            throw new NoSuchMessageException(target, id);
        }
        return i;
    }

    private boolean recipientIs(int s, byte[] recipient) {
        int p = starts[s];
        for (int field = 0; field < 3; field++) {
            p += 2 + getShort(p);
        }
        int n = getShort(p);
        return n == recipient.length
                && java.util.Arrays.equals(data, p + 2, p + 2 + n, recipient, 0, recipient.length);
    }

    private StoredMessage decode(int s) {
        int p = starts[s];
        int n = getShort(p);
        String from = new String(data, p + 2, n, StandardCharsets.UTF_8);
        p += 2 + n;
        n = getShort(p);
        String name = new String(data, p + 2, n, StandardCharsets.UTF_8);
        p += 2 + n;
        n = getShort(p);
        String ip = new String(data, p + 2, n, StandardCharsets.UTF_8);
        p += 2 + n;
        n = getShort(p);
        String to = null;
        p += 2;
        if (n != NO_RECIPIENT) {
            to = new String(data, p, n, StandardCharsets.UTF_8);
            p += n;
        }
        n = (data[p] & 0xFF) << 24 | (data[p + 1] & 0xFF) << 16 | (data[p + 2] & 0xFF) << 8 | (data[p + 3] & 0xFF);
        String text = new String(data, p + 4, n, StandardCharsets.UTF_8);
        p += 4 + n;
        if (data[p] == 0) {
            return new StoredMessage(ids[s], target, from, name, ip, to, text);
        }
        p++;
        String[] extras = new String[3];
        for (int i = 0; i < 3; i++) {
            n = getShort(p);
            p += 2;
            if (n != NO_RECIPIENT) {
                extras[i] = new String(data, p, n, StandardCharsets.UTF_8);
                p += n;
            }
        }
        return new StoredMessage(ids[s], target, from, name, ip, to, text, extras[0], extras[1], extras[2]);
    }

    private int putOptional(int p, byte[] b) {
        if (b == null) {
            return putShort(p, NO_RECIPIENT);
        }
        return put(putShort(p, b.length), b);
    }

    private static byte[] utf8OrNull(String s) {
        return s == null ? null : utf8(s);
    }

    private static int len(byte[] b) {
        return b == null ? 0 : b.length;
    }

    private int getShort(int p) {
        return (data[p] & 0xFF) << 8 | (data[p + 1] & 0xFF);
    }

    private int putShort(int p, int v) {
        data[p] = (byte) (v >>> 8);
        data[p + 1] = (byte) v;
        return p + 2;
    }

    private int putInt(int p, int v) {
        data[p] = (byte) (v >>> 24);
        data[p + 1] = (byte) (v >>> 16);
        data[p + 2] = (byte) (v >>> 8);
        data[p + 3] = (byte) v;
        return p + 4;
    }

    private int put(int p, byte[] b) {
        System.arraycopy(b, 0, data, p, b.length);
        return p + b.length;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
