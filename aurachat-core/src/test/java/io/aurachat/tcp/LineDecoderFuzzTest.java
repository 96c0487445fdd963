package io.aurachat.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link LineDecoder} as {@link TcpConnection} drives it: arbitrary bytes, cut into reads at points the
 * fuzzer chooses, fed with {@code process} and, after every pause, {@code resume} until it has used up the read.
 * What it decodes must be exactly what a plain splitter written here ({@link #reference}) finds in the whole
 * stream at once, whatever the cuts and pauses; see docs/fuzzing.md.
 *
 * <p>The input, as {@link FuzzedDataProvider} reads it (numbers from the end, the rest from the front): one
 * byte for the line limit ({@code 256 - b}, so 1 to 256), four for the lines whose handling pauses the decoder (bit
 * {@code i % 32} for the {@code i}-th thing reported), one for the number of cuts (0 to 15), two per cut for its position
 * (taken modulo the stream's length), then the stream itself.
 */
class LineDecoderFuzzTest {

    /** One thing the decoder reported: a line, or a discarded one (too long, not UTF-8). */
    private record Event(String kind, String line) {
        static final Event TOO_LONG = new Event("too-long", null);
        static final Event BAD_ENCODING = new Event("bad-encoding", null);

        static Event line(String line) {
            return new Event("line", line);
        }
    }

    @FuzzTest
    void splitsLikeTheReference(FuzzedDataProvider data) {
        int maxLineLength = 256 - data.consumeInt(0, 255);
        int pauses = data.consumeInt();
        int[] cuts = new int[data.consumeInt(0, 15)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 65_535);
        }
        byte[] stream = data.consumeRemainingAsBytes();
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] %= stream.length + 1;
        }
        Arrays.sort(cuts);

        List<Event> expected = reference(stream, maxLineLength);
        assertEquals(expected, decode(stream, new int[0], 0, maxLineLength), "one read, no pauses");
        assertEquals(expected, decode(stream, cuts, pauses, maxLineLength), () -> "reads cut at "
                + Arrays.toString(cuts) + ", pauses " + Integer.toBinaryString(pauses));
    }

    /** Runs the decoder over {@code stream} read in pieces ending at {@code cuts}, pausing as {@code pauses} says. */
    private static List<Event> decode(byte[] stream, int[] cuts, int pauses, int maxLineLength) {
        LineDecoder decoder = new LineDecoder(maxLineLength);
        Recorder handler = new Recorder(pauses, maxLineLength);
        int from = 0;
        for (int k = 0; k <= cuts.length; k++) {
            int to = k < cuts.length ? cuts[k] : stream.length;
            // A read lands in the connection's shared buffer, at its start, with old bytes after it.
            byte[] buffer = new byte[to - from + 8];
            Arrays.fill(buffer, (byte) '\n');
            System.arraycopy(stream, from, buffer, 0, to - from);
            boolean done = decoder.process(buffer, 0, to - from, handler);
            Arrays.fill(buffer, (byte) 'x'); // the next read overwrites the buffer: the decoder must have copied
            while (!done) {
                done = decoder.resume(handler);
            }
            assertTrue(decoder.resume(handler), "resume with nothing paused is done at once");
            assertTrue(decoder.retainedCapacity() <= maxLineLength + 2,
                    () -> "holds " + decoder.retainedCapacity() + " bytes between reads, more than a line");
            from = to;
        }
        int tail = stream.length - (lastNewline(stream) + 1);
        if (tail == 0) {
            assertEquals(0, decoder.retainedCapacity(), "holds a buffer with no partial line");
        }
        int dropped = decoder.finish();
        assertEquals(tail > 0, dropped > 0, () -> "finish() dropped " + dropped + " bytes of a tail of " + tail);
        return handler.events;
    }

    private static int lastNewline(byte[] stream) {
        for (int i = stream.length - 1; i >= 0; i--) {
            if (stream[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Records the events and checks every line as it comes; pauses on the lines {@code pauses} picks. */
    private static final class Recorder implements LineDecoder.Handler {
        final List<Event> events = new ArrayList<>();
        private final int pauses;
        private final int maxLineLength;

        Recorder(int pauses, int maxLineLength) {
            this.pauses = pauses;
            this.maxLineLength = maxLineLength;
        }

        @Override
        public boolean onLine(String line) {
            assertTrue(line.indexOf('\n') < 0, () -> "a line holds a line feed: " + line);
            byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
            assertTrue(utf8.length <= maxLineLength, () -> "a line of " + utf8.length + " bytes, limit " + maxLineLength);
            assertTrue(isWellFormed(line), () -> "a line with a lone surrogate: " + line);
            int index = events.size();
            events.add(Event.line(line));
            return (pauses >>> (index % 32) & 1) == 0;
        }

        @Override
        public boolean onLineTooLong() {
            return pauseAfter(Event.TOO_LONG);
        }

        @Override
        public boolean onBadEncoding() {
            return pauseAfter(Event.BAD_ENCODING);
        }

        /** Error events can pause too (the rate limit pauses on them), on the same bits as lines. */
        private boolean pauseAfter(Event event) {
            int index = events.size();
            events.add(event);
            return (pauses >>> (index % 32) & 1) == 0;
        }
    }

    private static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * PROTOCOL.md's framing, written the plain way: split on {@code \n}, drop one {@code \r} before it, a line
     * longer than the limit is too long (whatever its bytes), else it must be well-formed UTF-8; an unterminated
     * tail is no line.
     */
    static List<Event> reference(byte[] stream, int maxLineLength) {
        List<Event> events = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < stream.length; i++) {
            if (stream[i] != '\n') {
                continue;
            }
            int end = i > start && stream[i - 1] == '\r' ? i - 1 : i;
            if (end - start > maxLineLength) {
                events.add(Event.TOO_LONG);
            } else if (!isUtf8(stream, start, end)) {
                events.add(Event.BAD_ENCODING);
            } else {
                events.add(Event.line(new String(stream, start, end - start, StandardCharsets.UTF_8)));
            }
            start = i + 1;
        }
        return events;
    }

    /**
     * Whether {@code a[from, to)} is well-formed UTF-8: the Unicode Standard's table 3-7 (no overlong forms, no
     * surrogates, nothing above U+10FFFF), checked byte by byte and independent of the JDK's decoder.
     */
    static boolean isUtf8(byte[] a, int from, int to) {
        int i = from;
        while (i < to) {
            int b = a[i] & 0xFF;
            int n;
            int lo = 0x80;
            int hi = 0xBF;
            if (b < 0x80) {
                i++;
                continue;
            } else if (b >= 0xC2 && b <= 0xDF) {
                n = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                n = 2;
                lo = b == 0xE0 ? 0xA0 : 0x80;
                hi = b == 0xED ? 0x9F : 0xBF;
            } else if (b >= 0xF0 && b <= 0xF4) {
                n = 3;
                lo = b == 0xF0 ? 0x90 : 0x80;
                hi = b == 0xF4 ? 0x8F : 0xBF;
            } else {
                return false;
            }
            if (i + n >= to) { // the sequence is cut short
                return false;
            }
            for (int k = 1; k <= n; k++) {
                int c = a[i + k] & 0xFF;
                if (k == 1 ? c < lo || c > hi : c < 0x80 || c > 0xBF) {
                    return false;
                }
            }
            i += n + 1;
        }
        return true;
    }
}
