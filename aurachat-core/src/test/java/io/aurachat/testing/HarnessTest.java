package io.aurachat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.command.Command;
import io.aurachat.command.CommandException;
import io.aurachat.command.Reply;
import io.aurachat.log.LogEvent;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.server.ServerConfig;
import io.aurachat.transport.Peer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory harness itself, used only through its public API, as a library user would. */
class HarnessTest {

    /** A die that always shows 4 (chosen by fair dice roll). */
    private static final Command ROLL = new Command("ROLL", "ROLL <sides>", "Roll a die.",
            ctx -> Reply.of("roll", Map.of("value", 4)));

    private ChatHarness chat;

    @AfterEach
    void close() {
        if (chat != null) {
            chat.close();
        }
    }

    private ChatHarness start(ServerConfig config) {
        chat = ChatHarness.start(config);
        return chat;
    }

    private HarnessClient joined() {
        HarnessClient c = chat.connect();
        c.takeType("welcome");
        return c;
    }

    @Test
    void aCommandRunsOnTheCallersThreadBeforeSendReturns() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        start(ServerConfig.builder().command("WHERE", "WHERE", "Which thread.", ctx -> {
            ranOn.set(Thread.currentThread());
            return Reply.ok();
        }).build());
        HarnessClient me = joined();

        me.send("WHERE");

