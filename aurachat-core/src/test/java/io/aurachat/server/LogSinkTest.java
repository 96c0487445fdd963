package io.aurachat.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.MessageIds;
import io.aurachat.log.LogEvent;
import io.aurachat.log.LogEvent.ClientConnected;
import io.aurachat.log.LogEvent.ClientDisconnected;
import io.aurachat.log.LogEvent.CommandExecuted;
import io.aurachat.log.LogEvent.EventsDropped;
import io.aurachat.log.LogEvent.MessageSent;
import io.aurachat.log.LogEvent.ProtocolError;
import io.aurachat.log.LogEvent.ServerStarted;
import io.aurachat.log.LogEvent.ServerStopped;
import io.aurachat.log.LogSink;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.RecordingLogSink;
import io.aurachat.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What log sinks receive, and that no sink, however bad, gets in the way of the chat. */
class LogSinkTest {

    private static final Instant NOW = Instant.parse("2026-11-21T08:15:02.318Z");

    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void aSinkReceivesEveryKindOfEventEndingWithServerStopped() {
        RecordingLogSink sink = new RecordingLogSink();
        ChatServer chat = server.start(b -> b.logSink(sink).clock(Clock.fixed(NOW, ZoneOffset.UTC)));
        List<RawClient> c = server.joinAll(2);
        RawClient first = c.get(0);

        first.send("SAY hello all");
        long sayId = first.takeType("ok").replyId();
        first.send("chat c2 psst");
        long chatId = first.takeType("ok").replyId();
        first.send("CHAT c9 anybody?");
        first.take().assertError("CHAT", "no-such-client");
        first.send("FOO");
        first.take().assertError("FOO", "unknown-command");
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        bad.writeBytes("SAY ".getBytes(UTF_8));
        bad.write(0xFF);
        bad.write('\n');
        first.sendBytes(bad.toByteArray());
        first.take().assertError(null, "bad-encoding");
        c.get(1).close();
        first.takeType("leave");
        first.send("EXIT");
        first.takeType("bye");
        first.awaitClosed();
        sink.await(ClientDisconnected.class, e -> e.reason() == LeaveReason.EXIT);

        chat.close();

        // close() returns only after ServerStopped has been delivered and the sinks closed.
        List<LogEvent> events = sink.events();
        ServerStarted started = assertInstanceOf(ServerStarted.class, events.get(0));
        assertEquals("AuraChat", started.serverName());
        assertEquals(chat.port(), started.address().getPort());
        assertInstanceOf(ServerStopped.class, events.get(events.size() - 1));
        assertEquals(1, sink.closeCount());
        assertEquals(events.size(), sink.eventsBeforeClose(), "close() came after the last event");
        for (LogEvent event : events) {
            assertEquals(NOW, event.time(), () -> "event time by the server clock: " + event);
        }
        assertTrue(sink.threadNames().stream().allMatch(n -> n.startsWith("aurachat-log-")),
                () -> "sinks run on aurachat-log-N threads: " + sink.threadNames());

        List<ClientConnected> connected = sink.events(ClientConnected.class);
        assertEquals(List.of("c1", "c2"), connected.stream().map(e -> e.client().id().value()).sorted().toList());
        assertTrue(connected.stream().allMatch(e -> e.client().ip().equals("127.0.0.1")));

        List<MessageSent> messages = sink.events(MessageSent.class);
        assertEquals(2, messages.size(), () -> "messages: " + messages);
        MessageSent say = messages.get(0);
        assertNull(say.to());
        assertTrue(say.isBroadcast());
        assertEquals("c1", say.from().id().value());
        assertEquals("hello all", say.text());
        assertEquals(1, say.recipients());
        assertEquals(sayId, say.id(), "the event has the id the clients saw");
        MessageSent chatMessage = messages.get(1);
        assertEquals("c2", chatMessage.to().value());
        assertEquals("psst", chatMessage.text());
        assertEquals(1, chatMessage.recipients());
        assertEquals(chatId, chatMessage.id(), "the event has the id the clients saw");
        assertTrue(sayId < chatId, "ids grow, even on a clock that stands still");
        for (MessageSent m : messages) {
            assertEquals(MessageIds.epochMillis(m.id()), m.time().toEpochMilli(), () -> "the time is the id's: " + m);
        }

        // A SAY or CHAT that succeeded is its message event alone (the sink takes both kinds); one that failed is a command.
        List<CommandExecuted> commands = sink.events(CommandExecuted.class);
        assertFalse(commands.stream().anyMatch(e -> e.verb().equals("SAY") || e.verb().equals("CHAT") && e.succeeded()),
                () -> "commands: " + commands);
        assertTrue(commands.stream().anyMatch(e -> e.verb().equals("CHAT") && e.arguments().equals("c9 anybody?")
                && "no-such-client".equals(e.errorCode())), () -> "commands: " + commands);

        List<String> protocolErrors = sink.events(ProtocolError.class).stream().map(ProtocolError::code).toList();
        assertEquals(List.of("unknown-command", "bad-encoding"), protocolErrors);

        List<ClientDisconnected> disconnected = sink.events(ClientDisconnected.class);
        assertEquals(2, disconnected.size(), () -> "disconnections: " + disconnected);
        assertTrue(disconnected.stream().anyMatch(e -> e.client().id().value().equals("c2")
                && e.reason() == LeaveReason.DISCONNECTED), () -> "disconnections: " + disconnected);
        assertTrue(disconnected.stream().anyMatch(e -> e.client().id().value().equals("c1")
                && e.reason() == LeaveReason.EXIT), () -> "disconnections: " + disconnected);
    }

