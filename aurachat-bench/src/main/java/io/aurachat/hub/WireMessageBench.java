package io.aurachat.hub;

import io.aurachat.bench.BenchTexts;
import io.aurachat.history.MessageIds;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one {@code message} line, the line every delivered message costs, with its id and time, made three ways:
 * {@link Wire#message(ClientInfo, ClientId, String, long)} (the fast writer, prefix encoded every time),
 * {@link Wire#message(byte[], ClientInfo, ClientId, String, String, long)} with the sender's cached prefix (what
 * {@code Client.messageLine} does) and {@link Wire#messageByJackson} (a Jackson generator, the general path). The
 * id is the same each time, so the time's second comes from the formatter's cache, as it does for most messages of
 * a busy server. Each returns the line, which JMH
 * consumes. Scores are per line. Run by {@code aurachat-bench/run-jmh.sh}; see docs/performance.md,
 * "Microbenchmarks (JMH)".
 *
 * <p>A JMH state: one instance per benchmark thread; not thread-safe.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class WireMessageBench {

    /**
     * The message's 64 bytes of text: {@code ascii}, the load generator's payload (the writer's ASCII loop
     * only), or {@code mixed}, non-ASCII with a quote, a backslash and a tab ({@link BenchTexts#mixed}).
     */
    @Param({"ascii", "mixed"})
    public String text;

    ClientInfo from;
    ClientId to;
    String message;
    byte[] prefix;
    long id;

    /** Makes the sender, the recipient, the text and the sender's prefix. */
    @Setup
    public void setup() {
        from = new ClientInfo(ClientId.of(7), "alice-laptop", "192.168.1.23", Instant.parse("2026-11-21T09:00:00Z"));
        to = ClientId.of(42);
        message = switch (text) {
            case "ascii" -> BenchTexts.ascii(1);
            case "mixed" -> BenchTexts.mixed();
            default -> throw new IllegalArgumentException("text: ascii or mixed, not " + text);
        };
        prefix = Wire.messagePrefix(from);
        id = MessageIds.first(Instant.parse("2026-11-21T09:00:00.123Z").toEpochMilli(), 0) + 17;
    }

    /** The fast writer, the sender's prefix encoded each time. */
    @Benchmark
    public byte[] messageFast() {
        return Wire.message(from, to, message, id);
    }

    /** The fast writer after the sender's cached prefix: the server's per-message path. */
    @Benchmark
    public byte[] messageCachedPrefix() {
        return Wire.message(prefix, from, to, null, message, id);
    }

    /** The general path: a Jackson generator (one per thread, reused). */
    @Benchmark
    public byte[] messageJackson() {
        return Wire.messageByJackson(from, to, message, id);
    }
}
