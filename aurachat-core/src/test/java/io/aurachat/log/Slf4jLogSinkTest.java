package io.aurachat.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.when;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.LeaveReason;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.MockedStatic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.MessageFormatter;

/** Which SLF4J level each event goes to, observed on a mocked {@link Logger}. */
class Slf4jLogSinkTest {

    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error");
    private static final Instant NOW = Instant.parse("2026-11-21T08:15:02.318Z");
    private static final ClientInfo MARIO = new ClientInfo(ClientId.of(4), "Mario", "192.168.1.20", NOW);
    private static final String SECRET = "meet me at the old mill at nine";

    private Logger logger;
    private Slf4jLogSink sink;

    @BeforeEach
    void setUp() {
        logger = mock(Logger.class);
        sink = new Slf4jLogSink(logger);
    }

    /** A line the sink logged: its level and its text with the {} placeholders filled in. */
    record Logged(String level, String text) {}

    private List<Logged> logged() {
        return mockingDetails(logger).getInvocations().stream()
                .filter(invocation -> LEVELS.contains(invocation.getMethod().getName()))
                .map(invocation -> {
                    Object[] arguments = invocation.getArguments();
                    String pattern = assertInstanceOf(String.class, arguments[0], "a message pattern, not a marker");
                    Object[] parameters = Arrays.copyOfRange(arguments, 1, arguments.length);
                    return new Logged(invocation.getMethod().getName(),
                            MessageFormatter.arrayFormat(pattern, parameters).getMessage());
                })
                .toList();
    }

    private void enableLevelsFrom(String lowest) {
        List<String> order = List.of("trace", "debug", "info", "warn", "error");
        int from = order.indexOf(lowest);
        when(logger.isTraceEnabled()).thenReturn(from <= 0);
        when(logger.isDebugEnabled()).thenReturn(from <= 1);
        when(logger.isInfoEnabled()).thenReturn(from <= 2);
        when(logger.isWarnEnabled()).thenReturn(from <= 3);
        when(logger.isErrorEnabled()).thenReturn(true);
    }

