package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a typed line asks for, and how {@code /msg} finds its recipient; no terminal, no sockets. */
class ChatInputTest {

    @Test
    void plainLinesGoToEveryoneAndCommandsAreRecognised() {
        assertEquals(new ChatInput.Nothing(), ChatInput.parse("   "));
        assertEquals(new ChatInput.Say("ciao a tutti!"), ChatInput.parse("ciao a tutti!"));
        assertEquals(new ChatInput.Say("/not a command"), ChatInput.parse("//not a command"));
        assertEquals(new ChatInput.Msg("Luigi see you at 5"), ChatInput.parse("/msg Luigi see you at 5"));
        assertEquals(new ChatInput.Msg(""), ChatInput.parse("/MSG"));
        assertEquals(new ChatInput.ListClients(), ChatInput.parse("/list"));
        assertEquals(new ChatInput.Time(), ChatInput.parse("/Time"));
        assertEquals(new ChatInput.Name("Mario Rossi"), ChatInput.parse("/name   Mario Rossi "));
        assertEquals(new ChatInput.Name(""), ChatInput.parse("/name"));
        assertEquals(new ChatInput.Help(), ChatInput.parse("/help"));
        assertEquals(new ChatInput.Quit(), ChatInput.parse("/quit"));
        assertEquals(new ChatInput.Quit(), ChatInput.parse("/exit"));
        assertEquals(new ChatInput.ServerCommand("roll", "20"), ChatInput.parse("/roll 20"));
        assertEquals(new ChatInput.ServerCommand("PING", ""), ChatInput.parse("/PING"));
    }

    @Test
    void roomCommandsAreRecognisedAndMistypedOnesGetTheirUsage() {
        assertEquals(new ChatInput.Join("lobby"), ChatInput.parse("/join  lobby "));
        assertEquals(new ChatInput.Join("Lobby"), ChatInput.parse("/JOIN Lobby"), "the room as typed");
        assertEquals(new ChatInput.Invalid("Usage: /join <room>"), ChatInput.parse("/join"));
        assertEquals(new ChatInput.Invalid("Usage: /join <room>"), ChatInput.parse("/join two words"));
        assertEquals(new ChatInput.Part(""), ChatInput.parse("/part"), "empty: the current room");
        assertEquals(new ChatInput.Part("kitchen"), ChatInput.parse("/part kitchen"));
        assertEquals(new ChatInput.SwitchRoom("lobby"), ChatInput.parse("/room lobby"));
        assertEquals(new ChatInput.SwitchRoom(""), ChatInput.parse("/room"), "empty: everyone");
        assertEquals(new ChatInput.SwitchRoom(""), ChatInput.parse("/room *"), "*: everyone");
        assertTrue(ChatInput.parse("/room a b") instanceof ChatInput.Invalid);
        assertEquals(new ChatInput.ListRooms(), ChatInput.parse("/rooms"));
        assertEquals(new ChatInput.Members(""), ChatInput.parse("/members"));
        assertEquals(new ChatInput.Members("lobby"), ChatInput.parse("/members lobby"));
        assertEquals(new ChatInput.History(20), ChatInput.parse("/history"), "20 by default");
        assertEquals(new ChatInput.History(5), ChatInput.parse("/history 5"));
        assertEquals(new ChatInput.History(20, "Luigi"), ChatInput.parse("/history @Luigi"));
        assertEquals(new ChatInput.History(7, "Luigi"), ChatInput.parse("/history @Luigi 7"));
        assertTrue(ChatInput.parse("/history @") instanceof ChatInput.Invalid, "an account is named");
        assertTrue(ChatInput.parse("/history @Luigi x") instanceof ChatInput.Invalid);
        for (String wrong : new String[] {"/history 0", "/history -3", "/history many", "/history 99999", "/history 1 2"}) {
            assertTrue(ChatInput.parse(wrong) instanceof ChatInput.Invalid i && i.usage().startsWith("Usage: /history"),
                    wrong + " -> " + ChatInput.parse(wrong));
        }
        assertEquals(new ChatInput.Conversations(20), ChatInput.parse("/conversations"), "20 by default");
        assertEquals(new ChatInput.Conversations(3), ChatInput.parse("/convs 3"));
        for (String wrong : new String[] {"/conversations 0", "/conversations x", "/conversations 1 2"}) {
            assertTrue(ChatInput.parse(wrong) instanceof ChatInput.Invalid i
                    && i.usage().startsWith("Usage: /conversations"), wrong + " -> " + ChatInput.parse(wrong));
        }
        assertEquals(new ChatInput.Say("join me"), ChatInput.parse("join me"), "plain text is text, wherever it goes");
        assertEquals(new ChatInput.ServerCommand("post", "lobby hi"), ChatInput.parse("/post lobby hi"),
                "the server's verbs stay reachable as they are");
    }

    @Test
    void accountCommandsNeverTakeAPasswordFromTheLine() {
        assertEquals(new ChatInput.Login("Mario"), ChatInput.parse("/login  Mario "));
        assertEquals(new ChatInput.Register("Luigi"), ChatInput.parse("/REGISTER Luigi"));
        assertEquals(new ChatInput.ChangePassword(), ChatInput.parse("/password"));
        assertEquals(new ChatInput.ChangePassword(), ChatInput.parse("/passwd"));
        for (String wrong : new String[] {"/login", "/login Mario s3cret-pass", "/register", "/register Luigi s3cret-pass",
                "/password s3cret-pass n3w-password"}) {
            ChatInput parsed = ChatInput.parse(wrong);
            assertTrue(parsed instanceof ChatInput.Invalid i && i.usage().contains("asked for")
                    && !i.usage().contains("s3cret"), wrong + " -> " + parsed);
        }
    }

    private static ClientInfo client(long id, String name) {
        return new ClientInfo(ClientId.of(id), name, "127.0.0.1", Instant.EPOCH);
    }

    @Test
    void msgFindsTheRecipientByIdOrByNameEvenWithSpaces() {
        List<ClientInfo> clients = List.of(client(1, "Mario"), client(2, "Mario Rossi"), client(3, "luigi"));

        assertEquals(Optional.of(new ChatInput.Recipient(clients.get(0), "hi there")),
                ChatInput.resolve("c1 hi there", clients));
        assertEquals(Optional.of(new ChatInput.Recipient(clients.get(1), "ciao")),
                ChatInput.resolve("Mario Rossi ciao", clients), "the longest name that matches wins");
        assertEquals(Optional.of(new ChatInput.Recipient(clients.get(0), "Rossini is playing")),
                ChatInput.resolve("mario Rossini is playing", clients), "a name ends at a space");
        assertEquals(Optional.of(new ChatInput.Recipient(clients.get(2), "psst")),
                ChatInput.resolve("LUIGI psst", clients), "case does not matter, as for the server");
        assertEquals(Optional.of(new ChatInput.Recipient(clients.get(2), "")),
                ChatInput.resolve("luigi", clients), "no text: the caller shows the usage");
        assertTrue(ChatInput.resolve("c9 anybody?", clients).isEmpty(), "an id nobody has");
        assertTrue(ChatInput.resolve("Wario hi", clients).isEmpty());
    }
}
