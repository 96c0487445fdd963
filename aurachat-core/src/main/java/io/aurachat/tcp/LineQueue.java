package io.aurachat.tcp;

import java.nio.ByteBuffer;

/**
 * The lines queued for one connection, oldest first: any thread adds, the connection's writer (one thread at a time)
 * takes them out into its write buffer.
 *
 * <p>A ring of references under the queue's own lock, not a {@link java.util.concurrent.ConcurrentLinkedQueue}: a
 * line is queued once per recipient, so a message to everyone is as many additions as there are clients, and there
 * a lock-free queue allocates a node for each (its nodes were the largest allocation of a server fanning messages out,
 * about a fifth of it) and its writer pays a peek and a poll per line. Here an addition is an uncontended lock and a
 * store, and the writer takes every line that fits in its buffer under one lock. The lock guards only array work,
 * never anything that blocks, so a virtual thread holding it is never pinned for long.
 *
 * <p>Bounds: it holds what the connection's byte limits let in ({@code maxOutboundBytes}); its array is the smallest
 * power of two that held the lines at once; once drained, an array above {@value #KEEP_SLOTS} slots goes back to
 * {@value #INITIAL}, so a burst does not keep its memory.
 */
final class LineQueue {
    /** Slots of a new queue, and of one drained after a burst. */
    static final int INITIAL = 8;
    /**
     * A drained array with more slots than this goes back to {@value #INITIAL}; one this size or smaller is kept, so a
     * queue that fills with a few lines and drains at every flush (a recipient of many messages) allocates nothing.
     */
    static final int KEEP_SLOTS = 64;

    private byte[][] ring = new byte[INITIAL][];
    /** Index of the oldest line; guarded by {@code this}. */
    private int head;
    /** Lines queued; guarded by {@code this}. */
    private int size;

    /** Queues {@code line} after every line queued before it. */
    synchronized void add(byte[] line) {
        byte[][] r = ring;
        if (size == r.length) {
            r = grow(r);
        }
        r[(head + size) & (r.length - 1)] = line;
        size++;
    }

    private byte[][] grow(byte[][] r) {
        byte[][] bigger = new byte[r.length * 2][];
        int first = r.length - head; // the lines from head to the array's end, then those that wrapped around
        System.arraycopy(r, head, bigger, 0, first);
        System.arraycopy(r, 0, bigger, first, head);
        head = 0;
        ring = bigger;
        return bigger;
    }

    /**
     * Moves the oldest lines into {@code buffer}, whole and in order, while they fit.
     *
     * @return {@code null}, or the oldest line if it is longer than {@code buffer} has room for while {@code buffer}
     *     is still empty: it is taken out of the queue, for the caller to write from its own array
     */
    synchronized byte[] drainTo(ByteBuffer buffer) {
        byte[][] r = ring;
        int mask = r.length - 1;
        while (size > 0) {
            byte[] line = r[head];
            if (line.length > buffer.remaining()) {
                if (buffer.position() != 0) {
                    return null; // for the next buffer
                }
                take(r, mask);
                return line;
            }
            buffer.put(line);
            take(r, mask);
        }
        return null;
    }

    private void take(byte[][] r, int mask) {
        r[head] = null;
        head = (head + 1) & mask;
        if (--size == 0) {
            head = 0;
            if (r.length > KEEP_SLOTS) {
                ring = new byte[INITIAL][];
            }
        }
    }

    synchronized boolean isEmpty() {
        return size == 0;
    }

    synchronized int size() {
        return size;
    }

    /** The ring's length now: for tests of its bounds. */
    synchronized int slots() {
        return ring.length;
    }

    /** Drops every queued line: the connection is closed. */
    synchronized void clear() {
        ring = new byte[INITIAL][];
        head = 0;
        size = 0;
    }
}
