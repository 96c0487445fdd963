package io.aurachat.accounts;

import static io.aurachat.testing.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.log.LogEvent;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.server.ServerConfig;
import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.HandClock;
import io.aurachat.testing.HarnessClient;
import io.aurachat.testing.RecordingLogSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Accounts through the in-memory harness: every rule of docs/accounts.md as a client sees it. */
class AccountsTest {
    /** PBKDF2 with one iteration: the real code path, at a microsecond a hash. */
    static final PasswordHasher FAST = PasswordHasher.pbkdf2(1);

    private final HandClock clock = new HandClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final RecordingLogSink log = new RecordingLogSink();
    private ChatHarness chat;
    private int address;

    @AfterEach
    void close() {
        if (chat != null) {
            chat.close();
        }
    }

    private ChatHarness start(AccountsMode mode, Consumer<ServerConfig.Builder> more) {
        ServerConfig.Builder b = ServerConfig.builder().accounts(mode).passwordHasher(FAST).clock(clock).logSink(log);
        more.accept(b);
        chat = ChatHarness.start(b.build());
        return chat;
    }

    private ChatHarness start(AccountsMode mode) {
        return start(mode, b -> {});
    }

    /** A joined client over a connection that counts as encrypted, its welcome taken. */
    private HarnessClient secure() {
        HarnessClient c = chat.connect("192.0.2." + (++address), true);
        c.takeType("welcome");
        return c;
    }

    /** Sends a line and takes its reply, passing over the events before it (joins, renames). */
    private static Map<String, Object> reply(HarnessClient c, String line) {
        c.send(line);
        return nextReply(c);
    }

    private static Map<String, Object> nextReply(HarnessClient c) {
        while (true) {
            Map<String, Object> next = c.takeJson();
            if (next.containsKey("command")) {
                return next;
            }
        }
    }

    private static void assertError(String code, Map<String, Object> reply) {
        assertEquals("error", reply.get("type"), () -> "not an error: " + reply);
        assertEquals(code, reply.get("code"), () -> "error: " + reply);
    }

    private static void assertOk(Map<String, Object> reply) {
        assertEquals("ok", reply.get("type"), () -> "not ok: " + reply);
    }

    // ---------------------------------------------------------------- modes

    @Test
    void aServerWithoutAccountsAnswersAccountsDisabled() {
        chat = ChatHarness.start(ServerConfig.builder().build());
        HarnessClient c = chat.connect("192.0.2.1", true);
        Map<String, Object> welcome = c.takeType("welcome");
        assertFalse(welcome.containsKey("accounts"), "no accounts field when they are off: " + welcome);
        assertError("accounts-disabled", reply(c, "REGISTER Mario hunter2hunter2"));
        assertError("accounts-disabled", reply(c, "LOGIN Mario hunter2hunter2"));
        assertError("accounts-disabled", reply(c, "PASSWORD a b"));
        assertThrows(IllegalStateException.class, () -> chat.server().accounts());
    }

    @Test
    void optionalAccountsJoinAtOnceAndRegisteringRenamesWithTheAccount() {
        start(AccountsMode.OPTIONAL);
        HarnessClient mario = secure();
        HarnessClient other = secure();
        mario.takeType("join");

        Map<String, Object> ok = reply(mario, "REGISTER Mario s3cret-pass");
        assertEquals(Map.of("type", "ok", "command", "REGISTER", "name", "Mario", "account", "Mario"), ok);
        Map<String, Object> rename = other.takeType("rename");
        assertEquals(Map.of("id", "c1", "name", "Mario", "ip", "192.0.2.1", "account", "Mario"), rename.get("client"));
        assertEquals("c1", rename.get("previous"));
        Map<String, Object> list = reply(other, "LIST");
        List<?> clients = (List<?>) list.get("clients");
        assertEquals("Mario", ((Map<?, ?>) clients.get(0)).get("account"));
        assertFalse(((Map<?, ?>) clients.get(1)).containsKey("account"), "an anonymous client has no account");
        assertError("already-logged-in", reply(mario, "LOGIN Mario s3cret-pass"));
        assertError("already-logged-in", reply(mario, "REGISTER Luigi s3cret-pass"));
        assertEquals(1, chat.server().accounts().list().size());
    }

