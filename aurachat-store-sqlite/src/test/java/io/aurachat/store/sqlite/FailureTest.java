package io.aurachat.store.sqlite;

import static io.aurachat.store.sqlite.Fixtures.failure;
import static io.aurachat.store.sqlite.Fixtures.ids;
import static io.aurachat.store.sqlite.Fixtures.jdbc;
import static io.aurachat.store.sqlite.Fixtures.message;
import static io.aurachat.store.sqlite.Fixtures.page;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.history.HistoryQuery;
import io.aurachat.history.HistoryUnavailableException;
import io.aurachat.history.MessageIds;
import io.aurachat.history.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What goes wrong: files that are not a history, writes that fail, a full queue; and the file seen from outside. */
class FailureTest {
    @TempDir
    Path dir;

    @Test
    void aFileThatIsNotADatabaseFailsToOpen() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "these are my notes, not an SQLite database\n".repeat(200), StandardCharsets.UTF_8);
        SqliteHistoryStore store = SqliteHistoryStore.builder(file).build();
        HistoryUnavailableException e = assertThrows(HistoryUnavailableException.class, store::open);
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a database"), e.getMessage());
        assertInstanceOf(HistoryUnavailableException.class, failure(store, HistoryQuery.latest("*", 1)));
        assertDoesNotThrow(store::close);
        assertEquals("these are my notes, not an SQLite database\n".repeat(200), Files.readString(file),
                "the file is left as it was");
    }

    @Test
    void aDatabaseOfAnotherSchemaVersionFailsToOpen() throws Exception {
        Path file = dir.resolve("h.db");
        try (Connection c = jdbc(file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)");
            s.execute("INSERT INTO meta VALUES ('schema_version', '4')");
        }
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).build()) {
            HistoryUnavailableException e = assertThrows(HistoryUnavailableException.class, store::open);
            assertTrue(e.getMessage().contains("schema_version 4"), e.getMessage());
        }
    }

    @Test
    void aDirectoryThatCannotBeMadeFailsToOpen() throws Exception {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(notADir.resolve("h.db")).build()) {
            assertThrows(HistoryUnavailableException.class, store::open);
        }
    }

    @Test
    void theDirectoryIsMadeIfMissing() throws Exception {
        Path file = dir.resolve("a/b/c/h.db");
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).build()) {
            assertEquals(0, store.open());
        }
        assertTrue(Files.isRegularFile(file));
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlocking() throws Exception {
        long base = MessageIds.first(System.currentTimeMillis(), 0);
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(dir.resolve("h.db")).queueCapacity(10).build()) {
            store.open();
            store.pauseWriter();
            for (int i = 1; i <= 10; i++) {
                store.append(message(base + i, "*"));
            }
            assertEquals(0, store.lostUpTo("*"), "queued, not lost");
            for (int i = 11; i <= 14; i++) {
                store.append(message(base + i, "*"));
            }
            assertEquals(10, store.queued());
            assertEquals(4, store.dropped(), "the 4 beyond the capacity");
            assertTrue(store.lostUpTo("*") >= base + 14, "up to the last dropped");
            assertTrue(store.lostUpTo("room") >= base + 14, "a drop counts for every target");
            // A query waits a second at most for the held-back writer, then answers from what is committed.
            assertEquals(List.of(), page(store, HistoryQuery.latest("*", 100)).messages());

            store.resumeWriter();
            assertEquals(LongStream.rangeClosed(1, 10).map(i -> base + i).boxed().toList(),
                    ids(page(store, HistoryQuery.latest("*", 100))));
            store.append(message(base + 20, "*"));
            assertEquals(List.of(base + 20), ids(page(store, HistoryQuery.latest("*", 1))));
            assertEquals(4, store.dropped());
        }
    }

    @Test
    void aFailingWriteDropsItsBatchAndTheWriterRecovers() throws Exception {
        Path file = dir.resolve("h.db");
        long base = MessageIds.first(System.currentTimeMillis(), 0);
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).build(); Connection other = jdbc(file)) {
            store.open();
            for (int i = 1; i <= 3; i++) {
                store.append(message(base + i, "*"));
            }
            assertEquals(3, page(store, HistoryQuery.latest("*", 100)).messages().size());
            assertEquals(0, store.lostUpTo("*"));

            try (Statement s = other.createStatement()) {
                s.execute("DROP TABLE messages"); // behind the store's back
            }
            for (int i = 4; i <= 7; i++) {
                long id = base + i;
                assertDoesNotThrow(() -> store.append(message(id, "*")));
            }
            // The query waits until the writer is done with the 4 (it failed them), then fails itself.
            assertInstanceOf(HistoryUnavailableException.class, failure(store, HistoryQuery.latest("*", 100)));
            assertEquals(4, store.dropped());
            assertTrue(store.lostUpTo("*") >= base + 7, "up to the failed batch's newest");

            try (Statement s = other.createStatement()) {
                s.execute(Schema.CREATE_MESSAGES);
                s.execute(Schema.CREATE_INDEX);
            }
            store.append(message(base + 8, "*"));
            store.append(message(base + 9, "*"));
            assertEquals(List.of(base + 8, base + 9), ids(page(store, HistoryQuery.latest("*", 100))));
            assertEquals(4, store.dropped());
        }
    }

    @Test
    void aDuplicateIdIsCountedAndTheFirstIsKept() throws Exception {
        long base = MessageIds.first(System.currentTimeMillis(), 0);
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(dir.resolve("h.db")).build()) {
            store.open();
            store.append(message(base + 1, "*"));
            store.append(message(base + 2, "*"));
            store.append(new StoredMessage(base + 1, "*", "c9", "impostor", "127.0.0.1", null, "again"));
            store.append(message(base + 3, "*"));
            var page = page(store, HistoryQuery.latest("*", 10));
            assertEquals(List.of(base + 1, base + 2, base + 3), ids(page), "the rest of the batch is stored");
            assertEquals(message(base + 1, "*"), page.messages().get(0));
            assertEquals(1, store.dropped());
        }
    }

    @Test
    void anotherConnectionReadsTheFileWhileTheStoreWrites() throws Exception {
        Path file = dir.resolve("h.db");
        long base = MessageIds.first(System.currentTimeMillis(), 0);
        try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).build(); Connection other = jdbc(file)) {
            store.open();
            for (int i = 1; i <= 100; i++) {
                store.append(message(base + i, i % 2 == 0 ? "*" : "room"));
            }
            // No query to the store: its writer commits within the commit interval by itself.
            await().atMost(Fixtures.WAIT).until(() -> count(other, "SELECT count(*) FROM messages") == 100);
            try (Statement s = other.createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertEquals("wal", rs.getString(1));
            }
            try (Statement s = other.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id, target, time_ms, sender, sender_name, ip, recipient, "
                            + "text FROM messages WHERE id = " + (base + 2))) {
                assertTrue(rs.next());
                assertEquals("*", rs.getString("target"));
                assertEquals(MessageIds.epochMillis(base + 2), rs.getLong("time_ms"));
                assertEquals(message(base + 2, "*").text(), rs.getString("text"));
                assertNull(rs.getString("recipient"));
            }
            assertEquals(1, count(other, "SELECT count(*) FROM meta WHERE key = 'schema_version' AND value = '3'"));

            // A reader holding a snapshot does not stop the writer (WAL): the store goes on and answers.
            other.setAutoCommit(false);
            assertEquals(100, count(other, "SELECT count(*) FROM messages"));
            store.append(message(base + 101, "*"));
            assertEquals(List.of(base + 101), ids(page(store, HistoryQuery.latest("*", 1))));
            assertEquals(100, count(other, "SELECT count(*) FROM messages"), "its snapshot, still");
            other.commit();
            assertEquals(101, count(other, "SELECT count(*) FROM messages"));
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theDefaultsAreThoseDocumented() {
        assertEquals(1_000_000, SqliteHistoryStore.DEFAULT_MAX_PER_TARGET);
        assertEquals(Duration.ofDays(30), SqliteHistoryStore.DEFAULT_MAX_AGE);
        assertEquals(Duration.ofMillis(50), SqliteHistoryStore.DEFAULT_COMMIT_INTERVAL);
        assertEquals(1000, SqliteHistoryStore.DEFAULT_MAX_BATCH);
        assertEquals(65_536, SqliteHistoryStore.DEFAULT_QUEUE_CAPACITY);
        assertEquals(2, SqliteHistoryStore.DEFAULT_READERS);
        SqliteHistoryStore store = SqliteHistoryStore.builder(dir.resolve("h.db")).build();
        String s = store.toString();
        store.close();
        assertTrue(s.contains("maxPerTarget=1000000") && s.contains("queueCapacity=65536"), s);
    }
}
