package io.aurachat.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandTest {

    private static final CommandHandler HANDLER = context -> Reply.ok();

    @ParameterizedTest
    @ValueSource(strings = {"roll", "Roll", "rOLL", "ROLL"})
    void storesTheVerbUpperCase(String verb) {
        assertEquals("ROLL", new Command(verb, "ROLL [sides]", "Roll a die.", HANDLER).verb());
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "X1", "DICE-ROLL", "MY_CMD", "A-_9", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"})
    void acceptsAsciiLettersDigitsUnderscoreAndDashStartingWithALetter(String verb) {
        assertEquals(verb, new Command(verb, "usage", "description", HANDLER).verb());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1ROLL", "9", "-ROLL", "_ROLL", "ROLL DIE", " ROLL", "ROLL ", "ROLL\t", "RO.LL",
            "ROLL!", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"})
    void rejectsMalformedVerbs(String verb) {
        assertThrows(IllegalArgumentException.class, () -> new Command(verb, "usage", "description", HANDLER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"RÖLL", "rölL", "ÉCHO", "ROLL\u00a0", "\u0661ROLL", "ROLL\u200b"})
    void rejectsNonAsciiVerbs(String verb) {
        assertThrows(IllegalArgumentException.class, () -> new Command(verb, "usage", "description", HANDLER));
    }

    @ParameterizedTest
    // U+017F LATIN SMALL LETTER LONG S, U+0131 DOTLESS I and U+FB00 LIGATURE FF upper-case to ASCII,
    // so upper-casing before checking lets them through.
    @ValueSource(strings = {"\u017fAY", "\u0131D", "\ufb00"})
    void rejectsNonAsciiLettersThatUpperCaseToAscii(String verb) {
        assertThrows(IllegalArgumentException.class, () -> new Command(verb, "usage", "description", HANDLER));
    }

    @Test
    void normalizeVerbUpperCasesIndependentlyOfTheDefaultLocale() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
            assertEquals("LIST", Command.normalizeVerb("list"));
            assertEquals("PING", new Command("ping", "PING", "Ping.", HANDLER).verb());
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "ROLL\nSIDES", "ROLL\r", "ROLL\r\nX", "\n"})
    void rejectsAUsageThatIsNotOneNonBlankLine(String usage) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Command("ROLL", usage, "Roll a die.", HANDLER));
        assertTrue(e.getMessage().contains("usage"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "Roll a die.\nOr two.", "Roll\r", "\r\n"})
    void rejectsADescriptionThatIsNotOneNonBlankLine(String description) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Command("ROLL", "ROLL", description, HANDLER));
        assertTrue(e.getMessage().contains("description"), e.getMessage());
    }

    @Test
    void keepsUsageDescriptionAndHandlerAsGiven() {
        Command command = new Command("roll", "roll [sides]", "  Roll a die.  ", HANDLER);

        assertEquals("roll [sides]", command.usage());
        assertEquals("  Roll a die.  ", command.description());
        assertSame(HANDLER, command.handler());
    }

    @Test
    void ofUsesTheUpperCaseVerbAsUsage() {
        Command command = Command.of("roll", "Roll a die.", HANDLER);

        assertEquals("ROLL", command.verb());
        assertEquals("ROLL", command.usage());
        assertEquals("Roll a die.", command.description());
        assertSame(HANDLER, command.handler());
    }

    @Test
    void rejectsNulls() {
        assertThrows(NullPointerException.class, () -> new Command(null, "u", "d", HANDLER));
        assertThrows(NullPointerException.class, () -> new Command("V", null, "d", HANDLER));
        assertThrows(NullPointerException.class, () -> new Command("V", "u", null, HANDLER));
        assertThrows(NullPointerException.class, () -> new Command("V", "u", "d", null));
    }
}
