package io.aurachat.tcp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into UTF-8 text lines ended by {@code \n} (a {@code \r} before it is dropped).
 *
 * <p>Lines are decoded straight from the caller's read buffer, which the I/O thread shares among all
 * its connections. The decoder itself keeps bytes only while they cannot be handled yet: the start
 * of a line whose end has not arrived, or the input after a line whose handler asked to
 * {@linkplain Handler#onLine pause}. That copy is made only when needed, grows to at most one line
 * ({@code maxLineLength} + 2 bytes) for a partial line, and is released as soon as it is used up: an
 * idle connection holds no buffer at all. Bytes of a line that is too long are dropped as they
 * arrive, never kept.
 *
 * <p>Not thread-safe: one thread at a time feeds a given decoder.
 */
final class LineDecoder {

    /** What the decoder found; called on the thread that feeds the decoder. */
    interface Handler {
        /**
         * A complete line, without its terminator.
         *
         * @return {@code true} to go on with the next line; {@code false} to pause: the decoder keeps
         *     the rest of the input until {@link #resume} is called
         */
        boolean onLine(String line);

        /**
         * A line longer than the limit ended; its bytes were discarded.
         *
         * @return {@code true} to go on, {@code false} to pause, as for {@link #onLine}
         */
        boolean onLineTooLong();

        /**
         * A line that was not valid UTF-8 ended; it was discarded.
         *
         * @return {@code true} to go on, {@code false} to pause, as for {@link #onLine}
         */
        boolean onBadEncoding();
    }

    private static final int MIN_STASH = 128;
    /** Reads eight bytes of an array as one long, least significant byte first, whatever the platform. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    /** The top bit of every byte (in {@link #isAscii} the sign bits of the bytes, ORed). */
    private static final long HIGH_BITS = 0x8080808080808080L;

    private final int maxLineLength;
    /** Bytes kept between calls: a partial line, or the unhandled input after a pause. */
    private byte[] stash;
    private int stashLength;
    /** Whether the input that was paused on is in the stash (it may hold several lines). */
    private boolean paused;
    /** The current line is too long: its bytes are dropped up to its end. */
    private boolean discarding;
    private CharsetDecoder utf8;

    /**
     * @param maxLineLength the longest line accepted, in bytes, without its terminator
     */
    LineDecoder(int maxLineLength) {
        this.maxLineLength = maxLineLength;
    }

    /**
     * Handles the bytes {@code a[from..to)} that just arrived.
     *
     * @return {@code true} if they were all handled (a partial last line is kept); {@code false} if a
     *     handler paused: call {@link #resume} later to handle the rest, and feed no input before that
     */
    boolean process(byte[] a, int from, int to, Handler handler) {
        if (paused) {
            throw new IllegalStateException("paused: resume first");
        }
        int start = from;
        if (stashLength > 0 || discarding) {
            int newline = indexOf(a, from, to);
            if (newline < 0) {
                keep(a, from, to);
                return true;
            }
            keep(a, from, newline + 1);
            start = newline + 1;
            boolean go = emitStash(handler);
            if (!go) {
                pause(a, start, to);
                return false;
            }
        }
        int i;
        while ((i = indexOf(a, start, to)) >= 0) {
            boolean go = emit(a, start, i, handler);
            start = i + 1;
            if (!go) {
                pause(a, start, to);
                return false;
            }
        }
        keep(a, start, to);
        return true;
    }

    /**
     * Handles the input kept by a pause.
     *
     * @return {@code true} once it is all handled; {@code false} if a handler paused again
     */
    boolean resume(Handler handler) {
        if (!paused) {
            return true;
        }
        byte[] input = stash;
        int length = stashLength;
        paused = false;
        stash = null;
        stashLength = 0;
        return process(input, 0, length, handler);
    }

    /** Feeds bytes as if read from the network, resuming after every pause: for tests. */
    void feed(byte[] bytes, Handler handler) {
        boolean done = process(bytes, 0, bytes.length, handler);
        while (!done) {
            done = resume(handler);
        }
    }

    /**
     * Ends the stream. An unterminated last line is dropped, not handled: a client that dies in the
     * middle of {@code CHAT c2 see you at 5} must not send {@code CHAT c2 see you at}.
     *
     * @return how many bytes of an unterminated line were dropped
     */
    int finish() {
        int dropped = discarding ? maxLineLength + 1 : stashLength;
        discarding = false;
        paused = false;
        stash = null;
        stashLength = 0;
        return dropped;
    }

    /** How many bytes the decoder holds now (for tests of its memory bound). */
    int retainedCapacity() {
        return stash == null ? 0 : stash.length;
    }

    /**
     * The index of the first {@code \n} in {@code a[from, to)}, or -1; eight bytes at a time, since every byte
     * that arrives passes here. The test for a zero byte (of the word XOR newlines) is the exact one, with no
     * false positives from borrows, so the lowest match is the first newline.
     */
    static int indexOf(byte[] a, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(a, i) ^ NEWLINES;
            long zeros = ~(((x & LOW7) + LOW7) | x | LOW7);
            if (zeros != 0) {
                return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (a[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code a[from, from + length)} is all ASCII; eight bytes at a time. */
    static boolean isAscii(byte[] a, int from, int length) {
        int i = from;
        int to = from + length;
        long high = 0;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            high |= (long) LONGS.get(a, i);
        }
        for (; i < to; i++) {
            high |= a[i];
        }
        return (high & HIGH_BITS) == 0;
    }

    /** Appends part of a line to the stash, or starts discarding once it is longer than a line may be. */
    private void keep(byte[] a, int from, int to) {
        int n = to - from;
        if (n == 0 || discarding) {
            return;
        }
        // maxLineLength + 2 leaves room for "\r\n": anything longer is too long already.
        if (stashLength + n > maxLineLength + 2) {
            discarding = true;
            stash = null;
            stashLength = 0;
            return;
        }
        ensure(stashLength + n, maxLineLength + 2);
        System.arraycopy(a, from, stash, stashLength, n);
        stashLength += n;
    }

    private void pause(byte[] a, int from, int to) {
        int n = to - from;
        stash = n == 0 ? null : Arrays.copyOfRange(a, from, to);
        stashLength = n;
        paused = true;
    }

    private void ensure(int needed, int cap) {
        if (stash == null) {
            stash = new byte[Math.min(cap, Math.max(MIN_STASH, needed))];
        } else if (stash.length < needed) {
            stash = Arrays.copyOf(stash, Math.min(cap, Math.max(needed, stash.length * 2)));
        }
    }

    /** Handles the stashed line, which ends with its newline. */
    private boolean emitStash(Handler handler) {
        boolean tooLong = discarding;
        byte[] line = stash;
        int length = stashLength;
        discarding = false;
        stash = null;
        stashLength = 0;
        if (tooLong) {
            return handler.onLineTooLong();
        }
        return emit(line, 0, length - 1, handler);
    }

    private boolean emit(byte[] a, int from, int newline, Handler handler) {
        int to = newline > from && a[newline - 1] == '\r' ? newline - 1 : newline;
        int length = to - from;
        if (length > maxLineLength) {
            return handler.onLineTooLong();
        }
        String line = decode(a, from, length);
        if (line == null) {
            return handler.onBadEncoding();
        }
        return handler.onLine(line);
    }

    private String decode(byte[] a, int from, int length) {
        if (isAscii(a, from, length)) {
            return new String(a, from, length, StandardCharsets.ISO_8859_1);
        }
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(a, from, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
