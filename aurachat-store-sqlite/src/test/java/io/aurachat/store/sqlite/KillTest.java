package io.aurachat.store.sqlite;

import static io.aurachat.store.sqlite.Fixtures.jdbc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that appends as fast as it can ({@link KillTestChild}) with SIGKILL once its writer has committed
 * 20,000 messages, then checks the file: it opens,
 * {@code PRAGMA integrity_check} says ok, the ids are 1 to the highest with no gap, and what was lost is within what
 * the configuration allows to be in flight (the queue and one batch). Three kills by default; {@code -Dkills=20} for
 * the long run, {@code -Dkill.rate=N} to append N messages per second instead of as fast as possible, {@code
 * -Dkill.seed=S} to repeat the random kill points of a run. The losses are printed; a loss is counted from the last
 * count the child printed (every millisecond or so), so it can be a little low, never high.
 */
class KillTest {
    private static final Duration CHILD_WAIT = Duration.ofSeconds(60);
    private static final long COMMITS_BEFORE_KILL = 20_000;

    @TempDir
    Path dir;

    @Test
    void aKilledWriterLosesAtMostWhatWasInFlightAndLeavesAConsistentFile() throws Exception {
        int kills = Integer.getInteger("kills", 3);
        long rate = Long.getLong("kill.rate", 0);
        long bound = SqliteHistoryStore.DEFAULT_QUEUE_CAPACITY + SqliteHistoryStore.DEFAULT_MAX_BATCH;
        Path file = dir.resolve("kill.db");
        List<Long> losses = new ArrayList<>();
        long seed = Long.getLong("kill.seed", System.nanoTime());
        Random random = new Random(seed);
        long stored = 0;
        for (int k = 1; k <= kills; k++) {
            Child child = new Child(file, rate, dir.resolve("child-" + k + ".err"));
            try {
                child.await(() -> child.opened.get() >= 0, "open the store");
                assertEquals(stored, child.opened.get(), "the child continues after the last id stored");
                if (k == 1) {
                    assertEquals(dir.toRealPath(), Path.of(child.tmpdir.get()).toRealPath(),
                            "sqlite-jdbc unpacks its library beside the database");
                }
                // Killed once its writer has committed that many (mid-stream, commits going on), and after a random
                // number of appends more, so that the kill falls anywhere in the cycle of commits, not just after one.
                child.await(() -> child.written.get() >= COMMITS_BEFORE_KILL, "commit " + COMMITS_BEFORE_KILL
                        + " messages");
                long more = child.appended.get() + random.nextInt(2000);
                child.await(() -> child.appended.get() >= more, "append " + more);
            } finally {
                child.kill();
            }
            assertEquals("", child.dropped.get(), "the child never lets its queue overflow");
            long appended = child.appended.get();

            try (SqliteHistoryStore store = SqliteHistoryStore.builder(file).maxAge(Duration.ZERO).build()) {
                stored = store.open();
            }
            try (Connection c = jdbc(file); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                    rs.next();
                    assertEquals("ok", rs.getString(1));
                }
                try (ResultSet rs = s.executeQuery("SELECT count(*), min(id), max(id) FROM messages")) {
                    rs.next();
                    assertEquals(stored, rs.getLong(3));
                    assertEquals(stored, rs.getLong(1), "no gap: every id from 1 to the highest is there");
                    assertEquals(stored == 0 ? 0 : 1, rs.getLong(2));
                }
            }
            long lost = Math.max(0, appended - stored);
            System.out.printf("kill %d: appended %d, stored %d, lost %d%n", k, appended, stored, lost);
            assertTrue(lost <= bound, "lost " + lost + ", more than the queue and one batch (" + bound + ")");
            losses.add(lost);
        }
        List<Long> sorted = losses.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
        System.out.printf("kill test: %d kills, %s, commitInterval %d ms, maxBatch %d, queueCapacity %d: "
                + "messages lost max %d, median %.1f (seed %d)%n", kills, rate > 0 ? rate + " messages/s" : "as fast as possible",
                SqliteHistoryStore.DEFAULT_COMMIT_INTERVAL.toMillis(), SqliteHistoryStore.DEFAULT_MAX_BATCH,
                SqliteHistoryStore.DEFAULT_QUEUE_CAPACITY, sorted.get(n - 1), median, seed);
    }

    /** A running {@link KillTestChild} and what it printed. */
    private static final class Child {
        final Process process;
        final Path err;
        final AtomicLong opened = new AtomicLong(-1);
        final AtomicLong appended = new AtomicLong();
        final AtomicLong written = new AtomicLong();
        final AtomicReference<String> tmpdir = new AtomicReference<>();
        final AtomicReference<String> dropped = new AtomicReference<>("");
        final Thread reader;

        Child(Path file, long rate, Path err) throws IOException {
            this.err = err;
            List<String> command = new ArrayList<>(List.of(
                    ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"),
                    KillTestChild.class.getName(), file.toString()));
            if (rate > 0) {
                command.add(Long.toString(rate));
            }
            process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            reader = new Thread(this::read, "kill-test-child-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    int sp = line.indexOf(' ');
                    String key = sp < 0 ? line : line.substring(0, sp);
                    String value = sp < 0 ? "" : line.substring(sp + 1);
                    switch (key) {
                        case "appended" -> {
                            String[] f = value.split(" ");
                            appended.set(Long.parseLong(f[0]));
                            written.set(Long.parseLong(f[2]));
                        }
                        case "open" -> opened.set(Long.parseLong(value));
                        case "tmpdir" -> tmpdir.set(value);
                        case "dropped" -> dropped.set(value);
                        default -> { }
                    }
                }
            } catch (IOException e) {
                // the pipe closes when the process dies
            }
        }

        void await(Callable<Boolean> condition, String what) throws Exception {
            Awaitility.await().atMost(CHILD_WAIT).pollInterval(Duration.ofMillis(2))
                    .until(() -> condition.call() || !process.isAlive());
            assertTrue(condition.call(), () -> "the child did not " + what + "; its stderr: " + stderr());
        }

        /** SIGKILL, then waits for the process and for what it printed before it died. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(CHILD_WAIT.toSeconds(), TimeUnit.SECONDS), "the child did not die");
            reader.join(CHILD_WAIT.toMillis());
        }

        String stderr() {
            try {
                return Files.readString(err);
            } catch (IOException e) {
                return e.toString();
            }
        }
    }
}
