package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.ClientInfo;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Starting, inspecting and closing a {@link ChatServer}. */
class ServerLifecycleTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void closeSaysByeServerShutdownToEveryClientThenClosesThem() {
        ChatServer chat = server.start();
        List<RawClient> c = server.joinAll(3);

        long start = System.nanoTime();
        chat.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        for (RawClient client : c) {
            // No leave events: everyone gets bye, and nothing follows it.
            assertEquals("server-shutdown", client.takeType("bye").str("reason"));
            client.awaitClosed();
        }
        assertFalse(chat.isRunning());
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0,
                "closing a server whose clients all read took " + took.toMillis() + " ms");
    }

    @Test
    void closeIsIdempotentAndAClosedServerCannotBeStartedAgain() {
        ChatServer chat = server.start();
        int port = chat.port();

        chat.close();
        chat.close();

        assertFalse(chat.isRunning());
        assertThrows(IllegalStateException.class, chat::start);
        assertThrows(IOException.class, () -> new Socket(TestServer.LOOPBACK, port).close(),
                "a closed server still accepts connections");
    }

    @Test
    void aServerThatWasNeverStartedHasNoPortAndClosesQuietly() {
        ChatServer chat = server.track(ChatServer.create(TestServer.defaults().build()));

        assertFalse(chat.isRunning());
        assertThrows(IllegalStateException.class, chat::port);
        assertThrows(IllegalStateException.class, chat::address);
        assertThrows(IllegalStateException.class, chat::clients);
        chat.close();
        assertThrows(IllegalStateException.class, chat::start);
    }

    @Test
    void startingTwiceIsIllegalAndTheServerKeepsRunning() {
        ChatServer chat = server.start();

        assertThrows(IllegalStateException.class, chat::start);

        assertTrue(chat.isRunning());
        assertEquals("c1", server.join().id());
    }

    @Test
    void portZeroBindsAFreePortOnTheConfiguredAddress() {
        ChatServer chat = server.start();

        assertTrue(chat.port() > 0);
        assertEquals(chat.port(), chat.address().getPort());
        assertEquals(TestServer.LOOPBACK, chat.address().getAddress());
    }

    @Test
    void aPortInUseFailsToStartWithIOException() {
        ChatServer first = server.start();
        ChatServer second = server.track(ChatServer.create(TestServer.defaults().port(first.port()).build()));

        assertThrows(IOException.class, second::start);

        assertFalse(second.isRunning());
        assertEquals("c1", server.join().id());
    }

    @Test
    void clientsListsTheConnectedClientsInConnectionOrder() {
        ChatServer chat = server.start();
        List<RawClient> c = server.joinAll(2);
        c.get(1).send("NAME Bea");
        c.get(1).takeType("ok");
        c.get(0).takeType("rename");

        List<ClientInfo> clients = chat.clients();

        assertEquals(List.of("c1", "c2"), clients.stream().map(i -> i.id().value()).toList());
        assertEquals(List.of("c1", "Bea"), clients.stream().map(ClientInfo::name).toList());
        assertEquals(List.of("127.0.0.1", "127.0.0.1"), clients.stream().map(ClientInfo::ip).toList());

        c.get(0).send("EXIT");
        c.get(0).takeType("bye");
        Awaits.await("c1 is gone from clients()")
                .until(() -> chat.clients().stream().map(i -> i.id().value()).toList(), List.of("c2")::equals);
    }
}
