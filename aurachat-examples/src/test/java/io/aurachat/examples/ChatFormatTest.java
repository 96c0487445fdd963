package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.client.ChatMessage;
import io.aurachat.client.CloseReason;
import io.aurachat.client.CommandInfo;
import io.aurachat.client.Peer;
import io.aurachat.client.Response;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.RoomInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** The terminal client's screen lines, as text (the styles are for colour terminals only). */
class ChatFormatTest {

    private static final LocalTime AT = LocalTime.of(10, 15, 59);
    private static final Peer LUIGI = new Peer(ClientId.of(2), "Luigi", "192.168.1.20");

    private static String text(AttributedString s) {
        return s.toString();
    }

    @Test
    void messagesShowTimeSenderAndWhetherTheyArePrivate() {
        assertEquals("10:15 Luigi: ciao a tutti",
                text(ChatFormat.message(AT, new ChatMessage(LUIGI, Optional.empty(), "ciao a tutti"))));
        assertEquals("10:15 Luigi (private): psst",
                text(ChatFormat.message(AT, new ChatMessage(LUIGI, Optional.of(ClientId.of(1)), "psst"))));
        ClientInfo to = new ClientInfo(ClientId.of(2), "Luigi", "192.168.1.20", Instant.EPOCH);
        assertEquals("10:15 you -> Luigi (private): psst", text(ChatFormat.sentPrivately(AT, to, "psst")));
    }

    @Test
    void presenceNotices() {
        assertEquals("10:15 *** c2 joined from 192.168.1.20",
                text(ChatFormat.joined(AT, new Peer(ClientId.of(2), "c2", "192.168.1.20"))));
        assertEquals("10:15 *** c2 is now known as Luigi", text(ChatFormat.renamed(AT, LUIGI, "c2")));
        assertEquals("10:15 *** Luigi (c2) left", text(ChatFormat.left(AT, LUIGI, LeaveReason.EXIT)));
        assertEquals("10:15 *** Luigi (c2) was disconnected for inactivity",
                text(ChatFormat.left(AT, LUIGI, LeaveReason.IDLE_TIMEOUT)));
        assertEquals("10:15 *** c7 left: it was a returning client, back under its earlier id",
                text(ChatFormat.left(AT, new Peer(ClientId.of(7), "c7", "192.168.1.20"), LeaveReason.RESUMED)));
    }

    @Test
    void roomMessagesAndNoticesShowTheRoom() {
        ChatMessage inRoom = new ChatMessage(LUIGI, Optional.empty(), "ciao stanza", Optional.of("7"),
                Optional.empty(), Optional.of("lobby"));
        assertEquals("10:15 [lobby] Luigi: ciao stanza", text(ChatFormat.message(AT, inRoom)));
        assertEquals("10:15 *** [lobby] Luigi joined", text(ChatFormat.roomJoined(AT, "lobby", LUIGI)));
        assertEquals("10:15 *** [lobby] Luigi left (part)", text(ChatFormat.roomLeft(AT, "lobby", LUIGI, "part")));
        assertEquals("10:15 *** [lobby] Luigi left (disconnected)",
                text(ChatFormat.roomLeft(AT, "lobby", LUIGI, "disconnected")));
        assertEquals("10:15 *** [lobby] c2 is now known as Luigi", text(ChatFormat.roomRenamed(AT, "lobby", LUIGI, "c2")));
        assertEquals("10:15 [bad^[[31m] Luigi: x", text(ChatFormat.message(AT, new ChatMessage(LUIGI, Optional.empty(),
                "x", Optional.empty(), Optional.empty(), Optional.of("bad\u001b[31m")))), "room names are cleaned too");
    }

    @Test
    void roomsListMarksTheCurrentAndTheJoinedOnes() {
        List<String> lines = ChatFormat.rooms(List.of(new RoomInfo("kitchen", 1), new RoomInfo("Lobby", 3),
                new RoomInfo("garden", 2)), Set.of("Lobby", "garden"), "Lobby").stream().map(AttributedString::toString).toList();
        assertEquals(List.of(
                "*** 3 rooms:",
                "    [kitchen]  1 member",
                "    [Lobby]    3 members  (current)",
                "    [garden]   2 members  (joined)"), lines);
        assertEquals(List.of("*** No rooms yet; /join <room> makes one."),
                ChatFormat.rooms(List.of(), Set.of(), null).stream().map(AttributedString::toString).toList());
        List<String> members = ChatFormat.members("lobby", List.of(
                new ClientInfo(ClientId.of(1), "Luigi", "127.0.0.1", Instant.parse("2026-11-21T09:01:00Z"))),
                ClientId.of(1), ZoneId.of("Europe/Rome")).stream().map(AttributedString::toString).toList();
        assertEquals(List.of("*** 1 member of [lobby]:", "    c1  Luigi (you)  127.0.0.1        since 10:01"), members);
    }

