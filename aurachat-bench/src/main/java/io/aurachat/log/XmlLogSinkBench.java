package io.aurachat.log;

import io.aurachat.bench.BenchTexts;
import io.aurachat.history.MessageIds;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: what the XML audit log costs per routed message on its own thread: {@value #RUN} {@code message} events
 * (a private message of 64 bytes of text with its message id, a thousand to a millisecond) encoded by {@link XmlLogSink#log}
 * and then one {@link XmlLogSink#flush()}, the write of the run into a file in the temporary directory (the
 * page cache; the forcing thread runs as configured by default). Scores are per event. With rollover on, each
 * rollover forces the file to disk, as the sink always does before renaming it.
 *
 * <p>A JMH state: one instance per benchmark thread; not thread-safe.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class XmlLogSinkBench {
    /** Events per flush: a typical run of the log thread under load. */
    static final int RUN = 64;

    /** The text: {@code ascii}, the load generator's payload, or {@code mixed} ({@link BenchTexts#mixed}). */
    @Param({"ascii", "mixed"})
    public String text;

    /** The rollover size: 0 (never; the file grows for the whole run) or 64 MiB, the reference server's default. */
    @Param({"0", "67108864"})
    public long rollover;

    /** Direct writes ({@link XmlLogSink.Builder#directWrites}): {@code true}, the default, or through the page cache. */
    @Param({"true", "false"})
    public boolean direct;

    private Path dir;
    private XmlLogSink sink;
    private LogEvent.MessageSent[] events;
    private long micros;
    private ClientInfo from;
    private ClientId to;
    private String message;

    /** Opens the sink in a fresh directory and makes the sender. */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("aurachat-xml-bench");
        sink = XmlLogSink.builder(dir.resolve("log.xml")).rolloverBytes(rollover).maxFiles(1).directWrites(direct)
                .zone(ZoneOffset.ofHours(1)).build();
        from = new ClientInfo(ClientId.of(7), "alice-laptop", "192.168.1.23", Instant.parse("2026-11-21T09:00:00Z"));
        to = ClientId.of(42);
        message = switch (text) {
            case "ascii" -> BenchTexts.ascii(1);
            case "mixed" -> BenchTexts.mixed();
            default -> throw new IllegalArgumentException("text: ascii or mixed, not " + text);
        };
        events = new LogEvent.MessageSent[RUN];
    }

    /**
     * Makes the next run's events, outside the measurement, as a server's are: each with its message id, and the
     * id's millisecond as its time (they advance, a thousand to a millisecond).
     */
    @Setup(Level.Invocation)
    public void nextRun() {
        long base = Instant.parse("2026-11-21T09:00:00Z").toEpochMilli();
        for (int i = 0; i < RUN; i++) {
            long n = micros++;
            long id = MessageIds.first(base + n / 1000, 0) + n % 1000;
            events[i] = new LogEvent.MessageSent(Instant.ofEpochMilli(MessageIds.epochMillis(id)), from, to, message,
                    1, id);
        }
    }

    /** One run: every event encoded, then one write. */
    @Benchmark
    @OperationsPerInvocation(RUN)
    public void logRun() {
        for (LogEvent.MessageSent e : events) {
            sink.log(e);
        }
        sink.flush();
    }

    /** Closes the sink and deletes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        sink.close();
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
