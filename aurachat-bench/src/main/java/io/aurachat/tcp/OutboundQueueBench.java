package io.aurachat.tcp;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the per-connection outbound queue under a fan-out, as one I/O thread uses it: {@value #BATCH} messages read from
 * one sender are queued for each of {@value #RECEIVERS} recipients, then every recipient's queue is gathered into the
 * loop's direct write buffer, the line copied in whole, as {@code TcpConnection.writeOut} does before its socket write
 * (which is left out: the queue's cost is what is measured). {@code ring} is {@link LineQueue}, the server's queue;
 * {@code clq} is the {@link ConcurrentLinkedQueue} it replaced, taken as the writer took it (a peek and a poll per
 * line). The score is per delivery (one line queued and gathered). Run by {@code aurachat-bench/run-jmh.sh
 * OutboundQueueBench}, with {@code -prof gc} for the allocation per delivery; see docs/performance.md.
 *
 * <p>{@value #BATCH} lines per flush is what the fan-out workload of the load generator gives (its window of 16, most
 * of it read in one go; measured as deliveries over socket writes). A JMH state: one per benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OutboundQueueBench {

    static final int RECEIVERS = 100;
    static final int BATCH = 14;

    /** The queue: the server's ring, or the lock-free linked queue it replaced. */
    @Param({"ring", "clq"})
    public String queue;

    private LineQueue[] rings;
    private ConcurrentLinkedQueue<byte[]>[] linked;
    private final byte[][] lines = new byte[BATCH][];
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);

    /** The queues, and {@value #BATCH} lines of about the size of a {@code message} line with a 64-byte text. */
    @Setup
    @SuppressWarnings("unchecked")
    public void setup() {
        rings = new LineQueue[RECEIVERS];
        linked = new ConcurrentLinkedQueue[RECEIVERS];
        for (int i = 0; i < RECEIVERS; i++) {
            rings[i] = new LineQueue();
            linked[i] = new ConcurrentLinkedQueue<>();
        }
        for (int i = 0; i < BATCH; i++) {
            byte[] line = new byte[230];
            Arrays.fill(line, (byte) ('a' + i));
            line[line.length - 1] = '\n';
            lines[i] = line;
        }
    }

    /** One flush's worth: the batch queued for every recipient, then every recipient's queue gathered. */
    @Benchmark
    @OperationsPerInvocation(RECEIVERS * BATCH)
    public int fanOut() {
        return "ring".equals(queue) ? ring() : linked();
    }

    private int ring() {
        for (byte[] line : lines) {
            for (LineQueue q : rings) {
                q.add(line);
            }
        }
        int bytes = 0;
        for (LineQueue q : rings) {
            buffer.clear();
            if (q.drainTo(buffer) != null) {
                throw new AssertionError("no line is longer than the buffer");
            }
            bytes += buffer.position();
        }
        return bytes;
    }

    private int linked() {
        for (byte[] line : lines) {
            for (ConcurrentLinkedQueue<byte[]> q : linked) {
                q.add(line);
            }
        }
        int bytes = 0;
        for (ConcurrentLinkedQueue<byte[]> q : linked) {
            buffer.clear();
            byte[] line;
            while ((line = q.peek()) != null) {
                if (line.length > buffer.remaining()) {
                    throw new AssertionError("no line is longer than the buffer");
                }
                q.poll();
                buffer.put(line);
            }
            bytes += buffer.position();
        }
        return bytes;
    }
}
