package io.aurachat.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * How a command line splits into words (PROTOCOL.md, "Client to server: commands"): the verb is the first
 * word, the arguments are the rest after the spaces that follow it, kept exactly as received. Words are
 * separated by runs of spaces and tabs.
 *
 * @param verb the first word as typed (not yet upper-cased); empty for a blank line
 * @param arguments the rest of the line; empty if none
 */
public record CommandLine(String verb, String arguments) {

    /** Parses a line; leading spaces and tabs are skipped. */
    public static CommandLine parse(String line) {
        int start = skipSpaces(line, 0);
        int end = wordEnd(line, start);
        return new CommandLine(line.substring(start, end), line.substring(skipSpaces(line, end)));
    }

    /** Whether the line is empty or only spaces and tabs: not a command at all. */
    public static boolean isBlank(String line) {
        return skipSpaces(line, 0) == line.length();
    }

    /**
     * Splits arguments on runs of spaces and tabs into at most {@code limit} parts; the last part keeps
     * the rest as received. The list is unmodifiable.
     */
    public static List<String> split(String arguments, int limit) {
        return split(arguments, 0, limit);
    }

    /** {@link #split(String, int)} of {@code s} from index {@code from} on, without copying that part first. */
    public static List<String> split(String s, int from, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        int n = s.length();
        int i = skipSpaces(s, from);
        if (limit <= 2) {
            // What most commands ask for (CHAT's id and text), without a growable list.
            if (i >= n) {
                return List.of();
            }
            if (limit == 1) {
                return List.of(s.substring(i));
            }
            int end = wordEnd(s, i);
            int rest = skipSpaces(s, end);
            return rest < n ? List.of(s.substring(i, end), s.substring(rest)) : List.of(s.substring(i, end));
        }
        List<String> parts = new ArrayList<>(Math.min(limit, 8));
        while (i < n) {
            if (parts.size() == limit - 1) {
                parts.add(s.substring(i));
                break;
            }
            int end = wordEnd(s, i);
            parts.add(s.substring(i, end));
            i = skipSpaces(s, end);
        }
        return parts;
    }

    /** The index of the first character from {@code from} on that is not a space or a tab. */
    public static int skipSpaces(String s, int from) {
        int i = from;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The index of the first space or tab from {@code from} on, or the length: the end of a word. */
    public static int wordEnd(String s, int from) {
        int i = from;
        while (i < s.length() && !isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Whether {@code c} separates words of a command line: a space or a tab. */
    public static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
