package io.aurachat.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.aurachat.history.HistoryPage;
import io.aurachat.history.HistoryQuery;
import io.aurachat.history.HistoryStore;
import io.aurachat.history.StoredMessage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** What the store's tests share: messages, bounded waits for answers, a clock the test moves, plain JDBC. */
final class Fixtures {
    /** The longest any test waits for something that should take milliseconds. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private Fixtures() {}

    /** A message of {@code target} with id {@code id} and fields derived from it. */
    static StoredMessage message(long id, String target) {
        return new StoredMessage(id, target, "c" + (id % 7), "name " + id, "127.0.0.1",
                StoredMessage.PRIVATE.equals(target) ? "c99" : null, "text " + id + " \u00e9\u4e2d\ud83d\ude00");
    }

    /** The answer to {@code q}, waited for (bounded). */
    static HistoryPage page(HistoryStore store, HistoryQuery q) throws Exception {
        return store.query(q).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exception the answer to {@code q} completes with (fails the test if it completes normally). */
    static Throwable failure(HistoryStore store, HistoryQuery q) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> page(store, q), q.toString());
        return e.getCause();
    }

    /** The ids of a page, in its order. */
    static List<Long> ids(HistoryPage page) {
        return page.messages().stream().map(StoredMessage::id).toList();
    }

    /** A plain JDBC connection to {@code file}, as another program would open it. */
    static Connection jdbc(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=5000");
        }
        return c;
    }

    /** A clock that stands still until the test moves it. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
