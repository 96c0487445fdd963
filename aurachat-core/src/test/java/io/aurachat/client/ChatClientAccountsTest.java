package io.aurachat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.accounts.AccountsMode;
import io.aurachat.accounts.PasswordHasher;
import io.aurachat.client.ChatClientResumeTest.Proxy;
import io.aurachat.log.LogEvent;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.Fingerprint;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.FakeServer;
import io.aurachat.testing.RecordingListener;
import io.aurachat.testing.RecordingListener.Closed;
import io.aurachat.testing.RecordingListener.Disconnected;
import io.aurachat.testing.RecordingListener.Reconnected;
import io.aurachat.testing.RecordingListener.Rename;
import io.aurachat.testing.RecordingListener.Resumed;
import io.aurachat.testing.RecordingLogSink;
import io.aurachat.testing.TestClients;
import io.aurachat.testing.TestServer;
import io.aurachat.testing.TestTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@link ChatClient} with an account, against a real server that requires accounts or has them optional: the login
 * on connect, the calls, and what a reconnect does (logs in again, then resumes; gives up when the login is refused).
 * Plain TCP with {@code allowPlainLogin}, except where TLS is the point.
 */
class ChatClientAccountsTest {

    private static final ReconnectPolicy QUICK = ReconnectPolicy.backoff(Duration.ofMillis(10), Duration.ofMillis(50));
    private static final PasswordHasher FAST = PasswordHasher.pbkdf2(1);
    private static final char[] PASSWORD = "s3cret-pass".toCharArray();

    @RegisterExtension
    final TestServer server = new TestServer();

    @RegisterExtension
    final TestClients clients = new TestClients(server);

    private Proxy proxy;

