package io.aurachat.log;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable in-memory byte buffer that the StAX writer writes into and the XML sink writes from.
 * Unlike {@link java.io.ByteArrayOutputStream} it can be cut back and exposes its array, and it does not
 * lock. Not thread-safe: the sink's lock guards it.
 */
final class ByteSink extends OutputStream {
    /** After a write, a buffer that grew past this (for a huge event) is given back. */
    private static final int KEEP_CAPACITY = 1 << 20;
    private static final int INITIAL_CAPACITY = 64 * 1024;

    private byte[] buf = new byte[INITIAL_CAPACITY];
    private int count;

    @Override
    public void write(int b) {
        ensure(count + 1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(count + len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    void writeBytes(byte[] b) {
        write(b, 0, b.length);
    }

    private void ensure(int capacity) {
        if (capacity < 0) {
            throw new OutOfMemoryError("log buffer over 2 GiB");
        }
        if (capacity > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(capacity, (int) Math.min(Integer.MAX_VALUE - 8, buf.length * 2L)));
        }
    }

    int size() {
        return count;
    }

    byte[] array() {
        return buf;
    }

    byte[] copy(int from, int to) {
        return Arrays.copyOfRange(buf, from, to);
    }

    /** Forgets everything after the first {@code length} bytes. */
    void truncate(int length) {
        count = length;
        if (length == 0 && buf.length > KEEP_CAPACITY) {
            buf = new byte[INITIAL_CAPACITY];
        }
    }
}