        assertSame(Thread.currentThread(), ranOn.get());
        assertEquals(Optional.of("{\"type\":\"ok\",\"command\":\"WHERE\"}"), me.poll()); // no waiting needed
    }

    @Test
    void whatACommandCausesElsewhereIsQueuedWhenSendReturns() {
        start(ServerConfig.builder().build());
        HarnessClient a = joined();
        HarnessClient b = joined();
        a.drain();

        a.send("CHAT " + b.id() + " psst");

        assertTrue(b.poll().isPresent(), "the message was not queued when send returned");
        assertTrue(a.poll().isPresent(), "the reply was not queued when send returned");
    }

    @Test
    void aCustomCommandsReplyTypeAndFieldsAreReadable() {
        start(ServerConfig.builder().command(ROLL).build());
        HarnessClient me = joined();

        me.send("roll 20");

        Map<String, Object> reply = me.takeJson();
        assertEquals(Map.of("type", "roll", "command", "ROLL", "value", 4L), reply);
        assertEquals(Long.class, reply.get("value").getClass());
    }

    @Test
    void aCustomCommandSeesItsArgumentsAndSenderAndMayReachOthers() {
        start(ServerConfig.builder().command("SHOUT", "SHOUT <text>", "Tell everyone, loudly.", ctx -> {
            int n = ctx.broadcast(ctx.arguments().toUpperCase(java.util.Locale.ROOT));
            return Reply.of("shouted").with("by", ctx.sender().id()).with("reached", n).with("nested",
                    Map.of("ok", true, "list", List.of(1, "two")));
        }).build());
        HarnessClient me = joined();
        HarnessClient other = joined();
        me.drain();

        me.send("SHOUT  hello there");

        Map<String, Object> reply = me.takeJson();
        assertEquals("shouted", reply.get("type"));
        assertEquals("c1", reply.get("by"));
        assertEquals(1L, reply.get("reached"));
        assertEquals(Map.of("ok", true, "list", List.of(1L, "two")), reply.get("nested"));
        assertEquals("HELLO THERE", other.takeJson().get("message"));
    }

    @Test
    void aHandlersCommandExceptionIsAnErrorWithItsCode() {
        start(ServerConfig.builder().command("ROLL", "ROLL <sides>", "Roll a die.", ctx -> {
            throw new CommandException("no-dice", "the dice are lost");
        }).build());
        HarnessClient me = joined();

        me.send("ROLL 6");

        assertEquals(Map.of("type", "error", "command", "ROLL", "code", "no-dice", "message", "the dice are lost"),
                me.takeJson());
        assertFalse(me.isClosed());
    }

    @Test
    void aHandlerThatThrowsIsAnInternalErrorAndTheClientGoesOn() {
        start(ServerConfig.builder()
                .command("BOOM", "BOOM", "Fail.", ctx -> {
                    throw new IllegalStateException("a bug in a handler (expected by this test)");
                })
                .command("NADA", "NADA", "Return null.", ctx -> null)
                .build());
        HarnessClient me = joined();

        me.send("BOOM");
        Map<String, Object> error = me.takeJson();
        assertEquals("error", error.get("type"));
        assertEquals("BOOM", error.get("command"));
        assertEquals("internal-error", error.get("code"));
        assertFalse(((String) error.get("message")).contains("expected by this test"),
                "the exception's text must not reach the client");

        me.send("NADA");
        assertEquals("internal-error", me.takeJson().get("code"));

        me.send("PING");
        assertEquals("pong", me.takeJson().get("type"));
    }

    @Test
    void sendRejectsALineBreakAndRunsNothing() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();
        HarnessClient other = joined();
        me.drain();

        assertThrows(IllegalArgumentException.class, () -> me.send("SAY one\nSAY two"));
        assertThrows(IllegalArgumentException.class, () -> me.send("SAY one\r"));
        assertThrows(IllegalArgumentException.class, () -> me.send("PING\r\n"));

        assertEquals(List.of(), me.drain());
        assertEquals(List.of(), other.drain());
    }

    @Test
    void sendAfterTheConnectionEndedThrows() {
        start(ServerConfig.builder().maxConsecutiveErrors(1).build());
        HarnessClient exited = joined();
        HarnessClient hungUp = joined();
        HarnessClient cut = joined();
        HarnessClient pending = chat.attach();

        exited.send("EXIT");
        hungUp.disconnect();
        cut.send("GARBAGE");
        pending.disconnect();

        for (HarnessClient gone : List.of(exited, hungUp, cut, pending)) {
            assertTrue(gone.isClosed(), () -> gone + " not closed");
            assertThrows(IllegalStateException.class, () -> gone.send("PING"), () -> gone + " took a line");
        }
        assertEquals(LeaveReason.EXIT, exited.closeReason().orElseThrow());
        assertEquals(LeaveReason.DISCONNECTED, hungUp.closeReason().orElseThrow());
        assertEquals(LeaveReason.TOO_MANY_ERRORS, cut.closeReason().orElseThrow());
        assertEquals(LeaveReason.DISCONNECTED, pending.closeReason().orElseThrow());
    }

    @Test
    void aClientThatIsOpenHasNoCloseReason() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();

        assertFalse(me.isClosed());
        assertEquals(Optional.empty(), me.closeReason());
        me.disconnect();
        me.disconnect(); // idempotent: the first reason counts
        assertEquals(Optional.of(LeaveReason.DISCONNECTED), me.closeReason());
    }

    @Test
    void takeThrowsAssertionErrorWhenNothingArrives() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();

        AssertionError e = assertThrows(AssertionError.class, () -> me.take(Duration.ofMillis(50)));
        assertTrue(e.getMessage().contains("received nothing"), e::getMessage);
        assertEquals(Optional.empty(), me.poll());
        assertEquals(List.of(), me.drain());
    }

    @Test
    void linesAreKeptInOrderAndTakeTypeSkipsToTheOneAsked() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();

        me.send("PING");
        me.send("TIME");
        me.send("HELP");
        me.send("PING");

        assertEquals("pong", me.takeJson().get("type"));
        assertEquals("HELP", me.takeType("help").get("command")); // skips time
        List<String> rest = me.drain();
        assertEquals(1, rest.size());
        assertEquals(Map.of("type", "pong", "command", "PING"), HarnessClient.json(rest.get(0)));
        assertFalse(rest.get(0).endsWith("\n"), "lines come without their terminator");
    }

    @Test
    void jsonReadsNumbersAsLongAndNullAsResponseNull() {
        Map<String, Object> m = HarnessClient.json("{\"a\":1,\"b\":1.5,\"c\":true,\"d\":null,\"e\":[\"x\"]}");

        assertEquals(1L, m.get("a"));
        assertEquals(1.5, m.get("b"));
        assertEquals(true, m.get("c"));
        assertSame(io.aurachat.client.Response.NULL, m.get("d"));
        assertEquals(List.of("x"), m.get("e"));
    }

    @Test
    void aLogSinkReceivesTheEventsOfHarnessClients() {
        RecordingLogSink sink = new RecordingLogSink();
        start(ServerConfig.builder().logSink(sink).build());
        HarnessClient a = joined();
        HarnessClient b = joined();

        a.send("CHAT " + b.id() + " ciao");
        a.send("SAY tutti");
        b.disconnect();

        LogEvent.ClientConnected connected = sink.await(LogEvent.ClientConnected.class,
                e -> e.client().id().equals(a.id()));
        assertEquals(a.info().ip(), connected.client().ip());
        sink.await(LogEvent.ClientConnected.class, e -> e.client().id().equals(b.id()));
        LogEvent.MessageSent chatEvent = sink.await(LogEvent.MessageSent.class, e -> !e.isBroadcast());
        assertEquals(a.id(), chatEvent.from().id());
        assertEquals(b.id(), chatEvent.to());
        assertEquals("ciao", chatEvent.text());
        assertEquals(1, chatEvent.recipients());
        LogEvent.MessageSent sayEvent = sink.await(LogEvent.MessageSent.class, LogEvent.MessageSent::isBroadcast);
        assertNull(sayEvent.to());
        assertEquals("tutti", sayEvent.text());
        assertEquals(1, sayEvent.recipients());
        LogEvent.ClientDisconnected gone = sink.await(LogEvent.ClientDisconnected.class,
                e -> e.client().id().equals(b.id()));
        assertEquals(LeaveReason.DISCONNECTED, gone.reason());
        assertTrue(sink.events(LogEvent.ServerStarted.class).isEmpty(), "no listener, so no ServerStarted");

        chat.close();
        assertEquals(1, sink.closeCount(), "closing the harness closes its log sinks");
        assertTrue(sink.events().getLast() instanceof LogEvent.ServerStopped, () -> "last: " + sink.events());
    }

    @Test
    void aPendingClientIsNotLoggedAsConnected() {
        RecordingLogSink sink = new RecordingLogSink();
        start(ServerConfig.builder().logSink(sink).build());
        HarnessClient pending = chat.attach();
        HarnessClient marker = joined();

        sink.await(LogEvent.ClientConnected.class, e -> e.client().id().equals(marker.id()));
        pending.join();
        LogEvent.ClientConnected joinedEvent = sink.await(LogEvent.ClientConnected.class,
                e -> e.client().id().equals(pending.id()));
        List<ClientId> order = sink.events(LogEvent.ClientConnected.class).stream().map(e -> e.client().id())
                .toList();
        assertEquals(List.of(marker.id(), pending.id()), order, "logged when it joins, not when it attaches");
        assertNotNull(joinedEvent.time());
    }

    @Test
    void theHarnessOpensNoSocket() {
        start(ServerConfig.builder().port(5000).build());

        assertThrows(IllegalStateException.class, () -> chat.server().address());
        assertThrows(IllegalStateException.class, () -> chat.server().port());
        assertEquals(Optional.empty(), chat.server().discoveryAddress());
        assertFalse(chat.server().config().tcpEnabled());
        assertTrue(chat.server().isRunning());
        chat.close();
        assertFalse(chat.server().isRunning());
    }

    @Test
    void aProductionConfigWithDiscoveryRunsInTheHarnessWithoutItsSockets() {
        start(ServerConfig.builder().port(5000)
                .discovery(io.aurachat.discovery.DiscoveryConfig.builder().enabled(true).build()).build());

        assertEquals(Optional.empty(), chat.server().discoveryAddress());
        assertFalse(chat.server().config().discovery().enabled());
        assertEquals("welcome", chat.connect().takeJson().get("type"));
    }

    @Test
    void twoHarnessesWithTheSamePortRunSideBySide() {
        ServerConfig config = ServerConfig.builder().port(5000).build();
        try (ChatHarness first = ChatHarness.start(config); ChatHarness second = ChatHarness.start(config)) {
            assertEquals("c1", first.connect().id().value());
            assertEquals("c1", second.connect().id().value());
        }
    }

    @Test
    void attachWithAnAddressShowsItToOthers() {
        start(ServerConfig.builder().build());
        HarnessClient watcher = joined();

        HarnessClient guest = chat.attach("203.0.113.9");
        guest.join();

        assertEquals("203.0.113.9", guest.info().ip());
        assertEquals("203.0.113.9", ((Map<?, ?>) watcher.takeType("join").get("client")).get("ip"));
        assertEquals(guest.id(), chat.clients().get(1).id());
    }

    @Test
    void defaultAddressesAreTestNetAddressesOneApart() {
        start(ServerConfig.builder().build());

        HarnessClient a = chat.connect();
        HarnessClient b = chat.attach();

        assertEquals("192.0.2.1", a.info().ip());
        assertEquals("192.0.2.2", b.info().ip());
        assertTrue(a.toString().contains("c1"), a::toString);
    }

    @Test
    void aClientThatDoesNotReadIsCutOnlyBeyondMaxOutboundBytes() {
        start(ServerConfig.builder().maxOutboundBytes(1024).build());
        HarnessClient reader = joined();
        HarnessClient listener = joined();
        reader.drain();

        // A reader that takes its lines is never cut, however much goes through it.
        for (int i = 0; i < 200; i++) {
            reader.send("SAY " + "y".repeat(50));
            reader.drain();
            listener.drain();
        }

        assertFalse(reader.isClosed());
        assertFalse(listener.isClosed());
    }

    /**
     * A reader on another thread (the idle timer closes clients on its own thread) that sees
     * {@code isClosed()}, or another client's {@code leave} notice, must find the {@code bye} already
     * queued: {@code await().until(c::isClosed)} followed by {@code c.drain()} must not miss it (it did when
     * HarnessClient.close reported the end to the server before queueing its last line). A second peer
     * attached to the same server (a transport's view, through the public {@link Peer} seam) looks at the
     * leaver at the moment the leave notice reaches it.
     */
    @Test
    void aClientIsClosedOnlyOnceItsLastLineIsQueued() {
        start(ServerConfig.builder().build());
        HarnessClient leaver = joined();
        List<String> seenWhenAnnounced = new CopyOnWriteArrayList<>();
        AtomicReference<Boolean> closedWhenAnnounced = new AtomicReference<>();
        Peer witness = new Peer() {
            @Override
            public String address() {
                return "192.0.2.250";
            }

            @Override
            public boolean send(byte[] line) {
                if (new String(line, StandardCharsets.UTF_8).contains("\"type\":\"leave\"")) {
                    closedWhenAnnounced.set(leaver.isClosed());
                    seenWhenAnnounced.addAll(leaver.drain());
                }
                return true;
            }

            @Override
            public void close(LeaveReason reason, byte[] lastLine) {}
        };
        assertTrue(chat.server().attach(witness).orElseThrow().join());
        leaver.drain();

        leaver.send("EXIT");

        assertEquals(Boolean.TRUE, closedWhenAnnounced.get(), "the leave notice came before the close");
        assertEquals(List.of("{\"type\":\"bye\",\"command\":\"EXIT\",\"reason\":\"exit\"}"), seenWhenAnnounced,
                "closed and announced, but its bye was not queued yet");
    }

    @Test
    void theByeIsTheLastLineOfAClosedClient() {
        start(ServerConfig.builder().build());
        HarnessClient me = joined();

        me.send("EXIT");

        assertTrue(me.isClosed());
        assertEquals(List.of("{\"type\":\"bye\",\"command\":\"EXIT\",\"reason\":\"exit\"}"), me.drain());
    }
}
