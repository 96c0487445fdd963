package io.aurachat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The live threads of this JVM by name, virtual threads included. {@link Thread#getAllStackTraces()} lists
 * platform threads only, so this takes a JSON thread dump ({@code HotSpotDiagnosticMXBean.dumpThreads}, which
 * lists the virtual threads too) and reads the names from it. A dump takes some tens of milliseconds.
 *
 * <p>The MXBean is reached by reflection: the tests compile inside the module {@code io.aurachat.core}, which
 * does not read {@code java.management}/{@code jdk.management}; they run on the class path, where it is visible.
 */
public final class LiveThreads {

    private static final Object DIAGNOSTIC;
    private static final Method DUMP_THREADS;
    private static final Object JSON_FORMAT;

    static {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            Class<?> bean = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
            Class<?> format = Class.forName("com.sun.management.HotSpotDiagnosticMXBean$ThreadDumpFormat");
            DIAGNOSTIC = factory.getMethod("getPlatformMXBean", Class.class).invoke(null, bean);
            DUMP_THREADS = bean.getMethod("dumpThreads", String.class, format);
            JSON_FORMAT = format.getField("JSON").get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private LiveThreads() {}

    /** The names of the live threads, platform and virtual, that start with {@code prefix}, sorted. */
    public static List<String> named(String prefix) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("aurachat-threads");
            Path file = dir.resolve("dump.json");
            try {
                DUMP_THREADS.invoke(DIAGNOSTIC, file.toString(), JSON_FORMAT);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("cannot take a thread dump", e);
            }
            Json dump = Json.parse(Files.readString(file));
            List<String> names = new ArrayList<>();
            for (Json container : dump.obj("threadDump").objs("threadContainers")) {
                for (Json thread : container.objs("threads")) {
                    if (thread.has("name") && thread.str("name").startsWith(prefix)) {
                        names.add(thread.str("name"));
                    }
                }
            }
            names.sort(null);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take a thread dump", e);
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir.resolve("dump.json"));
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // A temporary file left behind is harmless.
                }
            }
        }
    }

    /** Waits (bounded by {@link Awaits#TIMEOUT}) until no live thread's name starts with {@code prefix}. */
    public static void awaitNone(String prefix) {
        try {
            Awaits.await("no live thread named " + prefix + "*").until(() -> named(prefix).isEmpty());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("threads still alive: " + named(prefix), e);
        }
    }
}
