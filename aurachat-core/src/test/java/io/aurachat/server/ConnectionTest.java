package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connecting, the welcome, client ids, join and leave events, EXIT, the client limit and half-close. */
class ConnectionTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void welcomeIsTheFirstLineAndCarriesTheDefaults() {
        server.start();
        RawClient client = server.connect();

        Json welcome = client.takeType("welcome");

        assertEquals("c1", welcome.str("id"));
        assertEquals("c1", welcome.str("name"));
        assertEquals("AuraChat", welcome.str("server"));
        assertEquals(2, welcome.num("protocol"));
        assertEquals(120, welcome.num("idleTimeoutSeconds"));
        assertEquals(4096, welcome.num("maxLineLength"));
        assertEquals(1000, welcome.num("presenceLimit"));
        client.assertNothingPending();
    }

    @Test
    void welcomeAnnouncesTheConfiguredNameTimeoutAndLineLength() {
        server.start(b -> b.serverName("Osteria").idleTimeout(Duration.ofSeconds(90)).maxLineLength(100)
                .presenceLimit(7));

        Json welcome = server.connect().takeType("welcome");

        assertEquals("Osteria", welcome.str("server"));
        assertEquals(90, welcome.num("idleTimeoutSeconds"));
        assertEquals(100, welcome.num("maxLineLength"));
        assertEquals(7, welcome.num("presenceLimit"));
    }

    @Test
    void welcomeSaysZeroWhenIdleClientsAreNeverClosed() {
        server.start(b -> b.idleTimeout(Duration.ZERO));

        assertEquals(0, server.connect().takeType("welcome").num("idleTimeoutSeconds"));
    }

    @Test
    void idsAreGivenInConnectionOrderAndNeverReused() {
        server.start();
        RawClient first = server.join();
        RawClient second = server.join();
        assertEquals("c1", first.id());
        assertEquals("c2", second.id());

        second.send("EXIT");
        second.takeType("bye");
        second.awaitClosed();
        first.takeType("join");
        first.takeType("leave");

        assertEquals("c3", server.join().id());
    }

    @Test
    void othersSeeAJoinButTheNewcomerDoesNot() {
        server.start();
        RawClient first = server.join();
        RawClient second = server.join();

        Json join = first.takeType("join");

        Json client = join.obj("client");
        assertEquals("c2", client.str("id"));
        assertEquals("c2", client.str("name"));
        assertEquals("127.0.0.1", client.str("ip"));
        first.assertNothingPending();
        second.assertNothingPending();
    }

    @Test
    void exitSaysByeClosesTheConnectionAndOthersSeeLeaveExit() {
        server.start();
        List<RawClient> c = server.joinAll(2);

        c.get(1).send("EXIT");

        assertEquals("exit", c.get(1).takeType("bye").str("reason"));
        c.get(1).awaitClosed();
        Json leave = c.get(0).takeType("leave");
        assertEquals("exit", leave.str("reason"));
        assertEquals("c2", leave.obj("client").str("id"));
        assertEquals("c2", leave.obj("client").str("name"));
        assertEquals("127.0.0.1", leave.obj("client").str("ip"));
        c.get(0).assertNothingPending();
    }

    @Test
    void nothingFollowsTheByeOfExitEvenWhenMoreLinesWereSent() {
        server.start();
        RawClient client = server.join();

        client.sendAll(List.of("exit", "PING", "TIME"));

        assertEquals("exit", client.takeType("bye").str("reason"));
        client.awaitClosed();
    }

    @Test
    void closingTheSocketIsLeaveDisconnectedWithTheCurrentName() {
        server.start();
        List<RawClient> c = server.joinAll(2);
        c.get(1).send("NAME Bruno");
        c.get(1).takeType("ok");
        c.get(0).takeType("rename");

        c.get(1).close();

        Json leave = c.get(0).takeType("leave");
        assertEquals("disconnected", leave.str("reason"));
        assertEquals("c2", leave.obj("client").str("id"));
        assertEquals("Bruno", leave.obj("client").str("name"));
    }

    @Test
    void aFullServerSaysByeServerFullInsteadOfWelcomeAndCloses() {
        ChatServer chat = server.start(b -> b.maxClients(2));
        List<RawClient> c = server.joinAll(2);

        RawClient third = server.connect();

        assertEquals("server-full", third.takeType("bye").str("reason"));
        third.awaitClosed();
        c.get(0).assertNothingPending();
        c.get(1).assertNothingPending();
        assertEquals(2, chat.clients().size());
    }

    @Test
    void aPlaceIsFreeAsSoonAsItsClientHasLeftEvenIfItsSocketLingers() {
        server.start(b -> b.maxClients(2));
        List<RawClient> c = server.joinAll(2);
        assertEquals("server-full", server.connect().takeType("bye").str("reason"));

        // c2 says EXIT and reads its bye but keeps its socket open: the server lingers on it, yet
        // c2 has left, so its place is free at once (the leave is sent after the place is freed).
        c.get(1).send("EXIT");
        c.get(1).takeType("bye");
        assertEquals("exit", c.get(0).takeType("leave").str("reason"));

        RawClient newcomer = server.connect();
        assertEquals("welcome", newcomer.take().type());
        assertEquals("join", c.get(0).take().type());
    }

    @Test
    void halfCloseStillGetsTheReplyThenTheServerCloses() {
        server.start();
        List<RawClient> c = server.joinAll(2);

        c.get(1).sendRaw("LIST\n");
        c.get(1).shutdownOutput();

        Json list = c.get(1).takeType("clients");
        assertEquals(2, list.list("clients").size());
        c.get(1).awaitClosed();
        assertEquals("disconnected", c.get(0).takeType("leave").str("reason"));
    }

    @Test
    void halfCloseAnswersEveryCompleteLineButNotAnUnfinishedOne() {
        server.start();
        RawClient client = server.join();

        client.sendRaw("PING\nTIME\nPI");
        client.shutdownOutput();

        client.takeType("pong");
        client.takeType("time");
        client.awaitClosed();
    }
}
