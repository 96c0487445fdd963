package io.aurachat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"c1", "c2", "c10", "c123456789", "c9223372036854775807"})
    void acceptsCFollowedByAPositiveNumberWithoutLeadingZeros(String text) {
        assertTrue(ClientId.isValid(text));
        assertEquals(text, ClientId.parse(text).value());
        assertEquals(text, new ClientId(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "c", "c0", "c00", "c01", "C1", "c-1", "c+1", "cx", "c1x", "x1", "1", " c1", "c1 ",
            "c1\n", "c 1", "cc1", "c1.0", "c\u0661", "c\uff11", "c1234567890123456789012345"})
    void rejectsEverythingElse(String text) {
        assertFalse(ClientId.isValid(text));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientId.parse(text));
        assertTrue(e.getMessage().contains(text), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClientId(text));
    }

    @Test
    void rejectsNull() {
        assertThrows(NullPointerException.class, () -> new ClientId(null));
    }

    @Test
    void ofMakesTheIdOfTheNthClient() {
        assertEquals("c1", ClientId.of(1).value());
        assertEquals("c3", ClientId.of(3).toString());
        assertEquals(ClientId.parse("c42"), ClientId.of(42));
        assertEquals(42, ClientId.of(42).sequence());
        assertEquals(Long.MAX_VALUE, ClientId.of(Long.MAX_VALUE).sequence());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void ofRejectsNonPositiveSequences(long sequence) {
        assertThrows(IllegalArgumentException.class, () -> ClientId.of(sequence));
    }

    @Test
    void ordersByNumberNotByText() {
        ClientId c2 = ClientId.of(2);
        ClientId c10 = ClientId.of(10);

        assertTrue(c2.compareTo(c10) < 0);
        assertTrue(c10.compareTo(c2) > 0);
        assertEquals(0, c10.compareTo(ClientId.parse("c10")));

        List<ClientId> ids = new ArrayList<>(List.of(ClientId.of(10), ClientId.of(1), ClientId.of(100), ClientId.of(9)));
        ids.sort(null);
        assertEquals(List.of(ClientId.of(1), ClientId.of(9), ClientId.of(10), ClientId.of(100)), ids);
    }

    @Test
    void equalIdsAreEqualAndHashAlike() {
        assertEquals(ClientId.parse("c7"), ClientId.of(7));
        assertEquals(ClientId.parse("c7").hashCode(), ClientId.of(7).hashCode());
        assertNotEquals(ClientId.of(7), ClientId.of(70));
    }

    @Test
    void everyValidIdHasASequence() {
        // Nineteen nines fit the length check but not a long: isValid and sequence() must agree.
        String text = "c9999999999999999999";
        if (ClientId.isValid(text)) {
            ClientId id = ClientId.parse(text);
            assertTrue(id.sequence() > 0, "sequence of " + id);
        } else {
            assertThrows(IllegalArgumentException.class, () -> ClientId.parse(text));
        }
    }
}
