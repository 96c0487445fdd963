package io.aurachat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class LeaveReasonTest {

    /** The "Leave and bye reasons" table of PROTOCOL.md. */
    private static final Map<String, LeaveReason> PROTOCOL_TABLE = Map.ofEntries(
            Map.entry("exit", LeaveReason.EXIT),
            Map.entry("idle-timeout", LeaveReason.IDLE_TIMEOUT),
            Map.entry("disconnected", LeaveReason.DISCONNECTED),
            Map.entry("slow-consumer", LeaveReason.SLOW_CONSUMER),
            Map.entry("server-shutdown", LeaveReason.SERVER_SHUTDOWN),
            Map.entry("too-many-errors", LeaveReason.TOO_MANY_ERRORS),
            Map.entry("server-full", LeaveReason.SERVER_FULL),
            Map.entry("too-many-connections", LeaveReason.TOO_MANY_CONNECTIONS),
            Map.entry("resumed", LeaveReason.RESUMED),
            Map.entry("login-timeout", LeaveReason.LOGIN_TIMEOUT),
            Map.entry("account-removed", LeaveReason.ACCOUNT_REMOVED));

    @Test
    void wireNamesAreExactlyThoseOfTheProtocolTable() {
        assertEquals(PROTOCOL_TABLE.size(), LeaveReason.values().length);
        PROTOCOL_TABLE.forEach((wireName, reason) -> assertEquals(wireName, reason.wireName(), reason.name()));
    }

    @ParameterizedTest
    @EnumSource(LeaveReason.class)
    void fromWireNameRoundTrips(LeaveReason reason) {
        assertSame(reason, LeaveReason.fromWireName(reason.wireName()));
    }

    @Test
    void wireNamesAreDistinct() {
        assertEquals(LeaveReason.values().length,
                Arrays.stream(LeaveReason.values()).map(LeaveReason::wireName).distinct().count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "EXIT", "Exit", "idle_timeout", "IDLE_TIMEOUT", "timeout", " exit", "exit "})
    void fromWireNameRejectsAnythingElse(String name) {
        assertThrows(IllegalArgumentException.class, () -> LeaveReason.fromWireName(name));
    }
}
