package io.aurachat.server;

import io.aurachat.protocol.Fingerprint;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The server's TLS port: where clients connect encrypted, beside (or instead of) the plain port. Immutable; made
 * with {@link #builder}. The library takes a ready {@link SSLContext}: making or loading a certificate and key is the
 * embedder's job (the reference server makes a self-signed one with BouncyCastle on its first start, module
 * {@code aurachat-bouncycastle}). Clients trust the server by its certificate's {@linkplain #fingerprint()
 * fingerprint}, which discovery announces; no certificate authority is involved.
 */
public final class TlsConfig {
    /** The default TLS port. */
    public static final int DEFAULT_PORT = 5443;
    /** How long a connection may take to finish its handshake by default. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** The protocol versions enabled by default: TLS 1.3, and 1.2 for older clients. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final SSLContext context;
    private final X509Certificate certificate;
    private final Fingerprint fingerprint;
    private final int port;
    private final Duration handshakeTimeout;
    private final List<String> protocols;

    private TlsConfig(Builder b) {
        this.context = b.context;
        this.certificate = b.certificate;
        this.fingerprint = Fingerprint.of(b.certificate);
        this.port = b.port;
        this.handshakeTimeout = b.handshakeTimeout;
        this.protocols = b.protocols;
    }

    /**
     * A builder.
     *
     * @param context a TLS context whose key manager presents {@code certificate}
     * @param certificate the server's certificate (the leaf of its chain): what clients pin
     */
    public static Builder builder(SSLContext context, X509Certificate certificate) {
        return new Builder(context, certificate);
    }

    /** The context each connection's engine is made from. */
    public SSLContext context() {
        return context;
    }

    /** The server's certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The SHA-256 fingerprint of {@link #certificate()}, as discovery announces it. */
    public Fingerprint fingerprint() {
        return fingerprint;
    }

    /** The TLS port; 0 for any free one. */
    public int port() {
        return port;
    }

    /** A connection whose handshake has not ended this long after it was accepted is closed. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** The protocol versions enabled. */
    public List<String> protocols() {
        return protocols;
    }

    @Override
    public String toString() {
        return "TlsConfig[port=" + port + ", fingerprint=" + fingerprint + ", handshakeTimeout=" + handshakeTimeout
                + ", protocols=" + protocols + "]";
    }

    /** Builds a {@link TlsConfig}. Not thread-safe. */
    public static final class Builder {
        private final SSLContext context;
        private final X509Certificate certificate;
        private int port = DEFAULT_PORT;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private List<String> protocols = DEFAULT_PROTOCOLS;

        private Builder(SSLContext context, X509Certificate certificate) {
            this.context = Objects.requireNonNull(context, "context");
            this.certificate = Objects.requireNonNull(certificate, "certificate");
        }

        /** The port, 0 to 65535 (0: any free one); default {@link TlsConfig#DEFAULT_PORT}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The handshake timeout, more than zero; default 10 s. */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The protocol versions to enable, e.g. {@code TLSv1.3} alone; default TLS 1.3 and 1.2. */
        public Builder protocols(List<String> protocols) {
            this.protocols = List.copyOf(protocols);
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException if the port is out of range, the timeout not positive, no protocol is
         *     given, or a protocol is not supported by the context
         */
        public TlsConfig build() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("TLS port must be 0 to 65535: " + port);
            }
            if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
            }
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("at least one TLS protocol version is needed");
            }
            List<String> supported = List.of(context.getSupportedSSLParameters().getProtocols());
            for (String p : protocols) {
                if (!supported.contains(p)) {
                    throw new IllegalArgumentException("TLS protocol " + p + " is not supported; supported: " + supported);
                }
            }
            return new TlsConfig(this);
        }
    }
}
