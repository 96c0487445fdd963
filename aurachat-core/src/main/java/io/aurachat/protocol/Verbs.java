package io.aurachat.protocol;

/**
 * The rule for command verbs (PROTOCOL.md, "Client to server: commands"), for the server's command table
 * and the Java client alike: 1 to {@value #MAX_LENGTH} ASCII letters, digits, {@code _} or {@code -},
 * starting with a letter, matched ignoring ASCII case.
 */
public final class Verbs {
    /** The longest verb, in characters. */
    public static final int MAX_LENGTH = 32;

    /** The built-in commands' verbs (PROTOCOL.md, "Client to server: commands"). */
    public static final String TIME = "TIME";
    /** Leave. */
    public static final String EXIT = "EXIT";
    /** A private message. */
    public static final String CHAT = "CHAT";
    /** A message to everyone. */
    public static final String SAY = "SAY";
    /** Set the display name. */
    public static final String NAME = "NAME";
    /** The connected clients. */
    public static final String LIST = "LIST";
    /** The commands. */
    public static final String HELP = "HELP";
    /** A round trip that keeps the connection from going idle. */
    public static final String PING = "PING";
    /** {@code JOIN <room>}: enter a room, making it if need be. */
    public static final String JOIN = "JOIN";
    /** {@code PART <room>}: leave a room. */
    public static final String PART = "PART";
    /** {@code POST <room> <text>}: a message to a room's members. */
    public static final String POST = "POST";
    /** {@code ROOMS}: the server's rooms. */
    public static final String ROOMS = "ROOMS";
    /** {@code MEMBERS <room>}: a room's members. */
    public static final String MEMBERS = "MEMBERS";
    /** {@code HISTORY <target> LATEST|BEFORE|AFTER|BETWEEN ...}: a page of earlier messages. */
    public static final String HISTORY = "HISTORY";
    /** {@code SESSION}: make this connection resumable and learn its session token. */
    public static final String SESSION = "SESSION";
    /** {@code RESUME <session> <last-id>}: take back a session whose connection broke, with what it missed. */
    public static final String RESUME = "RESUME";

    /** {@code REGISTER <name> <password>}: make an account and log into it. */
    public static final String REGISTER = "REGISTER";
    /** {@code LOGIN <name> <password>}: log into an account. */
    public static final String LOGIN = "LOGIN";
    /** {@code PASSWORD <old> <new>}: change the logged-in account's password. */
    public static final String PASSWORD = "PASSWORD";

    private Verbs() {}

    /**
     * Upper-cases a verb the way the server matches it: only ASCII {@code a-z} change, so that no other
     * character (such as the long s, which Unicode upper-cases to {@code S}) can become a verb letter.
     */
    public static String normalize(String verb) {
        char[] chars = null;
        for (int i = 0; i < verb.length(); i++) {
            char c = verb.charAt(i);
            if (c >= 'a' && c <= 'z') {
                if (chars == null) {
                    chars = verb.toCharArray();
                }
                chars[i] = (char) (c - ('a' - 'A'));
            }
        }
        return chars == null ? verb : new String(chars);
    }

    /** Whether {@code verb}, already {@linkplain #normalize normalized}, is a well-formed verb. */
    public static boolean isValid(String verb) {
        int n = verb.length();
        if (n == 0 || n > MAX_LENGTH || verb.charAt(0) < 'A' || verb.charAt(0) > 'Z') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = verb.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The message of the {@link IllegalArgumentException} for a malformed verb. */
    public static String problem(String verb) {
        return "a verb is 1 to " + MAX_LENGTH + " ASCII letters, digits, '_' or '-', starting with a letter: '"
                + verb + "'";
    }
}
