package io.aurachat.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.accounts.Account;
import io.aurachat.accounts.AccountStoreException;
import io.aurachat.accounts.AccountsMode;
import io.aurachat.accounts.PasswordHasher;
import io.aurachat.server.ServerConfig;
import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.HarnessClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteAccountStoreTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00.123Z");

    @TempDir
    Path dir;

    @Test
    void itKeepsAccountsAcrossAReopen() {
        Path file = dir.resolve("chat.db");
        try (SqliteAccountStore store = SqliteAccountStore.open(file)) {
            assertTrue(store.createIfAbsent(new Account("Mario", "mario", "$h1", T0)));
            assertFalse(store.createIfAbsent(new Account("MARIO", "mario", "$h2", T0)), "the key is taken");
            assertTrue(store.createIfAbsent(new Account("Luigi", "luigi", "$h3", T0)));
            assertTrue(store.updateHash("mario", "$h4"));
            assertFalse(store.updateHash("nobody", "$h4"));
            assertTrue(store.delete("luigi"));
            assertFalse(store.delete("luigi"));
        }
        try (SqliteAccountStore store = SqliteAccountStore.open(file)) {
            assertEquals(List.of(new Account("Mario", "mario", "$h4", T0)), store.list());
            assertEquals(new Account("Mario", "mario", "$h4", T0), store.find("mario").orElseThrow());
            assertTrue(store.find("luigi").isEmpty());
            assertEquals(1, store.count());
        }
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs({org.junit.jupiter.api.condition.OS.LINUX,
            org.junit.jupiter.api.condition.OS.MAC})
    void newAccountAndHistoryFilesAreReadableByTheOwnerOnly() throws Exception {
        try (SqliteAccountStore store = SqliteAccountStore.open(dir.resolve("accounts.db"));
                SqliteHistoryStore history = SqliteHistoryStore.builder(dir.resolve("history.db")).build()) {
            assertTrue(store.createIfAbsent(new Account("Mario", "mario", "$h1", T0)));
            history.open();
            history.append(new io.aurachat.history.StoredMessage(1L << 22, "*", "c1", "Mario", "127.0.0.1", null,
                    "hello"));
            assertEquals(1, history.query(io.aurachat.history.HistoryQuery.latest("*", 10)).toCompletableFuture()
                    .join().messages().size(), "committed, the query waits for it");
            try (var files = Files.list(dir)) {
                List<Path> all = files.toList();
                assertTrue(all.stream().anyMatch(p -> p.toString().endsWith("-wal")), all.toString());
                for (Path p : all) { // the databases and SQLite's -wal and -shm beside them
                    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(p)), p.toString());
                }
            }
        }
    }

    @Test
    void ofConcurrentRegistrationsOfOneNameExactlyOneWins() throws Exception {
        try (SqliteAccountStore store = SqliteAccountStore.open(dir.resolve("chat.db"));
                ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String hash = "$h" + i;
                tasks.add(() -> store.createIfAbsent(new Account("Mario", "mario", hash, T0)));
            }
            int won = 0;
            for (Future<Boolean> f : pool.invokeAll(tasks)) {
                won += f.get() ? 1 : 0;
            }
            assertEquals(1, won);
        }
    }

    @Test
    void aFileThatIsNotADatabaseAndAClosedStoreFail() throws Exception {
        Path junk = dir.resolve("junk.db");
        Files.writeString(junk, "this is not a database, not even close, and long enough to be read as a header");
        assertThrows(AccountStoreException.class, () -> SqliteAccountStore.open(junk));
        SqliteAccountStore store = SqliteAccountStore.open(dir.resolve("chat.db"));
        store.close();
        store.close();
        assertThrows(AccountStoreException.class, () -> store.find("mario"));
    }

    @Test
    void anAccountOutlivesTheServerBesideTheHistoryInOneFile() {
        Path file = dir.resolve("chat.db");
        PasswordHasher hasher = PasswordHasher.pbkdf2(1);
        try (SqliteAccountStore accounts = SqliteAccountStore.open(file)) {
            try (ChatHarness chat = ChatHarness.start(config(accounts, file, hasher))) {
                HarnessClient mario = chat.connect("192.0.2.1", true);
                mario.takeType("hello");
                mario.send("REGISTER Mario s3cret-pass");
                mario.takeType("welcome");
                assertEquals("ok", mario.takeJson().get("type"));
            }
        }
        try (SqliteAccountStore accounts = SqliteAccountStore.open(file);
                ChatHarness chat = ChatHarness.start(config(accounts, file, hasher))) {
            HarnessClient again = chat.connect("192.0.2.2", true);
            again.takeType("hello");
            again.send("LOGIN mario s3cret-pass");
            assertEquals("Mario", again.takeType("welcome").get("account"));
            assertEquals(Map.of("type", "ok", "command", "LOGIN", "name", "Mario", "account", "Mario"),
                    again.takeJson());
            HarnessClient other = chat.connect("192.0.2.3", true);
            other.takeType("hello");
            other.send("REGISTER MARIO another-pass");
            assertEquals("name-registered", other.takeJson().get("code"), "the name is still the account's");
        }
    }

    /** Logs a new connection into {@code name} (registering it if {@code verb} says so); its id from the welcome. */
    private static HarnessClient device(ChatHarness chat, int n, String verb, String name) {
        HarnessClient c = chat.connect("192.0.2." + n, true);
        c.takeType("hello");
        c.send(verb + " " + name + " s3cret-pass");
        c.takeType("welcome");
        assertEquals("ok", replyTo(c, verb).get("type"));
        return c;
    }

    private static Map<String, Object> replyTo(HarnessClient c, String command) {
        while (true) {
            Map<String, Object> next = c.takeJson();
            if (command.equals(next.get("command"))) {
                return next;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> privateHistory(HarnessClient c) {
        c.send("HISTORY @ LATEST");
        Map<String, Object> page = replyTo(c, "HISTORY");
        assertEquals("history", page.get("type"), () -> "not a page: " + page);
        return ((List<Map<String, Object>>) page.get("messages")).stream().map(m -> (String) m.get("message"))
                .toList();
    }

    @Test
    void anAccountsPrivateHistoryOutlivesTheServerInTheHistoryFile() {
        Path file = dir.resolve("chat.db");
        PasswordHasher hasher = PasswordHasher.pbkdf2(1);
        try (SqliteAccountStore accounts = SqliteAccountStore.open(file)) {
            try (ChatHarness chat = ChatHarness.start(config(accounts, file, hasher))) {
                HarnessClient phone = device(chat, 1, "REGISTER", "Mario");
                HarnessClient laptop = device(chat, 2, "LOGIN", "Mario");
                HarnessClient luigi = device(chat, 3, "REGISTER", "Luigi");
                luigi.send("CHAT " + laptop.id() + " ciao Mario");
                assertEquals("ok", replyTo(luigi, "CHAT").get("type"));
                phone.send("CHAT " + luigi.id() + " ciao Luigi");
                assertEquals("ok", replyTo(phone, "CHAT").get("type"));
                assertEquals(List.of("ciao Mario", "ciao Luigi"), privateHistory(laptop));
            }
            try (ChatHarness chat = ChatHarness.start(config(accounts, file, hasher))) {
                HarnessClient mario = device(chat, 4, "LOGIN", "Mario");
                assertEquals(List.of("ciao Mario", "ciao Luigi"), privateHistory(mario), "kept across the restart");
                HarnessClient peach = device(chat, 5, "REGISTER", "Peach");
                assertEquals(List.of(), privateHistory(peach));
                peach.send("CHAT " + mario.id() + " ciao from Peach");
                assertEquals("ok", replyTo(peach, "CHAT").get("type"));
                assertEquals(List.of("Peach: ciao from Peach", "Luigi: ciao Luigi"), conversations(mario),
                        "the conversations from the file, the latest first");
                assertTrue(chat.server().accounts().remove("Mario"));
                HarnessClient newMario = device(chat, 6, "REGISTER", "Mario");
                assertEquals(List.of(), privateHistory(newMario), "the removed account's messages are gone");
                HarnessClient luigi = device(chat, 7, "LOGIN", "Luigi");
                assertEquals(List.of("ciao Mario", "ciao Luigi"), privateHistory(luigi));
            }
        }
    }

    /** {@code HISTORY @ CONVERSATIONS}, each as "account: latest text". */
    @SuppressWarnings("unchecked")
    private static List<String> conversations(HarnessClient c) {
        c.send("HISTORY @ CONVERSATIONS");
        Map<String, Object> reply = replyTo(c, "HISTORY");
        assertEquals("conversations", reply.get("type"), () -> "not a list: " + reply);
        return ((List<Map<String, Object>>) reply.get("conversations")).stream()
                .map(m -> m.get("account") + ": " + ((Map<String, Object>) m.get("latest")).get("message")).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> history(HarnessClient c, String target) {
        c.send("HISTORY " + target + " LATEST");
        Map<String, Object> page = replyTo(c, "HISTORY");
        assertEquals("history", page.get("type"), () -> "not a page: " + page);
        return (List<Map<String, Object>>) page.get("messages");
    }

    @Test
    void theSendersAccountOfEveryTargetOutlivesTheServerInTheHistoryFile() {
        Path file = dir.resolve("chat.db");
        PasswordHasher hasher = PasswordHasher.pbkdf2(1);
        try (SqliteAccountStore accounts = SqliteAccountStore.open(file)) {
            Map<String, Object> say;
            Map<String, Object> post;
            try (ChatHarness chat = ChatHarness.start(config(accounts, file, hasher))) {
                HarnessClient mario = device(chat, 1, "REGISTER", "Mario");
                HarnessClient luigi = device(chat, 2, "REGISTER", "Luigi");
                for (HarnessClient c : List.of(mario, luigi)) {
                    c.send("JOIN Lobby");
                    assertEquals("ok", replyTo(c, "JOIN").get("type"));
                }
                mario.send("SAY ciao a tutti");
                assertEquals("ok", replyTo(mario, "SAY").get("type"));
                say = luigi.takeType("message");
                mario.send("POST Lobby ciao stanza");
                assertEquals("ok", replyTo(mario, "POST").get("type"));
                post = luigi.takeType("message");
                assertEquals("Mario", ((Map<?, ?>) say.get("from")).get("account"), () -> "live: " + say);
                assertEquals(List.of(say), history(luigi, "*"));
            }
            try (ChatHarness chat = ChatHarness.start(config(accounts, file, hasher))) {
                HarnessClient luigi = device(chat, 3, "LOGIN", "Luigi");
                luigi.send("JOIN Lobby");
                assertEquals("ok", replyTo(luigi, "JOIN").get("type"));
                assertEquals(List.of(say), history(luigi, "*"), "from the file, as it was sent");
                assertEquals(List.of(post), history(luigi, "Lobby"));
            }
        }
    }

    private static ServerConfig config(SqliteAccountStore accounts, Path file, PasswordHasher hasher) {
        return ServerConfig.builder().accounts(AccountsMode.REQUIRED).accountStore(accounts).passwordHasher(hasher)
                .historyStore(SqliteHistoryStore.builder(file).build()).build();
    }
}
