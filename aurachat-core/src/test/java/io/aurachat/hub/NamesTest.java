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
        "Ma\u202Erio", "c1", "C12", "c007", "a\u2028b",
        "\uE000", "Mario\uE000", "\uFFFF", "Ma\uFDD0rio", "\uDB83\uDFFF", "x\uD8BF\uDFFE", "\uDB40\uDFFF"})
    void rejected(String name) {
        assertNotNull(Names.problem(name), name);
    }

    @Test
    void lengthCountsCodePointsNotChars() {
        assertNull(Names.problem("😀".repeat(32)));
        assertNotNull(Names.problem("😀".repeat(33)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "c\uFF11\uFF12",        // c then full-width 1 2: NFKC makes it c12
        "\uFF43\uFF17",         // full-width c and 7
        "C\u2082",              // subscript two
        "c\u0661\u0662",         // Arabic-Indic digits
        "c\u0967",              // Devanagari one
        "\u3164",               // Hangul filler: renders blank
        "\u3164\u3164\u3164",   // several
        "\u2800",               // Braille blank
        "\u115F\u1160",         // Hangul choseong and jungseong fillers
        "\uFFA0",               // halfwidth Hangul filler
        "\u0301\u0301",         // only combining marks
        "\u0300",               // one combining mark
    })
    void rejectedAsIdsOnceFoldedOrAsBlank(String name) {
        assertNotNull(Names.problem(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"e\u0301", "\u3164x", "Zoe\u0308", "\uFF2Dario", "c\u00B2po"})
    void acceptedWithMarksOrFillersBesideVisibleCharacters(String name) {
        assertNull(Names.problem(name), name);
    }

    @Test
    void tooLong() {
        assertNotNull(Names.problem("x".repeat(33)));
    }
}
