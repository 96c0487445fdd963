package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Join and leave notices stop above {@code presenceLimit} clients, counting the one that joins or leaves. */
class PresenceLimitTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void noticesGoOutUpToTheLimitAndNotBeyond() {
        server.start(b -> b.presenceLimit(2));
        RawClient c1 = server.join();
        RawClient c2 = server.join();
        assertEquals("c2", c1.takeType("join").obj("client").str("id"));

        RawClient c3 = server.join(); // three clients with it: over the limit
        c1.assertNothingPending();
        c2.assertNothingPending();

        c3.send("EXIT"); // three clients with the leaver: no notice
        c3.takeType("bye");
        c3.awaitClosed();
        c1.assertNothingPending();

        c2.send("EXIT"); // two with the leaver: within the limit
        c2.takeType("bye");
        Json leave = c1.takeType("leave");
        assertEquals("c2", leave.obj("client").str("id"));
        assertEquals("exit", leave.str("reason"));

        RawClient c4 = server.join(); // two again: within the limit
        assertEquals("c4", c1.takeType("join").obj("client").str("id"));
        c4.assertNothingPending();
    }

    @Test
    void zeroTurnsPresenceOffButListStillShowsEveryone() {
        server.start(b -> b.presenceLimit(0));
        RawClient c1 = server.join();
        RawClient c2 = server.join();
        c1.assertNothingPending();
        c1.send("LIST");
        List<Json> clients = c1.takeType("clients").objs("clients");
        assertEquals(List.of("c1", "c2"), clients.stream().map(c -> c.str("id")).toList());
        c2.send("EXIT");
        c2.takeType("bye");
        c2.awaitClosed();
        c1.assertNothingPending();
    }
}
