package io.aurachat.hub;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the two lines of the per-message path (a {@code message} and a command's plain reply) without
 * a Jackson generator, byte for byte as Jackson's {@code UTF8JsonGenerator} writes them: {@code "}
 * and {@code \} escaped with a backslash, the controls below U+0020 as {@code \n}, {@code \t},
 * {@code \r}, {@code \b}, {@code \f} or {@code \}{@code u00XX}, everything else as UTF-8. Profiling
 * showed a generator per line cost about a sixth of the server's CPU under load. {@code WireTest}
 * compares the output with Jackson's on random text. A string this writer cannot take the same way
 * (an unpaired surrogate) throws {@link Unsupported}, and {@link Wire} then uses Jackson.
 *
 * <p>Not thread-safe: {@link Wire} keeps one per thread.
 */
final class FastJson {

    /** The text has something only the Jackson path writes; nothing was returned. */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final Unsupported UNSUPPORTED = new Unsupported();
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] buf = new byte[256];
    private int len;

    /** Starts a new line. */
    FastJson reset() {
        len = 0;
        return this;
    }

    /** Appends JSON syntax or other text known to be ASCII and in need of no escaping. */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): a byte per char, one bulk copy, exactly right for ASCII
    FastJson raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        ascii.getBytes(0, n, buf, len);
        len += n;
        return this;
    }

    /** Appends a decimal number. */
    FastJson number(long value) {
        return raw(Long.toString(value));
    }

    /** Appends bytes that are already JSON, e.g. a cached prefix made by this class. */
    FastJson bytes(byte[] json) {
        ensure(json.length);
        System.arraycopy(json, 0, buf, len, json.length);
        len += json.length;
        return this;
    }

    /**
     * Appends {@code s} as a quoted, escaped JSON string. The JDK encodes it to UTF-8 (for the usual
     * Latin-1 string that is a copy of its bytes), and only the bytes JSON escapes are looked at one by one:
     * far cheaper than taking the string a character at a time. A string with an unpaired surrogate, which
     * the JDK would encode as {@code ?}, throws {@link Unsupported}.
     */
    FastJson string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int n = utf8.length;
        ensure(n + 2);
        buf[len++] = '"';
        int from = 0;
        boolean question = false;
        for (int i = 0; i < n; i++) {
            byte c = utf8[i];
            // Bytes of multi-byte characters are negative: copied as they are.
            if (c >= 0 && (c < 0x20 || c == '"' || c == '\\' || c == '?')) {
                if (c == '?') {
                    question = true;
                } else {
                    copy(utf8, from, i);
                    escape((char) c);
                    from = i + 1;
                }
            }
        }
        if (question && hasUnpairedSurrogate(s)) {
            throw UNSUPPORTED;
        }
        copy(utf8, from, n);
        ensure(1);
        buf[len++] = '"';
        return this;
    }

    private void copy(byte[] src, int from, int to) {
        int k = to - from;
        ensure(k);
        System.arraycopy(src, from, buf, len, k);
        len += k;
    }

    /** Whether the JDK wrote a {@code ?} for a surrogate without its other half. */
    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The line so far and a {@code \n}, as a new array. */
    byte[] line() {
        ensure(1);
        buf[len++] = '\n';
        byte[] line = Arrays.copyOf(buf, len);
        if (buf.length > 64 * 1024) {
            buf = new byte[256]; // a huge line (a long text) should not pin its buffer forever
        }
        len = 0;
        return line;
    }

    /** The bytes so far, without a line end, as a new array (a prefix to {@link #bytes reuse}). */
    byte[] fragment() {
        byte[] fragment = Arrays.copyOf(buf, len);
        len = 0;
        return fragment;
    }

    private void escape(char c) {
        ensure(6);
        buf[len++] = '\\';
        switch (c) {
            case '"' -> buf[len++] = '"';
            case '\\' -> buf[len++] = '\\';
            case '\n' -> buf[len++] = 'n';
            case '\t' -> buf[len++] = 't';
            case '\r' -> buf[len++] = 'r';
            case '\b' -> buf[len++] = 'b';
            case '\f' -> buf[len++] = 'f';
            default -> {
                buf[len++] = 'u';
                buf[len++] = '0';
                buf[len++] = '0';
                buf[len++] = HEX[c >> 4];
                buf[len++] = HEX[c & 0xF];
            }
        }
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