    @Test
    void requiredAccountsGreetWithHelloAndJoinOnLogin() {
        start(AccountsMode.REQUIRED, b -> b.allowPlainLogin(true));
        HarnessClient first = chat.connect("192.0.2.9", true);
        assertEquals(Map.of("type", "hello", "server", "AuraChat", "protocol", 2L, "accounts", "required",
                "secure", true, "plainLogin", true, "loginTimeoutSeconds", 30L, "maxLineLength", 4096L), first.takeJson());
        assertFalse(first.isJoined());
        assertEquals(List.of(), chat.clients(), "nobody has joined before login");

        assertEquals("pong", reply(first, "PING").get("type"));
        assertEquals("time", reply(first, "TIME").get("type"));
        assertError("login-required", reply(first, "LIST"));
        assertError("login-required", reply(first, "SAY hello"));
        assertError("login-required", reply(first, "NAME Mario"));

        first.send("REGISTER Mario s3cret-pass");
        Map<String, Object> welcome = first.takeJson();
        assertEquals("welcome", welcome.get("type"), () -> "a login joins: " + welcome);
        assertEquals("Mario", welcome.get("name"));
        assertEquals("Mario", welcome.get("account"));
        assertEquals("required", welcome.get("accounts"));
        assertOk(first.takeJson());
        assertTrue(first.isJoined());

        HarnessClient second = chat.connect("192.0.2.10", false); // plain, allowed by the owner
        second.takeType("hello");
        second.send("LOGIN mario s3cret-pass"); // the name folded: any case logs in
        assertEquals("welcome", second.takeJson().get("type"));
        assertEquals(Map.of("type", "ok", "command", "LOGIN", "name", "Mario", "account", "Mario"), second.takeJson());
        Map<String, Object> join = first.takeType("join");
        assertEquals("Mario", ((Map<?, ?>) join.get("client")).get("account"));
        assertEquals(2, chat.clients().size());
    }

    @Test
    void aPlainConnectionIsRefusedPasswordsUnlessTheOwnerAllows() {
        start(AccountsMode.OPTIONAL);
        HarnessClient plain = chat.connect();
        Map<String, Object> welcome = plain.takeType("welcome");
        // Said before any password is sent, so that a client can keep it to itself (ChatClient does).
        assertEquals(false, welcome.get("secure"), () -> "the welcome says the connection is plain: " + welcome);
        assertEquals(false, welcome.get("plainLogin"), () -> "and that passwords are refused on it: " + welcome);
        assertError("insecure-connection", reply(plain, "REGISTER Mario s3cret-pass"));
        assertError("insecure-connection", reply(plain, "LOGIN Mario s3cret-pass"));
        assertEquals(0, chat.server().accounts().list().size(), "nothing was registered");
        HarnessClient tls = chat.connect("192.0.2.200", true);
        Map<String, Object> tlsWelcome = tls.takeType("welcome");
        assertEquals(true, tlsWelcome.get("secure"), () -> "a TLS connection's welcome: " + tlsWelcome);
        assertEquals(false, tlsWelcome.get("plainLogin"));
        assertOk(reply(tls, "REGISTER Mario s3cret-pass"));

        chat.close();
        start(AccountsMode.OPTIONAL, b -> b.allowPlainLogin(true));
        HarnessClient allowed = chat.connect();
        Map<String, Object> allowedWelcome = allowed.takeType("welcome");
        assertEquals(false, allowedWelcome.get("secure"));
        assertEquals(true, allowedWelcome.get("plainLogin"), () -> "the owner allows it: " + allowedWelcome);
        assertOk(reply(allowed, "REGISTER Mario s3cret-pass"));
    }

    // ---------------------------------------------------------------- credentials

    @Test
    void aWrongPasswordAndAnUnknownNameGetTheSameReplyAfterTheSameWork() {
        AtomicInteger verifies = new AtomicInteger();
        PasswordHasher counting = new PasswordHasher() {
            @Override
            public String hash(char[] password) {
                return FAST.hash(password);
            }

            @Override
            public boolean verify(char[] password, String encoded) {
                verifies.incrementAndGet();
                return FAST.verify(password, encoded);
            }
        };
        start(AccountsMode.OPTIONAL, b -> b.passwordHasher(counting));
        assertOk(reply(secure(), "REGISTER Mario s3cret-pass"));
        HarnessClient c = secure();

        Map<String, Object> wrong = reply(c, "LOGIN Mario not-the-pass");
        Map<String, Object> unknown = reply(c, "LOGIN Nobody not-the-pass");
        assertError("bad-credentials", wrong);
        assertEquals(wrong, unknown, "nothing tells a missing account from a wrong password");
        assertEquals(2, verifies.get(), "an unknown name is checked against a dummy hash too");
        assertNull(c.info().account());
        LogEvent.LoginFailed failed = log.await(LogEvent.LoginFailed.class, e -> e.account().equals("nobody"));
        assertEquals("bad-credentials", failed.reason());
        for (LogEvent e : log.events()) {
            assertFalse(e.toString().contains("not-the-pass"), () -> "a password in the log: " + e);
            assertFalse(e.toString().contains("s3cret-pass"), () -> "a password in the log: " + e);
        }
    }

