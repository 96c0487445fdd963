package io.aurachat.command;

import io.aurachat.protocol.Verbs;
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
        verb = Verbs.normalize(verb);
        if (!Verbs.isValid(verb)) {
            throw new IllegalArgumentException(Verbs.problem(verb));
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
        return Verbs.normalize(verb);
    }

    private static void requireOneLine(String what, String text) {
        if (text.isBlank() || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + " must be one non-blank line");
        }
    }
}