    @Test
    void conversationsShowTheAccountAndItsLatestMessageWithTheDateWhenNotToday() {
        ZoneId rome = ZoneId.of("Europe/Rome");
        ChatMessage today = new ChatMessage(LUIGI, Optional.of(ClientId.of(3)), "ciao\u0007", Optional.of("2"),
                Optional.of(Instant.parse("2026-11-21T08:02:30Z")), Optional.empty());
        ChatMessage before = new ChatMessage(new Peer(ClientId.of(3), "Mario", "10.0.0.3"), Optional.of(ClientId.of(4)),
                "see you", Optional.of("1"), Optional.of(Instant.parse("2026-11-19T20:15:00Z")), Optional.empty());
        java.time.LocalDate day = java.time.LocalDate.parse("2026-11-21");
        assertEquals(List.of(
                "*** Your conversations, the latest first (2 shown; older ones: /conversations with a larger n):",
                "09:02 @Luigi  Luigi: ciao^G",
                "2026-11-19 21:15 @Peach  Mario: see you",
                "*** /history @<account> shows a conversation."),
                ChatFormat.conversations(new io.aurachat.client.ConversationsResult(List.of(
                        new io.aurachat.client.Conversation("Luigi", today),
                        new io.aurachat.client.Conversation("Peach", before)), true), rome, day)
                        .stream().map(AttributedString::toString).toList());
        assertEquals(List.of("*** No private messages with other accounts in the history."),
                ChatFormat.conversations(new io.aurachat.client.ConversationsResult(List.of(), false), rome, day)
                        .stream().map(AttributedString::toString).toList());
    }

    @Test
    void historyShowsEachMessageWithItsOwnTime() {
        ZoneId rome = ZoneId.of("Europe/Rome");
        ChatMessage first = new ChatMessage(LUIGI, Optional.empty(), "uno", Optional.of("1"),
                Optional.of(Instant.parse("2026-11-21T08:01:00Z")), Optional.of("lobby"));
        ChatMessage second = new ChatMessage(new Peer(ClientId.of(3), "Mario", "10.0.0.3"), Optional.empty(), "due",
                Optional.of("2"), Optional.of(Instant.parse("2026-11-21T08:02:30Z")), Optional.of("lobby"));
        assertEquals(List.of(
                "*** History of [lobby]: 2 messages (older ones: /history with a larger n):",
                "09:01 [lobby] Luigi: uno",
                "09:02 [lobby] Mario: due"),
                ChatFormat.history("lobby", List.of(first, second), true, rome).stream().map(AttributedString::toString).toList());
        ChatMessage old = new ChatMessage(LUIGI, Optional.empty(), "senza ora");
        assertEquals(List.of("*** History of everyone: 1 message:", "--:-- Luigi: senza ora"),
                ChatFormat.history(null, List.of(old), false, rome).stream().map(AttributedString::toString).toList());
        assertEquals(List.of("*** No messages to everyone in the history."),
                ChatFormat.history(null, List.of(), false, rome).stream().map(AttributedString::toString).toList());
    }

    @Test
    void controlCharactersFromTheNetworkCannotDriveTheTerminal() {
        assertEquals("red ^[[31m bell ^G del ^? c1 <U+009B>", ChatFormat.clean("red \u001b[31m bell \u0007 del \u007f c1 \u009b"));
        assertEquals("città ✓", ChatFormat.clean("città ✓"));
        String shown = text(ChatFormat.message(AT, new ChatMessage(new Peer(ClientId.of(3), "Eve", "10.0.0.9"),
                Optional.empty(), "\u001b[2J\u001b[Hgotcha")));
        assertEquals("10:15 Eve: ^[[2J^[[Hgotcha", shown);
        assertTrue(ChatFormat.message(AT, new ChatMessage(LUIGI, Optional.empty(), "\u001b]0;title\u0007"))
                .toAnsi().chars().filter(c -> c == 0x07).count() == 0, "no BEL reaches the terminal");
    }

    @Test
    void listMarksThisClientAndAlignsTheColumns() {
        List<ClientInfo> clients = List.of(
                new ClientInfo(ClientId.of(1), "Luigi", "127.0.0.1", Instant.parse("2026-11-21T09:01:00Z")),
                new ClientInfo(ClientId.of(12), "Mario", "192.168.1.20", Instant.parse("2026-11-21T09:02:00Z")));
        List<String> lines = ChatFormat.clients(clients, ClientId.of(12), ZoneId.of("Europe/Rome")).stream()
                .map(AttributedString::toString).toList();
        assertEquals(List.of(
                "*** 2 clients connected:",
                "    c1   Luigi        127.0.0.1        since 10:01",
                "    c12  Mario (you)  192.168.1.20     since 10:02"), lines);
    }

