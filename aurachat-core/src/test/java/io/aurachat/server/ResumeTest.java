package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.HistoryStore;
import io.aurachat.history.MemoryHistoryStore;
import io.aurachat.log.LogEvent;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.HandClock;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.RecordingLogSink;
import io.aurachat.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code SESSION} and {@code RESUME} over TCP, as PROTOCOL.md's section "Resume" tells them: a resumable client whose
 * connection breaks keeps its id, name and rooms for the resume window, and a new connection takes them back with
 * every message it missed, in order, once.
 */
class ResumeTest {

    /** 128 bits in base64url without padding. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22}");
    /** A well-formed token that no server gave. */
    private static final String UNKNOWN_TOKEN = "AAAAAAAAAAAAAAAAAAAAAA";
    /** The lines that are events, not replies (see PROTOCOL.md, "Events"). */
    private static final Set<String> EVENTS = Set.of("message", "join", "leave", "rename", "presence-missed");

    @RegisterExtension
    final TestServer server = new TestServer();

    private final RecordingLogSink log = new RecordingLogSink();

    /**
     * A resumable client A (c1, "Alice", in "lobby") and B (c2, "Bob", in "lobby"); A has seen B's message
     * {@code seen}. Every queue is empty.
     */
    private record Pair(RawClient a, RawClient b, String token, String seen) {}

    private Pair pair(Consumer<ServerConfig.Builder> customise) {
        server.start(b -> customise.accept(b.logSink(log).rateLimit(RateLimit.NONE))); // some send a thousand at once
        List<RawClient> c = server.joinAll(2);
        RawClient a = c.get(0);
        RawClient b = c.get(1);
        for (String line : List.of("NAME Alice", "JOIN lobby")) {
            a.send(line);
            assertEquals("ok", takeReply(a).type());
        }
        for (String line : List.of("NAME Bob", "JOIN lobby")) {
            b.send(line);
            assertEquals("ok", takeReply(b).type());
        }
        String token = session(a);
        b.send("SAY hello");
        String seen = takeReply(b).str("id");
        a.sync();
        b.sync();
        return new Pair(a, b, token, seen);
    }

    private Pair pair() {
        return pair(b -> {});
    }

    @Test
    void oneAddressLeavesAtMostItsConnectionLimitOfSessionsWaiting() {
        server.start(b -> b.logSink(log).rateLimit(RateLimit.NONE).maxConnectionsPerAddress(3));
        List<String> tokens = new ArrayList<>();
        for (int round = 0; round < 2; round++) { // three connections at a time, as the limit allows
            for (int i = 0; i < 3; i++) {
                RawClient c = server.join();
                tokens.add(session(c));
                c.close();
            }
        }
        Awaits.await("six connections gone").until(() -> log.events(LogEvent.SessionDetached.class).size()
                + log.events(LogEvent.ClientDisconnected.class).size() >= 6);
        assertEquals(3, log.events(LogEvent.SessionDetached.class).size(), "the first three wait");
        assertEquals(List.of(LeaveReason.DISCONNECTED, LeaveReason.DISCONNECTED, LeaveReason.DISCONNECTED),
                log.events(LogEvent.ClientDisconnected.class).stream().map(LogEvent.ClientDisconnected::reason).toList(),
                "the next ones' sessions end with their connections: they hold no place in the server");
        assertEquals(3, server.server().detachedSessions());

        RawClient back = server.join(); // a waiting session resumed frees its address's place for another
        back.send("RESUME " + tokens.get(0) + " 0");
        takeResumed(back, new ArrayList<>());
        RawClient next = server.join();
        session(next);
        next.close();
        Awaits.await("the next session waits").until(() -> log.events(LogEvent.SessionDetached.class).size() == 4);
    }

    /** {@code SESSION}: the token, checked. */
    private static String session(RawClient c) {
        c.send("SESSION");
        Json reply = takeReply(c);
        assertEquals("session", reply.type(), reply.raw());
        String token = reply.str("session");
        assertTrue(TOKEN.matcher(token).matches(), () -> "not a session token: " + reply);
        return token;
    }

    /** The next line that is not an event: the reply to the command sent. */
    private static Json takeReply(RawClient c) {
        return takeReply(c, new ArrayList<>());
    }

