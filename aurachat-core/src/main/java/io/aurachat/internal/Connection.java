package io.aurachat.internal;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's TCP connection.
 *
 * <p>Joining happens on the accept thread, before the reader starts. Reading: one virtual thread
 * ({@link #run()}) reads lines and hands them to the {@link Session};
 * commands of one client therefore run one at a time, in order.
 *
 * <p>Writing: lines are queued as shared, already-encoded byte arrays. The queue is bounded in bytes; a
 * client that lets it overflow is closed at once ({@code slow-consumer}) and nobody waits for it. A
 * writer virtual thread is started only when the queue goes from empty to non-empty; it copies as many
 * queued lines as fit into one buffer per socket write, so a burst costs few system calls.
 *
 * <p>Closing: {@link #closeGracefully} stops taking lines, queues an optional last line ({@code bye}),
 * and lets the writer flush and shut down output; the socket is closed once the client has closed its
 * side too, or when the linger deadline passes ({@link ServerCore}'s timer enforces it).
 * {@link #abort} closes at once.
 */
final class Connection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    static final int OPEN = 0;
    static final int CLOSING = 1;

    private static final int INITIAL_READ_BUFFER = 512;

    final ClientId id;
    private final ServerCore core;
    private final SocketChannel channel;
    private volatile ClientInfo info;

    private final AtomicInteger state = new AtomicInteger(OPEN);
    private volatile long closeDeadlineNanos;
    private volatile boolean inputDone;
    private volatile boolean outputDone;
    private final AtomicBoolean channelClosed = new AtomicBoolean();
    /** Whether this connection still counts against maxClients: until it leaves or its socket closes. */
    final AtomicBoolean holdsPermit = new AtomicBoolean(true);

    private final ConcurrentLinkedQueue<byte[]> outbound = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean flushThenClose;

    /** By the server clock, in milliseconds; written by the reader, read by the timer. */
    volatile long lastActivityMillis;

    Connection(ServerCore core, SocketChannel channel, ClientInfo info) {
        this.core = core;
        this.channel = channel;
        this.info = info;
        this.id = info.id();
        this.lastActivityMillis = info.connectedSince().toEpochMilli();
    }

    ClientInfo info() {
        return info;
    }

    void info(ClientInfo updated) {
        this.info = updated;
    }

    boolean isOpen() {
        return state.get() == OPEN;
    }

    /** The reader: reads lines until the connection ends. The client has already joined. */
    @Override
    public void run() {
        LineDecoder decoder = new LineDecoder(core.config().maxLineLength(), INITIAL_READ_BUFFER);
        Session session = new Session(core, this);
        try {
            while (isOpen()) {
                if (channel.read(decoder.buffer()) < 0) {
                    if (decoder.finish() > 0) {
                        LOG.debug("{} closed its side in the middle of a line; the partial line was dropped", id);
                    }
                    inputDone = true;
                    closeGracefully(LeaveReason.DISCONNECTED, null);
                    break;
                }
                decoder.process(session);
            }
            drainInputUntilClosed();
        } catch (IOException e) {
            // Reset by the peer, or closed by us (abort, linger deadline, shutdown): either way, gone.
            abort(LeaveReason.DISCONNECTED);
        } catch (RuntimeException | Error e) {
            LOG.error("connection {} failed", id, e);
            abort(LeaveReason.DISCONNECTED);
        }
    }

    /**
     * After a goodbye, keeps reading (and ignoring) what the client still sends until it closes, so
     * that closing our socket with unread input does not reset the connection and destroy the bye.
     */
    private void drainInputUntilClosed() throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(256);
        while (!inputDone) {
            sink.clear();
            if (channel.read(sink) < 0) {
                inputDone = true;
            }
        }
        if (outputDone) {
            closeChannel();
        }
    }

    /**
     * Queues a line if the connection is open.
     *
     * @return whether it was queued
     */
    boolean send(byte[] line) {
        return isOpen() && offer(line);
    }

    private boolean offer(byte[] line) {
        long after = queuedBytes.addAndGet(line.length);
        if (after > core.config().maxOutboundBytes() && after != line.length) {
            queuedBytes.addAndGet(-line.length);
            abort(LeaveReason.SLOW_CONSUMER);
            return false;
        }
        outbound.add(line);
        if (draining.compareAndSet(false, true)) {
            Threads.startWriter(this::drain);
        }
        return true;
    }

    /**
     * Stops the connection after {@code lastLine} (may be {@code null}) and everything queued before it
     * has been written. Idempotent: only the first reason counts.
     */
    void closeGracefully(LeaveReason reason, byte[] lastLine) {
        if (!state.compareAndSet(OPEN, CLOSING)) {
            return;
        }
        closeDeadlineNanos = System.nanoTime() + core.lingerNanos();
        core.left(this, reason);
        flushThenClose = true;
        if (lastLine != null) {
            outbound.add(lastLine);
            queuedBytes.addAndGet(lastLine.length);
        }
        if (draining.compareAndSet(false, true)) {
            Threads.startWriter(this::drain);
        }
    }

    /** Closes at once, without a goodbye. */
    void abort(LeaveReason reason) {
        if (state.compareAndSet(OPEN, CLOSING)) {
            core.left(this, reason);
        }
        closeChannel();
    }

    /** Called by the timer: a closing connection past its linger deadline is closed hard. */
    void checkLinger(long nowNanos) {
        if (state.get() == CLOSING && !channelClosed.get() && nowNanos - closeDeadlineNanos > 0) {
            closeChannel();
        }
    }

    /** Whether output has been flushed and shut down (used by server shutdown to stop waiting). */
    boolean isOutputDone() {
        return outputDone || channelClosed.get();
    }

    void closeChannel() {
        if (channelClosed.compareAndSet(false, true)) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("closing {} failed", id, e);
            }
            outbound.clear();
            core.closed(this);
        }
    }

    private void drain() {
        ByteBuffer buffer = core.buffers().acquire();
        try {
            while (true) {
                int taken = 0;
                buffer.clear();
                byte[] line;
                while ((line = outbound.peek()) != null) {
                    if (line.length > buffer.remaining()) {
                        if (buffer.position() == 0) {
                            outbound.poll();
                            writeFully(ByteBuffer.wrap(line));
                            queuedBytes.addAndGet(-line.length);
                        }
                        break;
                    }
                    buffer.put(outbound.poll());
                    taken += line.length;
                }
                if (buffer.position() > 0) {
                    buffer.flip();
                    writeFully(buffer);
                    queuedBytes.addAndGet(-taken);
                    continue;
                }
                if (!outbound.isEmpty()) {
                    continue;
                }
                if (flushThenClose) {
                    finishOutput();
                    return;
                }
                draining.set(false);
                // A line queued after the emptiness check but before the flag dropped would wait
                // forever: look once more and take the writer role back if so.
                if (outbound.isEmpty() && !flushThenClose || !draining.compareAndSet(false, true)) {
                    return;
                }
            }
        } catch (IOException e) {
            abort(LeaveReason.DISCONNECTED);
        } catch (RuntimeException | Error e) {
            LOG.error("writer of {} failed", id, e);
            abort(LeaveReason.DISCONNECTED);
        } finally {
            core.buffers().release(buffer);
        }
    }

    private void writeFully(ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            channel.write(data);
        }
    }

    private void finishOutput() throws IOException {
        if (channelClosed.get()) {
            return;
        }
        channel.shutdownOutput();
        outputDone = true;
        if (inputDone || core.isClosing()) {
            closeChannel();
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + "]";
    }
}
