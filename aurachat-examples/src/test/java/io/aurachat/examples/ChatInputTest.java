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
