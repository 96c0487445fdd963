package io.aurachat.bouncycastle;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reading and writing the PEM files of a {@link ServerIdentity}. Every failure is an {@link IOException} whose
 * message is one line that names the file, since the reference server prints it and stops.
 */
final class PemFiles {
    /** A chain is a few KiB; anything this big is the wrong file, and is not read into memory. */
    static final long MAX_FILE_BYTES = 1 << 20;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private PemFiles() {
    }

    /** The certificates of {@code file} in file order (other blocks, such as a key in a combined file, skipped). */
    static List<X509Certificate> readCertificates(Path file) throws IOException {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> chain = new ArrayList<>();
        for (Object block : readBlocks(file)) {
            if (block instanceof X509CertificateHolder holder) {
                try {
                    chain.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new IOException("certificate " + (chain.size() + 1) + " in " + file + " is not a valid"
                            + " X.509 certificate: " + e.getMessage(), e);
                }
            }
        }
        if (chain.isEmpty()) {
            throw new IOException(file + " holds no PEM certificate (no -----BEGIN CERTIFICATE----- block)");
        }
        return chain;
    }

    /**
     * The one private key of {@code file}: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1
     * ({@code EC PRIVATE KEY}, with or without the {@code EC PARAMETERS} block openssl puts before it). Other blocks,
     * such as certificates in a combined file, are skipped.
     */
    static PrivateKey readPrivateKey(Path file) throws IOException {
        PrivateKeyInfo found = null;
        for (Object block : readBlocks(file)) {
            PrivateKeyInfo info;
            if (block instanceof PEMEncryptedKeyPair || block instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new IOException(file + " holds an encrypted private key, which is not supported: decrypt it"
                        + " with `openssl pkey -in " + file + " -out <new file>` and keep that file owner-only");
            } else if (block instanceof PEMKeyPair pair) {
                info = pair.getPrivateKeyInfo();
            } else if (block instanceof PrivateKeyInfo plain) {
                info = plain;
            } else {
                continue;
            }
            if (found != null) {
                throw new IOException(file + " holds more than one private key: keep only the server's");
            }
            found = info;
        }
        if (found == null) {
            throw new IOException(file + " holds no PEM private key (no PRIVATE KEY, RSA PRIVATE KEY or"
                    + " EC PRIVATE KEY block)");
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(found);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read the private key in " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Object> readBlocks(Path file) throws IOException {
        String text;
        try {
            // PEM is ASCII; Latin-1 reads any byte, so a stray one is the parser's error, not a decoding one.
            text = Files.size(file) > MAX_FILE_BYTES ? null : Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + describe(e), e);
        }
        if (text == null) {
            throw new IOException(file + " is over 1 MiB: not a PEM certificate or key");
        }
        List<Object> blocks = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) {
            // PEMParser throws IOException for what it does not know and runtime exceptions for bad base64 or ASN.1.
            throw new IOException(file + " is not a valid PEM file: " + oneLine(e.getMessage()), e);
        }
        return blocks;
    }

    /** {@code certificate} as one PEM {@code CERTIFICATE} block. */
    static byte[] certificatePem(X509Certificate certificate) {
        return pem(certificate);
    }

    /** {@code key} as one unencrypted PKCS#8 {@code PRIVATE KEY} block, what {@code openssl genpkey} writes. */
    static byte[] privateKeyPem(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes {@code content} to {@code target} so that {@code target} either does not exist or is complete: into a
     * temporary file beside it, flushed to disk, then renamed over it. With {@code ownerOnly}, on a POSIX file system
     * the temporary file is created {@code rw-------}, so the content is never readable by others, not even for a
     * moment; elsewhere it gets the directory's default access. Creates missing parent directories.
     */
    static void writeAtomically(Path target, byte[] content, boolean ownerOnly) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + absolute.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36)
                + ".tmp");
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        if (ownerOnly && posix) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(temp);
        }
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Whether {@code file}'s POSIX permissions let its group or others read it; {@code false} where there are none. */
    static boolean readableByOthers(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return false;
        }
        try {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            return permissions.contains(PosixFilePermission.GROUP_READ)
                    || permissions.contains(PosixFilePermission.OTHERS_READ);
        } catch (IOException e) {
            return false; // it was just read, so this is a race with a deletion; the read reports that
        }
    }

    /** What went wrong with a file, without repeating its name (which the JDK's exceptions take as message). */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        } else if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.toString();
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
