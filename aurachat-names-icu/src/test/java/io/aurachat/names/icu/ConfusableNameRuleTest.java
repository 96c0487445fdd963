package io.aurachat.names.icu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ConfusableNameRuleTest {
    private final ConfusableNameRule rule = new ConfusableNameRule();

    @ParameterizedTest
    @ValueSource(strings = {
        "\u044112",          // Cyrillic small es, then 12
        "\u042112",          // Cyrillic capital es
        "c\uFF11\uFF12",     // full-width digits
        "\uFF43\uFF11",      // full-width c and 1
        "cl2",               // l for 1
        "cO",                // capital O for 0
        "\u217D12",          // small roman numeral one hundred
        "c\u0661\u0662",     // Arabic-Indic digits
    })
    void refusesWhatReadsAsAnId(String name) {
        assertNotNull(rule.problem(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mario", "c", "cat", "c12a", "Ярослав", "さくら", "Zoë", "c 12", "ci", "ccc"})
    void acceptsOrdinaryNames(String name) {
        assertNull(rule.problem(name), name);
    }

    @Test
    void confusableNamesShareAKey() {
        assertEquals(rule.key("Alice"), rule.key("\u0410lice")); // Cyrillic capital A
        assertEquals(rule.key("Alice"), rule.key("ALICE"));
        assertEquals(rule.key("paypal"), rule.key("p\u0430yp\u0430l"));
        assertEquals(rule.key("Mario"), rule.key("\uFF2Dario"));
        assertNotEquals(rule.key("Alice"), rule.key("Alicia"));
    }
}