    /** The next line that is not an event; the events before it go to {@code events}. */
    private static Json takeReply(RawClient c, List<Json> events) {
        while (true) {
            Json line = c.take();
            if (!EVENTS.contains(line.type())) {
                return line;
            }
            events.add(line);
        }
    }

    /** The client closes its socket without EXIT; returns once its session waits (the server logged SessionDetached). */
    private void drop(RawClient c, String id) {
        long before = detachedCount(id);
        c.close();
        Awaits.await("the session of " + id + " detached").until(() -> detachedCount(id) > before);
    }

    private long detachedCount(String id) {
        return log.events(LogEvent.SessionDetached.class).stream().filter(e -> e.client().id().value().equals(id))
                .count();
    }

    private static List<String> ids(Json clients) {
        return clients.objs("clients").stream().map(j -> j.str("id")).toList();
    }

    private static void assertNoLeaveFor(List<Json> lines, String id) {
        for (Json line : lines) {
            assertFalse(line.type().equals("leave") && line.obj("client").str("id").equals(id),
                    () -> "a leave for " + id + ": " + line);
        }
    }

    private static Json takeResumed(RawClient c, List<Json> before) {
        while (true) {
            Json line = c.take();
            if (line.type().equals("resumed")) {
                return line;
            }
            assertEquals("message", line.type(), () -> "only missed messages come before the resumed reply: " + line);
            before.add(line);
        }
    }

    /** Like assertEquals on two long lists, with a failure that shows where they part, not all of both. */
    private static void assertSameSequence(List<String> expected, List<String> actual, String what) {
        int i = 0;
        while (i < expected.size() && i < actual.size() && expected.get(i).equals(actual.get(i))) {
            i++;
        }
        if (i == expected.size() && i == actual.size()) {
            return;
        }
        int at = i;
        throw new AssertionError(what + ": " + expected.size() + " expected, " + actual.size() + " got; first difference"
                + " at " + at + ": expected " + expected.subList(at, Math.min(expected.size(), at + 3)) + ", got "
                + actual.subList(at, Math.min(actual.size(), at + 3)) + "; expected has the got one at "
                + (at < actual.size() ? expected.indexOf(actual.get(at)) : -1));
    }

    // ---------------------------------------------------------------- SESSION

    @Test
    void sessionAnswersATokenAndTheWindowAndTheSameTokenWhenAskedAgain() {
        server.start();
        RawClient a = server.join();

        a.send("SESSION");
        Json first = a.takeType("session");
        a.send("session");
        Json second = a.takeType("session");

        String token = first.str("session");
        assertTrue(TOKEN.matcher(token).matches(), first.raw());
        assertEquals(16, Base64.getUrlDecoder().decode(token).length, "128 random bits");
        assertEquals(Map.of("type", "session", "command", "SESSION", "session", token, "resumeWindowSeconds", 120L),
                first.map());
        assertEquals(List.of("type", "command", "session", "resumeWindowSeconds"), List.copyOf(first.map().keySet()));
        assertEquals(first.map(), second.map(), "asked again: the same token");
        a.send("SESSION now");
        a.take().assertError("SESSION", "bad-arguments");
        RawClient other = server.join();
        assertNotEquals(token, session(other), "each connection its own token");
    }

    @Test
    void theResumeWindowIsToldInWholeSecondsRoundedUp() {
        server.start(b -> b.resumeWindow(Duration.ofMillis(1500)));
        RawClient a = server.join();

        a.send("SESSION");

        assertEquals(2, a.takeType("session").num("resumeWindowSeconds"));
    }

    @Test
    void withAResumeWindowOfZeroSessionAndResumeAreDisabled() {
        server.start(b -> b.resumeWindow(Duration.ZERO));
        RawClient a = server.join();

        a.send("SESSION");
        a.take().assertError("SESSION", "resume-disabled");
        a.send("RESUME " + UNKNOWN_TOKEN + " 0");
        a.take().assertError("RESUME", "resume-disabled");

        a.send("PING");
        a.takeType("pong");
    }

    // ---------------------------------------------------------------- resume after a broken connection

