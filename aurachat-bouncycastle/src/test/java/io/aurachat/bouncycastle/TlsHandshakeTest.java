package io.aurachat.bouncycastle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link ServerIdentity#sslContext()} serves real TLS 1.3 to a JDK client that trusts by fingerprint. */
class TlsHandshakeTest {
    private static final int TIMEOUT_MILLIS = 10_000;

    @TempDir
    Path dir;

    @Test
    void theCreatedIdentityCompletesATls13Handshake() throws Exception {
        ServerIdentity identity = ServerIdentity.loadOrCreate(dir.resolve("server.crt"), dir.resolve("server.key"),
                "chat");
        Seen seen = handshake(identity);
        assertEquals("TLSv1.3", seen.protocol());
        assertEquals(identity.fingerprintSha256(), seen.fingerprint());
        assertEquals(1, seen.chainLength());
    }

    @Test
    void anOpenSslRsaIdentityCompletesATls13Handshake() throws Exception {
        Path cert = dir.resolve("rsa.crt");
        Path key = dir.resolve("rsa.key");
        OpenSsl.selfSigned(dir, "rsa:2048", "rsa.example", cert, key);
        ServerIdentity identity = ServerIdentity.load(cert, key);
        Seen seen = handshake(identity);
        assertEquals("TLSv1.3", seen.protocol());
        assertEquals(identity.fingerprintSha256(), seen.fingerprint());
        assertEquals(OpenSsl.fingerprint(cert), seen.fingerprint());
    }

    @Test
    void aChainIsSentWhole() throws Exception {
        Path caCert = dir.resolve("ca.crt");
        Path caKey = dir.resolve("ca.key");
        OpenSsl.selfSigned(dir, "rsa:2048", "Test CA", caCert, caKey);
        Path leafKey = dir.resolve("leaf.key");
        Path csr = dir.resolve("leaf.csr");
        Path leafCert = dir.resolve("leaf.crt");
        OpenSsl.run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", leafKey.toString());
        OpenSsl.run(dir, "req", "-new", "-key", leafKey.toString(), "-subj", "/CN=leaf.example", "-out",
                csr.toString());
        OpenSsl.run(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey",
                caKey.toString(), "-set_serial", "2", "-days", "1", "-out", leafCert.toString());
        Path chain = dir.resolve("chain.crt");
        Files.writeString(chain,
                Files.readString(leafCert) + Files.readString(caCert));

        ServerIdentity identity = ServerIdentity.load(chain, leafKey);
        Seen seen = handshake(identity);
        assertEquals("TLSv1.3", seen.protocol());
        assertEquals(2, seen.chainLength());
        assertEquals(OpenSsl.fingerprint(leafCert), seen.fingerprint());
    }

    record Seen(String protocol, String fingerprint, int chainLength) {
    }

    /**
     * One TLS 1.3 connection on 127.0.0.1 from a client that trusts whatever it is shown and records the leaf's
     * fingerprint, as a trust-on-first-use client does; a byte goes each way so both ends finished the handshake.
     */
    private static Seen handshake(ServerIdentity identity) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (SSLServerSocket server = (SSLServerSocket) identity.sslContext().getServerSocketFactory()
                .createServerSocket(0, 1, loopback)) {
            server.setEnabledProtocols(new String[] {"TLSv1.3"});
            server.setSoTimeout(TIMEOUT_MILLIS);
            Future<String> served = executor.submit(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.setSoTimeout(TIMEOUT_MILLIS);
                    socket.startHandshake();
                    int b = socket.getInputStream().read();
                    socket.getOutputStream().write(b + 1);
                    socket.getOutputStream().flush();
                    return socket.getSession().getProtocol();
                }
            });

            RecordingTrustManager trust = new RecordingTrustManager();
            Seen seen;
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, new TrustManager[] {trust}, null);
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(loopback, server.getLocalPort()), TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                socket.setEnabledProtocols(new String[] {"TLSv1.3"});
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(41);
                out.flush();
                assertEquals(42, in.read());
                seen = new Seen(socket.getSession().getProtocol(), trust.fingerprint, trust.chainLength);
            }
            // After the client's close: the server's close of a TLS socket waits for the client's close_notify.
            assertEquals("TLSv1.3", served.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
            return seen;
        } finally {
            executor.shutdownNow();
            executor.awaitTermination(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Trusts every server and records what it was shown; computes the fingerprint on its own, from the DER. */
    private static final class RecordingTrustManager implements X509TrustManager {
        volatile String fingerprint;
        volatile int chainLength;

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                fingerprint = HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
            } catch (NoSuchAlgorithmException e) {
                throw new CertificateException(e);
            }
            chainLength = chain.length;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("no client certificates here");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
