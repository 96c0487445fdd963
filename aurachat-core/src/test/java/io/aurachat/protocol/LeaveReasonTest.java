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
    private static final Map<String, LeaveReason> PROTOCOL_TABLE = Map.of(
            "exit", LeaveReason.EXIT,
            "idle-timeout", LeaveReason.IDLE_TIMEOUT,
            "disconnected", LeaveReason.DISCONNECTED,
            "slow-consumer", LeaveReason.SLOW_CONSUMER,
            "server-shutdown", LeaveReason.SERVER_SHUTDOWN,
            "too-many-errors", LeaveReason.TOO_MANY_ERRORS,
            "server-full", LeaveReason.SERVER_FULL,
            "too-many-connections", LeaveReason.TOO_MANY_CONNECTIONS,
            "resumed", LeaveReason.RESUMED);

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
