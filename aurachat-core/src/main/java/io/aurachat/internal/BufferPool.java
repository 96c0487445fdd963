package io.aurachat.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers for socket writes, shared by all writers of a server. A writer holds one only while
 * it drains, so the pool stays small; at most {@code maxPooled} are kept, extra ones are left to the GC.
 * Direct, because the JDK copies a heap buffer into a direct one for every socket write anyway.
 */
final class BufferPool {
    private final int bufferSize;
    private final int maxPooled;
    private final ConcurrentLinkedQueue<ByteBuffer> pool = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooled = new AtomicInteger();

    BufferPool(int bufferSize, int maxPooled) {
        this.bufferSize = bufferSize;
        this.maxPooled = maxPooled;
    }

    ByteBuffer acquire() {
        ByteBuffer buffer = pool.poll();
        if (buffer == null) {
            return ByteBuffer.allocateDirect(bufferSize);
        }
        pooled.decrementAndGet();
        return buffer.clear();
    }

    void release(ByteBuffer buffer) {
        if (pooled.incrementAndGet() <= maxPooled) {
            pool.offer(buffer);
        } else {
            pooled.decrementAndGet();
        }
    }
}