    @Test
    void aBrokenConnectionIsResumedWithItsIdNameRoomsAndTheMessagesItMissedInOrder() {
        Pair p = pair();
        RawClient b = p.b();

        drop(p.a(), "c1");
        b.send("SAY one");
        String one = b.takeType("ok").str("id");
        b.send("POST lobby two");
        String two = b.takeType("ok").str("id");
        b.send("CHAT c1 three");
        Json chatOk = b.takeType("ok");
        assertEquals("c1", chatOk.str("to"), "a CHAT to the id of a session that waits succeeds");
        String three = chatOk.str("id");
        assertNoLeaveFor(b.sync(), "c1");
        b.send("LIST");
        Json list = b.takeType("clients");
        assertEquals(List.of("c1", "c2"), ids(list), "the session that waits is still listed");
        assertEquals("Alice", list.objs("clients").get(0).str("name"));

        RawClient x = server.join();
        assertEquals("c3", x.id());
        assertEquals("c3", b.takeType("join").obj("client").str("id"));
        x.send("RESUME " + p.token() + " " + p.seen());

        List<Json> missed = new ArrayList<>();
        Json resumed = takeResumed(x, missed);
        assertEquals(List.of(one, two, three), missed.stream().map(m -> m.str("id")).toList(), "in id order");
        for (Json m : missed) {
            m.messageId();
            assertEquals(Map.of("id", "c2", "name", "Bob", "ip", "127.0.0.1"), m.obj("from").map());
        }
        assertEquals(Map.of("type", "message", "from", missed.get(0).obj("from").map(), "to", "*", "message", "one"),
                missed.get(0).withoutId());
        assertEquals(Map.of("type", "message", "from", missed.get(1).obj("from").map(), "room", "lobby",
                "message", "two"), missed.get(1).withoutId());
        assertEquals(Map.of("type", "message", "from", missed.get(2).obj("from").map(), "to", "c1",
                "message", "three"), missed.get(2).withoutId());

        assertEquals(List.of("type", "command", "id", "name", "rooms", "session", "resumeWindowSeconds", "missed",
                "recovered"), List.copyOf(resumed.map().keySet()), resumed.raw());
        assertEquals("RESUME", resumed.str("command"));
        assertEquals("c1", resumed.str("id"));
        assertEquals("Alice", resumed.str("name"));
        assertEquals(List.of("lobby"), resumed.list("rooms"));
        String renewed = resumed.str("session");
        assertTrue(TOKEN.matcher(renewed).matches(), resumed.raw());
        assertNotEquals(p.token(), renewed, "a new token: one is good for one resume");
        assertEquals(120, resumed.num("resumeWindowSeconds"));
        assertEquals(3, resumed.num("missed"));
        assertTrue(resumed.bool("recovered"), resumed.raw());

        // Each replayed message is exactly the line its recipients got, as HISTORY keeps it.
        x.send("HISTORY * LATEST 1");
        assertEquals(missed.get(0).map(), x.takeType("history").objs("messages").get(0).map());
        x.send("HISTORY lobby LATEST 1");
        assertEquals(missed.get(1).map(), x.takeType("history").objs("messages").get(0).map());

        // Live under the old id, on the new connection.
        List<Json> bEvents = new ArrayList<>();
        b.send("CHAT c1 live");
        String live = takeReply(b, bEvents).assertType("ok").str("id");
        Json got = x.takeType("message");
        assertEquals(live, got.str("id"));
        assertEquals("live", got.str("message"));
        assertEquals("c1", got.str("to"));
        x.send("SAY back");
        x.takeType("ok");
        Json back = b.take();
        while (!back.type().equals("message")) {
            bEvents.add(back);
            back = b.take();
        }
        assertEquals(Map.of("id", "c1", "name", "Alice", "ip", "127.0.0.1"), back.obj("from").map());
        x.send("POST lobby in the room");
        assertEquals(1, x.takeType("ok").num("recipients"));
        assertEquals("lobby", b.takeType("message").str("room"));

        // B saw the resuming connection's own id leave, never A.
        bEvents.addAll(b.sync());
        assertNoLeaveFor(bEvents, "c1");
        assertEquals(List.of("leave c3 resumed"), bEvents.stream()
                .map(e -> e.type() + " " + e.obj("client").str("id") + " " + (e.has("reason") ? e.str("reason") : ""))
                .toList(), () -> "B's events: " + bEvents);
        x.send("LIST");
        assertEquals(List.of("c1", "c2"), ids(x.takeType("clients")));
        x.send("MEMBERS lobby");
        assertEquals(List.of("c1", "c2"),
                x.takeType("members").objs("members").stream().map(j -> j.str("id")).toList());
        x.assertNothingPending();
    }

