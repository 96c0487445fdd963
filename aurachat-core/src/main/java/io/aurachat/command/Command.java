package io.aurachat.command;

import java.util.Objects;

/**
 * A registered command: its verb, how {@code HELP} describes it, and its handler.
 *
 * @param verb the verb, stored upper-case; clients may type it in any case
 * @param usage how to call it, e.g. {@code CHAT <id> <text>}
 * @param description one line saying what it does
 * @param handler what carries it out
 */
public record Command(String verb, String usage, String description, CommandHandler handler) {

    /**
     * @throws IllegalArgumentException if the verb is not 1 to 32 ASCII letters, digits, {@code _}
     *     or {@code -} starting with a letter, or if usage or description is blank or has line breaks
     */
    public Command {
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(handler, "handler");
        verb = normalizeVerb(verb);
        if (!isValidVerb(verb)) {
            throw new IllegalArgumentException(
                    "a verb is 1 to 32 ASCII letters, digits, '_' or '-', starting with a letter: '" + verb + "'");
        }
        requireOneLine("usage", usage);
        requireOneLine("description", description);
    }

    /** Shorthand for a command whose usage is its bare verb. */
    public static Command of(String verb, String description, CommandHandler handler) {
        return new Command(verb, normalizeVerb(verb), description, handler);
    }

    /**
     * Upper-cases a verb the way the server matches it: only ASCII {@code a-z} change, so that no other
     * character (such as the long s, which Unicode upper-cases to {@code S}) can become a verb letter.
     */
    public static String normalizeVerb(String verb) {
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

    static boolean isValidVerb(String verb) {
        int n = verb.length();
        if (n == 0 || n > 32 || verb.charAt(0) < 'A' || verb.charAt(0) > 'Z') {
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

    private static void requireOneLine(String what, String text) {
        if (text.isBlank() || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + " must be one non-blank line");
        }
    }
}
