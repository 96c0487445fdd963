package io.aurachat.hub;

import io.aurachat.command.Reply;
import io.aurachat.protocol.ClientId;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the reply to a {@code CHAT}, {@code {"type":"ok","command":"CHAT","to":"c42"}}, made by {@link
 * Wire#reply} (the fast writer), by {@link Wire#replyByJackson} (the general path), or taken from the line
 * memoised on the recipient ({@code Client.replyMemo}, kept by {@code Dispatcher.encode}; a field read: the
 * floor of what JMH can measure). The {@link Reply} is made once, in setup. Run by {@code
 * aurachat-bench/run-jmh.sh}; see docs/performance.md, "Microbenchmarks (JMH)".
 *
 * <p>A JMH state: one instance per benchmark thread; not thread-safe.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class WireReplyBench {

    Reply ok;
    byte[] cached;
    ClientId id = ClientId.of(42);

    /** Makes the reply and the cached line. */
    @Setup
    public void setup() {
        ok = Reply.ok(Map.of("to", ClientId.of(42)));
        cached = Wire.reply("CHAT", ok);
    }

    /** The fast writer. */
    @Benchmark
    public byte[] replyFast() {
        return Wire.reply("CHAT", ok);
    }

    /** The general path: a Jackson generator. */
    @Benchmark
    public byte[] replyJackson() {
        return Wire.replyByJackson("CHAT", ok);
    }

    /** Making the reply itself, as the built-in CHAT does for every message. */
    @Benchmark
    public Reply makeReply() {
        return Reply.ok(Map.of("to", id));
    }

    /** The line cached per recipient. */
    @Benchmark
    public byte[] replyCached() {
        return cached;
    }
}