    static Stream<Arguments> eventsAndTheirLevels() {
        return Stream.of(
                Arguments.of(new LogEvent.ServerStarted(NOW, "Lobby", new InetSocketAddress("127.0.0.1", 5123)),
                        "info", List.of("Lobby", "5123")),
                Arguments.of(new LogEvent.ServerStopped(NOW), "info", List.of()),
                Arguments.of(new LogEvent.ClientConnected(NOW, MARIO), "info", List.of("c4", "192.168.1.20")),
                Arguments.of(new LogEvent.ClientDisconnected(NOW, MARIO, LeaveReason.IDLE_TIMEOUT),
                        "info", List.of("c4", "idle-timeout")),
                Arguments.of(new LogEvent.CommandExecuted(NOW, MARIO, "LIST", "", null),
                        "debug", List.of("c4", "LIST")),
                Arguments.of(new LogEvent.CommandExecuted(NOW, MARIO, "CHAT", "c9 hi", ErrorCodes.NO_SUCH_CLIENT),
                        "debug", List.of("c4", "CHAT", "no-such-client")),
                Arguments.of(new LogEvent.ProtocolError(NOW, MARIO, ErrorCodes.LINE_TOO_LONG, "5000 bytes"),
                        "debug", List.of("c4", "line-too-long", "5000 bytes")),
                Arguments.of(new LogEvent.MessageSent(NOW, MARIO, ClientId.of(2), "ciao", 1),
                        "trace", List.of("c4", "c2", "ciao")),
                Arguments.of(new LogEvent.MessageSent(NOW, MARIO, null, "ciao a tutti", 3),
                        "trace", List.of("c4", "*", "ciao a tutti")),
                Arguments.of(new LogEvent.ClientThrottled(NOW, MARIO), "info", List.of("c4", "rate limit")),
                // Accounts are named as registered; a key that is not the name in lower case is said to be one.
                Arguments.of(new LogEvent.AccountRegistered(NOW, MARIO.withAccount("rnario", "Mario")), "info",
                        List.of("c4 registered account Mario (key rnario)")),
                Arguments.of(new LogEvent.LoggedIn(NOW, MARIO.withAccount("mario", "Mario")), "info",
                        List.of("c4 logged into account Mario")),
                Arguments.of(new LogEvent.LoginFailed(NOW, MARIO, "rnario", "bad-credentials"), "info",
                        List.of("the account with key rnario", "bad-credentials")),
                Arguments.of(new LogEvent.AccountRemoved(NOW, "rnario", 1), "info",
                        List.of("the account with key rnario was removed; 1 connection ended")),
                Arguments.of(new LogEvent.EventsDropped(NOW, 1234), "warn", List.of("1234")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventsAndTheirLevels")
    void logsEachEventOnceAtItsDocumentedLevel(LogEvent event, String level, List<String> mentions) {
        enableLevelsFrom("trace");

        sink.log(event);

        List<Logged> lines = logged();
        assertEquals(1, lines.size(), () -> "logged " + lines);
        assertEquals(level, lines.get(0).level(), () -> "logged " + lines);
        for (String mention : mentions) {
            assertTrue(lines.get(0).text().contains(mention), () -> lines.get(0) + " should mention " + mention);
        }
    }

    @Test
    void messageTextIsNotLoggedAtAllWhenTraceIsDisabled() {
        enableLevelsFrom("debug");

        sink.log(new LogEvent.MessageSent(NOW, MARIO, ClientId.of(2), SECRET, 1));
        sink.log(new LogEvent.MessageSent(NOW, MARIO, null, SECRET, 5));

        assertEquals(List.of(), logged());
    }

    @Test
    void messageTextIsLoggedAtTraceWhenTraceIsEnabled() {
        enableLevelsFrom("trace");

        sink.log(new LogEvent.MessageSent(NOW, MARIO, ClientId.of(2), SECRET, 1));

        List<Logged> lines = logged();
        assertEquals(1, lines.size(), () -> "logged " + lines);
        assertEquals("trace", lines.get(0).level());
        assertTrue(lines.get(0).text().contains(SECRET), lines.get(0).text());
    }

    @Test
    void theArgumentsOfSayAndChatAreNotLoggedBelowTrace() {
        // SAY and CHAT arguments are message texts: "message texts at TRACE (they are private conversation)".
        enableLevelsFrom("debug");

        sink.log(new LogEvent.CommandExecuted(NOW, MARIO, "SAY", SECRET, null));
        sink.log(new LogEvent.CommandExecuted(NOW, MARIO, "CHAT", "c2 " + SECRET, null));
        sink.log(new LogEvent.CommandExecuted(NOW, MARIO, "CHAT", "c9 " + SECRET, ErrorCodes.NO_SUCH_CLIENT));

        List<Logged> lines = logged();
        assertEquals(3, lines.size(), () -> "logged " + lines);
        for (Logged line : lines) {
            assertEquals("debug", line.level());
            assertFalse(line.text().contains(SECRET), line.text());
        }
    }

    @Test
    void theDefaultSinkWritesToTheLoggerIoAurachatEvents() {
        Logger events = mock(Logger.class);
        when(events.isInfoEnabled()).thenReturn(true);
        try (MockedStatic<LoggerFactory> factory = mockStatic(LoggerFactory.class)) {
            factory.when(() -> LoggerFactory.getLogger("io.aurachat.events")).thenReturn(events);

            new Slf4jLogSink().log(new LogEvent.ServerStopped(NOW));
        }

        logger = events;
        List<Logged> lines = logged();
        assertEquals(1, lines.size(), () -> "logged " + lines);
        assertEquals("info", lines.get(0).level());
    }

    @Test
    void acceptsOnlyTheKindsItsLoggerWouldPrint() {
        Slf4jLogSink sink = new Slf4jLogSink(logger);
        enableLevelsFrom("info");
        assertFalse(sink.accepts(LogEvent.MessageSent.class));
        assertFalse(sink.accepts(LogEvent.CommandExecuted.class));
        assertFalse(sink.accepts(LogEvent.ProtocolError.class));
        assertTrue(sink.accepts(LogEvent.ClientConnected.class));
        assertTrue(sink.accepts(LogEvent.EventsDropped.class));
        enableLevelsFrom("debug");
        assertFalse(sink.accepts(LogEvent.MessageSent.class));
        assertTrue(sink.accepts(LogEvent.CommandExecuted.class));
        assertTrue(sink.accepts(LogEvent.DiscoveryIgnored.class));
        enableLevelsFrom("trace");
        assertTrue(sink.accepts(LogEvent.MessageSent.class));
        enableLevelsFrom("warn");
        assertFalse(sink.accepts(LogEvent.ClientConnected.class));
        assertTrue(sink.accepts(LogEvent.ConnectionRejected.class));
    }

    @Test
    void rejectsANullLogger() {
        assertThrows(NullPointerException.class, () -> new Slf4jLogSink(null));
    }

    private static LogEvent.ConnectionRejected refused(String ip, long afterMillis) {
        return new LogEvent.ConnectionRejected(NOW.plusMillis(afterMillis), ip, LeaveReason.TOO_MANY_CONNECTIONS);
    }

    /** A host past its connection limit costs one line per window, not one per connection. */
    @Test
    void refusalsFromOneAddressAreLoggedOnceAndCountedUntilTheWindowIsOver() {
        for (int i = 0; i < 5000; i++) {
            sink.log(refused("10.0.0.5", i)); // 5 s of refusals, all in the 10 s window
        }
        assertEquals(List.of(new Logged("warn", "refused a connection from 10.0.0.5: too-many-connections")), logged());

        sink.log(new LogEvent.ClientConnected(NOW.plusSeconds(10), MARIO)); // any event after the window reports it
        assertEquals(List.of(
                new Logged("warn", "refused a connection from 10.0.0.5: too-many-connections"),
                new Logged("warn", "4999 more refused connections from 10.0.0.5 (too-many-connections) in the 10 s "
                        + "after the first"),
                new Logged("info", "c4 connected from 192.168.1.20")), logged());

        sink.log(refused("10.0.0.5", 10_001)); // a new window: logged again
        assertEquals(new Logged("warn", "refused a connection from 10.0.0.5: too-many-connections"), logged().getLast());
    }

    @Test
    void eachAddressAndReasonHasItsOwnWindowAndCloseReportsWhatIsStillCounted() {
        sink.log(refused("10.0.0.5", 0));
        sink.log(refused("10.0.0.6", 1));
        sink.log(new LogEvent.ConnectionRejected(NOW.plusMillis(2), "10.0.0.5", LeaveReason.SERVER_FULL));
        sink.log(refused("10.0.0.5", 3));
        sink.log(new LogEvent.LoginFailed(NOW.plusMillis(4), MARIO, "rnario", "bad-credentials"));
        sink.log(new LogEvent.LoginFailed(NOW.plusMillis(5), MARIO, "rnario", "bad-credentials"));
        sink.log(new LogEvent.LoginFailed(NOW.plusMillis(6), MARIO, "rnario", "too-many-attempts"));
        assertEquals(5, logged().size(), "the first of each pair: " + logged());
        sink.close();
        assertEquals(List.of(
                new Logged("warn", "1 more refused connections from 10.0.0.5 (too-many-connections) in the 10 s after "
                        + "the first"),
                new Logged("warn", "1 more failed logins from 192.168.1.20 (bad-credentials) in the 10 s after the "
                        + "first")), logged().subList(5, 7));
        assertEquals(7, logged().size(), "pairs with no repeat report nothing");
    }

    @Test
    void theNumberOfAddressesFollowedIsBoundedAndTheRestAreCountedTogether() {
        int extra = 3000;
        for (int i = 0; i < Slf4jLogSink.MAX_REPEAT_KEYS + extra; i++) {
            sink.log(refused("10.1." + (i / 256) + "." + (i % 256), 0));
        }
        assertEquals(Slf4jLogSink.MAX_REPEAT_KEYS, logged().size());
        sink.log(refused("10.9.9.9", 20_000));
        assertEquals(new Logged("warn", extra + " more refusals and failed logins from other addresses in the 10 s "
                + "after the first"), logged().get(Slf4jLogSink.MAX_REPEAT_KEYS));
        assertEquals(new Logged("warn", "refused a connection from 10.9.9.9: too-many-connections"), logged().getLast());
    }

    @Test
    void aZeroWindowLogsEveryRefusal() {
        Slf4jLogSink each = new Slf4jLogSink(logger, java.time.Duration.ZERO);
        for (int i = 0; i < 3; i++) {
            each.log(refused("10.0.0.5", i));
        }
        assertEquals(3, logged().size());
        assertThrows(IllegalArgumentException.class, () -> new Slf4jLogSink(logger, java.time.Duration.ofSeconds(-1)));
    }
}