    @Test
    void othersSeeTheResumingConnectionsFreshIdLeaveWithReasonResumed() {
        Pair p = pair();
        RawClient b = p.b();
        drop(p.a(), "c1");

        RawClient x = server.join();
        Json join = b.takeType("join");
        assertEquals("c3", join.obj("client").str("id"));
        x.send("RESUME " + p.token() + " " + p.seen());
        takeResumed(x, new ArrayList<>());

        Json leave = b.takeType("leave");
        assertEquals(Map.of("type", "leave", "client", join.obj("client").map(), "reason", "resumed"), leave.map());
        assertNoLeaveFor(b.sync(), "c1");
    }

    @Test
    void theSessionsOwnMessagesAreNotReplayed() {
        Pair p = pair();
        RawClient a = p.a();
        RawClient b = p.b();
        a.send("SAY mine");
        a.takeType("ok");
        a.send("POST lobby mine too");
        a.takeType("ok");
        a.send("CHAT c2 mine, private");
        a.takeType("ok");
        b.sync();
        drop(a, "c1");
        b.send("SAY theirs");
        String theirs = b.takeType("ok").str("id");

        RawClient x = server.join();
        x.send("RESUME " + p.token() + " " + p.seen());
        List<Json> missed = new ArrayList<>();
        Json resumed = takeResumed(x, missed);

        assertEquals(List.of(theirs), missed.stream().map(m -> m.str("id")).toList());
        assertEquals(1, resumed.num("missed"));
        assertTrue(resumed.bool("recovered"), resumed.raw());
    }

    @Test
    void lastIdZeroAsksForEveryMessageKept() {
        Pair p = pair();
        RawClient b = p.b();
        drop(p.a(), "c1");
        b.send("SAY after");
        String after = b.takeType("ok").str("id");

        RawClient x = server.join();
        x.send("RESUME " + p.token() + " 0");
        List<Json> missed = new ArrayList<>();
        Json resumed = takeResumed(x, missed);

        assertEquals(List.of(p.seen(), after), missed.stream().map(m -> m.str("id")).toList());
        assertEquals(2, resumed.num("missed"));
        assertTrue(resumed.bool("recovered"), resumed.raw());
    }

    @Test
    void whatWasSaidBeforeTheSessionBeganIsNotMissedEvenWithLastIdZero() {
        server.start(b -> b.logSink(log));
        RawClient early = server.join(); // c1
        early.send("SAY before the session");
        assertEquals("ok", takeReply(early).type());
        RawClient a = server.join(); // c2
        String token = session(a);
        drop(a, "c2");
        early.send("SAY while it was away");
        String away = takeReply(early).str("id");

        RawClient x = server.join();
        x.send("RESUME " + token + " 0");
        List<Json> missed = new ArrayList<>();
        Json resumed = takeResumed(x, missed);

        assertEquals(List.of(away), missed.stream().map(m -> m.str("id")).toList(),
                "the session began after the first SAY: only the second was missed");
        assertTrue(resumed.bool("recovered"), resumed.raw());
    }

    // ---------------------------------------------------------------- incomplete recovery

    @Test
    void moreMissedThanTheStoreKeepsIsNotRecoveredAndReplaysWhatIsKept() {
        MemoryHistoryStore small = server.track(MemoryHistoryStore.builder().maxPerTarget(5).build());
        Pair p = pair(b -> b.historyStore(small));
        RawClient b = p.b();
        drop(p.a(), "c1");
        List<String> sent = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            b.send("SAY s" + i);
            sent.add(b.takeType("ok").str("id"));
        }

        RawClient x = server.join();
        x.send("RESUME " + p.token() + " " + p.seen());
        List<Json> missed = new ArrayList<>();
        Json resumed = takeResumed(x, missed);

