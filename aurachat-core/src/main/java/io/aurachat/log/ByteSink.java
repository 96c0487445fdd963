package io.aurachat.log;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable in-memory byte buffer that the XML encoder ({@link XmlEvents}) writes into and the XML sink writes
 * from.
 * Unlike {@link java.io.ByteArrayOutputStream} it can be cut back and exposes its array, and it does not
 * lock. Not thread-safe: the sink's lock guards it.
 */
final class ByteSink extends OutputStream {
    /** After a write, a buffer that grew past this (for a huge event) is given back. */
    private static final int KEEP_CAPACITY = 1 << 20;
    private static final int INITIAL_CAPACITY = 64 * 1024;

    private byte[] buf;
    /** The characters of the string being encoded. */
    private char[] chars = new char[256];
    private int count;

    ByteSink() {
        this(INITIAL_CAPACITY);
    }

    ByteSink(int capacity) {
        buf = new byte[capacity];
    }

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

    /** Appends {@code before}, then {@code name} (characters below U+0080 only), then {@code after}. */
    void tag(byte[] before, String name, byte[] after) {
        int n = name.length();
        ensure(count + before.length + n + after.length);
        byte[] b = buf;
        int at = put(b, count, before);
        name.getBytes(0, n, b, at); // the deprecated method is exactly right for ASCII: a byte per char, no encoder
        count = put(b, at + n, after);
    }

    /** Appends {@code  name="value"}: the name has only characters below U+0080, the value is as for {@link #xml}. */
    void attribute(String name, String value) {
        int n = name.length();
        ensure(count + n + 4 + 6 * value.length());
        byte[] b = buf;
        int at = count;
        b[at++] = ' ';
        name.getBytes(0, n, b, at);
        at += n;
        b[at++] = '=';
        b[at++] = '"';
        at = xml(b, at, value, true);
        b[at++] = '"';
        count = at;
    }

    /**
     * Appends {@code s} as UTF-8 with XML's markup escaped: {@code & < >} (and {@code "} in an attribute value)
     * become entity references. {@code s} must hold only characters XML can carry ({@link Escaping} sees to it);
     * an unpaired surrogate, which it cannot hold, would be written as U+FFFD.
     *
     * @param attribute whether {@code s} is an attribute value in double quotes
     */
    void xml(String s, boolean attribute) {
        ensure(count + 6 * s.length()); // the most any char takes: &quot;
        count = xml(buf, count, s, attribute);
    }

    /** {@link #xml(String, boolean)} into {@code b} from {@code at}, which has room for 6 bytes a char; the new end. */
    private int xml(byte[] b, int at, String s, boolean attribute) {
        int n = s.length();
        if (chars.length < n) {
            chars = new char[Math.max(n, 2 * chars.length)];
        }
        char[] cs = chars;
        s.getChars(0, n, cs, 0); // one bulk copy: cheaper than charAt's checks on every character
        for (int i = 0; i < n; i++) {
            char c = cs[i];
            if (c < 0x80) {
                if (PLAIN[c]) {
                    b[at++] = (byte) c;
                    continue;
                }
                switch (c) {
                    case '&' -> at = put(b, at, AMP);
                    case '<' -> at = put(b, at, LT);
                    case '>' -> at = put(b, at, GT);
                    default -> at = attribute ? put(b, at, QUOT) : put(b, at, c); // '"'
                }
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | c >> 6);
                b[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(cs[i + 1])) {
                int cp = Character.toCodePoint(c, cs[++i]);
                b[at++] = (byte) (0xF0 | cp >> 18);
                b[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[at++] = (byte) (0x80 | cp & 0x3F);
            } else {
                char u = Character.isSurrogate(c) ? '\uFFFD' : c;
                b[at++] = (byte) (0xE0 | u >> 12);
                b[at++] = (byte) (0x80 | u >> 6 & 0x3F);
                b[at++] = (byte) (0x80 | u & 0x3F);
            }
        }
        return at;
    }

    private static int put(byte[] b, int at, char c) {
        b[at] = (byte) c;
        return at + 1;
    }

    /** The characters below U+0080 that are written as they are: all but {@code & < > "}. */
    private static final boolean[] PLAIN = plain();

    private static boolean[] plain() {
        boolean[] plain = new boolean[0x80];
        java.util.Arrays.fill(plain, true);
        plain['&'] = plain['<'] = plain['>'] = plain['"'] = false;
        return plain;
    }

    private static final byte[] AMP = {'&', 'a', 'm', 'p', ';'};
    private static final byte[] LT = {'&', 'l', 't', ';'};
    private static final byte[] GT = {'&', 'g', 't', ';'};
    private static final byte[] QUOT = {'&', 'q', 'u', 'o', 't', ';'};

    private static int put(byte[] b, int at, byte[] entity) {
        System.arraycopy(entity, 0, b, at, entity.length);
        return at + entity.length;
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
