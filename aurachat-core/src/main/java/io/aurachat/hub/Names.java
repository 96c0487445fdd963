package io.aurachat.hub;

/** The rules for display names, as PROTOCOL.md states them. */
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
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE) {
                return "a name may not contain control or invisible formatting characters";
            }
            i += Character.charCount(cp);
        }
        if (looksLikeId(name)) {
            return "a name may not look like a client id";
        }
        return null;
    }

    private static boolean looksLikeId(String name) {
        if (name.length() < 2 || (name.charAt(0) != 'c' && name.charAt(0) != 'C')) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
