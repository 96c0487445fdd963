package io.aurachat.bouncycastle;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A new ECDSA P-256 key pair and a self-signed X.509 v3 server certificate for it. Keys and signatures come from the
 * JDK's own providers (BouncyCastle only builds the certificate), so no provider is registered.
 */
final class SelfSigned {
    /** X.520's upper bound for a common name. */
    static final int MAX_COMMON_NAME = 64;

    private SelfSigned() {
    }

    record Pair(KeyPair keys, X509Certificate certificate) {
    }

    /**
     * A key pair and a certificate valid from a day before {@code now} (a client whose clock is behind still accepts
     * it) for ten years, with subject CN={@code commonName} and names localhost, 127.0.0.1, ::1 and {@code
     * commonName} if it is a host name.
     */
    static Pair create(String commonName, Instant now, SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair keys = generator.generateKeyPair();

            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            BigInteger serial;
            do {
                serial = new BigInteger(128, random); // RFC 5280: positive, at most 20 octets
            } while (serial.signum() == 0);
            Date notBefore = Date.from(now.minus(1, ChronoUnit.DAYS));
            Date notAfter = Date.from(now.atOffset(ZoneOffset.UTC).plusYears(10).toInstant());

            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial, notBefore, notAfter,
                    subject, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(commonName));

            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").setSecureRandom(random)
                    .build(keys.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return new Pair(keys, certificate);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            // P-256 and SHA256withECDSA are in every JDK (SunEC); the extensions are well-formed constants.
            throw new IllegalStateException("cannot create a self-signed certificate: " + e, e);
        }
    }

    private static GeneralNames subjectAltNames(String commonName) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        if (isHostName(commonName) && !commonName.equalsIgnoreCase("localhost")) {
            names.add(new GeneralName(GeneralName.dNSName, commonName));
        }
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    /**
     * Whether {@code name} is a DNS host name (RFC 1123): dot-separated labels of 1 to 63 letters, digits and inner
     * hyphens, 253 characters at most, the last label not all digits (which would make {@code 10.0.0.1} one).
     */
    static boolean isHostName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                    return false;
                }
            }
        }
        return !labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Checks a common name for {@link #create}; the message says what is wrong. */
    static void checkCommonName(String commonName) {
        if (commonName.isBlank()) {
            throw new IllegalArgumentException("commonName is blank");
        }
        if (commonName.length() > MAX_COMMON_NAME) {
            throw new IllegalArgumentException("commonName is over " + MAX_COMMON_NAME + " characters: "
                    + commonName.length());
        }
        if (commonName.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("commonName has a control character");
        }
    }
}
