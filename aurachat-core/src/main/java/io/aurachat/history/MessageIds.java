package io.aurachat.history;

import java.time.Instant;

/**
 * The layout of message ids. An id is a positive 64-bit number, Snowflake-like: 41 bits of milliseconds since
 * {@link #EPOCH} (about 69 years), 10 bits of node, 12 bits of sequence within the millisecond. A single server is
 * node 0; the multi-node work gives each server its own node, so that ids stay unique across servers with no change to
 * the protocol. On the wire an id is a decimal string (JSON numbers above 2<sup>53</sup> lose digits in JavaScript):
 * clients treat it as an opaque token, ordered by the server.
 *
 * <p>The generator itself is the server's; this class only reads ids.
 */
public final class MessageIds {
    /** Milliseconds of an id count from here: 2026-01-01T00:00Z. */
    public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    /** Bits of the sequence within a millisecond. */
    public static final int SEQUENCE_BITS = 12;
    /** Bits of the node. */
    public static final int NODE_BITS = 10;
    /** The highest node number. */
    public static final int MAX_NODE = (1 << NODE_BITS) - 1;
    /** Where the milliseconds start. */
    public static final int TIME_SHIFT = SEQUENCE_BITS + NODE_BITS;

    private static final long EPOCH_MILLIS = EPOCH.toEpochMilli();
    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private MessageIds() {}

    /** The epoch millisecond an id was made in (its time). */
    public static long epochMillis(long id) {
        return (id >>> TIME_SHIFT) + EPOCH_MILLIS;
    }

    /** The id's time as a message line's {@code time} gives it: {@code 2026-12-02T14:00:00.123Z} (UTC, milliseconds). */
    public static String time(long id) {
        return TIME.format(Instant.ofEpochMilli(epochMillis(id)));
    }

    /** The node that made the id. */
    public static int node(long id) {
        return (int) (id >>> SEQUENCE_BITS) & MAX_NODE;
    }

    /** The smallest id of epoch millisecond {@code epochMillis} on {@code node}: what a generator starts from. */
    public static long first(long epochMillis, int node) {
        if (node < 0 || node > MAX_NODE) {
            throw new IllegalArgumentException("node must be 0 to " + MAX_NODE + ": " + node);
        }
        long ms = Math.max(0, epochMillis - EPOCH_MILLIS);
        return ms << TIME_SHIFT | (long) node << SEQUENCE_BITS;
    }

    /**
     * Parses an id as it is on the wire: 1 to 19 decimal digits, positive.
     *
     * @return the id, or {@code -1} if {@code text} is not one
     */
    public static long parse(String text) {
        int n = text.length();
        if (n == 0 || n > 19) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
            if (v < 0) {
                return -1; // beyond Long.MAX_VALUE
            }
        }
        return v > 0 ? v : -1;
    }
}
