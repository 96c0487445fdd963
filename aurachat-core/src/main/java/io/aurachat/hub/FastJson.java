package io.aurachat.hub;

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
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] buf = new byte[256];
    private int len;

    /** Starts a new line. */
    FastJson reset() {
        len = 0;
        return this;
    }

    /** Appends JSON syntax or other text known to be ASCII and in need of no escaping. */
    FastJson raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) ascii.charAt(i);
        }
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

    /** Appends {@code s} as a quoted, escaped JSON string. */
    FastJson string(String s) {
        int n = s.length();
        ensure(n + 2);
        byte[] b = buf;
        int l = len;
        b[l++] = '"';
        // Most text is printable ASCII: copy it in a tight loop, with room made once above.
        int i = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                break;
            }
            b[l++] = (byte) c;
        }
        len = l;
        if (i < n) {
            rest(s, i);
        }
        ensure(1);
        buf[len++] = '"';
        return this;
    }

    /** {@link #string} from the first character that is not plain printable ASCII. */
    private void rest(String s, int from) {
        int n = s.length();
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ensure(1);
                buf[len++] = (byte) c;
            } else if (c < 0x80) {
                escape(c);
            } else if (c < 0x800) {
                ensure(2);
                buf[len++] = (byte) (0xC0 | c >> 6);
                buf[len++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    throw UNSUPPORTED;
                }
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                buf[len++] = (byte) (0xF0 | cp >> 18);
                buf[len++] = (byte) (0x80 | cp >> 12 & 0x3F);
                buf[len++] = (byte) (0x80 | cp >> 6 & 0x3F);
                buf[len++] = (byte) (0x80 | cp & 0x3F);
            } else {
                ensure(3);
                buf[len++] = (byte) (0xE0 | c >> 12);
                buf[len++] = (byte) (0x80 | c >> 6 & 0x3F);
                buf[len++] = (byte) (0x80 | c & 0x3F);
            }
        }
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