    @AfterEach
    void closeProxy() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
    }

    private ChatServer start(AccountsMode mode) {
        return start(mode, b -> {});
    }

    private ChatServer start(AccountsMode mode, Consumer<ServerConfig.Builder> more) {
        return server.start(b -> {
            b.accounts(mode).allowPlainLogin(true).passwordHasher(FAST);
            more.accept(b);
        });
    }

    /** Makes the account {@code name} with {@link #PASSWORD}, through a client that leaves at once. */
    private void registered(String name) throws IOException {
        clients.connect(clients.config().register(name, PASSWORD).build(), new RecordingListener()).close();
    }

    @Test
    void aServerThatRequiresAccountsIsJoinedByLoggingIn() throws IOException {
        start(AccountsMode.REQUIRED);
        registered("Mario");
        RecordingListener luigiHears = new RecordingListener();
        clients.connect(clients.config().register("Luigi", PASSWORD).build(), luigiHears);
        RecordingListener hears = new RecordingListener();
        ChatClient mario = clients.connect(clients.config().login("mario", PASSWORD).build(), hears);

        assertEquals(Optional.of("Mario"), mario.account(), "as the server names it, whatever case was typed");
        assertEquals("Mario", mario.name());
        Session connected = hears.await(RecordingListener.Connected.class).session();
        assertEquals(Optional.of("Mario"), connected.account());
        assertEquals(AccountsMode.REQUIRED, connected.accounts());
        assertEquals(List.of("Luigi", "Mario"), server.server().clients().stream().map(c -> c.name()).toList());
        assertEquals(1, mario.say("ciao"), "a joined client: it talks");
        assertEquals("Mario", luigiHears.awaitMessage("ciao").from().name());
    }

    @Test
    void registerMakesTheAccountOnceAndLogsInOnTheNextStart() throws IOException {
        start(AccountsMode.REQUIRED);
        ClientConfig config = clients.config().register("Luigi", PASSWORD).build();
        ChatClient first = clients.connect(config, new RecordingListener());
        assertEquals(Optional.of("Luigi"), first.account());
        first.close();
        assertTrue(server.server().accounts().find("Luigi").isPresent());

        // A program that registers on every start: the second start finds the account and logs in.
        ChatClient again = clients.connect(config, new RecordingListener());
        assertEquals(Optional.of("Luigi"), again.account());

        // Somebody else's name: the REGISTER's code, not the LOGIN's bad-credentials.
        LoginFailedException taken = assertThrows(LoginFailedException.class, () -> clients.connect(
                clients.config().register("luigi", "n0t-his-pass".toCharArray()).build(), new RecordingListener()));
        assertEquals("name-registered", taken.code());
        assertEquals(Optional.of("REGISTER"), taken.command());
    }

    @Test
    void aWrongPasswordFailsTheConnectWithTheCodeAndLeavesNothingOpen() throws IOException {
        RecordingLogSink log = new RecordingLogSink();
        start(AccountsMode.REQUIRED, b -> b.logSink(log));
        registered("Mario");
        LoginFailedException e = assertThrows(LoginFailedException.class, () -> clients.connect(
                clients.config().login("Mario", "wr0ng-pass".toCharArray()).build(), new RecordingListener()));
        assertEquals("bad-credentials", e.code());
        assertEquals(Optional.of("LOGIN"), e.command());
        assertFalse(e.isTransient());
        assertInstanceOf(ChatErrorException.class, e);
        assertFalse(e.getMessage().contains("wr0ng"), e.getMessage());
        assertEquals("bad-credentials", log.await(LogEvent.LoginFailed.class, f -> true).reason());
        assertEquals(List.of(), server.server().clients(), "nobody joined");
        // TestClients checks after the test that no thread of the client is left.
    }

    @Test
    void noLoginAgainstAServerThatRequiresOneSaysSo() {
        start(AccountsMode.REQUIRED);
        LoginFailedException e = assertThrows(LoginFailedException.class,
                () -> clients.connect(clients.config().build(), new RecordingListener()));
        assertEquals("login-required", e.code());
        assertTrue(e.getMessage().contains("requires an account"), e.getMessage());
        assertTrue(e.getMessage().contains("ClientConfig.Builder.login"), e.getMessage());
    }

    @Test
    void aLoginForAServerWithoutAccountsFailsWithoutSendingThePassword() throws IOException {
        RecordingLogSink log = new RecordingLogSink();
        server.start(b -> b.logSink(log));
        LoginFailedException e = assertThrows(LoginFailedException.class, () -> clients.connect(
                clients.config().login("Mario", PASSWORD).build(), new RecordingListener()));
        assertEquals("accounts-disabled", e.code());
        ChatClient anonymous = clients.connect(clients.config().build(), new RecordingListener());
        assertEquals(Optional.empty(), anonymous.account());
        assertEquals(AccountsMode.OFF, anonymous.session().accounts());
        anonymous.ping();
        assertEquals(List.of(), log.events(LogEvent.CommandExecuted.class).stream()
                .filter(c -> c.verb().equals("LOGIN")).toList(), "no LOGIN reached the server");
    }

    @Test
    void aPasswordIsNotSentOverAPlainConnectionTheServerRefusesItOnAndTlsTakesIt() throws Exception {
        TestTls.Identity identity = TestTls.identity("accounts");
        ChatServer s = server.start(b -> b.accounts(AccountsMode.REQUIRED).passwordHasher(FAST)
                .tls(identity.config().build()));
        LoginFailedException plain = assertThrows(LoginFailedException.class, () -> clients.connect(
                clients.config().register("Mario", PASSWORD).build(), new RecordingListener()));
        assertEquals("insecure-connection", plain.code());
        assertTrue(plain.getMessage().contains("TLS port"), plain.getMessage());
        assertTrue(s.accounts().find("Mario").isEmpty());

        ChatClient tls = clients.connect(clients.config().server(new InetSocketAddress(TestServer.LOOPBACK, s.tlsPort()))
                .tls(TlsTrust.pinned(Fingerprint.of(identity.certificate()))).register("Mario", PASSWORD).build(),
                new RecordingListener());
        assertEquals(Optional.of("Mario"), tls.account());
        assertTrue(tls.tls().isPresent());
    }

    @Test
    void theHelloThatRefusesPlainPasswordsKeepsThePasswordOffTheWire() {
        try (FakeServer fake = FakeServer.start(c -> c.send("{\"type\":\"hello\",\"server\":\"Fake\",\"protocol\":2,"
                + "\"accounts\":\"required\",\"secure\":false,\"plainLogin\":false,\"loginTimeoutSeconds\":30,"
                + "\"maxLineLength\":4096}"))) {
            assertThrows(LoginFailedException.class, () -> clients.connect(ClientConfig.builder()
                    .server(fake.address()).login("Mario", PASSWORD).build(), new RecordingListener()));
            assertEquals(List.of(), fake.next().awaitEnd(), "the client sent nothing, and closed");
        }
    }

    @Test
    void optionalAccountsOverPlainTcpRefuseTheLoginWithoutThePasswordBeingSent() throws Exception {
        ChatServer s = server.start(b -> b.accounts(AccountsMode.OPTIONAL).passwordHasher(FAST)); // plain login refused
        LoginFailedException onConnect = assertThrows(LoginFailedException.class, () -> clients.connect(
                clients.config().login("Mario", PASSWORD).build(), new RecordingListener()));
        assertEquals("insecure-connection", onConnect.code());
        assertTrue(onConnect.getMessage().contains("TLS port"), onConnect.getMessage());

        ChatClient anonymous = clients.connect(clients.config().build(), new RecordingListener());
        assertTrue(anonymous.refusesPasswords());
        assertEquals("insecure-connection",
                assertThrows(LoginFailedException.class, () -> anonymous.register("Mario", PASSWORD)).code());
        assertEquals(Optional.empty(), anonymous.account());
        assertTrue(s.accounts().find("Mario").isEmpty());
    }

    @Test
    void refusesPasswordsIsFalseWhereTheServerTakesThem() throws Exception {
        start(AccountsMode.OPTIONAL); // allowPlainLogin
        assertFalse(clients.connect(clients.config().build(), new RecordingListener()).refusesPasswords());
        try (FakeServer fake = FakeServer.start(c -> c.send(FakeServer.welcome("c1")))) {
            assertFalse(clients.connect(ClientConfig.builder().server(fake.address()).build(), new RecordingListener())
                    .refusesPasswords(), "a welcome without accounts says nothing");
        }
    }

    @Test
    void aWelcomeThatRefusesPlainPasswordsKeepsThemOffTheWire() throws Exception {
        String welcome = "{\"type\":\"welcome\",\"id\":\"c1\",\"name\":\"c1\",\"server\":\"Fake\",\"protocol\":2,"
                + "\"idleTimeoutSeconds\":120,\"maxLineLength\":4096,\"presenceLimit\":1000,\"accounts\":\"optional\","
                + "\"secure\":false,\"plainLogin\":false}";
        try (FakeServer fake = FakeServer.start(c -> c.send(welcome))) {
            assertEquals("insecure-connection", assertThrows(LoginFailedException.class, () -> clients.connect(
                    ClientConfig.builder().server(fake.address()).login("Mario", PASSWORD).build(),
                    new RecordingListener())).code());
            assertEquals(List.of(), fake.next().awaitEnd().stream().filter(l -> l.contains("Mario")).toList(),
                    "no LOGIN line was sent");

            ChatClient anonymous = clients.connect(ClientConfig.builder().server(fake.address()).build(),
                    new RecordingListener());
            assertEquals("insecure-connection",
                    assertThrows(LoginFailedException.class, () -> anonymous.login("Mario", PASSWORD)).code());
            assertEquals("insecure-connection", assertThrows(LoginFailedException.class,
                    () -> anonymous.changePassword(PASSWORD, "n3w-password".toCharArray())).code());
            FakeServer.Connection connection = fake.next();
            anonymous.close();
            assertEquals(List.of(), connection.awaitEnd().stream()
                    .filter(l -> l.startsWith("LOGIN") || l.startsWith("PASSWORD")).toList(), "no password was sent");
        }
    }

    @Test
    void optionalAccountsLogInRightAfterTheWelcomeAndTheOthersSeeTheRename() throws IOException {
        start(AccountsMode.OPTIONAL);
        RecordingListener luigiHears = new RecordingListener();
        ChatClient luigi = clients.connect(clients.config().name("Luigi").build(), luigiHears);
        assertEquals(Optional.empty(), luigi.account());
        assertEquals(AccountsMode.OPTIONAL, luigi.session().accounts());

        ChatClient mario = clients.connect(clients.config().register("Mario", PASSWORD).build(), new RecordingListener());
        assertEquals(Optional.of("Mario"), mario.account());
        assertEquals("Mario", mario.name());
        Rename rename = luigiHears.await(Rename.class, r -> r.peer().name().equals("Mario"));
        assertEquals(mario.id(), rename.peer().id());
    }

    @Test
    void aConnectedClientRegistersLogsInAndChangesItsPassword() throws IOException {
        start(AccountsMode.OPTIONAL);
        ChatClient anonymous = clients.connect(clients.config().build(), new RecordingListener());
        assertEquals("Peach", anonymous.register("Peach", PASSWORD));
        assertEquals(Optional.of("Peach"), anonymous.account());
        assertEquals("Peach", anonymous.name());
        LoginFailedException twice = assertThrows(LoginFailedException.class,
                () -> anonymous.login("Peach", PASSWORD));
        assertEquals("already-logged-in", twice.code());

        ChatErrorException wrongOld = assertThrows(ChatErrorException.class,
                () -> anonymous.changePassword("n0t-the-pass".toCharArray(), "n3w-password".toCharArray()));
        assertEquals("bad-credentials", wrongOld.code());
        anonymous.changePassword(PASSWORD, "n3w-password".toCharArray());

        ChatClient phone = clients.connect(clients.config().build(), new RecordingListener());
        LoginFailedException old = assertThrows(LoginFailedException.class, () -> phone.login("peach", PASSWORD));
        assertEquals("bad-credentials", old.code());
        assertEquals(Optional.empty(), phone.account(), "still anonymous");
        assertEquals("Peach", phone.login("peach", "n3w-password".toCharArray()));
        assertEquals("Peach", phone.name());

        ChatClient stranger = clients.connect(clients.config().build(), new RecordingListener());
        assertEquals("login-required", assertThrows(ChatErrorException.class,
                () -> stranger.changePassword(PASSWORD, "n3w-password".toCharArray())).code());
        assertThrows(IllegalArgumentException.class, () -> stranger.login("Peach", "two words".toCharArray()));
    }

    @Test
    void conversationsListTheAccountsTalkedWithLatestFirstAndPageOn() throws IOException {
        start(AccountsMode.OPTIONAL);
        ChatClient mario = clients.connect(clients.config().register("Mario", PASSWORD).build(), new RecordingListener());
        ChatClient luigi = clients.connect(clients.config().register("Luigi", PASSWORD).build(), new RecordingListener());
        ChatClient peach = clients.connect(clients.config().register("Peach", PASSWORD).build(), new RecordingListener());
        ChatClient anonymous = clients.connect(clients.config().build(), new RecordingListener());
        mario.chat(luigi.id(), "ciao");
        peach.chat(mario.id(), "hello");
        anonymous.chat(mario.id(), "who am I");
        luigi.chat(mario.id(), "ciao Mario");

        ConversationsResult all = mario.conversations(10);
        assertEquals(List.of("Luigi", "Peach"), all.conversations().stream().map(Conversation::account).toList());
        assertEquals(List.of("ciao Mario", "hello"),
                all.conversations().stream().map(c -> c.latest().text()).toList());
        assertFalse(all.more());
        ChatMessage latest = all.conversations().get(0).latest();
        assertEquals("Luigi", latest.from().name());
        assertTrue(latest.id().isPresent() && latest.time().isPresent(), latest::toString);

        ConversationsResult first = mario.conversations(1);
        assertEquals(List.of("Luigi"), first.conversations().stream().map(Conversation::account).toList());
        assertTrue(first.more());
        ConversationsResult next = mario.conversations(
                io.aurachat.history.MessageIds.parse(first.conversations().get(0).latest().id().orElseThrow()), 1);
        assertEquals(List.of("Peach"), next.conversations().stream().map(Conversation::account).toList());
        assertFalse(next.more());

        assertEquals("login-required", assertThrows(ChatErrorException.class, () -> anonymous.conversations(5)).code());
        assertThrows(IllegalArgumentException.class, () -> mario.conversations(0));
        assertThrows(IllegalArgumentException.class, () -> mario.conversations(-1, 5));
    }

    @Test
    void aReconnectLogsInAgainAndThenResumesTheAccountsSession() throws Exception {
        ChatServer s = start(AccountsMode.REQUIRED);
        registered("Luigi");
        proxy = new Proxy(s.address());
        RecordingListener hears = new RecordingListener();
        ChatClient mario = clients.connect(clients.config().server(proxy.address()).register("Mario", PASSWORD)
                .reconnect(QUICK).build(), hears);
        mario.join("lobby");
        mario.ping(); // the SESSION reply is in
        ClientId id = mario.id();
        ChatClient luigi = clients.connect(clients.config().login("Luigi", PASSWORD).build(), new RecordingListener());
        luigi.join("lobby");

        proxy.cut();
        hears.await(Disconnected.class);
        Awaits.await("the session detached").until(() -> s.detachedSessions() == 1);
        luigi.post("lobby", "while you were away");
        luigi.chat(id, "privately meanwhile");
        proxy.restore();

        Resumed resumed = hears.await(Resumed.class);
        assertTrue(resumed.resumed(), "RESUME of an account's session works only after LOGIN");
        assertEquals(2, resumed.missed());
        assertEquals(id, mario.id());
        assertEquals(Optional.of("Mario"), mario.account());
        assertEquals(Optional.of("Mario"), hears.await(Reconnected.class).session().account());
        hears.awaitMessage("privately meanwhile");
        assertEquals(List.of("lobby"), mario.joinedRooms());
        assertEquals(1, mario.post("lobby", "back"));
    }

    @Test
    void aReconnectAfterALoginCallLogsInWithThatAccount() throws Exception {
        ChatServer s = start(AccountsMode.OPTIONAL);
        proxy = new Proxy(s.address());
        RecordingListener hears = new RecordingListener();
        ChatClient me = clients.connect(clients.config().server(proxy.address()).reconnect(QUICK).build(), hears);
        me.register("Mario", PASSWORD);
        me.ping();
        ClientId id = me.id();

        proxy.cut();
        Awaits.await("the session detached").until(() -> s.detachedSessions() == 1);
        proxy.restore();
        assertTrue(hears.await(Resumed.class).resumed());
        assertEquals(id, me.id());
        assertEquals(Optional.of("Mario"), me.account());
    }

    @Test
    void aPasswordChangedElsewhereEndsAReconnectingClientWithLoginFailed() throws Exception {
        ChatServer s = start(AccountsMode.REQUIRED);
        proxy = new Proxy(s.address());
        RecordingListener hears = new RecordingListener();
        clients.connect(clients.config().server(proxy.address()).register("Mario", PASSWORD).reconnect(QUICK).build(),
                hears);

        proxy.cut();
        hears.await(Disconnected.class);
        assertTrue(s.accounts().setPassword("Mario", "0wner-set-pw".toCharArray()));
        proxy.restore();

        Closed closed = hears.awaitClosed();
        assertEquals(CloseReason.LOGIN_FAILED, closed.reason());
        assertFalse(closed.reason().isRetriable());
        LoginFailedException cause = assertInstanceOf(LoginFailedException.class, closed.cause());
        assertEquals("bad-credentials", cause.code());
        assertEquals(List.of(), hears.events(Reconnected.class));
    }

    @Test
    void removingTheAccountClosesItsClientForGood() throws Exception {
        ChatServer s = start(AccountsMode.OPTIONAL);
        RecordingListener hears = new RecordingListener();
        ChatClient mario = clients.connect(clients.config().register("Mario", PASSWORD).reconnect(QUICK).build(), hears);
        mario.ping();

        assertTrue(s.accounts().remove("Mario"));
        Closed closed = hears.awaitClosed();
        assertEquals(CloseReason.ACCOUNT_REMOVED, closed.reason());
        assertEquals(List.of(), hears.events(Disconnected.class), "not a lost connection: no reconnect is tried");
        assertTrue(mario.isClosed());
    }

    @Test
    void tooManyAttemptsOnAReconnectIsTriedAgainAfterTheWaitTheServerAsks() throws Exception {
        String hello = "{\"type\":\"hello\",\"server\":\"Fake\",\"protocol\":2,\"accounts\":\"required\","
                + "\"secure\":false,\"plainLogin\":true,\"loginTimeoutSeconds\":30,\"maxLineLength\":4096}";
        String welcome = "{\"type\":\"welcome\",\"id\":\"c1\",\"name\":\"Mario\",\"account\":\"Mario\",\"server\":\"Fake\","
                + "\"protocol\":2,\"idleTimeoutSeconds\":120,\"maxLineLength\":4096,\"presenceLimit\":1000,"
                + "\"accounts\":\"required\"}";
        String ok = "{\"type\":\"ok\",\"command\":\"LOGIN\",\"name\":\"Mario\",\"account\":\"Mario\"}";
        String noSessions = "{\"type\":\"error\",\"command\":\"SESSION\",\"code\":\"resume-disabled\",\"message\":\"no\"}";
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        try (FakeServer fake = FakeServer.start(c -> {
            c.send(hello);
            if (accepted.incrementAndGet() == 1) { // the first connect, which the test thread waits for
                assertEquals("LOGIN Mario s3cret-pass", c.take());
                c.send(welcome).send(ok);
            }
        })) {
            RecordingListener hears = new RecordingListener();
            ChatClient mario = clients.connect(ClientConfig.builder().server(fake.address()).login("Mario", PASSWORD)
                    .reconnect(QUICK).build(), hears);
            assertEquals(Optional.of("Mario"), mario.account());
            FakeServer.Connection first = fake.next();
            assertEquals("SESSION", first.take());
            first.send(noSessions);
            first.close();

            FakeServer.Connection refused = fake.next();
            assertEquals("LOGIN Mario s3cret-pass", refused.take());
            long refusedAt = System.nanoTime();
            refused.send("{\"type\":\"error\",\"command\":\"LOGIN\",\"code\":\"too-many-attempts\","
                    + "\"message\":\"too many login attempts\",\"retryAfterSeconds\":1}");
            FakeServer.Connection again = fake.next();
            assertEquals("LOGIN Mario s3cret-pass", again.take());
            assertTrue(System.nanoTime() - refusedAt >= Duration.ofMillis(900).toNanos(),
                    "the retry waited for retryAfterSeconds, not the 10-50 ms of the policy");
            again.send(welcome).send(ok);
            assertEquals(Optional.of("Mario"), hears.await(Reconnected.class).session().account());
            assertEquals("SESSION", again.take());
            again.send(noSessions);

            Thread closing = Thread.ofVirtual().start(mario::close);
            assertEquals("EXIT", again.take());
            again.send("{\"type\":\"bye\",\"command\":\"EXIT\",\"reason\":\"exit\"}");
            again.close();
            assertTrue(closing.join(Awaits.TIMEOUT));
            assertEquals(CloseReason.EXIT, hears.awaitClosed().reason());
        }
    }
}
