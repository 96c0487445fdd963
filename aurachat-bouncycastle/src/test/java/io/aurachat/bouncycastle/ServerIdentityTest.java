package io.aurachat.bouncycastle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ServerIdentityTest {
    @TempDir
    Path dir;

    private Path cert() {
        return dir.resolve("util/server.crt");
    }

    private Path key() {
        return dir.resolve("util/server.key");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void firstStartCreatesBothFilesAndTheKeyIsOwnerOnly() throws IOException {
        ServerIdentity identity = ServerIdentity.loadOrCreate(cert(), key(), "chat.example.lan");

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key())));
        assertFalse(PemFiles.readableByOthers(key()));
        assertTrue(Files.readString(cert()).startsWith("-----BEGIN CERTIFICATE-----\n"));
        assertTrue(Files.readString(key()).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        try (Stream<Path> files = Files.list(dir.resolve("util"))) {
            assertEquals(Set.of("server.crt", "server.key"),
                    files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()), "no temporary file left");
        }
        assertEquals(64, identity.fingerprintSha256().length());
        assertTrue(identity.fingerprintSha256().matches("[0-9a-f]{64}"));
        assertEquals("EC", identity.privateKey().getAlgorithm());
    }

    @Test
    void secondStartReusesTheSameCertificate() throws IOException {
        ServerIdentity first = ServerIdentity.loadOrCreate(cert(), key(), "chat.example.lan");
        byte[] certBytes = Files.readAllBytes(cert());
        byte[] keyBytes = Files.readAllBytes(key());

        ServerIdentity second = ServerIdentity.loadOrCreate(cert(), key(), "another.name");

        assertEquals(first.fingerprintSha256(), second.fingerprintSha256());
        assertEquals(first.certificateChain(), second.certificateChain());
        assertArrayEquals(first.privateKey().getEncoded(), second.privateKey().getEncoded());
        assertArrayEquals(certBytes, Files.readAllBytes(cert()), "the files are not rewritten");
        assertArrayEquals(keyBytes, Files.readAllBytes(key()));
    }

    @Test
    void theCreatedCertificateIsAServerCertificateForLocalNames() throws Exception {
        Instant before = Instant.now();
        ServerIdentity identity = ServerIdentity.loadOrCreate(cert(), key(), "chat.example.lan");
        X509Certificate certificate = identity.certificateChain().get(0);

        assertEquals(1, identity.certificateChain().size());
        assertEquals(3, certificate.getVersion());
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
        assertEquals("CN=chat.example.lan", certificate.getSubjectX500Principal().getName());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        certificate.verify(certificate.getPublicKey()); // self-signed
        assertEquals(256, ((ECPublicKey) certificate.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        BigInteger serial = certificate.getSerialNumber();
        assertTrue(serial.signum() > 0 && serial.bitLength() <= 128, serial.toString(16));

        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        assertTrue(Duration.between(notBefore, before.minus(Duration.ofDays(1))).abs().getSeconds() < 60, "" + notBefore);
        Instant tenYears = before.atOffset(ZoneOffset.UTC).plusYears(10).toInstant();
        assertTrue(Duration.between(notAfter, tenYears).abs().getSeconds() < 60, "" + notAfter);

        assertEquals(-1, certificate.getBasicConstraints(), "not a CA");
        assertTrue(certificate.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.19", "2.5.29.15")));
        boolean[] keyUsage = certificate.getKeyUsage();
        assertTrue(keyUsage[0], "digitalSignature");
        for (int i = 1; i < keyUsage.length; i++) {
            assertFalse(keyUsage[i], "key usage bit " + i);
        }
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), certificate.getExtendedKeyUsage(), "serverAuth");
        assertEquals(Set.of(List.of(2, "localhost"), List.of(2, "chat.example.lan"), List.of(7, "127.0.0.1"),
                List.of(7, "0:0:0:0:0:0:0:1")), Set.copyOf(certificate.getSubjectAlternativeNames()));
    }

    @Test
    void aCommonNameThatIsNoHostNameIsNotADnsName() throws Exception {
        X509Certificate spaced = ServerIdentity.loadOrCreate(dir.resolve("a.crt"), dir.resolve("a.key"),
                "AuraChat server").certificateChain().get(0);
        assertEquals("CN=AuraChat server", spaced.getSubjectX500Principal().getName());
        assertEquals(Set.of(List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1")),
                Set.copyOf(spaced.getSubjectAlternativeNames()));
        X509Certificate local = ServerIdentity.loadOrCreate(dir.resolve("b.crt"), dir.resolve("b.key"), "localhost")
                .certificateChain().get(0);
        assertEquals(3, local.getSubjectAlternativeNames().size(), "localhost once");
    }

    @Test
    void hostNames() {
        for (String name : new String[] {"localhost", "chat", "chat.example.lan", "a-b.c1", "xn--bcher-kva.example",
            "1chat.lan", "CHAT.Example"}) {
            assertTrue(SelfSigned.isHostName(name), name);
        }
        for (String name : new String[] {"", "10.0.0.1", "chat server", "-chat", "chat-", "chat..lan", "chat.",
            "::1", "chat_1", "bücher.example", "İ", "a".repeat(64), "a.".repeat(127) + "a"}) {
            assertFalse(SelfSigned.isHostName(name), name);
        }
    }

    @Test
    void badCommonNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ServerIdentity.loadOrCreate(cert(), key(), " "));
        assertThrows(IllegalArgumentException.class,
                () -> ServerIdentity.loadOrCreate(cert(), key(), "a".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> ServerIdentity.loadOrCreate(cert(), key(), "a\nb"));
        assertFalse(Files.exists(cert()));
    }

    @Test
    void aLoneCertificateOrKeyIsRefusedByName() throws IOException {
        ServerIdentity.loadOrCreate(cert(), key(), "chat");
        Files.delete(cert());
        IOException noCert = assertThrows(IOException.class, () -> ServerIdentity.loadOrCreate(cert(), key(), "chat"));
        assertOneLineNaming(noCert, key(), cert());
        assertFalse(Files.exists(cert()), "no new certificate for the old key");

        Files.delete(key());
        ServerIdentity.loadOrCreate(cert(), key(), "chat");
        Files.delete(key());
        IOException noKey = assertThrows(IOException.class, () -> ServerIdentity.loadOrCreate(cert(), key(), "chat"));
        assertOneLineNaming(noKey, cert(), key());
        assertFalse(Files.exists(key()));
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() throws IOException {
        Path otherCert = dir.resolve("other/server.crt");
        Path otherKey = dir.resolve("other/server.key");
        ServerIdentity.loadOrCreate(cert(), key(), "chat");
        ServerIdentity.loadOrCreate(otherCert, otherKey, "chat");

        IOException e = assertThrows(IOException.class, () -> ServerIdentity.loadOrCreate(cert(), otherKey, "chat"));
        assertOneLineNaming(e, cert(), otherKey);
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
        assertThrows(IOException.class, () -> ServerIdentity.load(otherCert, key()));
    }

    @Test
    void filesThatAreNotPemAreRefusedByName() throws IOException {
        ServerIdentity.loadOrCreate(cert(), key(), "chat");
        String pem = Files.readString(cert());
        String keyPem = Files.readString(key());

        Files.writeString(cert(), "not a certificate\n");
        assertOneLineNaming(assertThrows(IOException.class, () -> ServerIdentity.loadOrCreate(cert(), key(), "chat")),
                cert());
        Files.writeString(cert(), pem.substring(0, pem.length() / 2) + "\n");
        assertOneLineNaming(assertThrows(IOException.class, () -> ServerIdentity.load(cert(), key())), cert());
        Files.writeString(cert(), pem.replace('A', '*'));
        assertOneLineNaming(assertThrows(IOException.class, () -> ServerIdentity.load(cert(), key())), cert());
        Files.writeString(cert(), pem);

        Files.writeString(key(), pem); // a certificate where the key should be
        assertOneLineNaming(assertThrows(IOException.class, () -> ServerIdentity.load(cert(), key())), key());
        Files.writeString(key(), keyPem + keyPem);
        assertOneLineNaming(assertThrows(IOException.class, () -> ServerIdentity.load(cert(), key())), key());
        Files.write(key(), new byte[(int) PemFiles.MAX_FILE_BYTES + 1]);
        assertOneLineNaming(assertThrows(IOException.class, () -> ServerIdentity.load(cert(), key())), key());
        Files.delete(key());
        assertOneLineNaming(assertThrows(IOException.class, () -> ServerIdentity.load(cert(), key())), key());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void aKeyFileOthersCanReadIsNoticed() throws IOException {
        ServerIdentity created = ServerIdentity.loadOrCreate(cert(), key(), "chat");
        Files.setPosixFilePermissions(key(), PosixFilePermissions.fromString("rw-r-----"));
        assertTrue(PemFiles.readableByOthers(key()));
        Files.setPosixFilePermissions(key(), PosixFilePermissions.fromString("rw----r--"));
        assertTrue(PemFiles.readableByOthers(key()));
        // It still loads (with a warning): refusing would stop a server over what chmod fixes.
        assertEquals(created.fingerprintSha256(), ServerIdentity.load(cert(), key()).fingerprintSha256());
        Files.setPosixFilePermissions(key(), PosixFilePermissions.fromString("rw-------"));
        assertFalse(PemFiles.readableByOthers(key()));
    }

    @Test
    void openSslReadsTheCreatedFilesAndAgreesOnTheFingerprint() throws Exception {
        ServerIdentity identity = ServerIdentity.loadOrCreate(cert(), key(), "chat");
        assertEquals(identity.fingerprintSha256(), OpenSsl.fingerprint(cert()));
        String keyPublic = OpenSsl.run(dir, "pkey", "-in", key().toString(), "-pubout");
        String certPublic = OpenSsl.run(dir, "x509", "-in", cert().toString(), "-noout", "-pubkey");
        assertEquals(certPublic, keyPublic);
    }

    @Test
    void anRsaKeyAndCertificateFromOpenSslLoad() throws Exception {
        Path cert = dir.resolve("rsa.crt");
        Path pkcs8 = dir.resolve("rsa.key");
        OpenSsl.selfSigned(dir, "rsa:2048", "rsa.example", cert, pkcs8);
        assertTrue(Files.readString(pkcs8).startsWith("-----BEGIN PRIVATE KEY-----"));
        Path pkcs1 = dir.resolve("rsa-pkcs1.key");
        OpenSsl.run(dir, "rsa", "-in", pkcs8.toString(), "-traditional", "-out", pkcs1.toString());
        assertTrue(Files.readString(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----"));

        for (Path key : List.of(pkcs8, pkcs1)) {
            ServerIdentity identity = ServerIdentity.load(cert, key);
            assertEquals("RSA", identity.privateKey().getAlgorithm());
            assertEquals(OpenSsl.fingerprint(cert), identity.fingerprintSha256(), key.toString());
            assertEquals("CN=rsa.example", identity.certificateChain().get(0).getSubjectX500Principal().getName());
        }
    }

    @Test
    void anEcSec1KeyFromOpenSslLoads() throws Exception {
        Path withParameters = dir.resolve("ec-params.key");
        Path bare = dir.resolve("ec.key");
        OpenSsl.run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", withParameters.toString());
        OpenSsl.run(dir, "ec", "-in", withParameters.toString(), "-out", bare.toString());
        assertTrue(Files.readString(withParameters).startsWith("-----BEGIN EC PARAMETERS-----"));
        assertTrue(Files.readString(bare).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        Path cert = dir.resolve("ec.crt");
        OpenSsl.run(dir, "req", "-x509", "-new", "-key", bare.toString(), "-days", "1", "-subj", "/CN=ec.example",
                "-out", cert.toString());

        for (Path key : List.of(withParameters, bare)) {
            ServerIdentity identity = ServerIdentity.load(cert, key);
            assertEquals("EC", identity.privateKey().getAlgorithm());
            assertEquals(OpenSsl.fingerprint(cert), identity.fingerprintSha256());
        }
    }

    @Test
    void aChainLoadsLeafFirstAndIsRefusedTheOtherWayRound() throws Exception {
        Path caCert = dir.resolve("ca.crt");
        Path caKey = dir.resolve("ca.key");
        OpenSsl.selfSigned(dir, "ec", "Test CA", caCert, caKey);
        Path leafKey = dir.resolve("leaf.key");
        Path csr = dir.resolve("leaf.csr");
        Path leafCert = dir.resolve("leaf.crt");
        OpenSsl.run(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-subj", "/CN=leaf.example", "-keyout", leafKey.toString(), "-out", csr.toString());
        OpenSsl.run(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey",
                caKey.toString(), "-set_serial", "2", "-days", "1", "-out", leafCert.toString());
        Path chain = dir.resolve("chain.crt");
        Files.writeString(chain, Files.readString(leafCert) + Files.readString(caCert));
        Path reversed = dir.resolve("reversed.crt");
        Files.writeString(reversed, Files.readString(caCert) + Files.readString(leafCert));

        ServerIdentity identity = ServerIdentity.load(chain, leafKey);
        assertEquals(2, identity.certificateChain().size());
        assertEquals("CN=leaf.example", identity.certificateChain().get(0).getSubjectX500Principal().getName());
        assertEquals("CN=Test CA", identity.certificateChain().get(1).getSubjectX500Principal().getName());
        assertEquals(OpenSsl.fingerprint(leafCert), identity.fingerprintSha256());

        IOException e = assertThrows(IOException.class, () -> ServerIdentity.load(reversed, leafKey));
        assertOneLineNaming(e, reversed, leafKey);
        assertTrue(e.getMessage().contains("must come first"), e.getMessage());
    }

    @Test
    void oneCombinedFileServesAsBoth() throws Exception {
        Path cert = dir.resolve("rsa.crt");
        Path key = dir.resolve("rsa.key");
        OpenSsl.selfSigned(dir, "rsa:2048", "combined", cert, key);
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, Files.readString(key) + Files.readString(cert));
        assertEquals(OpenSsl.fingerprint(cert), ServerIdentity.load(combined, combined).fingerprintSha256());
    }

    @Test
    void encryptedKeysAreRefusedWithTheWayOut() throws Exception {
        Path cert = dir.resolve("rsa.crt");
        Path key = dir.resolve("rsa.key");
        OpenSsl.selfSigned(dir, "rsa:2048", "rsa.example", cert, key);
        Path pkcs8 = dir.resolve("encrypted-pkcs8.key");
        OpenSsl.run(dir, "pkcs8", "-topk8", "-in", key.toString(), "-passout", "pass:secret", "-out",
                pkcs8.toString());
        assertTrue(Files.readString(pkcs8).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        Path legacy = dir.resolve("encrypted-pkcs1.key");
        OpenSsl.run(dir, "rsa", "-in", key.toString(), "-traditional", "-aes128", "-passout", "pass:secret",
                "-out", legacy.toString());
        assertTrue(Files.readString(legacy).contains("Proc-Type: 4,ENCRYPTED"));

        for (Path encrypted : List.of(pkcs8, legacy)) {
            IOException e = assertThrows(IOException.class, () -> ServerIdentity.load(cert, encrypted));
            assertOneLineNaming(e, encrypted);
            assertTrue(e.getMessage().contains("encrypted private key, which is not supported"), e.getMessage());
            assertTrue(e.getMessage().contains("openssl pkey -in " + encrypted), e.getMessage());
        }
    }

    @Test
    void keysOtherThanRsaAndEcAreRefused() throws Exception {
        Path cert = dir.resolve("ed.crt");
        Path key = dir.resolve("ed.key");
        OpenSsl.selfSigned(dir, "ed25519", "ed.example", cert, key);
        IOException e = assertThrows(IOException.class, () -> ServerIdentity.load(cert, key));
        assertOneLineNaming(e, key);
        assertTrue(e.getMessage().contains("only RSA and EC keys are supported"), e.getMessage());
    }

    private static void assertOneLineNaming(IOException e, Path... files) {
        String message = e.getMessage();
        assertFalse(message.contains("\n") || message.contains("\r"), message);
        for (Path file : files) {
            assertTrue(message.contains(file.toString()), message + " names " + file);
        }
    }
}
