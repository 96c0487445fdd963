package io.aurachat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.HistoryQuery;
import io.aurachat.history.MessageIds;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.RoomInfo;
import io.aurachat.server.ChatServer;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.RecordingListener;
import io.aurachat.testing.RecordingListener.Disconnected;
import io.aurachat.testing.RecordingListener.Leave;
import io.aurachat.testing.RecordingListener.Reconnected;
import io.aurachat.testing.RecordingListener.Rename;
import io.aurachat.testing.RecordingListener.RoomJoin;
import io.aurachat.testing.RecordingListener.RoomLeave;
import io.aurachat.testing.RecordingListener.RoomRename;
import io.aurachat.testing.TestClients;
import io.aurachat.testing.TestServer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rooms through {@link ChatClient}: the calls, the room events, room history, and joining again after a reconnect. */
class ChatClientRoomsTest {

    private static final ReconnectPolicy QUICK = ReconnectPolicy.backoff(Duration.ofMillis(10), Duration.ofMillis(100));

    @RegisterExtension
    final TestServer server = new TestServer();

    @RegisterExtension
    final TestClients clients = new TestClients(server);

    /** The message has an id the server could give, and the time of the id's own millisecond. */
    private static void assertIdAndTime(ChatMessage m) {
        long id = MessageIds.parse(m.id().orElseThrow(() -> new AssertionError("no id: " + m)));
        assertTrue(id > 0, () -> "not a message id: " + m);
        assertEquals(Optional.of(Instant.ofEpochMilli(MessageIds.epochMillis(id))), m.time(),
                () -> "the time is the id's millisecond: " + m);
    }

