package io.aurachat.hub;

import io.aurachat.history.MessageIds;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the server's message ids ({@link MessageIds}): each above the last, from the clock's millisecond when it is
 * ahead. A clock that steps back does not make ids go back (the sequence goes on in the last millisecond, then
 * borrows the next); 4,096 ids in one millisecond do the same. One compare-and-set an id. Thread-safe.
 */
final class MessageIdGenerator {
    private final Clock clock;
    private final int node;
    private final AtomicLong last;

    /**
     * @param clock the server clock
     * @param node this server's node number
     * @param floor every id is above this: the highest id the history store holds, so that ids do not repeat across
     *     restarts
     */
    MessageIdGenerator(Clock clock, int node, long floor) {
        this.clock = clock;
        this.node = node;
        MessageIds.first(0, node); // checks the node
        this.last = new AtomicLong(Math.max(floor, 0));
    }

    /**
     * The last id given so far, read with a write: a {@link #next} that returns a higher id comes after this call, so
     * it sees whatever the caller did before it (the resume's join cut relies on that).
     */
    long mark() {
        return last.getAndAdd(0);
    }

    long next() {
        long earliest = MessageIds.first(clock.millis(), node);
        while (true) {
            long prev = last.get();
            long next = Math.max(earliest, prev + 1);
            if (MessageIds.node(next) != node) {
                // The sequence ran out (or the floor was another node's): the next millisecond's first id.
                next = MessageIds.first(MessageIds.epochMillis(prev) + 1, node);
            }
            if (last.compareAndSet(prev, next)) {
                return next;
            }
        }
    }
}
