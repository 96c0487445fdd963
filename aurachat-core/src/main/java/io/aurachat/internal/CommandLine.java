package io.aurachat.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line split into its verb and arguments: the verb is the first word, the arguments are
 * the rest after the spaces that follow it, kept exactly as received.
 *
 * @param verb the first word as typed (not yet upper-cased); empty for a blank line
 * @param arguments the rest of the line; empty if none
 */
public record CommandLine(String verb, String arguments) {

    /** Parses a line; leading spaces and tabs are skipped. */
    public static CommandLine parse(String line) {
        int n = line.length();
        int start = skipSpaces(line, 0);
        int end = start;
        while (end < n && !isSpace(line.charAt(end))) {
            end++;
        }
        return new CommandLine(line.substring(start, end), line.substring(skipSpaces(line, end)));
    }

    /** Whether the line is empty or only spaces and tabs: not a command at all. */
    public static boolean isBlank(String line) {
        return skipSpaces(line, 0) == line.length();
    }

    /**
     * Splits arguments on runs of spaces and tabs into at most {@code limit} parts; the last part keeps
     * the rest as received.
     */
    public static List<String> split(String arguments, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        List<String> parts = new ArrayList<>(Math.min(limit, 8));
        int n = arguments.length();
        int i = skipSpaces(arguments, 0);
        while (i < n) {
            if (parts.size() == limit - 1) {
                parts.add(arguments.substring(i));
                break;
            }
            int end = i;
            while (end < n && !isSpace(arguments.charAt(end))) {
                end++;
            }
            parts.add(arguments.substring(i, end));
            i = skipSpaces(arguments, end);
        }
        return parts;
    }

    /** The index of the first character from {@code from} on that is not a space or a tab. */
    static int skipSpaces(String s, int from) {
        int i = from;
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Whether {@code c} separates words of a command line: a space or a tab. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
