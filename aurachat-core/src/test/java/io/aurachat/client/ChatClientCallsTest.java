package io.aurachat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.command.CommandException;
import io.aurachat.command.Reply;
import io.aurachat.history.MessageIds;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.server.ChatServer;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.FakeServer;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.RecordingListener;
import io.aurachat.testing.RecordingListener.Closed;
import io.aurachat.testing.RecordingListener.Rename;
import io.aurachat.testing.TestClients;
import io.aurachat.testing.TestServer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** Every call of {@link ChatClient} against a real server over loopback, and how each can fail. */
class ChatClientCallsTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    @RegisterExtension
    final TestClients clients = new TestClients(server);

    /** A custom command that answers with its arguments. */
    private static void echo(io.aurachat.server.ServerConfig.Builder b) {
        b.command("ECHO", "ECHO <text>", "Answer with the text.", ctx -> Reply.ok(Map.of("echo", ctx.arguments())));
    }

    /** The message has an id the server could give, and the time of the id's own millisecond. */
    private static void assertIdAndTime(ChatMessage m) {
        long id = MessageIds.parse(m.id().orElseThrow(() -> new AssertionError("no id: " + m)));
        assertTrue(id > 0, () -> "not a message id: " + m);
        assertEquals(Optional.of(Instant.ofEpochMilli(MessageIds.epochMillis(id))), m.time(),
                () -> "the time is the id's millisecond: " + m);
    }

    // ---- CHAT ----------------------------------------------------------------------------------

    @Test
    void chatReachesOnlyItsRecipientAsAPrivateMessage() throws Exception {
        server.start();
        RecordingListener aliceHears = new RecordingListener();
        RecordingListener bobHears = new RecordingListener();
        RecordingListener carolHears = new RecordingListener();
        ChatClient alice = clients.connect("Alice", aliceHears);
        ChatClient bob = clients.connect("Bob", bobHears);
        ChatClient carol = clients.connect("Carol", carolHears);

        String text = "ciao  Bob, à bientôt 🙂 ";
        alice.chat(bob.id(), text);

        ChatMessage m = bobHears.awaitMessage(text);
        assertEquals(new Peer(alice.id(), "Alice", "127.0.0.1"), m.from());
        assertEquals(Optional.of(bob.id()), m.recipient());
        assertTrue(m.isPrivate());
        assertIdAndTime(m);
        // Barriers: a message each sends itself arrives after anything queued for it before.
        alice.chat(alice.id(), "barrier");
        carol.chat(carol.id(), "barrier");
        aliceHears.awaitMessage("barrier");
        carolHears.awaitMessage("barrier");
        assertEquals(List.of("barrier"), aliceHears.texts(), "the sender does not get its own CHAT to someone else");
        assertEquals(List.of("barrier"), carolHears.texts());
        assertEquals(List.of(text), bobHears.texts());
    }

    @Test
    void chatToOneselfComesBack() throws Exception {
        server.start();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect("Narciso", hears);

        me.chat(me.id(), "note to self");

        ChatMessage m = hears.awaitMessage("note to self");
        assertEquals(me.id(), m.from().id());
        assertEquals("Narciso", m.from().name());
        assertEquals(Optional.of(me.id()), m.recipient());
        assertTrue(m.isPrivate());
    }

    // ---- SAY -----------------------------------------------------------------------------------

    @Test
    void sayReachesEveryoneElseAndCountsThem() throws Exception {
        server.start();
        RecordingListener aHears = new RecordingListener();
        ChatClient a = clients.connect("Anna", aHears);
        assertEquals(0, a.say("anyone?"), "alone: nobody to reach");

        List<RecordingListener> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingListener l = new RecordingListener();
            clients.connect("Other" + i, l);
            others.add(l);
        }
        RawClient raw = server.join();

        assertEquals(4, a.say("hello\tall"));

        for (RecordingListener l : others) {
            ChatMessage m = l.awaitMessage("hello\tall");
            assertEquals(new Peer(a.id(), "Anna", "127.0.0.1"), m.from());
            assertEquals(Optional.empty(), m.recipient());
            assertFalse(m.isPrivate());
        }
        Json onWire = raw.takeType("message");
        assertEquals("*", onWire.str("to"));
        assertEquals("hello\tall", onWire.str("message"));
        long id = onWire.messageId();
        for (RecordingListener l : others) {
            ChatMessage m = l.awaitMessage("hello\tall");
            assertEquals(Optional.of(Long.toString(id)), m.id(), "everyone gets the one message, with its one id");
            assertIdAndTime(m);
        }
        a.chat(a.id(), "barrier");
        aHears.awaitMessage("barrier");
        assertEquals(List.of("barrier"), aHears.texts(), "SAY does not come back to its sender");
    }

    // ---- TIME ----------------------------------------------------------------------------------

    @Test
    void timeIsTheServerClockInItsZone() throws Exception {
        Instant instant = Instant.parse("2026-11-21T09:15:02.318Z");
        ZoneId zone = ZoneId.of("Asia/Kathmandu");
        server.start(b -> b.clock(Clock.fixed(instant, zone)));
        ChatClient client = clients.connect(new RecordingListener());

        ZonedDateTime time = client.time();

        assertEquals(ZonedDateTime.ofInstant(instant, zone), time);
        assertEquals(zone, time.getZone());
    }

    @Test
    void timeFollowsARunningServerClock() throws Exception {
        server.start(b -> b.clock(Clock.system(ZoneId.of("America/St_Johns"))));
        ChatClient client = clients.connect(new RecordingListener());
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ZonedDateTime time = client.time();
        Instant after = Instant.now();
        assertEquals(ZoneId.of("America/St_Johns"), time.getZone());
        assertFalse(time.toInstant().isBefore(before), time + " before " + before);
        assertFalse(time.toInstant().isAfter(after), time + " after " + after);
    }

    // ---- LIST ----------------------------------------------------------------------------------

    @Test
    void listGivesEveryClientInConnectionOrder() throws Exception {
        Instant since = Instant.parse("2026-01-02T03:04:05.678Z");
        ChatServer s = server.start(b -> b.clock(Clock.fixed(since, ZoneId.of("UTC"))));
        ChatClient first = clients.connect("Primo", new RecordingListener());
        RawClient raw = server.join();
        ChatClient third = clients.connect(new RecordingListener());

        List<ClientInfo> list = third.list();

        assertEquals(s.clients(), list);
        assertEquals(List.of(first.id(), new ClientId(raw.id()), third.id()), list.stream().map(ClientInfo::id).toList());
        assertEquals(List.of("Primo", raw.id(), third.id().value()), list.stream().map(ClientInfo::name).toList());
        for (ClientInfo info : list) {
            assertEquals("127.0.0.1", info.ip());
            assertEquals(since, info.connectedSince());
        }
        assertEquals(list, first.list(), "everyone sees the same list");
    }

    // ---- NAME ----------------------------------------------------------------------------------

    @Test
    void setNameRenamesAndOthersHearOfIt() throws Exception {
        ChatServer s = server.start();
        RecordingListener watcher = new RecordingListener();
        clients.connect("Watcher", watcher);
        ChatClient client = clients.connect("Before", new RecordingListener());
        ClientId id = client.id();

        assertEquals("Dopo", client.setName("Dopo"));

        assertEquals("Dopo", client.name());
        assertEquals(id, client.id(), "a rename keeps the id");
        assertEquals("Dopo", s.clients().get(1).name());
        Rename rename = watcher.await(Rename.class, r -> r.peer().name().equals("Dopo"));
        assertEquals(new Peer(id, "Dopo", "127.0.0.1"), rename.peer());
        assertEquals("Before", rename.previousName());

        assertEquals("dopo", client.setName("dopo"), "changing only the case of one's own name is allowed");
        assertEquals("dopo", client.name());
        assertEquals("dopo", client.list().get(1).name());
    }

    // ---- HELP ----------------------------------------------------------------------------------

    @Test
    void helpListsTheServersCommandsSortedWithACustomOne() throws Exception {
        server.start(b -> b.command("ROLL", "ROLL [sides]", "Roll a die.", ctx -> Reply.ok()).removeCommand("TIME"));
        ChatClient client = clients.connect(new RecordingListener());

        List<CommandInfo> help = client.help();

        List<String> verbs = help.stream().map(CommandInfo::verb).toList();
        assertEquals(List.of("CHAT", "EXIT", "HELP", "HISTORY", "JOIN", "LIST", "LOGIN", "MEMBERS", "NAME", "PART", "PASSWORD", "PING", "POST", "REGISTER", "RESUME", "ROLL", "ROOMS", "SAY", "SESSION"), verbs);
        CommandInfo roll = help.get(verbs.indexOf("ROLL"));
        assertEquals(new CommandInfo("ROLL", "ROLL [sides]", "Roll a die."), roll);
        CommandInfo chat = help.get(0);
        assertEquals("CHAT <id> <text>", chat.usage());
        assertFalse(chat.description().isBlank());
    }

    // ---- PING ----------------------------------------------------------------------------------

    @Test
    void pingKeepsAClientAliveThroughTheIdleTimeout() throws Exception {
        Duration idle = Duration.ofMillis(600);
        server.start(b -> b.idleTimeout(idle));
        RecordingListener hears = new RecordingListener();
        ChatClient client = clients.connect(hears);

        // Two idle timeouts long, pinging every 100 ms: the server must not close the client.
        long deadline = System.nanoTime() + idle.multipliedBy(2).toNanos();
        while (System.nanoTime() < deadline) {
            client.ping();
            assertFalse(hears.closedWithin(Duration.ofMillis(100)), () -> "closed while pinging: " + hears);
        }
        assertTrue(client.isConnected());
        // Silent now: the idle timeout closes it.
        Closed closed = hears.awaitClosed();
        assertEquals(CloseReason.IDLE_TIMEOUT, closed.reason());
    }

    // ---- call ----------------------------------------------------------------------------------

    @Test
    void callRunsACustomCommandAndGivesItsReplyTyped() throws Exception {
        server.start(b -> b.command("ROLL", "ROLL [sides]", "Roll a die.", ctx -> {
            Map<String, Object> nested = new LinkedHashMap<>();
            nested.put("b", 2);
            nested.put("a", "x");
            return Reply.of("roll").with("sides", Integer.parseInt(ctx.arguments())).with("value", 17)
                    .with("ratio", 0.5).with("lucky", true).with("nothing", null)
                    .with("tags", List.of("d20", 3)).with("nested", nested).with("big", Long.MAX_VALUE);
        }));
        ChatClient client = clients.connect(new RecordingListener());

        Response r = client.call("roll", "20");

        assertEquals("roll", r.type());
        assertEquals("ROLL", r.command());
        assertEquals(List.of("sides", "value", "ratio", "lucky", "nothing", "tags", "nested", "big"), List.copyOf(r.fields().keySet()));
        assertEquals(Optional.of(20L), r.integer("sides"));
        assertEquals(17L, r.fields().get("value"));
        assertEquals(0.5, r.fields().get("ratio"));
        assertEquals(Boolean.TRUE, r.fields().get("lucky"));
        assertSame(Response.NULL, r.fields().get("nothing"));
        assertEquals(List.of("d20", 3L), r.fields().get("tags"));
        Map<?, ?> nestedBack = assertInstanceOf(Map.class, r.fields().get("nested"));
        assertEquals(List.of("b", "a"), List.copyOf(nestedBack.keySet()), "nested objects keep the JSON's order");
        assertEquals(Optional.of(Long.MAX_VALUE), r.integer("big"));
        assertEquals(Optional.empty(), r.string("sides"));
        assertEquals(Optional.empty(), r.integer("missing"));
        Json raw = Json.parse(r.json());
        assertEquals("roll", raw.type());
        assertEquals(20, raw.num("sides"));
        assertFalse(r.json().endsWith("\n"));
        assertThrows(UnsupportedOperationException.class, () -> r.fields().put("x", 1));
    }

    @Test
    void callWorksForBuiltInCommandsToo() throws Exception {
        server.start();
        ChatClient client = clients.connect("Caller", new RecordingListener());
        Response pong = client.call("PING", "");
        assertEquals("pong", pong.type());
        assertEquals("PING", pong.command());
        assertEquals(Map.of(), pong.fields());

        Response list = client.call("list", "");
        assertEquals("clients", list.type());
        assertEquals("LIST", list.command());
        List<?> entries = assertInstanceOf(List.class, list.fields().get("clients"));
        Map<?, ?> me = assertInstanceOf(Map.class, entries.get(0));
        assertEquals("Caller", me.get("name"));

        Response say = client.call("Say", "via call");
        assertEquals("ok", say.type());
        assertEquals(Optional.of(0L), say.integer("recipients"));
    }

    @Test
    void anUnknownVerbIsUnknownCommand() throws Exception {
        server.start();
        ChatClient client = clients.connect(new RecordingListener());
        ChatErrorException e = assertThrows(ChatErrorException.class, () -> client.call("frobnicate", "now"));
        assertEquals("unknown-command", e.code());
        assertEquals(Optional.of("FROBNICATE"), e.command());
        assertFalse(e.serverMessage().isBlank());
        client.ping();
    }

    @Test
    void aMalformedVerbOrALineTooLongIsRefusedBeforeSending() throws Exception {
        server.start(b -> b.maxLineLength(100));
        RawClient watcher = server.join();
        ChatClient client = clients.connect(new RecordingListener());
        watcher.takeType("join");

        for (String verb : List.of("", "TWO WORDS", "SAY\nNAME x", "CHAT\r", "PI NG", " PING", "a.b")) {
            assertThrows(IllegalArgumentException.class, () -> client.call(verb, ""), () -> "verb '" + verb + "'");
        }
        assertThrows(IllegalArgumentException.class, () -> client.call("SAY", "two\nlines"));
        assertThrows(IllegalArgumentException.class, () -> client.call("SAY", "carriage\rreturn"));
        // "SAY " and the text: 101 bytes is one too many for a server that accepts 100.
        assertThrows(IllegalArgumentException.class, () -> client.call("SAY", "x".repeat(97)), "101 bytes");
        assertThrows(IllegalArgumentException.class, () -> client.call("SAY", "é".repeat(49)), "102 bytes of UTF-8");

        assertEquals(Optional.of(1L), client.call("SAY", "x".repeat(96)).integer("recipients"), "100 bytes go");
        assertEquals("x".repeat(96), watcher.takeType("message").str("message"), "nothing refused reached the server");
        watcher.assertNothingPending();
        ChatErrorException unknown = assertThrows(ChatErrorException.class, () -> client.call("my_verb-2", ""),
                "digits, '-' and '_' make a well-formed verb, which the server does not know");
        assertEquals(Optional.of("MY_VERB-2"), unknown.command());
    }

    // ---- EXIT ----------------------------------------------------------------------------------

    @Test
    void exitLeavesForGoodEvenWithAReconnectPolicy() throws Exception {
        ChatServer s = server.start();
        RecordingListener watcher = new RecordingListener();
        clients.connect(watcher);
        RecordingListener hears = new RecordingListener();
        ChatClient client = clients.connect(clients.config()
                .reconnect(ReconnectPolicy.backoff(Duration.ofMillis(1), Duration.ofMillis(5))).build(), hears);
        ClientId id = client.id();

        client.exit();

        Closed closed = hears.awaitClosed();
        assertEquals(CloseReason.EXIT, closed.reason());
        assertEquals(null, closed.cause());
        assertTrue(client.isClosed());
        assertFalse(client.isConnected());
        assertEquals(List.of(), hears.events(RecordingListener.Disconnected.class));
        assertEquals(List.of(), hears.events(RecordingListener.Reconnected.class));
        RecordingListener.Leave leave = watcher.await(RecordingListener.Leave.class);
        assertEquals(id, leave.peer().id());
        assertEquals(io.aurachat.protocol.LeaveReason.EXIT, leave.reason());
        Awaits.await("the server has one client").until(() -> s.clients().size() == 1);
        assertThrows(IllegalStateException.class, client::ping);
    }

    // ---- errors --------------------------------------------------------------------------------

    @Test
    void errorRepliesBecomeChatErrorExceptionsAndTheConnectionGoesOn() throws Exception {
        server.start(b -> b
                .command("VAULT", "VAULT", "Open the vault.", ctx -> {
                    throw new CommandException("vault-locked", "the vault is locked until 9:00");
                })
                .command("OOPS", "OOPS", "Fail inside.", ctx -> {
                    throw new IllegalStateException("a bug in a handler");
                }));
        ChatClient other = clients.connect("Bea", new RecordingListener());
        ChatClient client = clients.connect("Al", new RecordingListener());

        record Case(String code, String command, Executable call) {}
        List<Case> cases = List.of(
                new Case("no-such-client", "CHAT", () -> client.chat(ClientId.of(999), "anyone?")),
                new Case("bad-arguments", "SAY", () -> client.say("")),
                new Case("bad-arguments", "CHAT", () -> client.call("CHAT", "")),
                new Case("bad-name", "NAME", () -> client.setName("c7")),
                new Case("bad-name", "NAME", () -> client.setName("x".repeat(33))),
                new Case("name-taken", "NAME", () -> client.setName("bea")),
                new Case("unknown-command", "NOPE", () -> client.call("NOPE", "")),
                new Case("vault-locked", "VAULT", () -> client.call("VAULT", "")),
                new Case("internal-error", "OOPS", () -> client.call("OOPS", "")));
        for (Case c : cases) {
            ChatErrorException e = assertThrows(ChatErrorException.class, c.call(), c::toString);
            assertEquals(c.code(), e.code(), c::toString);
            assertEquals(Optional.of(c.command()), e.command(), c::toString);
            assertFalse(e.serverMessage().isBlank(), c::toString);
            assertTrue(e.getMessage().contains(c.code()), e::getMessage);
            assertTrue(client.isConnected(), c::toString);
        }
        ChatErrorException vault = assertThrows(ChatErrorException.class, () -> client.call("vault", ""));
        assertEquals("the vault is locked until 9:00", vault.serverMessage());

        assertEquals("Al", client.name(), "failed renames changed nothing");
        client.ping();
        assertEquals(1, client.say("still here"));
        assertEquals(2, client.list().size());
        assertTrue(other.isConnected());
    }

    @Test
    void chatToSomebodyWhoLeftIsNoSuchClient() throws Exception {
        server.start();
        ChatClient client = clients.connect(new RecordingListener());
        RawClient gone = server.join();
        ClientId goneId = new ClientId(gone.id());
        client.chat(goneId, "are you there?");
        assertEquals("are you there?", gone.takeType("message").str("message"));
        gone.send("EXIT");
        gone.takeType("bye");
        Awaits.await("the raw client left").until(() -> server.server().clients().size() == 1);
        ChatErrorException e = assertThrows(ChatErrorException.class, () -> client.chat(goneId, "hello?"));
        assertEquals("no-such-client", e.code());
    }

    @Test
    void textWithALineBreakIsRefusedAndNothingIsSent() throws Exception {
        server.start();
        RecordingListener bobHears = new RecordingListener();
        ChatClient bob = clients.connect("Bob", bobHears);
        ChatClient client = clients.connect(new RecordingListener());

        List<Executable> calls = List.of(
                () -> client.say("one\nSAY two"),
                () -> client.say("cr\r"),
                () -> client.say("\n"),
                () -> client.chat(bob.id(), "hi\nSAY injected"),
                () -> client.chat(bob.id(), "\r\n"),
                () -> client.setName("Eve\nSAY injected"),
                () -> client.call("SAY", "a\nb"));
        for (Executable call : calls) {
            assertThrows(IllegalArgumentException.class, call);
        }

        client.chat(bob.id(), "the first that arrives");
        bobHears.awaitMessage("the first that arrives");
        bob.chat(bob.id(), "barrier");
        bobHears.awaitMessage("barrier");
        assertEquals(List.of("the first that arrives", "barrier"), bobHears.texts());
        assertEquals(client.id().value(), client.name());
        assertTrue(client.isConnected());
    }

    // ---- misuse after close --------------------------------------------------------------------

    @Test
    void everyCallOnAClosedClientThrowsIllegalStateException() throws Exception {
        server.start();
        RecordingListener hears = new RecordingListener();
        ChatClient client = clients.connect(hears);
        ClientId id = client.id();
        Session session = client.session();

        client.close();

        assertEquals(1, hears.closedCount(), "close() returns after onClosed ran");
        assertTrue(client.isClosed());
        assertFalse(client.isConnected());
        assertEquals(session, client.session(), "the last session stays readable");
        assertEquals(id, client.id());
        List<Executable> calls = List.of(
                () -> client.chat(id, "x"),
                () -> client.say("x"),
                client::time,
                client::list,
                () -> client.setName("Zed"),
                client::help,
                client::ping,
                () -> client.call("PING", ""));
        for (Executable call : calls) {
            assertThrows(IllegalStateException.class, call);
        }
        client.close();
        client.close();
        assertEquals(1, hears.closedCount(), "close() is idempotent");
        assertEquals(CloseReason.EXIT, hears.events(Closed.class).get(0).reason());
    }

    // ---- concurrency ---------------------------------------------------------------------------

    @Test
    void callsFromManyThreadsEachGetTheirOwnReply() throws Exception {
        // Unknown verbs are part of the mix: never cut the client for a run of them.
        server.start(b -> echo(b.maxConsecutiveErrors(0).rateLimit(io.aurachat.server.RateLimit.NONE))); // 1,600 calls at once
        ChatClient client = clients.connect("Busy", new RecordingListener());
        int threads = 32;
        int callsPerThread = 50;

        List<Future<List<String>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<String> problems = new ArrayList<>();
                    for (int i = 0; i < callsPerThread; i++) {
                        String tag = thread + "/" + i;
                        switch (i % 4) {
                            case 0 -> {
                                String echoed = client.call("ECHO", tag).string("echo").orElse(null);
                                if (!tag.equals(echoed)) {
                                    problems.add("ECHO " + tag + " got " + echoed);
                                }
                            }
                            case 1 -> {
                                try {
                                    client.call("NOPE" + thread + "x" + i, "");
                                    problems.add("NOPE " + tag + " succeeded");
                                } catch (ChatErrorException e) {
                                    if (!e.command().equals(Optional.of("NOPE" + thread + "X" + i))) {
                                        problems.add("NOPE " + tag + " got the error of " + e.command());
                                    }
                                }
                            }
                            case 2 -> {
                                if (client.list().size() != 1) {
                                    problems.add("LIST " + tag);
                                }
                            }
                            default -> client.ping();
                        }
                    }
                    return problems;
                }));
            }
        }
        List<String> problems = new ArrayList<>();
        for (Future<List<String>> f : results) {
            problems.addAll(f.get());
        }
        assertEquals(List.of(), problems);
        assertEquals("Busy", client.name());
    }

    // ---- call timeout --------------------------------------------------------------------------

    @Test
    void aCallWithoutReplyTimesOutAndItsLateReplyIsDiscarded() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            Duration callTimeout = Duration.ofMillis(200);
            RecordingListener hears = new RecordingListener();
            ChatClient client = clients.connect(ClientConfig.builder().server(fake.address()).callTimeout(callTimeout).build(), hears);
            FakeServer.Connection c = fake.next();

            long start = System.nanoTime();
            assertThrows(InterruptedIOException.class, client::time);
            long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(took >= 180 && took < 200 + Awaits.TIMEOUT.toMillis(), "timed out after " + took + " ms");
            assertTrue(c.take().matches("(?i)TIME"), "the call was sent");
            assertTrue(client.isConnected(), "a timeout does not end the connection");

            // The next call goes out; only then does the late TIME reply arrive, right before LIST's.
            Thread server = Thread.ofPlatform().daemon().name("test-late-server").start(() -> {
                assertTrue(c.take().matches("(?i)LIST"));
                c.send("{\"type\":\"time\",\"command\":\"TIME\",\"time\":\"2026-11-21T09:15:02.318+01:00\",\"epochMillis\":1795248902318,\"zone\":\"Europe/Rome\"}");
                c.send("{\"type\":\"clients\",\"command\":\"LIST\",\"clients\":[{\"id\":\"c1\",\"name\":\"c1\",\"ip\":\"127.0.0.1\",\"connectedSince\":\"2026-11-21T08:00:00Z\"}]}");
                assertTrue(c.take().matches("(?i)PING"));
                c.send("{\"type\":\"pong\",\"command\":\"PING\"}");
            });
            List<ClientInfo> list = client.list();
            assertEquals(1, list.size());
            assertEquals(Instant.parse("2026-11-21T08:00:00Z"), list.get(0).connectedSince());
            client.ping();
            assertTrue(server.join(Awaits.TIMEOUT));
            assertEquals(List.of(), hears.events(Closed.class));
        }
    }

    @Test
    void aCallPendingWhenTheServerShutsDownFailsWithTheReason() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ChatServer s = server.start(b -> b.command("WAIT", "WAIT", "Wait for the test.", ctx -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.ok();
        }));
        RecordingListener hears = new RecordingListener();
        ChatClient client = clients.connect(hears);

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Response> pending = pool.submit(() -> client.call("WAIT", ""));
            assertTrue(entered.await(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            Future<?> closing = pool.submit(s::close);

            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> pending.get(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            ConnectionClosedException e = assertInstanceOf(ConnectionClosedException.class, failed.getCause());
            assertEquals(CloseReason.SERVER_SHUTDOWN, e.reason());
            release.countDown();
            closing.get(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertEquals(CloseReason.SERVER_SHUTDOWN, hears.awaitClosed().reason());
    }

    @Test
    void aCallPendingWhenTheConnectionBreaksFailsWithNetworkFailure() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener hears = new RecordingListener();
            ChatClient client = clients.connect(ClientConfig.builder().server(fake.address()).build(), hears);
            FakeServer.Connection c = fake.next();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<?> pending = pool.submit(() -> {
                    client.ping();
                    return null;
                });
                assertTrue(c.take().matches("(?i)PING"));
                c.close();
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> pending.get(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
                ConnectionClosedException e = assertInstanceOf(ConnectionClosedException.class, failed.getCause());
                assertEquals(CloseReason.NETWORK_FAILURE, e.reason());
            }
            assertEquals(CloseReason.NETWORK_FAILURE, hears.awaitClosed().reason());
        }
    }

    @Test
    void closeFailsACallThatIsStillWaitingWhenTheConnectionEnds() throws Exception {
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            RecordingListener hears = new RecordingListener();
            // A long call timeout: close() must end because the connection ends, not because time runs out.
            ChatClient client = clients.connect(ClientConfig.builder().server(fake.address())
                    .callTimeout(Duration.ofSeconds(30)).build(), hears);
            FakeServer.Connection c = fake.next();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<?> pending = pool.submit(() -> {
                    client.ping();
                    return null;
                });
                assertTrue(c.take().matches("(?i)PING"));
                Future<?> closing = pool.submit(client::close);
                assertTrue(c.take().matches("(?i)EXIT"), "close() sends EXIT");
                c.close(); // neither pong nor bye
                closing.get(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals(1, hears.closedCount(), "close() returned after onClosed");
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> pending.get(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
                assertInstanceOf(ConnectionClosedException.class, failed.getCause());
            }
        }
    }

    @Test
    void ioExceptionsAreCheckedAndChatErrorsAreNot() {
        assertTrue(IOException.class.isAssignableFrom(ConnectionClosedException.class));
        assertTrue(IOException.class.isAssignableFrom(ServerNotFoundException.class));
        assertTrue(RuntimeException.class.isAssignableFrom(ChatErrorException.class));
        ChatErrorException e = new ChatErrorException("line-too-long", null, "too long");
        assertEquals(Optional.empty(), e.command());
        assertNotEquals("", e.getMessage());
        assertEquals(Arrays.asList("line-too-long", "too long"), List.of(e.code(), e.serverMessage()));
    }

    @Test
    void aMessageTooLongForTheServerFailsAndTheConnectionStaysInStep() throws Exception {
        server.start(b -> b.maxLineLength(100));
        ChatClient client = clients.connect(new RecordingListener());
        for (Executable tooLong : List.<Executable>of(() -> client.say("x".repeat(200)), () -> client.chat(client.id(), "y".repeat(200)))) {
            try {
                tooLong.execute();
                throw new AssertionError("a line longer than the server accepts went through");
            } catch (IllegalArgumentException refusedBeforeSending) {
                // As call() does.
            } catch (ChatErrorException e) {
                assertEquals("line-too-long", e.code());
            } catch (Throwable e) {
                throw new AssertionError("unexpected " + e, e);
            }
        }
        // The replies still match their calls.
        assertEquals(0, client.say("short"));
        assertEquals(1, client.list().size());
        assertEquals("pong", client.call("PING", "").type());
    }

    @Test
    void callsRacingWithCloseEachEndCleanly() throws Exception {
        server.start();
        RecordingListener hears = new RecordingListener();
        ChatClient client = clients.connect(hears);
        CountDownLatch running = new CountDownLatch(8);
        List<Future<String>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 8; t++) {
                outcomes.add(pool.submit(() -> {
                    running.countDown();
                    while (true) {
                        try {
                            client.ping();
                            client.list();
                        } catch (IllegalStateException closed) {
                            return "closed";
                        } catch (ConnectionClosedException gone) {
                            // Allowed while the close is under way; the next call sees the client closed.
                        }
                    }
                }));
            }
            assertTrue(running.await(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            client.close();
            for (Future<String> outcome : outcomes) {
                assertEquals("closed", outcome.get(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
        }
        assertEquals(1, hears.closedCount());
        assertEquals(CloseReason.EXIT, hears.events(Closed.class).get(0).reason());
    }
}
