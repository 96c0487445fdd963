package io.aurachat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void splitsVerbFromArgumentsKeepingInnerSpaces() {
        assertEquals(new CommandLine("chat", "c2 hello   world "), CommandLine.parse("chat   c2 hello   world "));
        assertEquals(new CommandLine("TIME", ""), CommandLine.parse("TIME"));
        assertEquals(new CommandLine("TIME", ""), CommandLine.parse("  TIME  "));
        assertEquals(new CommandLine("SAY", "tab\there"), CommandLine.parse("SAY\ttab\there"));
    }

    @Test
    void blankLines() {
        assertTrue(CommandLine.isBlank(""));
        assertTrue(CommandLine.isBlank(" \t "));
        assertFalse(CommandLine.isBlank(" x "));
    }

    @Test
    void splitKeepsTheRestInTheLastPart() {
        assertEquals(List.of("c2", "hello  there"), CommandLine.split("c2 hello  there", 2));
        assertEquals(List.of("c2", "hello", "there"), CommandLine.split("c2 hello  there", 5));
        assertEquals(List.of("c2 hello  there"), CommandLine.split("c2 hello  there", 1));
        assertEquals(List.of("c2"), CommandLine.split("  c2  ", 2));
        assertEquals(List.of(), CommandLine.split("", 2));
        assertEquals(List.of(), CommandLine.split("   ", 2));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.split("x", 0));
    }
}
