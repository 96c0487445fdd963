package io.aurachat.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Accounts over the real TCP transport: a plain connection, as TCP is until TLS comes. */
class AccountsTcpTest {
    @RegisterExtension
    final TestServer server = new TestServer();

    @Test
    void aRequiredLoginOverPlainTcpIsRefusedUnlessAllowed() {
        server.start(b -> b.accounts(AccountsMode.REQUIRED).passwordHasher(AccountsTest.FAST));
        RawClient c = server.connect();
        Json hello = c.takeType("hello");
        assertFalse(hello.bool("secure"));
        assertFalse(hello.bool("plainLogin"));
        c.send("REGISTER Mario s3cret-pass");
        c.take().assertError("REGISTER", "insecure-connection");
        c.send("LIST");
        c.take().assertError("LIST", "login-required");
        c.send("PING");
        c.take().assertType("pong");
    }

    @Test
    void aPlainLoginTheOwnerAllowsJoinsTheConnection() {
        server.start(b -> b.accounts(AccountsMode.REQUIRED).allowPlainLogin(true)
                .passwordHasher(AccountsTest.FAST));
        RawClient mario = server.connect();
        mario.takeType("hello");
        mario.send("REGISTER Mario s3cret-pass");
        Json welcome = mario.takeType("welcome");
        assertEquals("Mario", welcome.str("account"));
        Json ok = mario.take().assertType("ok");
        assertEquals("REGISTER", ok.str("command"));

        RawClient phone = server.connect();
        phone.takeType("hello");
        phone.send("LOGIN Mario s3cret-pass");
        String phoneId = phone.takeType("welcome").str("id");
        phone.take().assertType("ok");
        Json join = mario.takeType("join");
        assertEquals(phoneId, join.obj("client").str("id"));

        RawClient luigi = server.connect();
        luigi.takeType("hello");
        luigi.send("REGISTER Luigi s3cret-pass");
        luigi.takeType("welcome");
        luigi.take().assertType("ok");
        phone.takeType("join");
        mario.takeType("join");
        luigi.send("CHAT " + phoneId + " ciao");
        String id = luigi.take().assertType("ok").str("id");
        assertEquals(id, phone.takeType("message").str("id"));
        assertEquals(id, mario.takeType("message").str("id"), "the account's other device gets it too");
    }

    @Test
    void aConnectionThatDoesNotLogInInTimeIsClosed() {
        server.start(b -> b.accounts(AccountsMode.REQUIRED).preJoinTimeout(Duration.ofMillis(200)));
        RawClient member = server.connect();
        member.takeType("hello");
        Json bye = member.take(Duration.ofSeconds(5));
        assertEquals("bye", bye.type());
        assertEquals("login-timeout", bye.str("reason"));
        member.awaitClosed();
    }
}
