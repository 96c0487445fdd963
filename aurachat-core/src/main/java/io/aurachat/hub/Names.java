package io.aurachat.hub;

import java.text.Normalizer;

/** The built-in rules for display names, as PROTOCOL.md states them. */
final class Names {
    static final int MAX_LENGTH = 32;

    private Names() {}

    /** Returns why {@code name} is not allowed, or {@code null} if it is. */
    static String problem(String name) {
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_LENGTH) {
            return "a name is 1 to " + MAX_LENGTH + " characters long";
        }
        if (Character.isWhitespace(name.codePointAt(0)) || Character.isSpaceChar(name.codePointAt(0))
                || Character.isWhitespace(name.codePointBefore(name.length()))
                || Character.isSpaceChar(name.codePointBefore(name.length()))) {
            return "a name may not start or end with a space";
        }
        boolean visible = false;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE) {
                return "a name may not contain control or invisible formatting characters";
            }
            if (type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
                // Unassigned code points (the non-characters among them) and private-use ones show as a box, as
                // nothing, or as whatever a font puts there: no one can tell such names apart (PRECIS refuses them).
                return "a name may not contain unassigned, non-character or private-use code points";
            }
            visible |= rendersVisibly(cp, type);
            i += Character.charCount(cp);
        }
        if (!visible) {
            return "a name must have a visible character";
        }
        if (looksLikeId(name) || looksLikeId(Normalizer.normalize(name, Normalizer.Form.NFKC))) {
            return "a name may not look like a client id";
        }
        return null;
    }

    /**
     * Whether a code point draws something by itself: not a space, not a mark (which draws only on a base),
     * and not one of the letters and symbols that are blank by design (the Hangul fillers, the blank Braille
     * pattern, and the other default-ignorable letters).
     */
    static boolean rendersVisibly(int cp, int type) {
        switch (type) {
            case Character.SPACE_SEPARATOR, Character.NON_SPACING_MARK, Character.ENCLOSING_MARK,
                    Character.COMBINING_SPACING_MARK -> {
                return false;
            }
            default -> {
                return switch (cp) {
                    // Hangul choseong and jungseong fillers, Hangul filler, halfwidth Hangul filler, the
                    // Braille blank, Khmer inherent vowels, Mongolian free variation selectors / vowel
                    // separator, and the Hangul/Ogham marks that show nothing on their own.
                    case 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D,
                            0x180E, 0x180F, 0x1680, 0x2028, 0x2029, 0x3000, 0x034F -> false;
                    default -> !Character.isWhitespace(cp);
                };
            }
        }
    }

    /** {@code c} or {@code C}, then decimal digits of any script ({@code c١٢} reads as c12 too). */
    private static boolean looksLikeId(String name) {
        if (name.length() < 2 || (name.charAt(0) != 'c' && name.charAt(0) != 'C')) {
            return false;
        }
        for (int i = 1; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!Character.isDigit(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }
}
