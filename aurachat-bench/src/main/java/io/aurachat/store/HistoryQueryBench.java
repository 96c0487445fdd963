package io.aurachat.store;

import io.aurachat.history.HistoryPage;
import io.aurachat.history.HistoryQuery;
import io.aurachat.history.MessageIds;
import io.aurachat.store.sqlite.SqliteHistoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: a {@code HISTORY <room> LATEST 100} and a {@code BEFORE <id> 100} (at a random depth) on a room that holds
 * {@link #stored} messages, through {@link SqliteHistoryStore#query} (its queue, a reader thread and its connection),
 * as the server's {@code HISTORY} calls it. The file is filled once per trial with plain JDBC in one transaction (64
 * bytes of text a message, the room beside a second busy target of the same size), then opened as a store. Sample
 * time: the report gives the percentiles, p99 among them (issue 14 asks for under 5 ms).
 *
 * <p>A JMH state: shared by the benchmark threads (one by default); the store is thread-safe.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class HistoryQueryBench {
    /** Messages in the room queried (and as many in another target). */
    @Param({"1000000"})
    public int stored;

    private Path dir;
    private SqliteHistoryStore store;
    private long firstId;

    /** Fills a fresh file and opens the store on it. */
    @Setup(Level.Trial)
    public void setup() throws Exception {
        dir = Files.createTempDirectory("aurachat-history-bench");
        Path file = dir.resolve("history.db");
        try (SqliteHistoryStore schema = SqliteHistoryStore.builder(file).maxAge(Duration.ZERO).build()) {
            schema.open(); // makes the schema
        }
        firstId = fill(file, stored);
        store = SqliteHistoryStore.builder(file).maxAge(Duration.ZERO).maxPerTarget(2 * stored).build();
        long highest = store.open();
        HistoryPage latest = latest100();
        long expected = firstId + ((2L * stored - 2) << MessageIds.TIME_SHIFT); // the room's last message
        if (latest.messages().size() != 100 || latest.messages().get(99).id() != expected || !latest.more()
                || highest != expected + (1L << MessageIds.TIME_SHIFT)) {
            throw new IllegalStateException("the file does not hold what was written: " + latest.messages().size()
                    + " messages, last " + (latest.messages().isEmpty() ? "none" : latest.messages().get(99).id())
                    + ", highest " + highest + "; expected " + expected);
        }
    }

    /** The latest 100 of the room. */
    @Benchmark
    public HistoryPage latest100() {
        return store.query(HistoryQuery.latest("lobby", 100)).toCompletableFuture().join();
    }

    /** 100 before a random message of the room. */
    @Benchmark
    public HistoryPage before100() {
        long i = 2L * ThreadLocalRandom.current().nextInt(100, stored);
        return store.query(HistoryQuery.before("lobby", firstId + (i << MessageIds.TIME_SHIFT), 100))
                .toCompletableFuture().join();
    }

    /**
     * Writes {@code stored} messages to the room {@code lobby} and as many to everyone, alternating, one a
     * millisecond, into a store file that exists (its schema made), with plain JDBC in one transaction.
     *
     * @return the id of the first
     */
    static long fill(Path file, int stored) throws Exception {
        long firstId = MessageIds.first(System.currentTimeMillis() - 2L * stored, 0);
        String text = "x".repeat(40) + " a message of sixty-four bytes";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO messages(id, target, time_ms, sender, "
                    + "sender_name, ip, recipient, text) VALUES (?, ?, ?, 'c1', 'bench', '127.0.0.1', NULL, ?)")) {
                for (int i = 0; i < 2 * stored; i++) {
                    long id = firstId + ((long) i << MessageIds.TIME_SHIFT); // one a millisecond
                    insert.setLong(1, id);
                    insert.setString(2, i % 2 == 0 ? "lobby" : "*");
                    insert.setLong(3, MessageIds.epochMillis(id));
                    insert.setString(4, text);
                    insert.addBatch();
                    if (i % 10_000 == 9_999) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            c.commit();
        }
        return firstId;
    }

    /** Closes the store and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        store.close();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
