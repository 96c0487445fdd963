package io.aurachat.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.time.Duration;
import java.util.List;
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

    /** Sends {@code line} and takes lines until the reply to {@code command}, passing over events. */
    private static Json reply(RawClient c, String line) {
        c.send(line);
        String command = line.split(" ", 2)[0];
        while (true) {
            Json next = c.take();
            if (command.equals(next.has("command") ? next.str("command") : null)) {
                return next;
            }
        }
    }

    private record Device(RawClient c, String id) {}

    /** A connection to a server that requires accounts, logged in: its id from the welcome the login brings. */
    private static Device loggedIn(TestServer server, String verb, String name) {
        RawClient c = server.connect();
        c.takeType("hello");
        c.send(verb + " " + name + " s3cret-pass");
        String id = c.takeType("welcome").str("id");
        c.take().assertType("ok");
        return new Device(c, id);
    }

    private static List<String> texts(Json page) {
        assertEquals("history", page.type(), () -> "not a page: " + page);
        return page.objs("messages").stream().map(m -> m.str("message")).toList();
    }

    @Test
    void bothDevicesOfAnAccountPageThroughItsPrivateMessagesAndNobodyElseCan() {
        server.start(b -> b.accounts(AccountsMode.REQUIRED).allowPlainLogin(true)
                .passwordHasher(AccountsTest.FAST));
        Device phone = loggedIn(server, "REGISTER", "Mario");
        Device laptop = loggedIn(server, "LOGIN", "Mario");
        Device luigi = loggedIn(server, "REGISTER", "Luigi");
        String in = reply(luigi.c(), "CHAT " + phone.id() + " ciao Mario").str("id");
        String out = reply(laptop.c(), "CHAT " + luigi.id() + " ciao Luigi").str("id");

        for (Device d : List.of(phone, laptop)) {
            RawClient device = d.c();
            Json page = reply(device, "HISTORY @ LATEST");
            assertEquals(List.of("ciao Mario", "ciao Luigi"), texts(page));
            List<Json> m = page.objs("messages");
            assertEquals(in, m.get(0).str("id"));
            assertEquals("Luigi", m.get(0).obj("from").str("account"));
            assertEquals("Mario", m.get(0).str("toAccount"));
            assertEquals(out, m.get(1).str("id"));
            assertEquals("Mario", m.get(1).obj("from").str("account"));
            assertEquals("Luigi", m.get(1).str("toName"));
            assertEquals(List.of("ciao Luigi"), texts(reply(device, "HISTORY @ AFTER " + in)));
        }
        assertEquals(List.of("ciao Mario", "ciao Luigi"), texts(reply(luigi.c(), "HISTORY @ LATEST")));
        RawClient peach = loggedIn(server, "REGISTER", "Peach").c();
        assertEquals(List.of(), texts(reply(peach, "HISTORY @ LATEST")), "another account sees none of them");
        assertEquals(List.of(), texts(reply(peach, "HISTORY @mario LATEST")),
                "Peach's conversation with Mario, never Mario's messages");
        assertEquals(List.of("ciao Luigi"), texts(reply(luigi.c(), "HISTORY @mario AFTER " + in)), "over TCP too");
        reply(peach, "HISTORY @ BEFORE " + out).assertError("HISTORY", "no-such-message");
    }

    @Test
    void anAnonymousClientGetsLoginRequired() {
        server.start(b -> b.accounts(AccountsMode.OPTIONAL).allowPlainLogin(true).passwordHasher(AccountsTest.FAST));
        RawClient mario = server.connect();
        mario.takeType("welcome");
        assertEquals("ok", reply(mario, "REGISTER Mario s3cret-pass").type());
        RawClient anon = server.connect();
        String anonId = anon.takeType("welcome").str("id");
        reply(mario, "CHAT " + anonId + " hi there");
        anon.takeType("message");

        reply(anon, "HISTORY @ LATEST").assertError("HISTORY", "login-required");
        assertEquals(List.of("hi there"), texts(reply(mario, "HISTORY @ LATEST")));
    }
}
