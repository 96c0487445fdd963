package io.aurachat.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.ErrorCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandExceptionTest {

    @Test
    void carriesItsCodeAndMessage() {
        CommandException e = new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: ROLL [sides]");

        assertEquals("bad-arguments", e.code());
        assertEquals("usage: ROLL [sides]", e.getMessage());
        assertNull(e.getCause());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "no-such-client", "out-of-dice", "e404", "x-", "a--b",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"})
    void acceptsCodesOfLowerCaseLettersDigitsAndDashesStartingWithALetter(String code) {
        assertEquals(code, new CommandException(code, "m").code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bad-arguments", "BAD", "1st", "-x", "bad_arguments", "bad arguments", " bad",
            "bad\n", "tr\u00e8s", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm"})
    void rejectsMalformedCodes(String code) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CommandException(code, "m"));
        assertTrue(e.getMessage().contains("code"), e.getMessage());
    }

    @Test
    void everyBuiltInErrorCodeIsWellFormed() {
        for (String code : new String[] {ErrorCodes.UNKNOWN_COMMAND, ErrorCodes.NO_SUCH_CLIENT,
                ErrorCodes.BAD_ARGUMENTS, ErrorCodes.LINE_TOO_LONG, ErrorCodes.BAD_ENCODING, ErrorCodes.BAD_NAME,
                ErrorCodes.NAME_TAKEN, ErrorCodes.INTERNAL_ERROR}) {
            assertEquals(code, new CommandException(code, "m").code());
        }
    }

    @Test
    void rejectsNulls() {
        assertThrows(NullPointerException.class, () -> new CommandException(null, "m"));
        assertThrows(NullPointerException.class, () -> new CommandException("bad-name", null));
    }

    @Test
    void recordsNoStackTrace() {
        CommandException e = new CommandException(ErrorCodes.NAME_TAKEN, "taken");

        assertEquals(0, e.getStackTrace().length);
        e.fillInStackTrace();
        assertEquals(0, e.getStackTrace().length);
    }
}