    @Test
    void serverTimeAndServerCommandReplies() {
        ZonedDateTime time = ZonedDateTime.of(2026, 11, 21, 10, 15, 2, 0, ZoneId.of("Europe/Rome"));
        assertEquals("*** Server time: 2026-11-21 10:15:02 Europe/Rome (UTC+01:00)", text(ChatFormat.serverTime(time)));
        assertEquals("*** Server time: 2026-11-21 10:15:02 Etc/UTC (UTC)",
                text(ChatFormat.serverTime(time.withZoneSameLocal(ZoneId.of("Etc/UTC")))));

        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("sides", 20L);
        fields.put("value", 17L);
        assertEquals("*** ROLL: roll sides=20, value=17",
                text(ChatFormat.response(new Response("roll", "ROLL", fields, "{}"))));
    }

    @Test
    void helpListsTheServersOwnCommandsAsSlashVerbs() {
        List<String> lines = ChatFormat.help(List.of(
                new CommandInfo("CHAT", "CHAT <id> <text>", "Send a private message."),
                new CommandInfo("ROLL", "ROLL [sides]", "Roll a die (default 6 sides)."))).stream()
                .map(AttributedString::toString).toList();
        assertTrue(lines.contains("*** Commands of this server:"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches(" +/roll \\[sides\\] +Roll a die \\(default 6 sides\\)\\.")),
                lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("/chat")), "CHAT is /msg: " + lines);

        List<String> withRooms = ChatFormat.help(List.of(
                new CommandInfo("HISTORY", "HISTORY <target> LATEST [limit]", "Earlier messages."),
                new CommandInfo("JOIN", "JOIN <room>", "Join a room."),
                new CommandInfo("MEMBERS", "MEMBERS <room>", "A room's members."),
                new CommandInfo("PART", "PART <room>", "Leave a room."),
                new CommandInfo("POST", "POST <room> <text>", "Post to a room."),
                new CommandInfo("ROOMS", "ROOMS", "The rooms."))).stream().map(AttributedString::toString).toList();
        assertTrue(withRooms.stream().noneMatch(l -> l.contains("Commands of this server")),
                "the room and history verbs are the client's own commands: " + withRooms);
        for (String command : new String[] {"/join <room>", "/part [room]", "/room [room]", "/rooms", "/members [room]",
                "/history [n]", "/history @<account> [n]"}) {
            assertTrue(withRooms.stream().anyMatch(l -> l.startsWith("    " + command + " ")), command + ": " + withRooms);
        }
    }

    @Test
    void whyTheConnectionEnded() {
        assertEquals("The server is shutting down. You have been disconnected.",
                ChatFormat.closed(CloseReason.SERVER_SHUTDOWN, null, Duration.ofMinutes(2)));
        assertEquals("The server closed the connection for inactivity (no command for 2 minutes).",
                ChatFormat.closed(CloseReason.IDLE_TIMEOUT, null, Duration.ofMinutes(2)));
        assertEquals("The server closed the connection for inactivity (no command for 90 seconds).",
                ChatFormat.closed(CloseReason.IDLE_TIMEOUT, null, Duration.ofSeconds(90)));
        assertEquals("Lost the connection to the server: Connection reset.",
                ChatFormat.closed(CloseReason.NETWORK_FAILURE, new java.io.IOException("Connection reset"), Duration.ZERO));
        assertEquals("Another connection took over this session (this client, reconnecting elsewhere?). "
                + "You have been disconnected.", ChatFormat.closed(CloseReason.RESUMED, null, Duration.ZERO));
        assertEquals("Reconnected, but the server refused the login: wrong name or password. Not trying again.",
                ChatFormat.closed(CloseReason.LOGIN_FAILED, new io.aurachat.client.ChatErrorException("bad-credentials",
                        "LOGIN", "wrong name or password"), Duration.ZERO));
    }

    @Test
    void aRefusedLoginIsOneLineThatSaysWhatToDo() {
        assertEquals("The server takes passwords only over TLS, and this connection is not encrypted: connect to its "
                + "TLS port (leave out --no-tls and --port: the client tries TLS first; or give --tls --port PORT, 5443 by "
                + "default).",
                ChatFormat.loginFailed("insecure-connection", "Mario", "whatever the server says", null));
        assertEquals("Wrong password for Mario, or no such account.",
                ChatFormat.loginFailed("bad-credentials", "Mario", "", null));
        assertTrue(ChatFormat.loginFailed("login-required", "", "", null).contains("--account NAME"));
        assertEquals("Too many login attempts; try again in 6 seconds.",
                ChatFormat.loginFailed("too-many-attempts", "Mario", "", Duration.ofSeconds(6)));
        assertEquals("The server refused that password: it is shorter than 8 characters.",
                ChatFormat.loginFailed("weak-password", "Mario", "it is shorter than 8 characters", null));
        assertEquals("The server refused the login: the account store failed ^[[31m.",
                ChatFormat.loginFailed("accounts-unavailable", "Mario", "the account store failed \u001b[31m", null),
                "a code it does not know: the server's words, cleaned");
        assertEquals("The name ^[x belongs to an account already (if it is yours, the password is wrong).",
                ChatFormat.loginFailed("name-registered", "\u001bx", "", null));
    }
}