    @Test
    void passwordRulesAndAccountNameRules() {
        start(AccountsMode.OPTIONAL);
        HarnessClient c = secure();
        assertError("weak-password", reply(c, "REGISTER Mario short"));
        assertError("weak-password", reply(c, "REGISTER Mario has spaces in it"));
        assertError("weak-password", reply(c, "REGISTER Mario12345 mario12345"));
        assertError("weak-password", reply(c, "REGISTER Mario " + "x".repeat(1025)));
        assertOk(reply(secure(), "REGISTER Luigi " + "x".repeat(1024)));
        assertError("bad-name", reply(c, "REGISTER c12 s3cret-pass"));
        assertError("bad-arguments", reply(c, "REGISTER Mario"));
        assertError("bad-arguments", reply(c, "LOGIN"));
        assertError("login-required", reply(c, "PASSWORD s3cret-pass n3w-secret"));
    }

    @Test
    void passwordChangesTheCredentials() {
        start(AccountsMode.OPTIONAL);
        HarnessClient mario = secure();
        assertOk(reply(mario, "REGISTER Mario s3cret-pass"));
        assertError("bad-credentials", reply(mario, "PASSWORD wrong-old n3w-secret"));
        assertError("weak-password", reply(mario, "PASSWORD s3cret-pass short"));
        assertError("bad-arguments", reply(mario, "PASSWORD s3cret-pass"));
        assertEquals(Map.of("type", "ok", "command", "PASSWORD"), reply(mario, "PASSWORD s3cret-pass n3w-secret"));
        assertError("bad-credentials", reply(secure(), "LOGIN Mario s3cret-pass"));
        assertOk(reply(secure(), "LOGIN Mario n3w-secret"));
        LogEvent.PasswordChanged changed = log.await(LogEvent.PasswordChanged.class, e -> true);
        assertEquals("mario", changed.account());
        LogEvent.CommandExecuted command = log.await(LogEvent.CommandExecuted.class, e -> e.verb().equals("PASSWORD"));
        assertEquals("", command.arguments(), "PASSWORD's arguments are never logged");
        LogEvent.CommandExecuted login = log.await(LogEvent.CommandExecuted.class, e -> e.verb().equals("LOGIN"));
        assertEquals("Mario", login.arguments(), "LOGIN logs the name alone");
    }

    // ---------------------------------------------------------------- names

    @Test
    void aRegisteredNameIsTheAccountsInEveryFolding() {
        start(AccountsMode.OPTIONAL);
        HarnessClient mario = secure();
        assertOk(reply(mario, "REGISTER Mario s3cret-pass"));
        mario.send("EXIT");

        HarnessClient other = secure();
        for (String variant : List.of("Mario", "mario", "MARIO", "\uFF2Dario")) {
            assertError("name-registered", reply(other, "NAME " + variant));
            assertError("name-registered", reply(other, "REGISTER " + variant + " other-pass"));
        }
        assertOk(reply(other, "NAME Luigi"));
        assertError("name-taken", reply(secure(), "REGISTER luigi s3cret-pass"));
        // Its own anonymous name may be registered by the client that has it.
        assertEquals(Map.of("type", "ok", "command", "REGISTER", "name", "Luigi", "account", "Luigi"),
                reply(other, "REGISTER Luigi s3cret-pass"));
        assertEquals(Map.of("type", "ok", "command", "NAME", "name", "Luigi"), reply(other, "NAME Luigi"));
        assertError("bad-name", reply(other, "NAME Someone"));
    }

    // ---------------------------------------------------------------- several devices

