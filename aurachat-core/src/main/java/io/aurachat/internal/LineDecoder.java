package io.aurachat.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Splits a byte stream into UTF-8 text lines ended by {@code \n} (a {@code \r} before it is dropped).
 * Owns its read buffer, which starts small and grows only while a long line or a burst of input needs
 * it: to one full line, or for bursts to four lines' worth capped at 64 KiB. Bytes of a line that is
 * too long are dropped as they arrive, never buffered.
 *
 * <p>Not thread-safe: one connection's reader uses it.
 */
public final class LineDecoder {

    /** What the decoder found; called on the thread that calls {@link #process}. */
    public interface Handler {
        /** A complete line, without its terminator. */
        void onLine(String line);

        /** A line longer than the limit ended; its bytes were discarded. */
        void onLineTooLong();

        /** A line that was not valid UTF-8 ended; it was discarded. */
        void onBadEncoding();
    }

    /** Input is read in chunks of up to this size once a burst has made the buffer grow. */
    private static final int MAX_READ_CHUNK = 64 * 1024;

    private final int maxLineLength;
    private final int initialCapacity;
    private final int maxCapacity;
    private ByteBuffer buffer;
    private int scanned;
    private boolean discarding;
    private CharsetDecoder utf8;

    /**
     * @param maxLineLength the longest line accepted, in bytes, without its terminator
     * @param initialCapacity the starting size of the buffer
     */
    public LineDecoder(int maxLineLength, int initialCapacity) {
        this.maxLineLength = maxLineLength;
        this.maxCapacity = Math.max(maxLineLength + 2, Math.min(MAX_READ_CHUNK, 4 * (maxLineLength + 2)));
        this.initialCapacity = Math.min(initialCapacity, maxCapacity);
        this.buffer = ByteBuffer.allocate(this.initialCapacity);
    }

    /** The buffer to read into: in write mode, with room for at least one byte. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Processes the bytes read into {@link #buffer()} since the last call. */
    public void process(Handler handler) {
        byte[] a = buffer.array();
        int end = buffer.position();
        boolean filled = end == buffer.capacity();
        int start = 0;
        for (int i = scanned; i < end; i++) {
            if (a[i] == '\n') {
                if (discarding) {
                    discarding = false;
                    handler.onLineTooLong();
                } else {
                    emit(a, start, i, handler);
                }
                start = i + 1;
            }
        }
        int pending = end - start;
        if (discarding || pending > maxLineLength + 1) {
            // Too long already (maxLineLength + 1 leaves room for a '\r'): drop it as it comes.
            discarding = true;
            pending = 0;
        } else if (pending > 0 && start > 0) {
            System.arraycopy(a, start, a, 0, pending);
        }
        buffer.position(pending);
        scanned = pending;
        resize(pending, end, filled);
    }

    /** Feeds bytes as if read from the network: for tests and in-memory streams. */
    public void feed(byte[] bytes, Handler handler) {
        int off = 0;
        while (off < bytes.length) {
            int n = Math.min(buffer.remaining(), bytes.length - off);
            buffer.put(bytes, off, n);
            off += n;
            process(handler);
        }
    }

    /**
     * Ends the stream. An unterminated last line is dropped, not handled: a client that dies in the
     * middle of {@code CHAT c2 see you at 5} must not send {@code CHAT c2 see you at}.
     *
     * @return how many bytes of an unterminated line were dropped
     */
    public int finish() {
        int dropped = discarding ? maxLineLength + 1 : buffer.position();
        discarding = false;
        buffer.clear();
        scanned = 0;
        return dropped;
    }

    private void emit(byte[] a, int from, int newline, Handler handler) {
        int to = newline > from && a[newline - 1] == '\r' ? newline - 1 : newline;
        int length = to - from;
        if (length > maxLineLength) {
            handler.onLineTooLong();
            return;
        }
        String line = decode(a, from, length);
        if (line == null) {
            handler.onBadEncoding();
        } else {
            handler.onLine(line);
        }
    }

    private String decode(byte[] a, int from, int length) {
        boolean ascii = true;
        for (int i = from, to = from + length; i < to; i++) {
            if (a[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
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

    private void resize(int pending, int used, boolean filled) {
        int capacity = buffer.capacity();
        int wanted = capacity;
        if (filled && capacity < maxCapacity) {
            // A full buffer means a long line or a burst of pipelined commands: read more at once.
            wanted = Math.min(capacity * 2, maxCapacity);
        } else if (pending == 0 && capacity > initialCapacity && used < capacity / 8) {
            // The burst is over (this read used little of the buffer): give the memory back.
            wanted = initialCapacity;
        }
        if (wanted != capacity) {
            ByteBuffer next = ByteBuffer.allocate(wanted);
            next.put(buffer.array(), 0, pending);
            buffer = next;
        }
    }
}
