package io.aurachat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS side of one generator {@link Client}: its {@link SSLEngine} (client mode, TLS 1.3 only) and the encrypted
 * bytes that a read or a write left over. The generator's {@link EventLoop} does the socket I/O and the handshake in
 * its own selector loop, exactly as for plain connections; this class turns plaintext into records and back. A
 * client without TLS has no such object ({@link Client#tls} is {@code null}), so the plain path does not change.
 *
 * <p>Threads: the handshake and {@link #unwrap} run on the client's loop; {@link #write} on whichever thread writes
 * the client's plaintext (its loop, or the latency workload's pacer once setup is done), one at a time. An {@link
 * SSLEngine} allows one wrap and one unwrap at once.
 */
final class Tls {

    /** The only protocol the generator offers: the comparison is of TLS 1.3 servers. */
    static final String PROTOCOL = "TLSv1.3";
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final SSLEngine engine;
    /** Encrypted bytes not written yet (the socket was full), flipped; {@code null} if none. */
    private ByteBuffer unsent;
    /** Encrypted input that is not a whole record yet, flipped; {@code null} if none. */
    private ByteBuffer unread;
    /** The handshake is over; from here on only application data (and post-handshake messages) flow. */
    boolean established;
    /** The codec's handshake has been written after the TLS one; the loop's thread. */
    boolean greeted;

    private Tls(SSLEngine engine) {
        this.engine = engine;
    }

    /**
     * The context every generator connection's engine comes from. Its trust manager accepts any certificate: the
     * generator measures servers, it does not authenticate them (both targets run on this machine, with a
     * self-signed certificate made for the run). Never use such a trust manager in a client that talks to anyone.
     */
    static SSLContext trustAllContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAll()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context", e);
        }
    }

    /**
     * A client-mode engine for {@code server}, TLS 1.3 only, offering {@code cipherSuites} (empty: the JDK's
     * defaults), and begins its handshake.
     *
     * @throws IllegalArgumentException if a cipher suite is not supported
     */
    static Tls connect(SSLContext context, InetSocketAddress server, List<String> cipherSuites) throws SSLException {
        SSLEngine engine = context.createSSLEngine(server.getHostString(), server.getPort());
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        if (!cipherSuites.isEmpty()) {
            p.setCipherSuites(cipherSuites.toArray(String[]::new));
        }
        engine.setSSLParameters(p);
        engine.beginHandshake();
        return new Tls(engine);
    }

    /** The suite the handshake agreed on, e.g. {@code TLS_AES_256_GCM_SHA384}. */
    String cipherSuite() {
        return engine.getSession().getCipherSuite();
    }

    /** The protocol version agreed on. */
    String protocol() {
        return engine.getSession().getProtocol();
    }

    /** The engine's largest record, for sizing the buffers records are written to. */
    int packetSize() {
        return engine.getSession().getPacketBufferSize();
    }

    /** Whether encrypted bytes wait for the socket. */
    boolean hasUnsent() {
        return unsent != null;
    }

    /** Puts the kept encrypted input at the start of {@code net} (cleared by the caller), and forgets it. */
    void takeUnread(ByteBuffer net) {
        if (unread != null) {
            net.put(unread);
            unread = null;
        }
    }

    /** Keeps what is left of {@code net} (flipped, partly consumed) for the next read. */
    void keepUnread(ByteBuffer net) {
        unread = net.hasRemaining() ? ByteBuffer.allocate(net.remaining()).put(net).flip() : null;
    }

    /** What stopped {@link #unwrap}. */
    enum Unwrapped {
        /** {@code app} is full and whole records are left. */
        MORE,
        /** No whole record is left. */
        DRAINED,
        /** The server sent close_notify. */
        CLOSED
    }

    /**
     * Decrypts as many whole records of {@code net} as fit into {@code app}; also consumes the handshake's records
     * and the post-handshake ones (TLS 1.3 session tickets), which produce nothing. Runs delegated tasks inline: the
     * generator's loop may stall for a key exchange, which happens only while connecting, never while measuring.
     */
    Unwrapped unwrap(ByteBuffer net, ByteBuffer app) throws SSLException {
        while (net.hasRemaining()) {
            SSLEngineResult r = engine.unwrap(net, app);
            switch (r.getStatus()) {
                case OK -> {
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
                        established = true;
                    }
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                        return Unwrapped.DRAINED;
                    }
                    if (!established && engine.getHandshakeStatus() != SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                        return Unwrapped.DRAINED; // the handshake wants to write (or is over): the caller drives it
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

    /** Runs the engine's delegated tasks on the calling thread. */
    void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Whether the handshake wants us to send its next message. */
    boolean handshakeWantsWrap() {
        return !established && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP;
    }

    /**
     * Writes what is left of earlier records, then encrypts {@code plain} (write mode: bytes from 0 to its
     * position) into {@code scratch} and writes it, for as long as the socket takes everything. During the handshake
     * it writes the handshake's messages instead ({@code plain} is left alone).
     *
     * @param scratch a buffer of the calling thread's, at least {@link #packetSize()} long
     * @return whether everything was written: nothing is left of {@code plain} nor of the records
     */
    boolean write(SocketChannel channel, ByteBuffer plain, ByteBuffer scratch) throws IOException {
        if (unsent != null) {
            channel.write(unsent);
            if (unsent.hasRemaining()) {
                return false;
            }
            unsent = null;
        }
        while (established ? plain.position() > 0 : handshakeWantsWrap()) {
            scratch.clear();
            if (established) {
                plain.flip();
                while (plain.hasRemaining() && scratch.remaining() >= packetSize()) {
                    if (check(engine.wrap(plain, scratch)).bytesConsumed() == 0) {
                        break;
                    }
                }
                plain.compact();
                if (scratch.position() == 0) {
                    throw new IllegalStateException("the TLS engine took none of " + plain.position() + " bytes");
                }
            } else {
                SSLEngineResult r = check(engine.wrap(EMPTY, scratch));
                if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
                    established = true;
                }
            }
            scratch.flip();
            channel.write(scratch);
            if (scratch.hasRemaining()) {
                unsent = ByteBuffer.allocateDirect(scratch.remaining()).put(scratch).flip();
                return false;
            }
        }
        return plain.position() == 0;
    }

    private static SSLEngineResult check(SSLEngineResult r) throws SSLException {
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("the TLS session is closed");
        }
        if (r.getStatus() != SSLEngineResult.Status.OK) { // the scratch buffer has room for any record
            throw new IllegalStateException("wrap: " + r);
        }
        return r;
    }

    /** Accepts every certificate: see {@link #trustAllContext()}. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