    @Test
    void everyDeviceOfAnAccountGetsItsPrivateMessagesAndTheSendersOtherDevicesACopy() {
        start(AccountsMode.OPTIONAL);
        HarnessClient phone = secure();
        assertOk(reply(phone, "REGISTER Mario s3cret-pass"));
        HarnessClient laptop = secure();
        assertOk(reply(laptop, "LOGIN Mario s3cret-pass"));
        HarnessClient luigi = secure();
        assertOk(reply(luigi, "REGISTER Luigi s3cret-pass"));
        HarnessClient luigiTablet = secure();
        assertOk(reply(luigiTablet, "LOGIN Luigi s3cret-pass"));
        HarnessClient bystander = secure();
        for (HarnessClient c : List.of(phone, laptop, luigi, luigiTablet, bystander)) {
            c.drain();
        }

        Map<String, Object> sent = reply(luigi, "CHAT " + phone.id() + " ciao");
        assertOk(sent);
        Map<String, Object> onPhone = phone.takeType("message");
        Map<String, Object> onLaptop = laptop.takeType("message");
        Map<String, Object> onTablet = luigiTablet.takeType("message");
        assertEquals(sent.get("id"), onPhone.get("id"));
        assertEquals(onPhone, onLaptop, "every device gets the same line");
        assertEquals(onPhone, onTablet, "the sender's other device gets the same line as a copy");
        assertEquals(phone.id().value(), onPhone.get("to"));
        assertEquals("Luigi", ((Map<?, ?>) onPhone.get("from")).get("account"));
        assertEquals(List.of(), luigi.drain(), "the sending device gets its reply only");
        assertEquals(List.of(), bystander.drain());

        // One device leaving is an ordinary leave; the account keeps its name while another device is on.
        laptop.send("EXIT");
        assertEquals(laptop.id().value(), ((Map<?, ?>) bystander.takeType("leave").get("client")).get("id"));
        assertError("name-registered", reply(bystander, "NAME Mario"));
        assertEquals(1, chat.clients().stream().filter(i -> "mario".equals(i.account())).count());
    }

    // ---------------------------------------------------------------- limits

    @Test
    void theLoginTimeoutClosesOnlyThoseThatHaveNotLoggedIn() {
        start(AccountsMode.REQUIRED, b -> b.allowPlainLogin(true).preJoinTimeout(Duration.ofSeconds(30)));
        HarnessClient member = chat.connect();
        member.takeType("hello");
        member.send("REGISTER Mario s3cret-pass");
        member.takeType("welcome");
        member.takeJson();
        HarnessClient lingering = chat.connect();
        lingering.takeType("hello");

        clock.millis += 29_000;
        member.send("PING");
        member.takeType("pong");
        assertFalse(lingering.isClosed(), "not yet");
        clock.millis += 1_000;
        await().until(lingering::isClosed);
        assertEquals(Map.of("type", "bye", "reason", "login-timeout"), lingering.takeJson());
        assertEquals(LeaveReason.LOGIN_TIMEOUT, lingering.closeReason().orElseThrow());
        assertFalse(member.isClosed(), "a client that logged in stays");
        assertEquals(List.of(), member.drain(), "and hears nothing of one that never joined");
        // The audit log tells how the connection that never joined ended, under the id its commands were logged with.
        LogEvent.ClientDisconnected gone = log.await(LogEvent.ClientDisconnected.class,
                e -> e.client().id().equals(lingering.id()));
        assertEquals(LeaveReason.LOGIN_TIMEOUT, gone.reason());
        assertEquals(List.of(), log.events(LogEvent.ClientConnected.class).stream()
                .filter(e -> e.client().id().equals(lingering.id())).toList(), "it never joined");
    }

    @Test
    void aConnectionThatLeavesBeforeLoggingInIsLoggedAsDisconnectedOnce() {
        start(AccountsMode.REQUIRED, b -> b.allowPlainLogin(true));
        HarnessClient quitter = chat.connect();
        quitter.takeType("hello");
        quitter.send("EXIT");
        await().until(quitter::isClosed);
        LogEvent.ClientDisconnected gone = log.await(LogEvent.ClientDisconnected.class,
                e -> e.client().id().equals(quitter.id()));
        assertEquals(LeaveReason.EXIT, gone.reason());
        HarnessClient member = chat.connect();
        member.takeType("hello");
        member.send("REGISTER Mario s3cret-pass");
        member.takeType("welcome");
        member.send("EXIT");
        await().until(member::isClosed);
        log.await(LogEvent.ClientDisconnected.class, e -> e.client().id().equals(member.id()));
        chat.close();
        assertEquals(1, log.events(LogEvent.ClientDisconnected.class).stream()
                .filter(e -> e.client().id().equals(quitter.id())).count());
        assertEquals(1, log.events(LogEvent.ClientDisconnected.class).stream()
                .filter(e -> e.client().id().equals(member.id())).count(), "a joined client's leave, once");
    }

