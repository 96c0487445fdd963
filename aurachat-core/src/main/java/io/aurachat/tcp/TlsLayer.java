package io.aurachat.tcp;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The TLS state of one {@link TcpConnection}: its {@link SSLEngine} and the encrypted bytes read but not yet
 * decrypted. The connection does the socket I/O; this class only turns records into plaintext and back, in the
 * loop's shared buffers, so that an idle TLS connection holds no buffer of its own (only the engine and, between
 * two reads, the tail of a record that has not fully arrived).
 *
 * <p>Threads: reading and the handshake run on the owning loop's thread; {@link #wrap} runs on whichever I/O thread
 * holds the connection's writer role (one at a time). {@link SSLEngine} allows one wrap and one unwrap at once.
 */
final class TlsLayer {
    /** Room a TLS record needs beyond its plaintext, with margin: header, nonce, tag, content type, padding. */
    static final int RECORD_OVERHEAD = 512;
    /** The largest record a peer may send (TLS 1.2's limit, above TLS 1.3's): plaintext, then expansion. */
    static final int MAX_RECORD = 16 * 1024 + 2048 + 5;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final SSLEngine engine;
    /** Encrypted input not decrypted yet (a record's start, or records left after a pause); {@code null} if none. */
    private ByteBuffer pending;
    /** Not handed to the hub yet: the handshake is under way. */
    volatile boolean handshaking = true;
    /** The engine has finished the handshake (its last message may still be on its way out). */
    boolean finished;
    /** A delegated task of the handshake runs off the loop; reading waits for it. */
    volatile boolean taskRunning;
    /** The engine wants to send something that is not application data (a handshake or key-update message). */
    volatile boolean needsWrap;
    /** Our close_notify has been produced. */
    boolean closeSent;
    /** When the handshake must have ended ({@link System#nanoTime}). */
    final long handshakeDeadlineNanos;

    TlsLayer(SSLEngine engine, long handshakeDeadlineNanos) {
        this.engine = engine;
        this.handshakeDeadlineNanos = handshakeDeadlineNanos;
    }

    boolean hasPending() {
        return pending != null;
    }

    /** Puts the kept input at the start of {@code net} (cleared by the caller), and forgets it. */
    void takePending(ByteBuffer net) {
        ByteBuffer p = pending;
        if (p != null) {
            net.put(p);
            pending = null;
        }
    }

    /** Keeps what is left of {@code net} (flipped, partly consumed) for later. */
    void keepPending(ByteBuffer net) {
        if (net.hasRemaining()) {
            pending = ByteBuffer.allocate(net.remaining()).put(net).flip();
        } else {
            pending = null;
        }
    }

    /** How many bytes are kept. */
    int pendingBytes() {
        ByteBuffer p = pending;
        return p == null ? 0 : p.remaining();
    }

    enum Unwrapped { MORE, DRAINED, CLOSED, RENEGOTIATION }

    /**
     * Decrypts as many whole records of {@code net} as fit into {@code app}.
     *
     * @return what stopped it: {@link Unwrapped#MORE} if {@code app} is full and records are left, {@link
     *     Unwrapped#DRAINED} if no whole record is left, {@link Unwrapped#CLOSED} if the peer sent close_notify, {@link
     *     Unwrapped#RENEGOTIATION} if a TLS 1.2 client asked for a new handshake (refused: the connection is to end)
     */
    Unwrapped unwrap(ByteBuffer net, ByteBuffer app) throws SSLException {
        while (net.hasRemaining()) {
            SSLEngineResult r = engine.unwrap(net, app);
            switch (r.getStatus()) {
                case OK -> {
                    if (renegotiating(r.getHandshakeStatus())) {
                        return Unwrapped.RENEGOTIATION;
                    }
                    noteHandshake(r.getHandshakeStatus());
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                        return Unwrapped.DRAINED;
                    }
                }
                case BUFFER_UNDERFLOW -> {
                    return Unwrapped.DRAINED;
                }
                case BUFFER_OVERFLOW -> {
                    return Unwrapped.MORE;
                }
                case CLOSED -> {
                    return Unwrapped.CLOSED;
                }
                default -> throw new IllegalStateException(r.toString());
            }
        }
        return Unwrapped.DRAINED;
    }

    /**
     * Whether the client started a new handshake on a TLS 1.2 connection. Client-initiated renegotiation is refused, as
     * nginx and most servers do: it costs the server a handshake for every request a client makes, and application
     * data wrapped while it runs could not be sent. TLS 1.3 has no renegotiation; its key updates are served.
     */
    private boolean renegotiating(SSLEngineResult.HandshakeStatus status) {
        return status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                && status != SSLEngineResult.HandshakeStatus.FINISHED
                && !"TLSv1.3".equals(engine.getSession().getProtocol());
    }

    /** After the handshake, the peer can still ask for messages of ours (a TLS 1.3 key update); tasks run here. */
    private void noteHandshake(SSLEngineResult.HandshakeStatus status) {
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run(); // after the handshake only cheap tasks come (no key exchange)
            }
            status = engine.getHandshakeStatus();
        }
        if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            needsWrap = true;
        }
    }

    /**
     * Encrypts all of {@code plain} (flipped) into {@code out} (cleared by the caller), growing past it into a new
     * buffer if it does not fit.
     *
     * @return the encrypted bytes, flipped: {@code out} or a bigger buffer
     */
    ByteBuffer wrap(ByteBuffer plain, ByteBuffer out) throws SSLException {
        needsWrap = false;
        ByteBuffer dst = out;
        while (true) {
            SSLEngineResult r = engine.wrap(plain, dst);
            switch (r.getStatus()) {
                case OK -> {
                    boolean more = r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP;
                    if ((!plain.hasRemaining() && !more) || (r.bytesConsumed() == 0 && r.bytesProduced() == 0)) {
                        return dst.flip();
                    }
                }
                case BUFFER_OVERFLOW -> dst = grow(dst, plain.remaining());
                case CLOSED -> {
                    return dst.flip();
                }
                default -> throw new IllegalStateException(r.toString());
            }
        }
    }

    /** Our close_notify, encrypted into {@code out} (cleared), flipped. */
    ByteBuffer closeNotify(ByteBuffer out) throws SSLException {
        closeSent = true;
        engine.closeOutbound();
        ByteBuffer dst = out;
        while (!engine.isOutboundDone()) {
            SSLEngineResult r = engine.wrap(EMPTY, dst);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                dst = grow(dst, 0);
            } else if (r.bytesProduced() == 0) {
                break;
            }
        }
        return dst.flip();
    }

    /** Our next handshake messages (or an alert), encrypted into {@code out} (cleared), flipped. */
    ByteBuffer handshakeWrap(ByteBuffer out) throws SSLException {
        ByteBuffer dst = out;
        while (true) {
            SSLEngineResult r = engine.wrap(EMPTY, dst);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                dst = grow(dst, 0);
                continue;
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
                finished = true;
            }
            if (r.getStatus() == SSLEngineResult.Status.OK && r.bytesProduced() > 0
                    && r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                continue; // several messages in a row (ServerHello, EncryptedExtensions, Certificate, ...)
            }
            return dst.flip();
        }
    }

    /** A bigger copy of {@code dst} (not flipped) with room for {@code more} plaintext bytes' records. */
    private ByteBuffer grow(ByteBuffer dst, int more) {
        int room = engine.getSession().getPacketBufferSize() + more + (more / 16384 + 1) * RECORD_OVERHEAD;
        ByteBuffer bigger = ByteBuffer.allocate(dst.position() + room);
        dst.flip();
        bigger.put(dst);
        return bigger;
    }
}
