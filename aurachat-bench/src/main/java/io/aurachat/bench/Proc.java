package io.aurachat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads another process's resident memory and CPU time from Linux {@code /proc}. Thread-safe. */
final class Proc {

    /** USER_HZ: Linux reports CPU times in ticks of 1/100 s on every architecture the JDK runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private Proc() {}

    /** {@code VmRSS} of {@code pid} in bytes, or -1 when unknown (no pid, no /proc, process gone). */
    static long rssBytes(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // always kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** User plus system CPU time of {@code pid} (all threads) in nanoseconds, or -1 when unknown. */
    static long cpuNanos(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Field 2 (comm) may hold spaces; everything after the last ')' is space-separated from field 3.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK; // utime, stime
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
