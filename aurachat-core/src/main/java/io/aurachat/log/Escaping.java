package io.aurachat.log;

/**
 * The rule for characters XML 1.0 cannot carry (see {@link XmlLogSink}): an event with any of them is
 * written escaped, with {@code \}{@code uXXXX} for each such UTF-16 unit and {@code \\} for a backslash.
 */
final class Escaping {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Escaping() {}

    /**
     * Whether {@code s} has a character below U+0020, U+FFFE, U+FFFF or an unpaired surrogate. CR, LF and
     * TAB are included: they would not survive attribute normalisation, and keeping LF out of the file
     * keeps one event per line, which the crash repair relies on.
     */
    static boolean needed(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < Character.MIN_SURROGATE) {
                continue;
            }
            if (c < 0x20 || c == '\uFFFE' || c == '\uFFFF') {
                return true;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any of the strings needs escaping; {@code null}s are skipped. */
    static boolean needed(String a, String b, String c, String d) {
        return (a != null && needed(a)) || (b != null && needed(b)) || (c != null && needed(c))
                || (d != null && needed(d));
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                out.append("\\\\");
            } else if (c < 0x20 || c == '\uFFFE' || c == '\uFFFF') {
                unit(out, c);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                unit(out, c);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void unit(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i + 1 < n && s.charAt(i + 1) == '\\') {
                out.append('\\');
                i++;
            } else if (i + 5 < n && s.charAt(i + 1) == 'u' && isHex(s, i + 2, i + 6)) {
                out.append((char) Integer.parseInt(s, i + 2, i + 6, 16));
                i += 5;
            } else {
                throw new IllegalArgumentException("not in escaped form at index " + i + ": " + s);
            }
        }
        return out.toString();
    }

    private static boolean isHex(String s, int from, int to) {
        if (to > s.length()) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