    @Test
    void attemptsPerAddressAreLimitedAndOthersAreNot() {
        start(AccountsMode.OPTIONAL, b -> b.maxLoginAttemptsPerAddress(3).maxLoginAttemptsPerAccount(100));
        HarnessClient guesser = chat.connect("192.0.2.66", true);
        guesser.takeType("welcome");
        for (int i = 0; i < 3; i++) {
            assertError("bad-credentials", reply(guesser, "LOGIN Mario guess-" + i + "xyz"));
        }
        Map<String, Object> refused = reply(guesser, "LOGIN Mario guess-4xyz");
        assertError("too-many-attempts", refused);
        assertEquals(20L, refused.get("retryAfterSeconds"), "one attempt back every 60 / 3 seconds");
        assertFalse(guesser.isClosed(), "the connection goes on");
        assertEquals("pong", reply(guesser, "PING").get("type"));
        // The same address on another connection is the same bucket; another address is not.
        HarnessClient sameAddress = chat.connect("192.0.2.66", true);
        sameAddress.takeType("welcome");
        assertError("too-many-attempts", reply(sameAddress, "REGISTER Mario s3cret-pass"));
        assertOk(reply(secure(), "REGISTER Mario s3cret-pass"));

        clock.millis += 20_000;
        assertOk(reply(guesser, "LOGIN Mario s3cret-pass"));
    }

    @Test
    void attemptsPerAccountAreLimitedFromEveryAddressAndOtherAccountsAreNot() {
        start(AccountsMode.OPTIONAL, b -> b.maxLoginAttemptsPerAddress(100).maxLoginAttemptsPerAccount(2));
        assertOk(reply(secure(), "REGISTER Mario s3cret-pass"));
        assertOk(reply(secure(), "REGISTER Luigi s3cret-pass"));
        assertError("bad-credentials", reply(secure(), "LOGIN Mario wrong-pass1"));
        assertError("bad-credentials", reply(secure(), "LOGIN MARIO wrong-pass2"));
        Map<String, Object> refused = reply(secure(), "LOGIN mario s3cret-pass");
        assertError("too-many-attempts", refused);
        assertEquals(30L, refused.get("retryAfterSeconds"));
        assertOk(reply(secure(), "LOGIN Luigi s3cret-pass"));
        clock.millis += 30_000;
        assertOk(reply(secure(), "LOGIN Mario s3cret-pass"));
        assertEquals("too-many-attempts",
                log.await(LogEvent.LoginFailed.class, e -> e.reason().equals("too-many-attempts")).reason());
    }

    @Test
    void anAttemptRefusedForTheAccountCostsTheAddressNothing() {
        start(AccountsMode.OPTIONAL, b -> b.maxLoginAttemptsPerAddress(3).maxLoginAttemptsPerAccount(1));
        assertOk(reply(secure(), "REGISTER Luigi s3cret-pass"));
        HarnessClient office = chat.connect("192.0.2.77", true); // one address for several people, as behind a NAT
        office.takeType("welcome");
        assertError("bad-credentials", reply(office, "LOGIN Mario guess-1xyz")); // Mario's one attempt, and one of 3
        for (int i = 0; i < 5; i++) {
            Map<String, Object> refused = reply(office, "LOGIN Mario guess-" + i + "abc");
            assertError("too-many-attempts", refused);
            assertTrue(((String) refused.get("message")).contains("for this account"), refused.toString());
        }
        // Refused for Mario's account before any password was tried: the address still has 2 of its 3 attempts.
        assertOk(reply(office, "LOGIN Luigi s3cret-pass"));
    }