    @Test
    void aSinkThatTakesCommandsButNotMessagesGetsEveryChatAndSayAsACommand() throws Exception {
        List<CommandExecuted> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        LogSink commandsOnly = new LogSink() {
            @Override
            public boolean accepts(Class<? extends LogEvent> kind) {
                return kind == CommandExecuted.class;
            }

            @Override
            public void log(LogEvent event) {
                if (event instanceof CommandExecuted e) {
                    commands.add(e);
                } else if (event instanceof ServerStopped) {
                    stopped.countDown();
                }
            }
        };
        ChatServer chat = server.start(b -> b.logSink(commandsOnly));
        List<RawClient> c = server.joinAll(2);
        RawClient a = c.get(0);
        a.send("SAY hello");
        a.takeType("ok");
        a.send("CHAT c2 psst");
        a.takeType("ok");
        chat.close();
        assertTrue(stopped.await(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(List.of("SAY hello", "CHAT c2 psst"),
                commands.stream().map(e -> e.verb() + " " + e.arguments()).toList());
    }

    @Test
    void aSinkGetsOnlyTheKindsItAcceptsWhileAnotherGetsThemAll() {
        RecordingLogSink everything = new RecordingLogSink();
        List<LogEvent> joinsOnly = new java.util.concurrent.CopyOnWriteArrayList<>();
        LogSink picky = new LogSink() {
            @Override
            public boolean accepts(Class<? extends LogEvent> kind) {
                return kind == ClientConnected.class;
            }

            @Override
            public void log(LogEvent event) {
                joinsOnly.add(event);
            }
        };
        ChatServer chat = server.start(b -> b.logSink(picky).logSink(everything));
        List<RawClient> c = server.joinAll(2);
        c.get(0).send("CHAT c2 hello");
        c.get(0).takeType("ok");
        everything.await(MessageSent.class, m -> m.text().equals("hello"));
        chat.close();
        everything.await(ServerStopped.class, e -> true);
        Awaits.await().until(() -> joinsOnly.stream().anyMatch(e -> e instanceof ServerStopped));
        assertEquals(List.of(ClientConnected.class, ClientConnected.class, ServerStopped.class),
                joinsOnly.stream().map(Object::getClass).toList());
    }

    @Test
    void aSinkThatAlwaysThrowsDoesNotAffectRoutingOrOtherSinks() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<LogEvent> last = new AtomicReference<>();
        LogSink broken = new LogSink() {
            @Override
            public void log(LogEvent event) {
                calls.incrementAndGet();
                last.set(event);
                throw new IllegalStateException("a bug in a sink");
            }
        };
        RecordingLogSink recorder = new RecordingLogSink();
        ChatServer chat = server.start(b -> b.logSink(broken).logSink(recorder));
        List<RawClient> c = server.joinAll(2);

        c.get(0).send("SAY still routed");
        assertEquals(1, c.get(0).takeType("ok").num("recipients"));
        assertEquals("still routed", c.get(1).takeType("message").str("message"));
        c.get(1).send("CHAT c1 me too");
        c.get(1).takeType("ok");
        assertEquals("me too", c.get(0).takeType("message").str("message"));
        recorder.await(MessageSent.class, e -> e.text().equals("me too"));

        chat.close();

        assertInstanceOf(ServerStopped.class, last.get(), "the throwing sink keeps receiving events to the end");
        assertTrue(calls.get() >= recorder.events().size(), "calls to the throwing sink: " + calls.get());
        assertEquals(1, recorder.closeCount());
    }

    @Test
    void aBlockedSinkDoesNotStallRoutingAndLaterLearnsHowManyEventsItMissed() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        RecordingLogSink recorder = new RecordingLogSink();
        LogSink blocked = new LogSink() {
            @Override
            public void log(LogEvent event) {
                try {
                    release.await(Awaits.TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                recorder.log(event);
            }

            @Override
            public void close() {
                recorder.close();
            }
        };
        server.start(b -> b.logSink(blocked).logQueueCapacity(16));
        List<RawClient> c = server.joinAll(2);
        try {
            List<String> burst = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                burst.add("CHAT c2 burst-" + i);
            }
            c.get(0).sendAll(burst);

            for (int i = 0; i < 200; i++) {
                c.get(0).takeType("ok");
                assertEquals("burst-" + i, c.get(1).takeType("message").str("message"));
            }
            assertEquals(List.of(), recorder.events(), "the sink was blocked all along");
        } finally {
            release.countDown();
        }

        EventsDropped dropped = recorder.await(EventsDropped.class, e -> true);
        assertTrue(dropped.count() > 0, "dropped " + dropped.count());
        c.get(0).send("SAY after the storm");
        c.get(0).takeType("ok");
        recorder.await(MessageSent.class, e -> e.text().equals("after the storm"));
    }
}
