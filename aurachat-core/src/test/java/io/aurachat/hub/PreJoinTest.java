package io.aurachat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.LeaveReason;
import io.aurachat.server.ServerConfig;
import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.HarnessClient;
import io.aurachat.testing.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pre-join state ({@link ChatHarness#attach()}): a client with an id whose lines are answered but whom
 * nobody sees until it joins, and who sees nobody.
 */
class PreJoinTest {

    private ChatHarness chat;

    @AfterEach
    void close() {
        if (chat != null) {
            chat.close();
        }
    }

    private ChatHarness start() {
        return start(ServerConfig.builder().build());
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

    private static void assertNothingPending(HarnessClient... clients) {
        for (HarnessClient c : clients) {
            assertEquals(List.of(), c.drain(), () -> c + " received more than expected");
        }
    }

    private static List<String> ids(Map<String, Object> listReply) {
        assertEquals("clients", listReply.get("type"), () -> "not a LIST reply: " + listReply);
        return ((List<?>) listReply.get("clients")).stream().map(m -> (String) ((Map<?, ?>) m).get("id")).toList();
    }

    private static List<String> clientIds(ChatHarness chat) {
        return chat.clients().stream().map(i -> i.id().value()).toList();
    }

    @Test
    void aPendingClientGetsNoWelcomeUntilItJoins() {
        start();
        HarnessClient pending = chat.attach();

        assertEquals("c1", pending.id().value());
        assertFalse(pending.isJoined());
        assertFalse(pending.isClosed());
        assertNothingPending(pending);

        assertTrue(pending.join());

        assertTrue(pending.isJoined());
        Map<String, Object> welcome = pending.takeJson();
        assertEquals("welcome", welcome.get("type"));
        assertEquals("c1", welcome.get("id"));
        assertNothingPending(pending);
    }

    @Test
    void nobodySeesAPendingClientUntilItJoins() {
        start();
        HarnessClient watcher = joined();

        HarnessClient pending = chat.attach();

        assertNothingPending(watcher);
        assertEquals(List.of("c1"), clientIds(chat));
        watcher.send("LIST");
        assertEquals(List.of("c1"), ids(watcher.takeJson()));

        pending.join();

        Map<String, Object> join = watcher.takeJson();
        assertEquals("join", join.get("type"));
        assertEquals(Map.of("id", "c2", "name", "c2", "ip", pending.info().ip()), join.get("client"));
        assertEquals(List.of("c1", "c2"), clientIds(chat));
        watcher.send("LIST");
        assertEquals(List.of("c1", "c2"), ids(watcher.takeJson()));
    }

    @Test
    void aPendingClientKeepsItsPlaceInConnectionOrder() {
        start();
        HarnessClient early = chat.attach(); // c1, joins last
        HarnessClient late = joined();       // c2

        early.join();

        assertEquals(List.of("c1", "c2"), clientIds(chat));
        late.drain();
        late.send("LIST");
        assertEquals(List.of("c1", "c2"), ids(late.takeJson()));
    }

    @Test
    void aPendingClientSeesNothingOfTheOthers() {
        start();
        HarnessClient a = joined();
        HarnessClient pending = chat.attach();

        HarnessClient b = joined();          // a join
        a.send("NAME Mario");                // a rename
        a.send("SAY hello everyone");        // a message to all
        b.send("EXIT");                      // a leave

        a.drain();
        assertNothingPending(pending);
    }

    @Test
    void aPendingClientGetsNoSayAndIsNotCounted() {
        start();
        HarnessClient a = joined();
        HarnessClient b = joined();
        a.drain();
        HarnessClient pending = chat.attach();

        a.send("SAY hello");

        Map<String, Object> reply = a.takeJson();
        assertEquals(Map.of("type", "ok", "command", "SAY", "recipients", 1L), Json.withoutId(reply));
        Map<String, Object> message = b.takeJson();
        assertEquals("hello", message.get("message"));
        assertEquals(Json.replyId(reply), Json.messageId(message));
        assertNothingPending(pending, a, b);
    }

    @Test
    void aPendingClientCannotBeChatted() {
        start();
        HarnessClient a = joined();
        HarnessClient pending = chat.attach();

        a.send("CHAT " + pending.id() + " are you there?");

        Map<String, Object> error = a.takeJson();
        assertEquals("error", error.get("type"));
        assertEquals("CHAT", error.get("command"));
        assertEquals("no-such-client", error.get("code"));
        assertNothingPending(pending);

        pending.join();
        pending.drain();
        a.drain();
        a.send("CHAT " + pending.id() + " now you are");
        assertEquals("ok", a.takeJson().get("type"));
        assertEquals("now you are", pending.takeJson().get("message"));
    }

    @Test
    void pingHelpAndTimeWorkBeforeJoining() {
        start();
        HarnessClient pending = chat.attach();

        pending.send("PING");
        assertEquals(Map.of("type", "pong", "command", "PING"), pending.takeJson());
        pending.send("help");
        Map<String, Object> help = pending.takeJson();
        assertEquals("help", help.get("type"));
        assertEquals(19, ((List<?>) help.get("commands")).size());
        pending.send("TIME");
        Map<String, Object> time = pending.takeJson();
        assertEquals("time", time.get("type"));
        assertEquals("TIME", time.get("command"));
        assertFalse(pending.isJoined());
        assertNothingPending(pending);
    }

    @Test
    void exitWorksBeforeJoiningAndNobodyIsTold() {
        start();
        HarnessClient watcher = joined();
        HarnessClient pending = chat.attach();

        pending.send("EXIT");

        assertEquals(List.of(Map.of("type", "bye", "command", "EXIT", "reason", "exit")),
                pending.drain().stream().map(HarnessClient::json).toList());
        assertTrue(pending.isClosed());
        assertEquals(LeaveReason.EXIT, pending.closeReason().orElseThrow());
        assertNothingPending(watcher);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CHAT c1 hi", "SAY hi", "NAME Mario", "LIST", "HISTORY * LATEST", "chat", "say", "name",
            "list  ", "history"})
    void commandsThatNeedAJoinedClientAreNotJoined(String line) {
        start();
        HarnessClient other = joined();
        HarnessClient pending = chat.attach();

        pending.send(line);

        Map<String, Object> error = pending.takeJson();
        assertEquals("error", error.get("type"), () -> "reply: " + error);
        assertEquals(line.strip().split(" ")[0].toUpperCase(java.util.Locale.ROOT), error.get("command"));
        assertEquals("not-joined", error.get("code"));
        assertTrue(error.get("message") instanceof String m && !m.isBlank());
        assertNothingPending(pending, other);
        assertEquals("c2", pending.info().name());
    }

    @Test
    void anUnknownVerbIsStillUnknownCommandBeforeJoining() {
        start();
        HarnessClient pending = chat.attach();

        pending.send("DANCE");

        assertEquals("unknown-command", pending.takeJson().get("code"));
    }

    @Test
    void aNotJoinedNameDoesNotReserveTheName() {
        start();
        HarnessClient pending = chat.attach();
        HarnessClient mario = joined();

        pending.send("NAME Mario");
        pending.drain();
        mario.send("NAME Mario");

        assertEquals("Mario", mario.takeJson().get("name"));
    }

    @Test
    void joinReturnsFalseTheSecondTime() {
        start();
        HarnessClient watcher = joined();
        HarnessClient pending = chat.attach();

        assertTrue(pending.join());
        assertFalse(pending.join());

        assertEquals(List.of("welcome"), pending.drain().stream().map(l -> HarnessClient.json(l).get("type")).toList());
        assertEquals(List.of("join"), watcher.drain().stream().map(l -> HarnessClient.json(l).get("type")).toList());
        assertFalse(chat.connect().join(), "connect() has joined already");
    }

    @Test
    void joinReturnsFalseAfterTheClientLeft() {
        start();
        HarnessClient watcher = joined();
        HarnessClient exited = chat.attach();
        HarnessClient hungUp = chat.attach();
        HarnessClient joinedThenLeft = joined();
        watcher.drain();

        exited.send("EXIT");
        exited.drain();
        hungUp.disconnect();
        joinedThenLeft.disconnect();
        watcher.drain();

        for (HarnessClient gone : List.of(exited, hungUp, joinedThenLeft)) {
            assertFalse(gone.join(), () -> gone + " joined after leaving");
            assertFalse(gone.isJoined());
            assertNothingPending(gone);
        }
        assertNothingPending(watcher);
        assertEquals(List.of("c1"), clientIds(chat));
    }

    @Test
    void aPendingClientThatDisconnectsLeavesNoTrace() {
        start();
        HarnessClient watcher = joined();
        HarnessClient pending = chat.attach();

        pending.disconnect();

        assertTrue(pending.isClosed());
        assertEquals(LeaveReason.DISCONNECTED, pending.closeReason().orElseThrow());
        assertNothingPending(watcher, pending);
        watcher.send("LIST");
        assertEquals(List.of("c1"), ids(watcher.takeJson()));
    }

    @Test
    void aPendingClientTakesAPlaceUntilItLeaves() {
        start(ServerConfig.builder().maxClients(2).build());
        HarnessClient watcher = joined();
        HarnessClient pending = chat.attach();

        assertThrows(IllegalStateException.class, chat::attach, "a pending client counts towards maxClients");

        pending.disconnect();
        HarnessClient next = chat.attach();      // its place is free again
        assertTrue(next.join());
        assertEquals("welcome", next.takeJson().get("type"));
        assertEquals("join", watcher.takeJson().get("type"));
        assertNothingPending(watcher);
    }

    @Test
    void aPendingClientThatExitsFreesItsPlaceToo() {
        start(ServerConfig.builder().maxClients(1).build());
        HarnessClient pending = chat.attach();
        pending.send("EXIT");

        HarnessClient next = chat.connect();

        assertEquals("welcome", next.takeJson().get("type"));
    }
}