    @Test
    void hashingRunsAtMostMaxConcurrentHashesAtOnceAndTheQueueIsBounded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        PasswordHasher slow = new PasswordHasher() {
            @Override
            public String hash(char[] password) {
                return FAST.hash(password);
            }

            @Override
            public boolean verify(char[] password, String encoded) {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                started.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running.decrementAndGet();
                return FAST.verify(password, encoded);
            }
        };
        start(AccountsMode.OPTIONAL, b -> b.passwordHasher(slow).maxConcurrentHashes(1).maxQueuedHashes(1));
        assertOk(reply(secure(), "REGISTER Mario s3cret-pass")); // hashing only: verify is what blocks
        // A harness client's send returns once its command is handled, so each LOGIN is sent from a thread of its own.
        HarnessClient first = secure();
        Thread running1 = Thread.ofVirtual().start(() -> first.send("LOGIN Mario s3cret-pass"));
        assertTrue(started.await(5, TimeUnit.SECONDS));
        // One hash runs. Of the two logins sent now, one takes the only place in the queue and waits; the other,
        // whichever comes second, is refused at once, so its thread is the one that ends.
        List<HarnessClient> next = List.of(secure(), secure());
        List<Thread> threads = new ArrayList<>();
        for (HarnessClient c : next) {
            threads.add(Thread.ofVirtual().start(() -> c.send("LOGIN Mario s3cret-pass")));
        }
        int refused = await().until(() -> !threads.get(0).isAlive() ? 0 : !threads.get(1).isAlive() ? 1 : -1, i -> i >= 0);
        assertError("server-busy", nextReply(next.get(refused)));
        assertTrue(threads.get(1 - refused).isAlive(), "the queued login waits for its turn");
        release.countDown();
        running1.join(5_000);
        threads.get(1 - refused).join(5_000);
        assertOk(nextReply(first));
        assertOk(nextReply(next.get(1 - refused)));
        assertEquals(1, most.get(), "never two at once");
    }

    @Test
    void theMemoryStoreIsBounded() {
        start(AccountsMode.OPTIONAL, b -> b.accountStore(new MemoryAccountStore(2)));
        assertOk(reply(secure(), "REGISTER Anna s3cret-pass"));
        assertOk(reply(secure(), "REGISTER Bea s3cret-pass"));
        assertError("accounts-unavailable", reply(secure(), "REGISTER Carla s3cret-pass"));
        assertEquals(2, chat.server().accounts().list().size());
        HarnessClient c = secure();
        assertOk(reply(c, "NAME Carla")); // nothing was left reserved
    }

    @Test
    void anAccountsSessionIsResumedOnlyByAConnectionLoggedIntoIt() {
        start(AccountsMode.OPTIONAL);
        HarnessClient mario = secure();
        assertOk(reply(mario, "REGISTER Mario s3cret-pass"));
        String token = (String) reply(mario, "SESSION").get("session");
        String id = mario.id().value();
        mario.disconnect();
        await().until(() -> chat.server().detachedSessions() == 1);

        HarnessClient stranger = secure();
        assertError("login-required", reply(stranger, "RESUME " + token + " 0"));
        HarnessClient back = secure();
        assertOk(reply(back, "LOGIN Mario s3cret-pass"));
        Map<String, Object> resumed = reply(back, "RESUME " + token + " 0");
        assertEquals("resumed", resumed.get("type"), () -> "resumed: " + resumed);
        assertEquals(id, resumed.get("id"));
        assertEquals("Mario", resumed.get("name"));
        assertEquals("mario", chat.clients().stream().filter(i -> i.id().value().equals(id)).findFirst()
                .orElseThrow().account());
        HarnessClient luigi = secure();
        luigi.send("CHAT " + id + " welcome back");
        assertEquals("welcome back", back.takeType("message").get("message"));
    }

    // ---------------------------------------------------------------- the owner

    @Test
    void theOwnerRemovesAnAccountAndItsDevicesAndSetsPasswords() {
        start(AccountsMode.OPTIONAL);
        HarnessClient phone = secure();
        assertOk(reply(phone, "REGISTER Mario s3cret-pass"));
        HarnessClient laptop = secure();
        assertOk(reply(laptop, "LOGIN Mario s3cret-pass"));
        HarnessClient other = secure();
        AccountAdmin admin = chat.server().accounts();

        assertTrue(admin.setPassword("MARIO", "0wner-set-pw".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> admin.setPassword("Mario", "short".toCharArray()));
        assertFalse(admin.setPassword("Nobody", "0wner-set-pw".toCharArray()));
        assertError("bad-credentials", reply(secure(), "LOGIN Mario s3cret-pass"));
        assertEquals("mario", admin.find("Mario").orElseThrow().key());

        assertTrue(admin.remove("Mario"));
        assertFalse(admin.remove("Mario"));
        for (HarnessClient device : List.of(phone, laptop)) {
            await().until(device::isClosed);
            assertEquals(Map.of("type", "bye", "reason", "account-removed"), device.takeType("bye"));
        }
        assertFalse(other.isClosed());
        assertOk(reply(other, "NAME Mario")); // the name is free again
        assertEquals(2, log.await(LogEvent.AccountRemoved.class, e -> true).devices());
        assertEquals(List.of(), admin.list());
    }
}
