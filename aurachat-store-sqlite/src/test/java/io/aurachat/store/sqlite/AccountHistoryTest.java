package io.aurachat.store.sqlite;

import static io.aurachat.store.sqlite.Fixtures.failure;
import static io.aurachat.store.sqlite.Fixtures.ids;
import static io.aurachat.store.sqlite.Fixtures.jdbc;
import static io.aurachat.store.sqlite.Fixtures.message;
import static io.aurachat.store.sqlite.Fixtures.page;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.HistoryPage;
import io.aurachat.history.HistoryQuery;
import io.aurachat.history.MessageIds;
import io.aurachat.history.NoSuchMessageException;
import io.aurachat.history.StoredMessage;
import io.aurachat.store.sqlite.Fixtures.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accounts in the file: the private messages of accounts ({@code @key} targets), one message under two targets;
 * the sender's account of every message; the migrations to schema 3.
 */
class AccountHistoryTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);

    private static long id(long seq) {
        return MessageIds.first(NOW.toEpochMilli(), 0) + seq;
    }

    /** A private message from Ann's account to Bob's, as the server keeps it under {@code target}. */
    private static StoredMessage between(long id, String target) {
        return new StoredMessage(id, target, "c1", "Ann", "10.0.0.1", "c2", "text " + id + " \u00e9\ud83d\ude00",
                "ann", "Bob", "bob");
    }

    /** A message of {@code target} from Ann, logged into her account (to {@code c2} if private). */
    private static StoredMessage fromAnn(long id, String target) {
        String to = StoredMessage.PRIVATE.equals(target) ? "c2" : null;
        return new StoredMessage(id, target, "c1", "Ann", "10.0.0.1", to, "from Ann " + id + " \u00e9", "ann", null,
                null);
    }

    /** Both copies of a message between Ann and Bob, and the {@code @} one. */
    private static void sendBoth(SqliteHistoryStore store, long id) {
        store.append(message(id, StoredMessage.PRIVATE));
        store.append(between(id, "@ann"));
        store.append(between(id, "@bob"));
    }

    private SqliteHistoryStore store(Path file) {
        return SqliteHistoryStore.builder(file).clock(clock).build();
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void oneMessageIsKeptUnderEachAccountWithEveryFieldAndPagesLikeAnyTarget() throws Exception {
        try (SqliteHistoryStore store = store(dir.resolve("h.db"))) {
            store.open();
            for (int i = 1; i <= 5; i++) {
                sendBoth(store, id(i));
            }
            store.append(between(id(6), "@ann")); // Ann to an anonymous client: her side only

            assertEquals(LongStream.rangeClosed(1, 6).mapToObj(AccountHistoryTest::id).toList(),
                    ids(page(store, HistoryQuery.latest("@ann", 10))));
            HistoryPage bob = page(store, HistoryQuery.latest("@bob", 10));
            assertEquals(5, bob.messages().size());
            assertEquals(between(id(1), "@bob"), bob.messages().get(0), "every field comes back");
            assertEquals(List.of(id(2), id(3)), ids(page(store, HistoryQuery.before("@bob", id(4), 2))));
            assertEquals(List.of(id(5)), ids(page(store, HistoryQuery.after("@bob", id(4), 2))));
            assertEquals(List.of(id(3)), ids(page(store, HistoryQuery.between("@ann", id(4), id(2), 10))));
            assertEquals(List.of(id(5), id(6)), ids(page(store, HistoryQuery.since("@ann", id(4), null, 10))));
            assertInstanceOf(NoSuchMessageException.class, failure(store, HistoryQuery.before("@bob", id(6), 2)),
                    "a message of Ann's is not one of Bob's");
            assertInstanceOf(NoSuchMessageException.class, failure(store, HistoryQuery.before("@cid", id(1), 2)));
            assertEquals(List.of(), page(store, HistoryQuery.latest("@cid", 10)).messages());
            // The @ copies stay in memory, as before: a resume of an anonymous client reads them.
            assertEquals(5, page(store, HistoryQuery.latest(StoredMessage.PRIVATE, 10)).messages().size());
            assertEquals(0, store.dropped(), "no copy was refused as a duplicate id");
        }
    }

    @Test
    void aPeerPagesOneConversationOfAnAccountThroughItsIndex() throws Exception {
        Path file = dir.resolve("h.db");
        try (SqliteHistoryStore store = store(file)) {
            store.open();
            // Ann's side: 1 and 6 to Bob, 2 from Bob, 3 to Cid, 4 from an anonymous client, 5 between her own devices,
            // 7 from Dan, 8 to an anonymous client.
            String[][] sides = {{"ann", "bob"}, {"bob", "ann"}, {"ann", "cid"}, {null, "ann"}, {"ann", "ann"},
                {"ann", "bob"}, {"dan", "ann"}, {"ann", null}};
            for (int i = 0; i < sides.length; i++) {
                store.append(new StoredMessage(id(i + 1), "@ann", "c" + i, "N" + i, "10.0.0.1", "c9", "t" + (i + 1),
                        sides[i][0], "R" + i, sides[i][1]));
            }
            store.append(between(id(9), "@bob")); // Bob's own target: never Ann's

            HistoryPage bob = page(store, HistoryQuery.latest("@ann", 10).withPeer("bob"));
            assertEquals(List.of(id(1), id(2), id(6)), ids(bob), "both ways");
            assertFalse(bob.more());
            HistoryPage last2 = page(store, HistoryQuery.latest("@ann", 2).withPeer("bob"));
            assertEquals(List.of(id(2), id(6)), ids(last2));
            assertTrue(last2.more());
            HistoryPage before = page(store, HistoryQuery.before("@ann", id(6), 10).withPeer("bob"));
            assertEquals(List.of(id(1), id(2)), ids(before));
            assertFalse(before.more());
            HistoryPage after = page(store, HistoryQuery.after("@ann", id(1), 1).withPeer("bob"));
            assertEquals(List.of(id(2)), ids(after));
            assertTrue(after.more());
            assertEquals(List.of(id(2)),
                    ids(page(store, HistoryQuery.between("@ann", id(6), id(1), 10).withPeer("bob"))));
            assertEquals(List.of(id(1), id(2)),
                    ids(page(store, HistoryQuery.before("@ann", id(4), 10).withPeer("bob"))),
                    "a bound of another conversation is a position");
            assertEquals(List.of(id(5)), ids(page(store, HistoryQuery.latest("@ann", 10).withPeer("ann"))), "her own");
            assertEquals(List.of(id(3)), ids(page(store, HistoryQuery.latest("@ann", 10).withPeer("cid"))));
            assertEquals(List.of(id(7)), ids(page(store, HistoryQuery.latest("@ann", 10).withPeer("dan"))));
            assertEquals(List.of(), page(store, HistoryQuery.latest("@ann", 10).withPeer("eve")).messages());
            assertInstanceOf(NoSuchMessageException.class,
                    failure(store, HistoryQuery.before("@ann", id(9), 10).withPeer("bob")), "a message of Bob's only");
            assertEquals(List.of(id(9)), ids(page(store, HistoryQuery.latest("@bob", 10).withPeer("ann"))));
        }
        // The pages of a conversation are read through the index on the other side, not by a scan of the target.
        try (Connection c = jdbc(file); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN SELECT id FROM account_messages "
                        + "WHERE target = '@ann' AND " + Schema.PEER + " = 'bob' AND id < 5 "
                        + "ORDER BY id DESC LIMIT 3")) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString("detail")).append('\n');
            }
            assertTrue(plan.toString().contains("account_messages_by_peer"), plan.toString());
            assertFalse(plan.toString().contains("TEMP B-TREE"), "no sort: " + plan);
        }
    }

    @Test
    void aRestartKeepsTheAccountsHistoryAndItsHighestId() throws Exception {
        Path file = dir.resolve("h.db");
        try (SqliteHistoryStore store = store(file)) {
            store.open();
            store.append(message(id(1), StoredMessage.EVERYONE));
            sendBoth(store, id(2));
        }
        try (SqliteHistoryStore again = store(file)) {
            assertEquals(id(2), again.open(), "the highest id counts the account table");
            assertEquals(List.of(between(id(2), "@ann")), page(again, HistoryQuery.latest("@ann", 10)).messages());
            assertEquals(List.of(id(2)), ids(page(again, HistoryQuery.latest("@bob", 10))));
            assertEquals(List.of(), page(again, HistoryQuery.latest(StoredMessage.PRIVATE, 10)).messages(),
                    "the @ copies were in memory");
        }
    }

    @Test
    void aVersion1FileIsMigratedInPlaceAndKeepsItsMessages() throws Exception {
        Path file = dir.resolve("v1.db");
        // The layout of aurachat-store-sqlite before version 2, as it wrote it.
        try (Connection c = jdbc(file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE messages(id INTEGER PRIMARY KEY, target TEXT NOT NULL, time_ms INTEGER NOT NULL, "
                    + "sender TEXT NOT NULL, sender_name TEXT NOT NULL, ip TEXT NOT NULL, recipient TEXT, "
                    + "text TEXT NOT NULL)");
            s.execute("CREATE INDEX messages_by_target ON messages(target, id)");
            s.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)");
            s.execute("INSERT INTO meta VALUES ('schema_version', '1')");
            for (int i = 1; i <= 3; i++) {
                s.execute("INSERT INTO messages VALUES (" + id(i) + ", 'lobby', " + NOW.toEpochMilli()
                        + ", 'c1', 'Ann', '10.0.0.1', NULL, 'old " + i + "')");
            }
        }
        try (SqliteHistoryStore store = store(file)) {
            assertEquals(id(3), store.open());
            assertEquals(List.of(id(1), id(2), id(3)), ids(page(store, HistoryQuery.latest("lobby", 10))));
            assertEquals("old 2", page(store, HistoryQuery.latest("lobby", 10)).messages().get(1).text());
            sendBoth(store, id(4));
            assertEquals(List.of(id(4)), ids(page(store, HistoryQuery.latest("@ann", 10))));
        }
        try (Connection c = jdbc(file)) {
            assertEquals(3, count(c, "SELECT value FROM meta WHERE key = 'schema_version'"));
            assertEquals(3, count(c, "SELECT count(*) FROM messages WHERE sender_account IS NULL"));
            assertEquals(2, count(c, "SELECT count(*) FROM account_messages WHERE id = " + id(4)));
        }
        try (SqliteHistoryStore again = store(file)) { // and a version-3 file opens as it is
            assertEquals(id(4), again.open());
            assertEquals(List.of(id(4)), ids(page(again, HistoryQuery.latest("@bob", 10))));
        }
    }

    @Test
    void theSendersAccountIsKeptForEveryTargetAcrossARestart() throws Exception {
        Path file = dir.resolve("h.db");
        List<String> targets = List.of(StoredMessage.EVERYONE, "lobby", StoredMessage.PRIVATE);
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).clock(clock).privateMessagesInFile(true)
                .build()) {
            store.open();
            for (int i = 0; i < targets.size(); i++) {
                store.append(fromAnn(id(2 * i + 1), targets.get(i)));
                store.append(message(id(2 * i + 2), targets.get(i))); // an anonymous sender's
            }
        }
        try (SqliteHistoryStore again = SqliteHistoryStore.builder(file).clock(clock).privateMessagesInFile(true)
                .build()) {
            again.open();
            for (int i = 0; i < targets.size(); i++) {
                String target = targets.get(i);
                assertEquals(List.of(fromAnn(id(2 * i + 1), target), message(id(2 * i + 2), target)),
                        page(again, HistoryQuery.latest(target, 10)).messages(), target);
            }
        }
        try (Connection c = jdbc(file)) {
            assertEquals(3, count(c, "SELECT count(*) FROM messages WHERE sender_account = 'ann'"));
            assertEquals(3, count(c, "SELECT count(*) FROM messages WHERE sender_account IS NULL"));
        }
    }

    /** The layout of version 2, as aurachat-store-sqlite wrote it: {@code messages} without {@code sender_account}. */
    private static void version2(Path file, boolean withSenderAccount) throws SQLException {
        try (Connection c = jdbc(file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE messages(id INTEGER PRIMARY KEY, target TEXT NOT NULL, time_ms INTEGER NOT NULL, "
                    + "sender TEXT NOT NULL, sender_name TEXT NOT NULL, ip TEXT NOT NULL, recipient TEXT, "
                    + "text TEXT NOT NULL)");
            s.execute("CREATE INDEX messages_by_target ON messages(target, id)");
            s.execute("CREATE TABLE account_messages(target TEXT NOT NULL, id INTEGER NOT NULL, "
                    + "time_ms INTEGER NOT NULL, sender TEXT NOT NULL, sender_name TEXT NOT NULL, ip TEXT NOT NULL, "
                    + "recipient TEXT, text TEXT NOT NULL, sender_account TEXT, recipient_name TEXT, "
                    + "recipient_account TEXT, PRIMARY KEY (target, id)) WITHOUT ROWID");
            s.execute("CREATE INDEX account_messages_by_id ON account_messages(id)");
            s.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)");
            s.execute("INSERT INTO meta VALUES ('schema_version', '2')");
            for (int i = 1; i <= 2; i++) {
                s.execute("INSERT INTO messages VALUES (" + id(i) + ", 'lobby', " + NOW.toEpochMilli()
                        + ", 'c1', 'Ann', '10.0.0.1', NULL, 'old " + i + "')");
            }
            s.execute("INSERT INTO account_messages VALUES ('@ann', " + id(3) + ", " + NOW.toEpochMilli()
                    + ", 'c1', 'Ann', '10.0.0.1', 'c2', 'old private', 'ann', 'Bob', 'bob')");
            if (withSenderAccount) {
                s.execute("ALTER TABLE messages ADD COLUMN sender_account TEXT");
            }
        }
    }

    @Test
    void aVersion2FileIsMigratedInPlaceAndItsOldRowsHaveNoAccount() throws Exception {
        Path file = dir.resolve("v2.db");
        version2(file, false);
        try (SqliteHistoryStore store = store(file)) {
            assertEquals(id(3), store.open());
            // The readers open after the migration: they read the new column from the first query.
            assertEquals(List.of(new StoredMessage(id(1), "lobby", "c1", "Ann", "10.0.0.1", null, "old 1"),
                    new StoredMessage(id(2), "lobby", "c1", "Ann", "10.0.0.1", null, "old 2")),
                    page(store, HistoryQuery.latest("lobby", 10)).messages());
            assertEquals(List.of(new StoredMessage(id(3), "@ann", "c1", "Ann", "10.0.0.1", "c2", "old private", "ann",
                    "Bob", "bob")), page(store, HistoryQuery.latest("@ann", 10)).messages());
            store.append(fromAnn(id(4), "lobby"));
            assertEquals(fromAnn(id(4), "lobby"), page(store, HistoryQuery.latest("lobby", 1)).messages().get(0));
        }
        try (Connection c = jdbc(file)) {
            assertEquals(3, count(c, "SELECT value FROM meta WHERE key = 'schema_version'"));
            assertEquals(2, count(c, "SELECT count(*) FROM messages WHERE sender_account IS NULL"));
            assertEquals(1, count(c, "SELECT count(*) FROM messages WHERE sender_account = 'ann'"));
        }
        try (SqliteHistoryStore again = store(file)) { // and a version-3 file opens as it is
            assertEquals(id(4), again.open());
            assertEquals(List.of(id(1), id(2), id(4)), ids(page(again, HistoryQuery.latest("lobby", 10))));
            assertEquals(fromAnn(id(4), "lobby"), page(again, HistoryQuery.latest("lobby", 1)).messages().get(0));
        }
    }

    @Test
    void aVersion2FileThatHasTheColumnAlreadyIsMigratedToo() throws Exception {
        // As if the column had been added and the version not recorded: the migration adds it only when missing.
        Path file = dir.resolve("v2.db");
        version2(file, true);
        try (SqliteHistoryStore store = store(file)) {
            assertEquals(id(3), store.open());
            store.append(fromAnn(id(4), "lobby"));
            assertEquals(List.of(id(1), id(2), id(4)), ids(page(store, HistoryQuery.latest("lobby", 10))));
            assertEquals(fromAnn(id(4), "lobby"), page(store, HistoryQuery.latest("lobby", 1)).messages().get(0));
        }
        try (Connection c = jdbc(file)) {
            assertEquals(3, count(c, "SELECT value FROM meta WHERE key = 'schema_version'"));
        }
    }

    @Test
    void maxPerTargetAndMaxAgeApplyToEachAccount() throws Exception {
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(dir.resolve("h.db")).clock(clock).maxPerTarget(3)
                .maxAge(Duration.ofMinutes(10)).build()) {
            store.open();
            for (int i = 1; i <= 6; i++) {
                sendBoth(store, id(i));
            }
            store.append(between(id(7), "@ann"));
            store.runRetention();
            assertEquals(List.of(id(5), id(6), id(7)), ids(page(store, HistoryQuery.latest("@ann", 10))));
            assertEquals(List.of(id(4), id(5), id(6)), ids(page(store, HistoryQuery.latest("@bob", 10))));
            assertEquals(id(4), store.lostUpTo("@ann"));

            long later = MessageIds.first(NOW.plusSeconds(300).toEpochMilli(), 0);
            store.append(between(later, "@bob"));
            clock.advance(Duration.ofMinutes(11)); // everything but the last is over 10 minutes old
            store.runRetention();
            assertEquals(List.of(), page(store, HistoryQuery.latest("@ann", 10)).messages());
            assertEquals(List.of(later), ids(page(store, HistoryQuery.latest("@bob", 10))));
            assertEquals(id(7), store.lostUpTo("@ann"));
        }
    }

    @Test
    void forgetDeletesOneAccountsRowsAfterThoseQueuedBeforeIt() throws Exception {
        Path file = dir.resolve("h.db");
        try (SqliteHistoryStore store = store(file)) {
            store.open();
            sendBoth(store, id(1));
            store.pauseWriter(); // what is appended now is still queued when forget is asked
            sendBoth(store, id(2));
            store.forget("@ann");
            store.resumeWriter();
            assertEquals(List.of(), page(store, HistoryQuery.latest("@ann", 10)).messages(),
                    "the queued copy went too");
            assertEquals(List.of(id(1), id(2)), ids(page(store, HistoryQuery.latest("@bob", 10))));
            assertEquals(0, store.lostUpTo("@ann"), "forgetting is not losing");
            store.append(between(id(3), "@ann")); // a new account of the name starts from here
            assertEquals(List.of(id(3)), ids(page(store, HistoryQuery.latest("@ann", 10))));
        }
        try (Connection c = jdbc(file)) {
            assertEquals(1, count(c, "SELECT count(*) FROM account_messages WHERE target = '@ann'"));
            assertEquals(2, count(c, "SELECT count(*) FROM account_messages WHERE target = '@bob'"));
        }
    }

    @Test
    void aQueryAfterForgetDoesNotSeeTheForgottenRows() throws Exception {
        try (SqliteHistoryStore store = store(dir.resolve("h.db"))) {
            store.open();
            for (int round = 1; round <= 20; round++) {
                store.append(between(id(round), "@ann"));
                assertEquals(List.of(id(round)), ids(page(store, HistoryQuery.latest("@ann", 10))));
                store.forget("@ann");
                HistoryPage after = page(store, HistoryQuery.latest("@ann", 10));
                assertEquals(List.of(), after.messages(), "round " + round);
                assertFalse(after.more());
            }
        }
    }
}
