package io.aurachat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.command.CommandException;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.server.ServerConfig;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.HarnessClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The idle rule, "idle means no command": only a line with a registered verb (even one that then fails)
 * counts as activity; unknown verbs and blank lines do not. The server's own timer closes idle clients, so
 * the tests wait for it with Awaitility. Every client that means to stay sends its line on each poll of
 * the wait (every {@link #POLL}), well inside {@link #IDLE} even on a loaded machine; the rule is then
 * checked by comparison: the clients that send nothing that counts are closed, the others are not.
 */
class IdleActivityTest {

    private static final Duration IDLE = Duration.ofMillis(400);
    private static final Duration POLL = Duration.ofMillis(20);
    /** The server measures in whole milliseconds and its clock is not the test's. */
    private static final long SLACK_MILLIS = 20;

    private ChatHarness chat;
    /** Every line each client received, taken as the test went. */
    private final Map<HarnessClient, List<String>> received = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        chat = ChatHarness.start(ServerConfig.builder()
                .idleTimeout(IDLE)
                .maxConsecutiveErrors(0) // unknown verbs must not get a client cut for too many errors
                .command("FAIL", "FAIL", "Always fails on its merits.", ctx -> {
                    throw new CommandException("no-luck", "this command always fails");
                })
                .build());
    }

    @AfterEach
    void close() {
        chat.close();
    }

    private HarnessClient joined() {
        HarnessClient c = chat.connect();
        take(c);
        return c;
    }

    private List<String> take(HarnessClient c) {
        List<String> lines = received.computeIfAbsent(c, k -> new ArrayList<>());
        synchronized (lines) {
            lines.addAll(c.drain());
            return List.copyOf(lines);
        }
    }

    private List<Map<String, Object>> takeJson(HarnessClient c) {
        return take(c).stream().map(HarnessClient::json).toList();
    }

    /**
     * Until {@code done}: on every poll each of {@code keepers} sends its line (and takes what it got),
     * each of {@code idlers} sends its line while it is open. A keeper that is closed fails the test.
     */
    private void sendUntil(Map<HarnessClient, String> keepers, Map<HarnessClient, String> idlers,
            BooleanSupplier done) {
        Awaits.await("the idle clients to be closed").pollInterval(POLL).until(() -> {
            keepers.forEach((c, line) -> {
                if (c.isClosed()) {
                    throw new AssertionError(c + " sending '" + line + "' was closed: " + c.closeReason());
                }
                c.send(line);
                take(c);
            });
            idlers.forEach((c, line) -> {
                try {
                    if (!c.isClosed()) {
                        c.send(line);
                    }
                } catch (IllegalStateException closedMeanwhile) {
                    // the timer closed it between the check and the send
                }
            });
            return done.getAsBoolean();
        });
    }

    private void assertClosedIdle(HarnessClient c) {
        assertEquals(LeaveReason.IDLE_TIMEOUT, c.closeReason().orElse(null), () -> c + " closed for another reason");
        // The timer thread marks the client closed (and tells the others) before it queues the bye: wait for it.
        List<Map<String, Object>> lines = takeJson(c);
        if (lines.isEmpty() || !"bye".equals(lines.getLast().get("type"))) {
            String bye = c.take();
            synchronized (received.get(c)) {
                received.get(c).add(bye);
            }
            lines = takeJson(c);
        }
        List<Map<String, Object>> all = lines;
        assertEquals(Map.of("type", "bye", "reason", "idle-timeout"), all.getLast(), () -> "lines: " + all);
    }

    private static boolean gotLeave(List<Map<String, Object>> lines, HarnessClient who, String reason) {
        return lines.stream().anyMatch(m -> "leave".equals(m.get("type"))
                && who.id().value().equals(((Map<?, ?>) m.get("client")).get("id")) && reason.equals(m.get("reason")));
    }

    @Test
    void aClientSendingOnlyUnknownVerbsIsClosedAsIdle() {
        HarnessClient pinger = joined();
        long start = System.nanoTime();
        HarnessClient garbler = joined();

        sendUntil(Map.of(pinger, "PING"), Map.of(garbler, "DANCE"), garbler::isClosed);

        long afterMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(afterMillis >= IDLE.toMillis() - SLACK_MILLIS, "closed after only " + afterMillis + " ms");
        assertClosedIdle(garbler);
        assertTrue(takeJson(garbler).stream().anyMatch(m -> "unknown-command".equals(m.get("code"))),
                "the unknown verbs were answered");
        assertFalse(pinger.isClosed());
        assertTrue(gotLeave(takeJson(pinger), garbler, "idle-timeout"), () -> "pinger got " + take(pinger));
    }

    @Test
    void aClientSendingOnlyBlankLinesIsClosedAsIdle() {
        HarnessClient pinger = joined();
        HarnessClient empty = joined();
        HarnessClient spaces = joined();

        sendUntil(Map.of(pinger, "ping"), Map.of(empty, "", spaces, " \t  "),
                () -> empty.isClosed() && spaces.isClosed());

        assertClosedIdle(empty);
        assertClosedIdle(spaces);
        for (HarnessClient blank : List.of(empty, spaces)) {
            assertTrue(takeJson(blank).stream().noneMatch(m -> "error".equals(m.get("type"))),
                    () -> "a blank line gets no reply: " + take(blank));
        }
        assertFalse(pinger.isClosed());
    }

    @Test
    void anyRegisteredCommandKeepsAClientEvenOneThatFails() {
        Map<HarnessClient, String> keepers = new LinkedHashMap<>();
        keepers.put(joined(), "PING");
        keepers.put(joined(), "CHAT c999 anybody?");  // no-such-client
        keepers.put(joined(), "NAME c5");             // bad-name
        keepers.put(joined(), "SAY");                 // bad-arguments
        keepers.put(joined(), "FAIL");                // a user command's own error
        keepers.put(joined(), "time");
        HarnessClient garbler = joined();

        sendUntil(keepers, Map.of(garbler, "PONG"), garbler::isClosed);

        assertClosedIdle(garbler);
        keepers.forEach((c, line) -> {
            assertFalse(c.isClosed(), () -> c + " sending '" + line + "' was closed");
            assertTrue(gotLeave(takeJson(c), garbler, "idle-timeout"), () -> c + " was not told");
        });
        assertTrue(takeJson(keepers.keySet().stream().toList().get(4)).stream()
                .anyMatch(m -> "no-luck".equals(m.get("code"))), "FAIL failed");
    }

    @Test
    void aClientThatStopsSendingCommandsIsClosedAfterTheTimeout() {
        HarnessClient pinger = joined();
        HarnessClient garbler = joined();
        sendUntil(Map.of(pinger, "PING"), Map.of(garbler, "DANCE"), garbler::isClosed);

        pinger.send("PING");
        long lastCommand = System.nanoTime();
        Awaits.await("the pinger to be closed once it stops").until(() -> {
            // It keeps sending lines, but none that counts.
            if (!pinger.isClosed()) {
                try {
                    pinger.send("PINGG");
                    pinger.send("");
                } catch (IllegalStateException closedMeanwhile) {
                    // closed between the check and the send
                }
            }
            return pinger.isClosed();
        });

        long afterMillis = Duration.ofNanos(System.nanoTime() - lastCommand).toMillis();
        assertTrue(afterMillis >= IDLE.toMillis() - SLACK_MILLIS, "closed after only " + afterMillis + " ms");
        assertClosedIdle(pinger);
    }

    @Test
    void aPendingClientIdlesOutWithoutNoticeAndOneThatPingsStays() {
        HarnessClient watcher = joined();
        HarnessClient pendingIdle = chat.attach();
        HarnessClient pendingPinger = chat.attach();

        sendUntil(Map.of(watcher, "PING", pendingPinger, "PING"), Map.of(pendingIdle, "HELLO"),
                pendingIdle::isClosed);

        assertClosedIdle(pendingIdle);
        assertFalse(pendingPinger.isClosed());
        assertFalse(pendingPinger.isJoined());
        assertTrue(takeJson(watcher).stream().noneMatch(m -> "leave".equals(m.get("type"))),
                () -> "a client that never joined was announced leaving: " + take(watcher));
        assertTrue(pendingPinger.join(), "the pinging pending client can still join");
    }

    @Test
    void welcomeAnnouncesTheIdleTimeoutInWholeSecondsRoundedUp() {
        HarnessClient c = chat.connect();

        assertEquals(1L, c.takeJson().get("idleTimeoutSeconds"));
    }
}
