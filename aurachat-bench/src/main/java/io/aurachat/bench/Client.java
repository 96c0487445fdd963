package io.aurachat.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated chat client: a non-blocking socket owned by one {@link EventLoop}. Fields without a
 * note are touched only by that loop's thread (the latency pacer takes over {@link #out} once setup is
 * done, and from then on the loop never writes).
 */
final class Client {

    final int index;
    final EventLoop loop;
    final SocketChannel channel;
    SelectionKey key;
    /** Its TLS session, or {@code null} for a plain connection; set before the loop registers it. */
    Tls tls;
    /** Unsent bytes, in write mode. */
    final ByteBuffer out;
    /** The tail of the last read that was not yet a complete frame. */
    byte[] carry = new byte[256];
    int carryLength;

    private final byte[] inbox;
    private final byte[] subscription;
    /** The name this client sets once it is in (idle workload), or {@code null} for none. */
    private final byte[] name;
    /** Whether its naming command was written. Loop thread. */
    boolean nameSent;
    /** Its naming command is sent and the reply not yet read: the next reply is that one. Loop thread. */
    boolean naming;
    private volatile byte[] serverId;
    /** AuraChat: the most clients for which the server sends join notices (its welcome says). */
    private volatile long presenceLimit = Long.MAX_VALUE;
    volatile boolean ready;
    /** Set before we close on purpose, so that the end of the stream is not reported as a failure. */
    volatile boolean closing;

    /** Messages sent by this client whose delivery has not been seen yet; decremented by receivers' loops. */
    final AtomicInteger inFlight = new AtomicInteger();
    /** Whether this client is queued to its loop to send more; guards against queuing it twice. */
    final AtomicBoolean scheduled = new AtomicBoolean();
    /** The next sequence number this client sends. */
    long nextSequence;
    /** The sequence number this client expects next from the fan-out sender. */
    long expectedSequence;

    Client(int index, EventLoop loop, SocketChannel channel, int outCapacity, byte[] subscription) {
        this(index, loop, channel, outCapacity, subscription, null);
    }

    Client(int index, EventLoop loop, SocketChannel channel, int outCapacity, byte[] subscription, byte[] name) {
        this.index = index;
        this.loop = loop;
        this.channel = channel;
        this.out = ByteBuffer.allocateDirect(outCapacity);
        this.inbox = AuraChatCodec.ascii("c" + index);
        this.subscription = subscription;
        this.name = name;
    }

    /** This client's position in the workload, 0-based. */
    int index() {
        return index;
    }

    /** Redis: the channel other clients publish to for this client ({@code c<index>}). */
    byte[] inbox() {
        return inbox;
    }

    /** Redis: the channel this client subscribes to, or {@code null} for none. */
    byte[] subscription() {
        return subscription;
    }

    /** The name this client sets before it counts as connected, or {@code null} for none (ASCII). */
    byte[] name() {
        return name;
    }

    /** AuraChat: the id the server gave this client ({@code c17}), or {@code null} before the welcome. */
    byte[] serverId() {
        return serverId;
    }

    long presenceLimit() {
        return presenceLimit;
    }

    void presenceLimit(long limit) {
        presenceLimit = limit;
    }

    void serverId(byte[] id) {
        serverId = id;
    }

    /** Keeps {@code length} bytes of {@code in} from {@code from} for the next read; grows up to {@code max}. */
    boolean keep(ByteBuffer in, int from, int length, int max) {
        if (length > carry.length) {
            if (length > max) {
                return false;
            }
            carry = new byte[Math.min(max, Math.max(length, carry.length * 2))];
        }
        in.get(from, carry, 0, length);
        carryLength = length;
        return true;
    }
}
