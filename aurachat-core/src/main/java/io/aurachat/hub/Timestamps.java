package io.aurachat.hub;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Formats epoch milliseconds as {@code 2026-12-02T14:00:00.123Z} (UTC, always three digits of milliseconds) for the
 * {@code time} of message lines, from a cache of the last second formatted: one per thread, since lines are made on
 * several. Not thread-safe.
 */
final class Timestamps {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final ThreadLocal<Timestamps> PER_THREAD = ThreadLocal.withInitial(Timestamps::new);

    private long second = Long.MIN_VALUE;
    /** The second's text, then {@code .000Z}. */
    private byte[] text;

    /** The text of {@code epochMillis}, as ASCII bytes: a shared array, valid until this thread's next call. */
    static byte[] format(long epochMillis) {
        return PER_THREAD.get().bytes(epochMillis);
    }

    /** The same as a string. */
    static String string(long epochMillis) {
        return new String(format(epochMillis), StandardCharsets.US_ASCII);
    }

    private byte[] bytes(long epochMillis) {
        long s = Math.floorDiv(epochMillis, 1000);
        if (s != second) {
            text = (SECONDS.format(Instant.ofEpochSecond(s)) + ".000Z").getBytes(StandardCharsets.US_ASCII);
            second = s;
        }
        int ms = (int) Math.floorMod(epochMillis, 1000);
        int at = text.length - 4;
        text[at] = (byte) ('0' + ms / 100);
        text[at + 1] = (byte) ('0' + ms / 10 % 10);
        text[at + 2] = (byte) ('0' + ms % 10);
        return text;
    }
}
