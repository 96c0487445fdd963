package io.aurachat.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LineQueueTest {

    private static byte[] line(String text) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate().flip();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void linesComeOutWholeAndInOrderAcrossTheRingsWrapAndGrowth() {
        LineQueue q = new LineQueue();
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        StringBuilder expected = new StringBuilder();
        StringBuilder got = new StringBuilder();
        int next = 0;
        // Add and take in uneven steps, so that the head moves round the ring and the ring grows while it has wrapped.
        for (int round = 0; round < 50; round++) {
            for (int i = 0; i < (round % 7) * 5 + 1; i++) {
                String t = "line " + next++;
                q.add(line(t));
                expected.append(t).append('\n');
            }
            if (round % 3 != 0) {
                buffer.clear();
                assertNull(q.drainTo(buffer));
                got.append(text(buffer));
            }
        }
        while (!q.isEmpty()) {
            buffer.clear();
            assertNull(q.drainTo(buffer));
            got.append(text(buffer));
        }
        assertEquals(expected.toString(), got.toString());
        assertEquals(0, q.size());
    }

    @Test
    void aLineThatDoesNotFitWaitsForTheNextBufferWhole() {
        LineQueue q = new LineQueue();
        q.add(line("12345"));
        q.add(line("abcdefgh"));
        ByteBuffer buffer = ByteBuffer.allocate(10);
        assertNull(q.drainTo(buffer));
        assertEquals("12345\n", text(buffer), "the second line does not fit behind the first: it is not split");
        assertEquals(1, q.size());
        buffer.clear();
        assertNull(q.drainTo(buffer));
        assertEquals("abcdefgh\n", text(buffer));
        assertTrue(q.isEmpty());
    }

    @Test
    void aLineLongerThanAnEmptyBufferIsHandedBackToBeWrittenFromItsOwnArray() {
        LineQueue q = new LineQueue();
        byte[] small = line("hi");
        byte[] huge = line("x".repeat(100));
        q.add(small);
        q.add(huge);
        q.add(line("after"));
        ByteBuffer buffer = ByteBuffer.allocate(16);
        assertNull(q.drainTo(buffer), "behind a line already in the buffer, the long one waits");
        assertEquals("hi\n", text(buffer));
        buffer.clear();
        assertSame(huge, q.drainTo(buffer), "into an empty buffer, the long line is taken out and handed back");
        assertEquals(0, buffer.position());
        assertNull(q.drainTo(buffer));
        assertEquals("after\n", text(buffer));
    }

    @Test
    void aBurstGrowsTheRingAndItsMemoryIsGivenBackOnceDrained() {
        LineQueue q = new LineQueue();
        int burst = LineQueue.KEEP_SLOTS * 8;
        for (int i = 0; i < burst; i++) {
            q.add(line("m" + i));
        }
        assertEquals(burst, q.size());
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        assertNull(q.drainTo(buffer));
        assertTrue(q.isEmpty());
        assertEquals(LineQueue.INITIAL, q.slots(), "a drained ring above KEEP_SLOTS goes back to its first size");

        for (int i = 0; i < LineQueue.KEEP_SLOTS; i++) {
            q.add(line("n" + i));
        }
        buffer.clear();
        assertNull(q.drainTo(buffer));
        assertEquals(LineQueue.KEEP_SLOTS, q.slots(), "a ring of KEEP_SLOTS is kept for the next batch");
    }

    @Test
    void clearDropsEverything() {
        LineQueue q = new LineQueue();
        for (int i = 0; i < 100; i++) {
            q.add(line("m" + i));
        }
        q.clear();
        assertTrue(q.isEmpty());
        assertEquals(LineQueue.INITIAL, q.slots());
        ByteBuffer buffer = ByteBuffer.allocate(64);
        assertNull(q.drainTo(buffer));
        assertEquals(0, buffer.position());
        q.add(line("again"));
        assertNull(q.drainTo(buffer));
        assertEquals("again\n", text(buffer));
    }

    /** Several threads add while one takes: nothing is lost or repeated, and each adder's lines keep their order. */
    @Test
    void concurrentAddersAndOneWriterLoseNothing() throws Exception {
        int adders = 4;
        int perAdder = 50_000;
        LineQueue q = new LineQueue();
        ExecutorService pool = Executors.newFixedThreadPool(adders);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int a = 0; a < adders; a++) {
                int adder = a;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perAdder; i++) {
                        q.add(ByteBuffer.allocate(8).putInt(adder).putInt(i).array());
                    }
                    return null;
                }));
            }
            start.countDown();
            int[] nextOf = new int[adders];
            long taken = 0;
            ByteBuffer buffer = ByteBuffer.allocate(8 * 100); // small: many takes race with the adders
            while (taken < (long) adders * perAdder) {
                buffer.clear();
                assertNull(q.drainTo(buffer));
                boolean none = buffer.position() == 0;
                buffer.flip();
                while (buffer.hasRemaining()) {
                    int adder = buffer.getInt();
                    int i = buffer.getInt();
                    assertEquals(nextOf[adder], i, "adder " + adder + "'s lines out of order");
                    nextOf[adder]++;
                    taken++;
                }
                if (none && done.stream().allMatch(Future::isDone) && q.isEmpty()) {
                    break; // every adder has stopped (a failure is thrown by get below) and nothing is left
                }
                Thread.onSpinWait();
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertEquals((long) adders * perAdder, taken);
            assertTrue(q.isEmpty());
            assertArrayEquals(new int[] {perAdder, perAdder, perAdder, perAdder}, nextOf);
        } finally {
            pool.shutdownNow();
        }
    }
}
