package io.aurachat.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one {@link SSLEngine#wrap} of {@code size} bytes of plaintext into one TLS 1.3 record, as the server's writer
 * does for a connection's coalesced lines, into a heap or a direct output buffer. The server's writer uses a heap
 * buffer ({@code EventLoop.tlsOut}): the JDK's AES-GCM takes its fast path only for arrays, and a direct output
 * costs a copy through a temporary array. Scores are per record. Run by {@code aurachat-bench/run-jmh.sh
 * TlsWrapBench}; see docs/performance.md, "TLS (issue 15)".
 *
 * <p>The engine is the JDK's (SunJSSE), server mode, after a handshake with a client engine in the same process;
 * the certificate is a throw-away EC P-256 one that the JDK's {@code keytool} makes at set-up. A JMH state: one
 * instance per benchmark thread; not thread-safe.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TlsWrapBench {

    private static final char[] PASSWORD = "bench-only".toCharArray();

    /** Plaintext bytes per record: one short line, a few coalesced lines, a full write buffer's worth. */
    @Param({"150", "2048", "8192"})
    public int size;

    /** The output buffer's kind. */
    @Param({"heap", "direct"})
    public String output;

    private SSLEngine server;
    private ByteBuffer plain;
    private ByteBuffer out;

    /** Makes the key, shakes hands, allocates the buffers. */
    @Setup
    public void setup() throws IOException, GeneralSecurityException, InterruptedException {
        SSLContext context = context();
        server = context.createSSLEngine();
        server.setUseClientMode(false);
        SSLEngine client = context.createSSLEngine("localhost", 1);
        client.setUseClientMode(true);
        SSLParameters p = client.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3"});
        client.setSSLParameters(p);
        handshake(client, server);
        plain = ByteBuffer.allocate(size);
        int capacity = server.getSession().getPacketBufferSize() + size;
        out = "direct".equals(output) ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    /** One record. */
    @Benchmark
    public int wrap() throws SSLException {
        plain.clear();
        out.clear();
        SSLEngineResult r = server.wrap(plain, out);
        if (r.getStatus() != SSLEngineResult.Status.OK || plain.hasRemaining()) {
            throw new IllegalStateException("wrap did not take the record: " + r);
        }
        return r.bytesProduced();
    }

    private static SSLContext context() throws IOException, GeneralSecurityException, InterruptedException {
        Path dir = Files.createTempDirectory("aurachat-tlswrap");
        Path store = dir.resolve("key.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keyalg", "EC", "-groupname",
                "secp256r1", "-alias", "bench", "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", new String(PASSWORD))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0) {
            throw new IOException("keytool failed: " + keytool);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        } finally {
            Files.deleteIfExists(store);
            Files.deleteIfExists(dir);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        // The client trusts anything: this is a benchmark of the record layer, in one process, not a client.
        context.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[] {new TrustAll()}, null);
        return context;
    }

    /** Runs both engines until neither needs to wrap or unwrap; every message fits one buffer here. */
    private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        int size = Math.max(client.getSession().getPacketBufferSize(), 64 * 1024);
        ByteBuffer toServer = ByteBuffer.allocate(size);
        ByteBuffer toClient = ByteBuffer.allocate(size);
        ByteBuffer sink = ByteBuffer.allocate(size);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < 100 && !(done(client) && done(server)); i++) {
            step(client, empty, toServer, toClient, sink);
            step(server, empty, toClient, toServer, sink);
        }
        if (!done(client) || !done(server)) {
            throw new SSLException("the handshake did not end");
        }
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
            throws SSLException {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
        engine.wrap(empty, out);
        in.flip();
        engine.unwrap(in, sink);
        in.compact();
        sink.clear();
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Accepts any certificate: both ends are this benchmark. */
    private static final class TrustAll extends javax.net.ssl.X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType,
                java.net.Socket socket) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType,
                java.net.Socket socket) {
        }

        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType,
                SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType,
                SSLEngine engine) {
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }
}
