package io.aurachat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.MessageIds;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.server.ChatServer;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.FakeServer;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.RecordingListener;
import io.aurachat.testing.RecordingListener.Closed;
import io.aurachat.testing.RecordingListener.Connected;
import io.aurachat.testing.RecordingListener.Event;
import io.aurachat.testing.RecordingListener.Join;
import io.aurachat.testing.RecordingListener.Leave;
import io.aurachat.testing.RecordingListener.Message;
import io.aurachat.testing.RecordingListener.Rename;
import io.aurachat.testing.TestClients;
import io.aurachat.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link ChatListener} contract against a real server: every callback, in the server's order, exactly
 * once, on one event thread, with {@code onClosed} last for every way a client can end.
 */
class ChatClientListenerTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    @RegisterExtension
    final TestClients clients = new TestClients(server);

    private static Peer peer(ChatClient c, String name) {
        return new Peer(c.id(), name, "127.0.0.1");
    }

    private static Peer peer(RawClient c, String name) {
        return new Peer(new ClientId(c.id()), name, "127.0.0.1");
    }

    /** A barrier for a listener: a private message to itself arrives after everything queued for it before. */
    private static void drain(ChatClient client, RecordingListener listener, String marker) throws Exception {
        client.chat(client.id(), marker);
        listener.awaitMessage(marker);
    }

    /** The event without its message's id and time (checked apart, with {@link #messageIds}). */
    private static Event withoutId(Event e) {
        return e instanceof Message(ChatMessage m) ? new Message(new ChatMessage(m.from(), m.recipient(), m.text())) : e;
    }

    /**
     * The ids of the messages among {@code events}, in order, each checked: one the server could give, with the time
     * of its own millisecond.
     */
    private static List<Long> messageIds(List<Event> events) {
        List<Long> ids = new ArrayList<>();
        for (Event e : events) {
            if (e instanceof Message(ChatMessage m)) {
                String text = m.id().orElseThrow(() -> new AssertionError("no id: " + m));
                long id = MessageIds.parse(text);
                assertTrue(id > 0, () -> "not a message id: " + m);
                assertEquals(Optional.of(Instant.ofEpochMilli(MessageIds.epochMillis(id))), m.time(),
                        () -> "the time is the id's millisecond: " + m);
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void everyEventArrivesOnceInTheServersOrder() throws Exception {
        server.start();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect("Me", hears);
        Peer mePeer = peer(me, "Me");

        RawClient raw = server.join();
        raw.send("NAME Zoe").takeType("ok");
        long hiAll = raw.send("SAY hi all").takeType("ok").replyId();
        long justYou = raw.send("CHAT " + me.id() + " just  you ").takeType("ok").replyId();
        raw.send("NAME Zoë").takeType("ok");
        ChatClient other = clients.connect("Ugo", new RecordingListener());
        other.say("from Ugo");
        other.close();
        hears.await(Leave.class, l -> l.peer().id().equals(other.id()));
        raw.send("EXIT");
        List<Long> rawSaw = new ArrayList<>();
        for (Json line = raw.take(); !line.type().equals("bye"); line = raw.take()) {
            // Ugo's join, rename, message and leave reached the raw client too.
            if (line.type().equals("message")) {
                rawSaw.add(line.messageId());
            }
        }
        hears.await(Leave.class, l -> l.peer().id().value().equals(raw.id()));
        drain(me, hears, "end");

        Peer zoe = peer(raw, "Zoe");
        List<Event> expected = List.of(
                new Connected(me.session()),
                new Join(peer(raw, raw.id())),
                new Rename(zoe, raw.id()),
                new Message(new ChatMessage(zoe, Optional.empty(), "hi all")),
                new Message(new ChatMessage(zoe, Optional.of(me.id()), "just  you ")),
                new Rename(peer(raw, "Zoë"), "Zoe"),
                new Join(peer(other, other.id().value())),
                new Rename(peer(other, "Ugo"), other.id().value()),
                new Message(new ChatMessage(peer(other, "Ugo"), Optional.empty(), "from Ugo")),
                new Leave(peer(other, "Ugo"), LeaveReason.EXIT),
                new Leave(peer(raw, "Zoë"), LeaveReason.EXIT),
                new Message(new ChatMessage(mePeer, Optional.of(me.id()), "end")));
        List<Event> events = hears.events();
        assertEquals(expected, events.stream().map(ChatClientListenerTest::withoutId).toList());
        List<Long> ids = messageIds(events);
        assertEquals(List.of(hiAll, justYou), ids.subList(0, 2), "each message has the id of its sender's reply");
        assertEquals(rawSaw, ids.subList(2, 3), "Ugo's message has the id the raw client saw");
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i - 1) < ids.get(i), () -> "ids grow: " + ids);
        }
        hears.assertGrammar(false);
        hears.assertNoViolations();
    }

    @Test
    void leaveTellsWhyAPeerWent() throws Exception {
        server.start(b -> b.idleTimeout(Duration.ofMillis(500)));
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect("Watcher", hears);

        RawClient exits = server.join();
        exits.send("EXIT").takeType("bye");
        RawClient drops = server.join();
        drops.close();
        RawClient idles = server.join();

        // Keep this client busy meanwhile, so that only the silent one times out.
        Leave idle = null;
        long deadline = System.nanoTime() + Awaits.TIMEOUT.toNanos();
        while (idle == null && System.nanoTime() < deadline) {
            me.ping();
            idle = hears.events(Leave.class).stream().filter(l -> l.peer().id().value().equals(idles.id())).findFirst().orElse(null);
            hears.closedWithin(Duration.ofMillis(50));
        }
        assertNotNull(idle, hears::toString);
        assertEquals(LeaveReason.IDLE_TIMEOUT, idle.reason());
        assertEquals(LeaveReason.EXIT, hears.await(Leave.class, l -> l.peer().id().value().equals(exits.id())).reason());
        assertEquals(LeaveReason.DISCONNECTED, hears.await(Leave.class, l -> l.peer().id().value().equals(drops.id())).reason());
        assertEquals(3, hears.events(Join.class).size());
        assertEquals(3, hears.events(Leave.class).size());
    }

    @Test
    void callbacksRunOnOneVirtualEventThreadPerClient() throws Exception {
        server.start();
        RecordingListener a = new RecordingListener();
        RecordingListener b = new RecordingListener();
        ChatClient ca = clients.connect("A", a);
        ChatClient cb = clients.connect("B", b);
        ca.say("one");
        cb.say("two");
        ca.chat(cb.id(), "three");
        b.awaitMessage("three");
        a.awaitMessage("two");

        Thread ta = a.thread();
        Thread tb = b.thread();
        assertNotSame(ta, tb);
        assertFalse(ta.getName().equals(tb.getName()), ta + " / " + tb);
        assertTrue(ta.isVirtual());
        assertFalse(Thread.currentThread() == ta);

        ca.close();
        assertEquals(ta, a.threads().get(a.threads().size() - 1), "onClosed runs on the event thread too");
        a.assertClosedCleanly();
    }

    @Test
    void anExceptionFromACallbackDoesNotStopLaterCallbacks() throws Exception {
        server.start();
        RecordingListener hears = new RecordingListener((client, event) -> {
            if (event instanceof Message || event instanceof Join || event instanceof Connected) {
                throw new IllegalStateException("a listener bug on " + event);
            }
            if (event instanceof Rename) {
                throw new UnsupportedOperationException("another listener bug");
            }
        });
        ChatClient me = clients.connect("Fragile", hears);
        ChatClient other = clients.connect("Other", new RecordingListener());

        for (int i = 0; i < 5; i++) {
            other.chat(me.id(), "m" + i);
        }
        drain(me, hears, "still alive");

        assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "still alive"), hears.texts());
        assertEquals(1, hears.events(Join.class).size());
        assertEquals(1, hears.events(Rename.class).size());
        assertTrue(me.isConnected());
        me.ping();
        me.close();
        assertEquals(1, hears.closedCount());
    }

    @Test
    void aCallbackMayMakeBlockingCallsWithoutDeadlock() throws Exception {
        server.start();
        // An echo bot: it answers every private message from its callback, and asks LIST on each.
        RecordingListener bot = new RecordingListener((client, event) -> {
            if (event instanceof Message m && m.message().isPrivate() && !m.message().from().id().equals(client.id())) {
                int peers = client.list().size();
                client.chat(m.message().from().id(), "echo " + m.message().text() + " (" + peers + ")");
            }
        });
        ChatClient botClient = clients.connect("Bot", bot);
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect("Me", hears);

        int n = 50;
        for (int i = 0; i < n; i++) {
            me.chat(botClient.id(), "#" + i);
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add("echo #" + i + " (2)");
        }
        hears.awaitMessages(n);
        assertEquals(expected, hears.texts());
    }

    @Test
    void aCallbackThatCallsWhileTheEventQueueIsFullStillGetsItsReply() throws Exception {
        server.start();
        CountDownLatch flooded = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        RecordingListener hears = new RecordingListener((client, event) -> {
            if (event instanceof Message m && m.message().text().equals("first")) {
                // Wait until the server has queued more messages than the event queue holds, so that the
                // reader is stuck on a full queue when the PING goes out; its reply comes after them.
                assertTrue(flooded.await(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
                try {
                    client.ping();
                    outcome.set("pong");
                } catch (java.io.IOException e) {
                    outcome.set(e);
                }
            }
        });
        ChatClient me = clients.connect(clients.config().name("Full").eventQueueCapacity(5)
                .callTimeout(Duration.ofSeconds(3)).build(), hears);
        RawClient sender = server.join();
        sender.send("CHAT " + me.id() + " first");
        for (int i = 0; i < 7; i++) {
            sender.send("CHAT " + me.id() + " more " + i);
        }
        sender.sync(); // all eight are queued for the client
        flooded.countDown();

        hears.awaitMessages(8);
        Awaits.await().until(() -> outcome.get() != null);
        assertEquals("pong", outcome.get(), "the call from the callback was answered, not timed out");
    }

    @Test
    void closeFromACallbackDoesNotWaitForItselfAndOnClosedFollows() throws Exception {
        server.start();
        CountDownLatch closeReturned = new CountDownLatch(1);
        RecordingListener hears = new RecordingListener((client, event) -> {
            if (event instanceof Message m && m.message().text().equals("quit")) {
                client.close();
                closeReturned.countDown();
            }
        });
        ChatClient me = clients.connect("Quitter", hears);
        ChatClient other = clients.connect("Boss", new RecordingListener());
        other.chat(me.id(), "quit");

        assertTrue(closeReturned.await(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "close() from a callback returned");
        Closed closed = hears.awaitClosed();
        assertEquals(CloseReason.EXIT, closed.reason());
        assertTrue(me.isClosed());
    }

    @Test
    void concurrentClosesDeliverOnClosedOnceAndAllReturnAfterIt() throws Exception {
        server.start();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(hears);
        List<Future<Integer>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    me.close();
                    return hears.closedCount();
                }));
            }
        }
        for (Future<Integer> r : results) {
            assertEquals(1, r.get(), "a close() returned before onClosed ran, or onClosed ran twice");
        }
    }

    // ---- how a client ends: onClosed with each reason ------------------------------------------

    @Test
    void closeEndsWithExitAndPeersSeeTheLeave() throws Exception {
        server.start();
        RecordingListener watcher = new RecordingListener();
        clients.connect(watcher);
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect("Leaving", hears);

        me.close();

        assertEquals(1, hears.closedCount(), "close() returns after onClosed");
        Closed closed = hears.events(Closed.class).get(0);
        assertEquals(CloseReason.EXIT, closed.reason());
        assertNull(closed.cause());
        hears.assertClosedCleanly();
        Leave leave = watcher.await(Leave.class);
        assertEquals(new Peer(me.id(), "Leaving", "127.0.0.1"), leave.peer());
        assertEquals(LeaveReason.EXIT, leave.reason());
    }

    @Test
    void serverShutdownIsSeenAsServerShutdown() throws Exception {
        ChatServer s = server.start(b -> b.shutdownTimeout(Duration.ofSeconds(30)));
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(hears);

        long start = System.nanoTime();
        s.close();
        long closeMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();

        Closed closed = hears.awaitClosed();
        assertEquals(CloseReason.SERVER_SHUTDOWN, closed.reason());
        assertNull(closed.cause());
        assertTrue(me.isClosed());
        assertFalse(me.isConnected());
        // The client hangs up on bye, so the server need not wait out its shutdown timeout (30 s here).
        assertTrue(closeMillis < Awaits.TIMEOUT.toMillis(), "server close took " + closeMillis + " ms");
    }

    @Test
    void idleTimeoutIsSeenAsIdleTimeoutAndIsNotRetried() throws Exception {
        server.start(b -> b.idleTimeout(Duration.ofMillis(200)));
        RecordingListener hears = new RecordingListener();
        clients.connect(clients.config().reconnect(ReconnectPolicy.backoff(Duration.ofMillis(1), Duration.ofMillis(5))).build(), hears);

        Closed closed = hears.awaitClosed();

        assertEquals(CloseReason.IDLE_TIMEOUT, closed.reason());
        assertNull(closed.cause());
        assertEquals(List.of(), hears.events(RecordingListener.Disconnected.class), "the server asked it to go: no retry");
    }

    @Test
    void tooManyErrorsIsSeenAsTooManyErrors() throws Exception {
        server.start(b -> b.maxConsecutiveErrors(3));
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config().reconnect(ReconnectPolicy.backoff(Duration.ofMillis(1), Duration.ofMillis(5))).build(), hears);
        for (int i = 0; i < 3; i++) {
            try {
                me.call("NOPE", "");
            } catch (ChatErrorException expected) {
                assertEquals("unknown-command", expected.code());
            } catch (ConnectionClosedException e) {
                assertEquals(CloseReason.TOO_MANY_ERRORS, e.reason());
            }
        }
        Closed closed = hears.awaitClosed();
        assertEquals(CloseReason.TOO_MANY_ERRORS, closed.reason());
        assertEquals(List.of(), hears.events(RecordingListener.Disconnected.class), "not retriable");
    }

    @Test
    void aServerThatHangsUpWithoutByeIsANetworkFailure() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener hears = new RecordingListener();
            ChatClient me = clients.connect(ClientConfig.builder().server(fake.address()).build(), hears);
            fake.next().close();
            Closed closed = hears.awaitClosed();
            assertEquals(CloseReason.NETWORK_FAILURE, closed.reason());
            assertNotNull(closed.cause(), "NETWORK_FAILURE says what broke the connection");
            assertTrue(me.isClosed());
        }
    }

    @Test
    void aResetConnectionIsANetworkFailureWithItsCause() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener hears = new RecordingListener();
            clients.connect(ClientConfig.builder().server(fake.address()).build(), hears);
            fake.next().reset();
            Closed closed = hears.awaitClosed();
            assertEquals(CloseReason.NETWORK_FAILURE, closed.reason());
            assertInstanceOf(java.io.IOException.class, closed.cause());
        }
    }

    @Test
    void garbageFromTheServerIsAProtocolErrorAndIsNotRetried() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener hears = new RecordingListener();
            clients.connect(ClientConfig.builder().server(fake.address())
                    .reconnect(ReconnectPolicy.backoff(Duration.ofMillis(1), Duration.ofMillis(5))).build(), hears);
            FakeServer.Connection c = fake.next();
            c.send("this is not json");
            Closed closed = hears.awaitClosed();
            assertEquals(CloseReason.PROTOCOL_ERROR, closed.reason());
            assertNotNull(closed.cause());
            c.awaitEnd(); // the client closed the connection
            assertEquals(1, fake.acceptCount(), "no reconnection after a protocol error");
        }
    }

    @Test
    void aLineLongerThanTheClientAcceptsIsAProtocolError() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener hears = new RecordingListener();
            clients.connect(ClientConfig.builder().server(fake.address()).maxLineLength(1024).build(), hears);
            FakeServer.Connection c = fake.next();
            c.send("{\"type\":\"message\",\"from\":{\"id\":\"c2\",\"name\":\"Bo\",\"ip\":\"10.0.0.2\"},\"to\":\"*\",\"message\":\"short\"}");
            c.send("{\"type\":\"message\",\"from\":{\"id\":\"c2\",\"name\":\"Bo\",\"ip\":\"10.0.0.2\"},\"to\":\"*\",\"message\":\""
                    + "x".repeat(2000) + "\"}");
            Closed closed = hears.awaitClosed();
            assertEquals(CloseReason.PROTOCOL_ERROR, closed.reason());
            assertEquals(List.of("short"), hears.texts(), "the line within the limit was delivered, the long one not");
        }
    }

    @Test
    void unknownTypesAndFieldsAreIgnored() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener hears = new RecordingListener();
            clients.connect(ClientConfig.builder().server(fake.address()).build(), hears);
            FakeServer.Connection c = fake.next();
            c.send("{\"type\":\"weather\",\"sky\":\"blue\"}");
            c.send("{\"type\":\"message\",\"from\":{\"id\":\"c2\",\"name\":\"Bo\",\"ip\":\"10.0.0.2\",\"mood\":\"ok\"},\"to\":\"c1\",\"message\":\"hi\",\"new\":[1,2]}");
            ChatMessage m = hears.awaitMessage("hi");
            assertEquals(new Peer(ClientId.of(2), "Bo", "10.0.0.2"), m.from());
            assertEquals(Optional.of(ClientId.of(1)), m.recipient());
            assertEquals(Optional.empty(), m.id(), "a message of protocol 1 has no id");
            assertEquals(Optional.empty(), m.time(), "a message of protocol 1 has no time");
            assertTrue(fake.acceptCount() == 1 && hears.events(Closed.class).isEmpty(), hears::toString);
        }
    }

    @Test
    void aMessagesIdAndTimeArePassedOnAsTheServerSentThem() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener hears = new RecordingListener();
            clients.connect(ClientConfig.builder().server(fake.address()).build(), hears);
            FakeServer.Connection c = fake.next();
            String bo = "{\"id\":\"c2\",\"name\":\"Bo\",\"ip\":\"10.0.0.2\"}";
            c.send("{\"type\":\"message\",\"from\":" + bo + ",\"to\":\"*\",\"id\":\"121611328413499392\","
                    + "\"time\":\"2026-12-02T14:00:00.123Z\",\"message\":\"first\"}");
            // A time that is not an ISO instant (an odd or newer server) is not fatal: the message still arrives.
            c.send("{\"type\":\"message\",\"from\":" + bo + ",\"to\":\"c1\",\"id\":\"121611328413499393\","
                    + "\"time\":\"yesterday\",\"message\":\"second\"}");

            ChatMessage first = hears.awaitMessage("first");
            assertEquals(new ChatMessage(new Peer(ClientId.of(2), "Bo", "10.0.0.2"), Optional.empty(), "first",
                    Optional.of("121611328413499392"), Optional.of(Instant.parse("2026-12-02T14:00:00.123Z"))), first);
            ChatMessage second = hears.awaitMessage("second");
            assertEquals(Optional.of("121611328413499393"), second.id());
            assertEquals(Optional.empty(), second.time());
            assertEquals(Optional.of(ClientId.of(1)), second.recipient());
            assertTrue(fake.acceptCount() == 1 && hears.events(Closed.class).isEmpty(), hears::toString);
        }
    }

    @Test
    void byeReasonsTheServerSendsAreMapped() throws Exception {
        record Case(String wire, CloseReason expected) {}
        for (Case k : List.of(new Case("slow-consumer", CloseReason.SLOW_CONSUMER), new Case("server-shutdown", CloseReason.SERVER_SHUTDOWN),
                new Case("maintenance", CloseReason.OTHER))) {
            try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
                RecordingListener hears = new RecordingListener();
                clients.connect(ClientConfig.builder().server(fake.address()).build(), hears);
                fake.next().send("{\"type\":\"bye\",\"reason\":\"" + k.wire() + "\"}").close();
                Closed closed = hears.awaitClosed();
                assertEquals(k.expected(), closed.reason(), k::toString);
                assertNull(closed.cause(), k::toString);
            }
        }
    }

    @Test
    void aBlockedListenerStopsTheClientReadingUntilTheServerCutsIt() throws Exception {
        // 64 KiB: the flooder's burst of replies must fit, the blocked client's backlog must not. Above the soft
        // limit (4 KiB here) the flooder waits for the blocked client, which is cut once it has stayed there for
        // the soft timeout: short, so that the test does not wait for the default 5 s.
        server.start(b -> b.maxOutboundBytes(64 * 1024).outboundSoftTimeout(java.time.Duration.ofMillis(200)));
        CountDownLatch release = new CountDownLatch(1);
        RecordingListener hears = new RecordingListener((client, event) -> {
            if (event instanceof Message) {
                release.await();
            }
        });
        ChatClient me = clients.connect(clients.config().eventQueueCapacity(1).build(), hears);
        RawClient flooder = server.join();
        List<String> batch = java.util.Collections.nCopies(16, "SAY " + "x".repeat(3000));

        // 48 KB a round, less than the server queues for a client: one that kept reading (into memory)
        // would keep up and never be cut. Up to 96 MB, more than any socket buffers hold.
        Json leave = null;
        try {
            for (int round = 0; round < 2000 && leave == null; round++) {
                flooder.sendAll(batch);
                for (Json line : flooder.sync()) {
                    if (line.type().equals("leave")) {
                        leave = line;
                    }
                }
            }
        } finally {
            release.countDown();
        }
        assertNotNull(leave, "the server never cut the client that stopped reading");
        assertEquals(me.id().value(), leave.obj("client").str("id"));
        assertEquals("slow-consumer", leave.str("reason"));

        Closed closed = hears.awaitClosed();
        // The server cuts a slow consumer without bye: the client can only see the connection end.
        assertTrue(closed.reason() == CloseReason.NETWORK_FAILURE || closed.reason() == CloseReason.SLOW_CONSUMER, closed::toString);
    }

    @Test
    void closeWaitsForByeAtMostTheCallTimeout() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener hears = new RecordingListener();
            ChatClient me = clients.connect(ClientConfig.builder().server(fake.address()).callTimeout(Duration.ofMillis(300)).build(), hears);
            FakeServer.Connection c = fake.next();

            long start = System.nanoTime();
            me.close();
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();

            assertTrue(took >= 250 && took < 300 + Awaits.TIMEOUT.toMillis(), "close() took " + took + " ms");
            assertTrue(c.take().matches("(?i)EXIT"));
            assertEquals(1, hears.closedCount());
            assertTrue(me.isClosed());
            c.awaitEnd();
        }
    }

    @Test
    void exitWithoutByeThrowsAndClosesAnyway() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener hears = new RecordingListener();
            ChatClient me = clients.connect(ClientConfig.builder().server(fake.address()).callTimeout(Duration.ofMillis(200)).build(), hears);
            FakeServer.Connection c = fake.next();
            Thread hangUp = Thread.ofPlatform().daemon().name("test-hang-up").start(() -> {
                c.take();
                c.close(); // no bye
            });
            assertThrows(java.io.IOException.class, me::exit);
            assertTrue(me.isClosed(), "closed anyway");
            hears.awaitClosed();
            assertTrue(hangUp.join(Awaits.TIMEOUT));
        }
    }

    @Test
    void exitFromACallbackReturnsAndOnClosedFollows() throws Exception {
        server.start();
        CountDownLatch exitReturned = new CountDownLatch(1);
        RecordingListener hears = new RecordingListener((client, event) -> {
            if (event instanceof Message m && m.message().text().equals("go")) {
                client.exit();
                exitReturned.countDown();
            }
        });
        ChatClient me = clients.connect(hears);
        ChatClient other = clients.connect(new RecordingListener());
        other.chat(me.id(), "go");

        assertTrue(exitReturned.await(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "exit() from a callback returned");
        assertEquals(CloseReason.EXIT, hears.awaitClosed().reason());
    }

    @Test
    void aFullEventQueueHoldsTheReaderBackWithoutLosingOrRepeatingEvents() throws Exception {
        server.start();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config().eventQueueCapacity(1).build(), hears);
        ChatClient other = clients.connect(new RecordingListener());
        int n = 500;
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add("n" + i);
            other.chat(me.id(), "n" + i);
        }
        drain(me, hears, "done");
        expected.add("done");
        assertEquals(expected, hears.texts());
    }
}
