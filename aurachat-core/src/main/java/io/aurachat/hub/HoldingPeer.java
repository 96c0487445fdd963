package io.aurachat.hub;

import io.aurachat.protocol.LeaveReason;
import io.aurachat.transport.Peer;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * What stands in front of a resuming client's peer while the resume replays the messages its session missed: the
 * hub routes to the client as soon as it has its old identity back (so that nothing sent meanwhile is lost), and this
 * keeps those live lines, in order, until the replay is out; then {@link #release} hands them on and it passes every
 * later line straight through. The resume skips a stored message whose live copy is held here ({@link #holds}), so
 * that no message arrives twice.
 *
 * <p>Bounded: more than {@link #MAX_LINES} lines or {@link #MAX_BYTES} bytes (1 MiB) held cut the client as a slow
 * consumer (a client that cannot take the live traffic while it catches up would be cut by its own queue a moment
 * later).
 */
final class HoldingPeer implements Peer {
    /** The most live lines held during a replay. */
    static final int MAX_LINES = 10_000;
    /**
     * The most bytes of live lines held during a replay: the TCP transport's default outbound limit, which they are
     * handed to at once when the replay is out (more would be cut there).
     */
    static final long MAX_BYTES = 1024 * 1024;

    private final Peer real;
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    private final Set<Long> heldIds = new HashSet<>();
    private long heldBytes;
    private boolean released;
    private boolean cut;
    /** Guards the held lines; a lock rather than a monitor: release runs on a virtual thread (pinning on Java 21). */
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

    HoldingPeer(Peer real) {
        this.real = real;
    }

    /** The peer it stands in front of. */
    Peer real() {
        return real;
    }

    @Override
    public String address() {
        return real.address();
    }

    @Override
    public boolean send(byte[] line) {
        lock.lock();
        try {
            if (released) {
                return real.send(line);
            }
            if (cut) {
                return false;
            }
            long id = Wire.messageId(line);
            if (id > 0 && heldIds.contains(id)) {
                return true; // the same message through the connection's other registry entry (see Hub.resume)
            }
            if (held.size() >= MAX_LINES || heldBytes + line.length > MAX_BYTES) {
                cut = true;
                held.clear();
                heldIds.clear();
                real.close(LeaveReason.SLOW_CONSUMER, null);
                return false;
            }
            held.add(line);
            heldBytes += line.length;
            if (id > 0) {
                heldIds.add(id);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the live copy of the message with this id is held (the replay then leaves it out). */
    boolean holds(long id) {
        lock.lock();
        try {
            return heldIds.contains(id);
        } finally {
            lock.unlock();
        }
    }

    /** Hands on what is held, in order; from now on every line passes straight through. */
    void release() {
        lock.lock();
        try {
            for (byte[] line : held) {
                if (!real.send(line)) {
                    break; // the peer is closing or cut it: the rest would not be taken either
                }
            }
            held.clear();
            heldIds.clear();
            released = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean congested() {
        return real.congested();
    }

    @Override
    public void close(LeaveReason reason, byte[] lastLine) {
        real.close(reason, lastLine);
    }

    @Override
    public String toString() {
        return "HoldingPeer[" + real + "]";
    }
}