    private ChatServer restartOn(int port, java.util.function.Consumer<io.aurachat.server.ServerConfig.Builder> customise) {
        return Awaits.await("a new server bound to port " + port).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    io.aurachat.server.ServerConfig.Builder b = TestServer.defaults().port(port);
                    customise.accept(b);
                    return server.track(ChatServer.create(b.build())).start();
                }, s -> s != null);
    }

    @Test
    void joinPostPartRoomsAndMembersRoundTrip() throws Exception {
        server.start();
        RecordingListener aliceHears = new RecordingListener();
        RecordingListener bobHears = new RecordingListener();
        RecordingListener carolHears = new RecordingListener();
        ChatClient alice = clients.connect("Alice", aliceHears);
        ChatClient bob = clients.connect("Bob", bobHears);
        ChatClient carol = clients.connect("Carol", carolHears);

        assertEquals(new RoomInfo("Lobby", 1), alice.join("Lobby"), "the first JOIN spells the room");
        assertEquals(new RoomInfo("Lobby", 2), bob.join("lobby"), "rooms are told apart ignoring case");
        assertEquals(new RoomInfo("Lobby", 2), bob.join("LOBBY"), "joining twice changes nothing");
        assertEquals(new RoomInfo("kitchen", 1), carol.join("kitchen"));
        assertEquals(List.of("Lobby"), bob.joinedRooms());

        assertEquals(List.of(new RoomInfo("kitchen", 1), new RoomInfo("Lobby", 2)), carol.rooms());
        List<ClientInfo> members = carol.members("lobby");
        assertEquals(List.of(alice.id(), bob.id()), members.stream().map(ClientInfo::id).toList());
        assertEquals(List.of("Alice", "Bob"), members.stream().map(ClientInfo::name).toList());
        assertTrue(members.stream().allMatch(m -> !m.connectedSince().isAfter(Instant.now())), members::toString);

        assertEquals(1, alice.post("lobby", "ciao stanza"));
        ChatMessage m = bobHears.awaitMessage("ciao stanza");
        assertEquals(Optional.of("Lobby"), m.room());
        assertTrue(m.isRoomMessage());
        assertFalse(m.isPrivate());
        assertEquals(Optional.empty(), m.recipient());
        assertEquals("Alice", m.from().name());
        assertIdAndTime(m);

        bob.part("Lobby");
        assertEquals(List.of(), bob.joinedRooms());
        assertEquals(0, alice.post("lobby", "solo io"));
        ChatErrorException notIn = assertThrows(ChatErrorException.class, () -> bob.post("lobby", "e io?"));
        assertEquals("not-in-room", notIn.code());
        assertEquals(Optional.of("POST"), notIn.command());
        assertEquals("not-in-room", assertThrows(ChatErrorException.class, () -> bob.part("lobby")).code());
        assertEquals("no-such-room", assertThrows(ChatErrorException.class, () -> bob.members("nowhere")).code());
        assertEquals("bad-room-name", assertThrows(ChatErrorException.class, () -> bob.join("no/slash")).code());
        assertThrows(IllegalArgumentException.class, () -> bob.post("two words", "text"));
        assertThrows(IllegalArgumentException.class, () -> bob.join(""));

        // Carol is in no room with Alice and hears none of it; nobody got their own POST back.
        carol.ping();
        bob.ping();
        alice.ping();
        assertEquals(List.of(), carolHears.messages());
        assertEquals(List.of("ciao stanza"), bobHears.texts());
        assertEquals(List.of(), aliceHears.messages());
    }

    @Test
    void roomNoticesReachTheListenerAndAPartDoesNotBreakTheConnection() throws Exception {
        server.start();
        RecordingListener aliceHears = new RecordingListener();
        ChatClient alice = clients.connect("Alice", aliceHears);
        ChatClient bob = clients.connect("Bob", new RecordingListener());
        alice.join("lobby");
        bob.join("lobby");

        RoomJoin joined = aliceHears.await(RoomJoin.class);
        assertEquals("lobby", joined.room());
        assertEquals(bob.id(), joined.peer().id());
        assertEquals("Bob", joined.peer().name());

        bob.part("lobby");
        RoomLeave left = aliceHears.await(RoomLeave.class);
        assertEquals(new RoomLeave("lobby", joined.peer(), "part"), left);

        // The connection goes on after the part: calls and events still work.
        assertTrue(alice.isConnected());
        bob.join("lobby");
        Awaits.await("Bob's second room join").until(() -> aliceHears.events(RoomJoin.class).size() == 2);
        bob.post("lobby", "sono tornato");
        assertEquals(Optional.of("lobby"), aliceHears.awaitMessage("sono tornato").room());
        bob.close();
        RoomLeave gone = aliceHears.await(RoomLeave.class, l -> !l.reason().equals("part"));
        assertEquals("lobby", gone.room());
        assertEquals("exit", gone.reason(), "a connection that ends leaves its rooms with its reason");
        aliceHears.await(Leave.class);
        alice.ping();
        assertTrue(alice.isConnected());
        assertEquals(List.of(new Leave(joined.peer(), LeaveReason.EXIT)), aliceHears.events(Leave.class),
                "the part was no server-wide leave; the exit was one");
        aliceHears.assertNoViolations();
        aliceHears.assertGrammar(false);
    }

    @Test
    void aRoomRenameReachesTheListenerWhenTheServerWideOneIsOff() throws Exception {
        server.start(b -> b.presenceLimit(2));
        RecordingListener aliceHears = new RecordingListener();
        ChatClient alice = clients.connect("Alice", aliceHears);
        ChatClient bob = clients.connect("Bob", new RecordingListener());
        clients.connect("Carol", new RecordingListener()); // three clients > presenceLimit 2: no server-wide rename
        alice.join("pair");
        bob.join("pair");
        aliceHears.await(RoomJoin.class);

        bob.setName("Bea");

        RoomRename renamed = aliceHears.await(RoomRename.class);
        assertEquals("pair", renamed.room());
        assertEquals("Bea", renamed.peer().name());
        assertEquals("Bob", renamed.previousName());
        alice.ping();
        assertEquals(List.of(), aliceHears.events(Rename.class).stream().filter(r -> r.peer().name().equals("Bea")).toList(),
                "no server-wide rename beyond the limit");
    }

    @Test
    void aRawPartInTheRoomIsARoomLeave() throws Exception {
        server.start();
        RecordingListener aliceHears = new RecordingListener();
        ChatClient alice = clients.connect("Alice", aliceHears);
        alice.join("lobby");
        try (RawClient raw = server.join()) {
            raw.send("JOIN lobby");
            raw.takeType("ok");
            raw.send("PART lobby");
            Json ok = raw.takeType("ok");
            assertEquals("PART", ok.str("command"));
            RoomLeave left = aliceHears.await(RoomLeave.class);
            assertEquals("part", left.reason());
            assertEquals(raw.id(), left.peer().id().value());
        }
        assertEquals(0, alice.post("lobby", "ancora qui"));
        assertTrue(alice.isConnected());
    }

    @Test
    void aRoomsHistoryHasItsMessagesWithTheRoomSet() throws Exception {
        server.start();
        ChatClient alice = clients.connect("Alice", new RecordingListener());
        ChatClient bob = clients.connect("Bob", new RecordingListener());
        alice.join("lobby");
        bob.join("lobby");
        alice.post("lobby", "uno");
        bob.post("lobby", "due");
        alice.say("a tutti");

        HistoryResult page = bob.history(HistoryQuery.latest("lobby", 10));

        assertEquals("lobby", page.target());
        assertFalse(page.more());
        assertEquals(List.of("uno", "due"), page.messages().stream().map(ChatMessage::text).toList());
        for (ChatMessage m : page.messages()) {
            assertEquals(Optional.of("lobby"), m.room(), m::toString);
            assertFalse(m.isPrivate());
            assertIdAndTime(m);
        }
        assertEquals(List.of("Alice", "Bob"), page.messages().stream().map(m -> m.from().name()).toList());
        assertEquals(List.of("a tutti"), bob.history(HistoryQuery.latest("*", 10)).messages().stream()
                .map(ChatMessage::text).toList());
        bob.part("lobby");
        assertEquals("not-in-room", assertThrows(ChatErrorException.class,
                () -> bob.history(HistoryQuery.latest("lobby", 10))).code());
    }

    @Test
    void afterAReconnectTheClientIsInItsRoomsAgain() throws Exception {
        ChatServer first = server.start();
        int port = first.port();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config().name("Mario").reconnect(QUICK).build(), hears);
        me.join("Lobby");
        me.join("kitchen");
        me.part("kitchen");
        me.join("garden");

        first.close();
        hears.await(Disconnected.class);
        ChatServer second = restartOn(port, b -> b.serverName("Second"));
        hears.await(Reconnected.class);

        assertEquals(List.of("Lobby", "garden"), me.joinedRooms());
        ChatClient luigi = clients.connect(clients.config().server(second.address()).name("Luigi").build(),
                new RecordingListener());
        assertEquals(List.of(new RoomInfo("garden", 1), new RoomInfo("Lobby", 1)), luigi.rooms(),
                "joined again before onReconnected, the parted one not");
        assertEquals(new RoomInfo("Lobby", 2), luigi.join("lobby"));
        luigi.post("lobby", "bentornato");
        assertEquals(Optional.of("Lobby"), hears.awaitMessage("bentornato").room());
        assertEquals(1, me.post("Lobby", "grazie"));
    }

    @Test
    void aRoomTheNewServerRefusesIsDroppedAndTheClientGoesOn() throws Exception {
        ChatServer first = server.start();
        int port = first.port();
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config().name("Mario").reconnect(QUICK).build(), hears);
        me.join("lobby");

        first.close();
        hears.await(Disconnected.class);
        restartOn(port, b -> b.removeCommand("JOIN"));
        Reconnected back = hears.await(Reconnected.class);

        assertEquals("Mario", back.session().name());
        assertEquals(List.of(), me.joinedRooms(), "the refused room is dropped (and logged)");
        assertTrue(me.isConnected());
        me.ping();
        assertEquals(List.of(), me.rooms());
    }
}
