package io.aurachat.bouncycastle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS server's certificate chain and private key, with the {@link SSLContext} that serves them. Clients trust an
 * AuraChat server by the SHA-256 fingerprint of its certificate ({@link #fingerprintSha256()}), on first use, as SSH
 * trusts host keys: no certificate authority is involved, so the certificate can be self-signed.
 *
 * <pre>{@code
 * ServerIdentity identity = ServerIdentity.loadOrCreate(
 *         Path.of("util/server.crt"), Path.of("util/server.key"), "chat.example.lan");
 * SSLServerSocket socket = (SSLServerSocket) identity.sslContext().getServerSocketFactory().createServerSocket(5001);
 * System.out.println("certificate fingerprint (SHA-256): " + identity.fingerprintSha256());
 * }</pre>
 *
 * <p>{@link #loadOrCreate} makes a self-signed ECDSA P-256 certificate on a server's first start and reads it back on
 * later ones, so the fingerprint clients pinned stays the same; {@link #load} reads a user's own certificate chain
 * and key (RSA or EC) from PEM files. docs/bouncycastle.md lists the formats and the certificate's fields.
 *
 * <p><b>Threads.</b> The factories read (and write) files and block while they do; call them from any thread, once
 * at start-up. An instance is immutable and thread-safe, and so is its {@link SSLContext}.
 *
 * <p><b>Errors.</b> The factories throw {@link IOException} for every problem with the files (missing, unreadable,
 * not PEM, an encrypted key, a key that does not belong to the certificate), with a one-line message that names
 * the file or files, fit to print as the server's last words.
 */
public final class ServerIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(ServerIdentity.class);

    private final List<X509Certificate> chain;
    private final PrivateKey privateKey;
    private final String fingerprint;
    private final SSLContext sslContext;

    private ServerIdentity(List<X509Certificate> chain, PrivateKey privateKey, SSLContext sslContext) {
        this.chain = List.copyOf(chain);
        this.privateKey = privateKey;
        this.fingerprint = fingerprintSha256(chain.get(0));
        this.sslContext = sslContext;
    }

    /**
     * The identity in {@code certFile} and {@code keyFile}, or a new self-signed one written there if neither file
     * exists. A new one has an ECDSA P-256 key and an X.509 v3 certificate signed with it (SHA256withECDSA, a random
     * 128-bit serial, valid from a day ago for ten years, subject {@code CN=commonName}, alternative names {@code
     * localhost}, {@code commonName} if it is a host name, {@code 127.0.0.1} and {@code ::1}, for server
     * authentication only, not a CA). Both are written as PEM, the key as unencrypted PKCS#8, each to a temporary
     * file that is then renamed, so that a crash leaves no partial file; on a POSIX file system the key file is
     * {@code rw-------} from its creation. Missing parent directories are created. Existing files are read as
     * {@link #load} reads them ({@code commonName} is then not used).
     *
     * @param commonName the subject's common name for a new certificate, such as the server's host name: 1 to 64
     *     characters, no control characters
     * @throws IOException if only one of the files exists, if they cannot be read or written, or if {@link #load}
     *     refuses them
     * @throws IllegalArgumentException if {@code commonName} is blank, too long or has control characters
     */
    public static ServerIdentity loadOrCreate(Path certFile, Path keyFile, String commonName) throws IOException {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        SelfSigned.checkCommonName(Objects.requireNonNull(commonName, "commonName"));
        // A symbolic link counts even if dangling: it is refused by name, not replaced by a new file.
        boolean certExists = Files.exists(certFile, LinkOption.NOFOLLOW_LINKS);
        boolean keyExists = Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS);
        if (certExists && keyExists) {
            return load(certFile, keyFile);
        }
        if (certExists || keyExists) {
            Path present = certExists ? certFile : keyFile;
            Path missing = certExists ? keyFile : certFile;
            throw new IOException(present + " exists but " + missing + " does not: a certificate and its key go"
                    + " together; restore " + missing + ", or delete " + present + " to have a new pair made"
                    + " (clients that trusted the old one will then refuse the new one)");
        }
        SecureRandom random = new SecureRandom();
        SelfSigned.Pair pair = SelfSigned.create(commonName, Instant.now(), random);
        List<X509Certificate> chain = List.of(pair.certificate());
        SSLContext context = sslContext(chain, pair.keys().getPrivate(), keyFile);
        // The key first: a crash between the two leaves a lone key, which the next start refuses by name, and no
        // client can have trusted a certificate that was never served.
        PemFiles.writeAtomically(keyFile, PemFiles.privateKeyPem(pair.keys().getPrivate()), true);
        PemFiles.writeAtomically(certFile, PemFiles.certificatePem(pair.certificate()), false);
        ServerIdentity identity = new ServerIdentity(chain, pair.keys().getPrivate(), context);
        LOG.debug("Created a self-signed certificate for CN={} in {} (SHA-256 fingerprint {}) and its key in {}",
                commonName, certFile, identity.fingerprint, keyFile);
        return identity;
    }

    /**
     * A user's certificate chain and private key, from PEM files. {@code certFile} holds one or more {@code
     * CERTIFICATE} blocks, the server's own certificate first, then the intermediates that sign it; {@code keyFile}
     * holds its private key, RSA or EC, unencrypted, as PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE
     * KEY}) or SEC1 ({@code EC PRIVATE KEY}). Other blocks are skipped, so one combined file may be passed as both.
     * Logs a warning (SLF4J, this class's logger) if the key file is readable by its group or others.
     *
     * @throws IOException if a file cannot be read or is not PEM, if the key is encrypted, is not RSA or EC or does
     *     not belong to the first certificate, or if the JDK's TLS cannot use them
     */
    public static ServerIdentity load(Path certFile, Path keyFile) throws IOException {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        List<X509Certificate> chain = PemFiles.readCertificates(certFile);
        PrivateKey key = PemFiles.readPrivateKey(keyFile);
        String algorithm = key.getAlgorithm();
        if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
            throw new IOException("the key in " + keyFile + " is " + algorithm + ": only RSA and EC keys are"
                    + " supported");
        }
        if (!belongsTo(key, chain.get(0).getPublicKey())) {
            throw new IOException("the key in " + keyFile + " does not belong to the certificate in " + certFile
                    + (chain.size() > 1 ? " (the server's own certificate must come first)" : ""));
        }
        if (PemFiles.readableByOthers(keyFile)) {
            LOG.warn("{} holds a private key and is readable by others: make it owner-only (chmod 600 {})",
                    keyFile, keyFile);
        }
        return new ServerIdentity(chain, key, sslContext(chain, key, keyFile));
    }

    /** The certificates sent to clients: the server's own first, then any intermediates. Immutable. */
    public List<X509Certificate> certificateChain() {
        return chain;
    }

    /** The server's private key, the one of the first certificate. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /**
     * A {@code TLS} context that presents this certificate chain and key (TLS 1.3 and 1.2, as the JDK allows); the
     * same one on every call. It authenticates no clients by certificate: give its server sockets no client-auth
     * setting. Use {@code getServerSocketFactory()} or {@code createSSLEngine()} on it.
     */
    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * The SHA-256 of the first certificate's DER encoding, as 64 lowercase hex digits without separators: what a
     * client compares with the fingerprint it trusted, and what {@code openssl x509 -noout -fingerprint -sha256}
     * prints (there as uppercase pairs with colons).
     */
    public String fingerprintSha256() {
        return fingerprint;
    }

    /** The subject of the first certificate and its fingerprint. */
    @Override
    public String toString() {
        return "ServerIdentity[" + chain.get(0).getSubjectX500Principal().getName() + ", sha256=" + fingerprint
                + "]";
    }

    static String fingerprintSha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            // Every JDK has SHA-256, and a certificate that was parsed or built has its encoding.
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}: it signs a random challenge and the public key
     * checks it. This works for RSA and EC alike, where an EC private key alone does not give its public point.
     */
    static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (InvalidKeyException | SignatureException e) {
            return false; // a public key of another type or curve
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // both are in every JDK
        }
    }

    /** A context over an in-memory PKCS#12 store holding only this chain and key. */
    private static SSLContext sslContext(List<X509Certificate> chain, PrivateKey key, Path keyFile)
            throws IOException {
        // The store never leaves memory, so its password protects nothing; the API wants one.
        char[] password = "aurachat".toCharArray();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("the JDK's TLS cannot use the key in " + keyFile + ": "
                    + PemFiles.oneLine(e.getMessage()), e);
        }
    }
}
