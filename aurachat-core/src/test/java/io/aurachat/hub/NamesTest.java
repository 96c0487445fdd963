package io.aurachat.hub;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"Mario", "Anna Maria", "李雷", "c", "c3po", "Chris1", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "😀 smile"})
    void accepted(String name) {
        assertNull(Names.problem(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " Mario", "Mario ", "\tMario", "Ma\u0000rio", "Ma\nrio", "Ma\u200Brio",
        "Ma\u202Erio", "c1", "C12", "c007", "a\u2028b"})
    void rejected(String name) {
        assertNotNull(Names.problem(name), name);
    }

    @Test
    void lengthCountsCodePointsNotChars() {
        assertNull(Names.problem("😀".repeat(32)));
        assertNotNull(Names.problem("😀".repeat(33)));
    }

    @Test
    void tooLong() {
        assertNotNull(Names.problem("x".repeat(33)));
    }
}
