package io.aurachat.store.sqlite;

import io.aurachat.history.StoredMessage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The process {@link KillTest} kills: opens the store at {@code args[0]} with the default options (but no age limit:
 * its ids, 1, 2, 3..., date from the id epoch) and appends ids from the highest in the file plus one, until it is
 * killed. It prints {@code appended N} about every millisecond, N being the last id whose {@code append} returned.
 * It never lets the queue overflow (a drop would make a gap in the ids): past half the capacity it waits for the
 * writer. {@code args[1]}, if given, is a rate in messages per second; else it appends as fast as the writer
 * takes them. Not a test.
 */
public final class KillTestChild {
    private KillTestChild() {}

    /** Appends until killed; see the class comment. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long rate = args.length > 1 ? Long.parseLong(args[1]) : 0;
        SqliteHistoryStore store = SqliteHistoryStore.builder(file).maxAge(Duration.ZERO).build();
        long next = store.open() + 1;
        PrintStream out = System.out;
        out.println("tmpdir " + System.getProperty(SqliteHistoryStore.TMPDIR_PROPERTY));
        out.println("open " + (next - 1));
        out.flush();
        int capacity = SqliteHistoryStore.DEFAULT_QUEUE_CAPACITY;
        long start = System.nanoTime();
        long lastPrint = start;
        long count = 0;
        int checkEvery = rate > 0 ? 1 : 64; // as fast as possible, looking at the clock costs more than appending
        while (true) {
            store.append(new StoredMessage(next, StoredMessage.EVERYONE, "c1", "killed", "127.0.0.1", null,
                    "message number " + next + " of a process about to be killed"));
            next++;
            count++;
            if (count % checkEvery != 0) {
                continue;
            }
            if (store.queued() > capacity / 2) {
                store.awaitWritten(store.accepted() - capacity / 4, Duration.ofSeconds(10));
            }
            long now = System.nanoTime();
            if (rate > 0) {
                long due = start + TimeUnit.SECONDS.toNanos(count) / rate;
                if (due > now) {
                    LockSupport.parkNanos(due - now); // a load generator's pace, not a wait for a condition
                    now = System.nanoTime();
                }
            }
            if (now - lastPrint >= TimeUnit.MILLISECONDS.toNanos(1)) {
                if (store.dropped() > 0) {
                    out.println("dropped " + store.dropped());
                }
                out.println("appended " + (next - 1) + " written " + store.written());
                out.flush();
                lastPrint = now;
            }
        }
    }
}
