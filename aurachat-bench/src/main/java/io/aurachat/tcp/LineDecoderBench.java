package io.aurachat.tcp;

import io.aurachat.bench.BenchTexts;
import io.aurachat.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH: {@link LineDecoder#process} over one 64 KiB socket read of {@code CHAT c42 <64-byte text>} lines, as
 * an I/O thread decodes what a busy client sent, with a handler that only consumes each line. Scores are per
 * line (ns/op = ns/line). Run by {@code aurachat-bench/run-jmh.sh}; see docs/performance.md, "Microbenchmarks
 * (JMH)".
 *
 * <p>A JMH state: one instance per benchmark thread; not thread-safe.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class LineDecoderBench implements LineDecoder.Handler {

    /** Bytes in one read: the I/O thread's read buffer. */
    static final int READ = 64 * 1024;
    /** Every line's start: a {@code CHAT} to client c42. */
    static final String START = "CHAT c42 ";
    /** Bytes in every line: {@link #START}, 64 bytes of text, {@code \n} (a literal: JMH needs a constant). */
    static final int LINE = 74;
    /** Whole lines in one read. */
    static final int LINES = READ / LINE;

    /** {@link #LINES} whole lines of the load generator's ASCII payloads (each its own sequence number). */
    byte[] ascii;
    /**
     * {@link #READ} bytes, as a full read buffer usually is: {@link #LINES} whole lines and the start of one
     * more, whose rest ({@link #asciiTail}) comes in the next read.
     */
    byte[] asciiSplit;
    /** The end of {@link #asciiSplit}'s last line, with its {@code \n}. */
    byte[] asciiTail;
    /** {@link #LINES} whole lines of non-ASCII text ({@link BenchTexts#mixed}): the UTF-8 decoder's path. */
    byte[] utf8;

    private LineDecoder decoder;
    private Blackhole blackhole;
    private int lines;
    private int rejected;

    /** Builds the reads; the decoder has the server's default line limit. */
    @Setup
    public void setup() {
        ByteArrayOutputStream asciiLines = new ByteArrayOutputStream(READ + LINE);
        ByteArrayOutputStream utf8Lines = new ByteArrayOutputStream(READ);
        byte[] mixed = (START + BenchTexts.mixed() + "\n").getBytes(StandardCharsets.UTF_8);
        if (START.length() + BenchTexts.BYTES + 1 != LINE || mixed.length != LINE) {
            throw new IllegalStateException("LINE is not the length of a line");
        }
        for (int i = 0; i <= LINES; i++) {
            asciiLines.writeBytes((START + BenchTexts.ascii(i) + "\n").getBytes(StandardCharsets.US_ASCII));
            if (i < LINES) {
                utf8Lines.writeBytes(mixed);
            }
        }
        byte[] all = asciiLines.toByteArray();
        ascii = Arrays.copyOf(all, LINES * LINE);
        asciiSplit = Arrays.copyOf(all, READ);
        asciiTail = Arrays.copyOfRange(all, READ, all.length);
        utf8 = utf8Lines.toByteArray();
        decoder = new LineDecoder(ServerConfig.DEFAULT_MAX_LINE_LENGTH);
    }

    /** A read of whole ASCII lines. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public int wholeLinesAscii(Blackhole bh) {
        start(bh);
        decoder.process(ascii, 0, ascii.length, this);
        return lines;
    }

    /** A full 64 KiB read whose last line ends in the next read: the decoder keeps its start in between. */
    @Benchmark
    @OperationsPerInvocation(LINES + 1)
    public int splitLastLineAscii(Blackhole bh) {
        start(bh);
        decoder.process(asciiSplit, 0, asciiSplit.length, this);
        decoder.process(asciiTail, 0, asciiTail.length, this);
        return lines;
    }

    /** A read of whole lines of non-ASCII text. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public int wholeLinesUtf8(Blackhole bh) {
        start(bh);
        decoder.process(utf8, 0, utf8.length, this);
        return lines;
    }

    private void start(Blackhole bh) {
        blackhole = bh;
        lines = 0;
    }

    /** Lines handled by the last benchmark call. */
    int lines() {
        return lines;
    }

    /** Lines rejected (too long, bad UTF-8) since setup: none, unless the inputs are broken. */
    int rejected() {
        return rejected;
    }

    /** Bytes the decoder keeps between calls: none after a whole benchmark call. */
    int retained() {
        return decoder.retainedCapacity();
    }

    @Override
    public boolean onLine(String line) {
        lines++;
        blackhole.consume(line);
        return true;
    }

    @Override
    public boolean onLineTooLong() {
        rejected++;
        return true;
    }

    @Override
    public boolean onBadEncoding() {
        rejected++;
        return true;
    }
}
