package io.aurachat.testing;

import io.aurachat.server.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Server certificates for tests, made by the JDK's own {@code keytool} (core's tests do not use BouncyCastle): one
 * self-signed EC P-256 certificate per name, made once per JVM.
 */
public final class TestTls {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final ConcurrentHashMap<String, Identity> MADE = new ConcurrentHashMap<>();

    private TestTls() {}

    /** A server's key and certificate. */
    public record Identity(SSLContext context, X509Certificate certificate, Path keyStore) {
        /** A TLS port configuration on any free port, with this identity. */
        public TlsConfig.Builder config() {
            return TlsConfig.builder(context, certificate).port(0);
        }
    }

    /** The identity named {@code name} (a distinct key pair per name). */
    public static Identity identity(String name) {
        return MADE.computeIfAbsent(name, TestTls::make);
    }

    private static Identity make(String name) {
        try {
            Path dir = Files.createTempDirectory("aurachat-tls-");
            Path store = dir.resolve(name + ".p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=" + name, "-validity", "30",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", new String(PASSWORD)).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return new Identity(context, (X509Certificate) ks.getCertificate("server"), store);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A TLS socket to {@code address}, handshaken, that trusts whatever certificate it is shown (tests check the
     * certificate themselves where it matters).
     */
    public static SSLSocket connect(InetSocketAddress address, List<String> protocols) {
        try {
            SSLContext context = trustAll();
            SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
            s.connect(address, (int) Awaits.TIMEOUT.toMillis());
            s.setEnabledProtocols(protocols.toArray(String[]::new));
            s.setSoTimeout((int) Awaits.TIMEOUT.toMillis());
            s.startHandshake();
            s.setSoTimeout(0);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect over TLS to " + address, e);
        }
    }

    /** A client context that trusts whatever certificate it is shown (tests that check it do so themselves). */
    public static SSLContext trustAll() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where a server's TLS port listens on loopback. */
    public static InetSocketAddress tlsAddress(io.aurachat.server.ChatServer server) {
        return new InetSocketAddress(TestServer.LOOPBACK, server.tlsPort());
    }

    /** A plain socket, for tests that speak bytes to the TLS port. */
    public static Socket raw(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, (int) Awaits.TIMEOUT.toMillis());
        return s;
    }
}