        assertEquals(sent.subList(3, 8), missed.stream().map(m -> m.str("id")).toList(), "the five still kept");
        assertEquals(5, resumed.num("missed"));
        assertFalse(resumed.bool("recovered"), resumed.raw());
        assertEquals("c1", resumed.str("id"), "resumed all the same");
    }

    @Test
    void withAStoreThatKeepsNothingAResumeIsNeverRecovered() {
        Pair p = pair(b -> b.historyStore(HistoryStore.NONE));
        RawClient b = p.b();
        drop(p.a(), "c1");
        b.send("SAY lost");
        b.takeType("ok");

        RawClient x = server.join();
        x.send("RESUME " + p.token() + " " + p.seen());
        Json resumed = x.takeType("resumed");

        assertEquals(0, resumed.num("missed"));
        assertFalse(resumed.bool("recovered"), resumed.raw());
        assertEquals("c1", resumed.str("id"));
        assertEquals("Alice", resumed.str("name"));
        assertEquals(List.of("lobby"), resumed.list("rooms"));
        b.send("CHAT c1 now");
        takeReply(b).assertType("ok");
        assertEquals("now", x.takeType("message").str("message"));
    }

    // ---------------------------------------------------------------- the window passes

    @Test
    void whenTheWindowPassesTheClientLeavesAndItsTokenIsNoLongerHeld() {
        HandClock clock = new HandClock(Instant.now());
        Pair p = pair(b -> b.clock(clock).resumeWindow(Duration.ofSeconds(10)));
        RawClient b = p.b();
        drop(p.a(), "c1");
        b.assertNothingPending();

        clock.millis += 10_001;

        // The server-wide leave and the lobby's, in either order; the sweep runs at least every 250 ms.
        List<Json> leaves = List.of(b.takeType("leave"), b.takeType("leave"));
        for (Json leave : leaves) {
            assertEquals("c1", leave.obj("client").str("id"), leave.raw());
            assertEquals("disconnected", leave.str("reason"), leave.raw());
        }
        assertEquals(1, leaves.stream().filter(l -> l.has("room")).count(), () -> "one of them the room's: " + leaves);
        b.send("LIST");
        assertEquals(List.of("c2"), ids(b.takeType("clients")));
        log.await(LogEvent.ClientDisconnected.class,
                e -> e.client().id().value().equals("c1") && e.reason() == LeaveReason.DISCONNECTED);

        RawClient x = server.join();
        b.takeType("join");
        x.send("RESUME " + p.token() + " " + p.seen());
        Json error = x.take().assertError("RESUME", "no-such-session");
        assertTrue(error.str("message").contains("c3"), () -> "it tells who you go on as: " + error);

        // The connection goes on as c3, and Alice's name is free again.
        x.send("NAME Alice");
        assertEquals("Alice", x.takeType("ok").str("name"));
        assertEquals("c3", b.takeType("rename").obj("client").str("id"));
        b.send("CHAT c3 hi");
        b.takeType("ok");
        assertEquals("hi", x.takeType("message").str("message"));
        x.send("LIST");
        assertEquals(List.of("c2", "c3"), ids(x.takeType("clients")));
    }

    @Test
    void beforeTheWindowPassesNothingHappens() {
        HandClock clock = new HandClock(Instant.now());
        Pair p = pair(b -> b.clock(clock).resumeWindow(Duration.ofSeconds(10)));
        RawClient b = p.b();
        drop(p.a(), "c1");

        clock.millis += 9_000;
        // Let the sweep run a few times on the moved clock: LIST after 300 ms of pings still lists c1.
        List<Json> meanwhile = b.keepAlive(Duration.ofMillis(300), Duration.ofMillis(50));

        assertNoLeaveFor(meanwhile, "c1");
        b.send("LIST");
        assertEquals(List.of("c1", "c2"), ids(b.takeType("clients")));
        RawClient x = server.join();
        x.send("RESUME " + p.token() + " " + p.seen());
        assertEquals("c1", x.takeType("resumed").str("id"));
    }

    // ---------------------------------------------------------------- refusals and errors

    @Test
    void resumeIsRefusedOnAConnectionThatHasActedAlready() {
        Pair p = pair();
        drop(p.a(), "c1");
        String resume = "RESUME " + p.token() + " " + p.seen();

        RawClient named = server.join();
        named.send("NAME Xavier");
        assertEquals("ok", takeReply(named).type());
        named.send(resume);
        takeReply(named).assertError("RESUME", "resume-refused");

        RawClient joined = server.join();
        joined.send("JOIN elsewhere");
        assertEquals("ok", takeReply(joined).type());
        joined.send(resume);
        takeReply(joined).assertError("RESUME", "resume-refused");

        RawClient said = server.join();
        said.send("SAY hi");
        assertEquals("ok", takeReply(said).type());
        said.send(resume);
        takeReply(said).assertError("RESUME", "resume-refused");

        RawClient resumable = server.join();
        session(resumable);
        resumable.send(resume);
        takeReply(resumable).assertError("RESUME", "resume-refused");

        // None of them used the token up.
        RawClient fresh = server.join();
        fresh.send(resume);
        assertEquals("c1", takeResumed(fresh, new ArrayList<>()).str("id"));
        fresh.send(resume);
        takeReply(fresh).assertError("RESUME", "resume-refused");
    }

    @Test
    void malformedArgumentsAreBadArgumentsAndAnUnknownTokenIsNoSuchSession() {
        Pair p = pair();
        drop(p.a(), "c1");
        RawClient x = server.join();

        for (String args : List.of("", p.token(), "abc 0", p.token().substring(1) + " 0", p.token() + "A 0",
                "AAAAAAAAAAAAAAAAAAAA+/ 0", "AAAAAAAAAAAAAAAAAAAAA= 0", p.token() + " abc", p.token() + " -1",
                p.token() + " 00x", p.token() + " " + p.seen() + " extra", p.token() + " 99999999999999999999")) {
            x.send(("RESUME " + args).strip());
            Json error = x.take().assertError("RESUME", "bad-arguments");
            assertTrue(error.str("message").startsWith("usage: RESUME <session> <last-id>"), error.raw());
        }
        x.send("RESUME " + UNKNOWN_TOKEN + " " + p.seen());
        x.take().assertError("RESUME", "no-such-session");
        x.send("resume " + UNKNOWN_TOKEN + " 0");
        x.take().assertError("RESUME", "no-such-session");

        // The errors left the session alone: it is still there to resume.
        RawClient y = server.join();
        y.send("RESUME " + p.token() + " " + p.seen());
        assertEquals("c1", takeResumed(y, new ArrayList<>()).str("id"));
    }

    @Test
    void aTokenIsGoodForOneResumeAndTheResumedConnectionStaysResumable() {
        Pair p = pair();
        RawClient b = p.b();
        drop(p.a(), "c1");
        RawClient x = server.join();
        x.send("RESUME " + p.token() + " " + p.seen());
        String renewed = takeResumed(x, new ArrayList<>()).str("session");

        RawClient y = server.join();
        y.send("RESUME " + p.token() + " " + p.seen());
        y.take().assertError("RESUME", "no-such-session");

        x.send("SESSION");
        assertEquals(renewed, takeReply(x).assertType("session").str("session"),
                "SESSION tells the token the resume gave");
        b.sync();
        drop(x, "c1");
        b.send("SAY again");
        String again = takeReply(b).assertType("ok").str("id");
        RawClient z = server.join();
        z.send("RESUME " + renewed + " " + p.seen());
        List<Json> missed = new ArrayList<>();
        Json resumed = takeResumed(z, missed);
        assertEquals("c1", resumed.str("id"));
        assertEquals(List.of(again), missed.stream().map(m -> m.str("id")).toList());
        assertNoLeaveFor(b.sync(), "c1");
    }

    // ---------------------------------------------------------------- taking over an open connection

    @Test
    void resumingASessionWhoseConnectionIsStillOpenClosesThatOneWithByeResumed() {
        Pair p = pair();
        RawClient a = p.a();
        RawClient b = p.b();
        b.send("SAY while open");
        String whileOpen = b.takeType("ok").str("id");
        assertEquals(whileOpen, a.takeType("message").str("id"));

        RawClient x = server.join();
        x.send("RESUME " + p.token() + " " + whileOpen);
        Json resumed = takeResumed(x, new ArrayList<>());

        assertEquals("c1", resumed.str("id"));
        assertEquals("Alice", resumed.str("name"));
        assertEquals(List.of("lobby"), resumed.list("rooms"));
        assertEquals(0, resumed.num("missed"));
        assertTrue(resumed.bool("recovered"), resumed.raw());
        assertEquals("c3", a.takeType("join").obj("client").str("id"));
        assertEquals(Map.of("type", "bye", "reason", "resumed"), a.take().map());
        a.awaitClosed();
        List<Json> bLines = new ArrayList<>();
        b.send("CHAT c1 to the new one");
        takeReply(b, bLines).assertType("ok");
        assertEquals("to the new one", x.takeType("message").str("message"));
        bLines.addAll(b.sync());
        assertNoLeaveFor(bLines, "c1");
        assertEquals(List.of("join c3", "leave c3"),
                bLines.stream().map(e -> e.type() + " " + e.obj("client").str("id")).toList());
        x.send("LIST");
        assertEquals(List.of("c1", "c2"), ids(x.takeType("clients")));
    }

    // ---------------------------------------------------------------- many missed messages

    /** A's session misses {@code n} messages to everyone from B; returns their ids in order. */
    private static List<String> missMany(Pair p, int n) {
        RawClient b = p.b();
        b.sendAll(IntStream.range(0, n).mapToObj(i -> "SAY m" + i).toList());
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add(b.takeType("ok").str("id"));
        }
        return sent;
    }

    private static List<String> idsOf(List<Json> messages) {
        return messages.stream().map(m -> m.assertType("message").str("id")).toList();
    }

    @Test
    void aThousandMissedMessagesArriveInOrderEachOnceAndTheConnectionGoesOnAfterThem() {
        Pair p = pair();
        drop(p.a(), "c1");
        List<String> sent = missMany(p, 1_000);

        RawClient x = server.join();
        x.send("RESUME " + p.token() + " " + p.seen());
        List<Json> before = new ArrayList<>();
        Json resumed = takeResumed(x, before);

        assertSameSequence(sent, idsOf(before), "every missed message in order, each once");
        assertEquals(1_000, resumed.num("missed"));
        assertTrue(resumed.bool("recovered"), resumed.raw());
        for (Json m : before) {
            m.messageId();
        }
        // 1,000 lines took its queue above the soft limit: its reading must go on all the same.
        x.assertNothingPending();
        x.send("SAY still here");
        assertEquals("ok", x.takeType("ok").type());
        Json heard = p.b().take();
        while (!heard.type().equals("message")) {
            heard = p.b().take(); // the join and the leave of c3
        }
        assertEquals("still here", heard.str("message"));
    }

    @Test
    void aLiveMessageSentWhileTheResumeRunsArrivesOnceAfterTheMissedOnes() {
        Pair p = pair();
        RawClient b = p.b();
        drop(p.a(), "c1");
        List<String> sent = missMany(p, 1_000);
        RawClient x = server.join();
        b.takeType("join");

        x.send("RESUME " + p.token() + " " + p.seen());
        b.send("SAY live");
        String live = takeReply(b).assertType("ok").str("id");

        List<Json> lines = new ArrayList<>();
        Json resumed = null;
        for (Json line : x.sync()) {
            if (line.type().equals("resumed")) {
                assertEquals(null, resumed, "one resumed reply");
                resumed = line;
            } else {
                lines.add(line);
            }
        }
        assertTrue(resumed != null, () -> "no resumed reply; got " + lines.size() + " lines");
        // The live SAY races the RESUME: it reaches the connection before the resume takes effect (under the id its
        // welcome announced: then first) or while the replay runs (held: then after the missed ones). Never twice.
        List<String> got = new ArrayList<>(idsOf(lines));
        int at = got.indexOf(live);
        assertTrue(at == 0 || at == got.size() - 1, () -> "the live message first or last: at " + at + " of " + got.size());
        assertEquals(at, got.lastIndexOf(live), "the live message once");
        got.remove(at);
        assertSameSequence(sent, got, "every missed message in order, each once");
        long missed = resumed.num("missed");
        assertTrue(missed == 1_000 || missed == 1_001, "missed " + missed);
        assertTrue(resumed.bool("recovered"), resumed.raw());
    }

    @Test
    void aMessageTheNewConnectionGotBeforeItsResumeIsNotSentToItAgain() {
        Pair p = pair();
        RawClient b = p.b();
        drop(p.a(), "c1");
        b.send("SAY missed");
        String missed = b.takeType("ok").str("id");
        RawClient x = server.join();
        b.takeType("join");
        b.send("SAY early");
        String early = b.takeType("ok").str("id");
        assertEquals(early, x.takeType("message").str("id"), "the new connection got it as c3");

        x.send("RESUME " + p.token() + " " + p.seen());
        List<Json> replayed = new ArrayList<>();
        Json resumed = takeResumed(x, replayed);

        assertEquals(List.of(missed), idsOf(replayed), "what the connection has had already does not come again");
        assertEquals(1, resumed.num("missed"));
    }

    // ---------------------------------------------------------------- what ends a session at once

    @Test
    void exitEndsASessionAtOnce() {
        Pair p = pair();
        RawClient a = p.a();
        RawClient b = p.b();

        a.send("EXIT");
        assertEquals(Map.of("type", "bye", "command", "EXIT", "reason", "exit"), a.take().map());
        a.awaitClosed();
        List<Json> leaves = List.of(b.takeType("leave"), b.takeType("leave"));
        for (Json leave : leaves) {
            assertEquals("c1", leave.obj("client").str("id"));
            assertEquals("exit", leave.str("reason"));
        }

        RawClient x = server.join();
        x.send("RESUME " + p.token() + " " + p.seen());
        x.take().assertError("RESUME", "no-such-session");
        assertEquals(List.of(), log.events(LogEvent.SessionDetached.class), "an EXIT does not detach");
    }

    @Test
    void anIdleCutEndsASessionAtOnce() {
        HandClock clock = new HandClock(Instant.now());
        server.start(b -> b.logSink(log).clock(clock).idleTimeout(Duration.ofSeconds(30)));
        RawClient a = server.join();
        String token = session(a);

        clock.millis += 30_001;

        assertEquals(Map.of("type", "bye", "reason", "idle-timeout"), a.take().map());
        a.awaitClosed();
        log.await(LogEvent.ClientDisconnected.class, e -> e.reason() == LeaveReason.IDLE_TIMEOUT);
        RawClient x = server.join();
        x.send("RESUME " + token + " 0");
        x.take().assertError("RESUME", "no-such-session");
        assertEquals(List.of(), log.events(LogEvent.SessionDetached.class), "an idle cut does not detach");
    }

    @Test
    void aConnectionThatNeverAskedForASessionLeavesAtOnceWhenItBreaks() {
        server.start(b -> b.logSink(log));
        List<RawClient> c = server.joinAll(2);

        c.get(0).close();

        Json leave = c.get(1).takeType("leave");
        assertEquals("c1", leave.obj("client").str("id"));
        assertEquals("disconnected", leave.str("reason"));
        assertEquals(List.of(), log.events(LogEvent.SessionDetached.class));
    }

    // ---------------------------------------------------------------- the audit log

    @Test
    void theLogTellsOfTheDetachAndTheResume() {
        Pair p = pair();
        RawClient b = p.b();
        drop(p.a(), "c1");
        b.send("SAY one");
        b.takeType("ok");
        b.send("CHAT c1 two");
        b.takeType("ok");

        RawClient x = server.join();
        x.send("RESUME " + p.token() + " " + p.seen());
        takeResumed(x, new ArrayList<>());

        LogEvent.SessionResumed resumed = log.await(LogEvent.SessionResumed.class, e -> true);
        List<LogEvent.SessionDetached> detached = log.events(LogEvent.SessionDetached.class);
        assertEquals(1, detached.size(), () -> "detached: " + detached);
        assertEquals(ClientId.of(1), detached.get(0).client().id());
        assertEquals("Alice", detached.get(0).client().name());
        assertEquals("c1", resumed.client().id().value());
        assertEquals("Alice", resumed.client().name());
        assertEquals("127.0.0.1", resumed.client().ip());
        assertEquals("c3", resumed.connection().value());
        assertEquals(2, resumed.missed());
        assertTrue(resumed.recovered());
        LogEvent.ClientDisconnected fresh = log.await(LogEvent.ClientDisconnected.class,
                e -> e.client().id().value().equals("c3"));
        assertEquals(LeaveReason.RESUMED, fresh.reason());
        List<LogEvent> events = log.events();
        assertTrue(events.indexOf(detached.get(0)) < events.indexOf(fresh)
                && events.indexOf(fresh) < events.indexOf(resumed), () -> "in order: " + events);
        assertTrue(log.events(LogEvent.ClientDisconnected.class).stream()
                .noneMatch(e -> e.client().id().value().equals("c1")), "c1 never left");
    }

    @Test
    void theLogTellsOfAnIncompleteResume() {
        Pair p = pair(b -> b.historyStore(HistoryStore.NONE));
        drop(p.a(), "c1");

        RawClient x = server.join();
        x.send("RESUME " + p.token() + " " + p.seen());
        x.takeType("resumed");

        LogEvent.SessionResumed resumed = log.await(LogEvent.SessionResumed.class, e -> true);
        assertEquals(0, resumed.missed());
        assertFalse(resumed.recovered());
        assertEquals("c3", resumed.connection().value());
    }
}
