package io.aurachat.client;

import io.aurachat.protocol.Fingerprint;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts one server's certificate by its fingerprint ({@link TlsTrust}) during the handshake, so that a refused
 * server gets nothing at all; no certificate authority and no host name are involved (the fingerprint is the
 * identity). One per connection attempt; it keeps what it decided for the client to report.
 */
final class FingerprintTrustManager extends X509ExtendedTrustManager {
    private final String server;
    private final TlsTrust trust;
    /** What discovery announced, or {@code null}: a certificate that is not that one is refused too. */
    private final Fingerprint announced;
    volatile Fingerprint presented;
    volatile boolean firstContact;
    volatile UntrustedServerException refusal;

    FingerprintTrustManager(String server, TlsTrust trust, Fingerprint announced) {
        this.server = server;
        this.trust = trust;
        this.announced = announced;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        Fingerprint fp = Fingerprint.of(chain[0]);
        presented = fp;
        try {
            if (announced != null && !announced.equals(fp)) {
                // Discovery is not authenticated, but a server that announces one certificate and presents another
                // is either broken or not the server that answered: never remember it.
                throw new UntrustedServerException(server, announced, fp, null);
            }
            firstContact = trust.check(server, fp);
        } catch (UntrustedServerException e) {
            refusal = e;
            throw new CertificateException(e.getMessage(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a chat client does not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
