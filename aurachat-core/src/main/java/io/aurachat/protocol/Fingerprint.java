package io.aurachat.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * The SHA-256 fingerprint of a server's TLS certificate: what identifies an AuraChat server, as a host key does an
 * SSH server. Discovery replies announce it, clients remember it ({@code known_servers}) and compare it on every
 * connection. It is the hash of the certificate's DER encoding, the value {@code openssl x509 -noout -fingerprint
 * -sha256} prints (there in upper case with colons).
 *
 * @param hex the 32 bytes as 64 lower-case hexadecimal digits, the form on the wire and in files
 */
public record Fingerprint(String hex) {
    private static final HexFormat HEX = HexFormat.of();
    private static final HexFormat DISPLAY = HexFormat.ofDelimiter(":").withUpperCase();

    /**
     * Checks the form.
     *
     * @throws IllegalArgumentException if {@code hex} is not 64 lower-case hexadecimal digits
     */
    public Fingerprint {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("a SHA-256 fingerprint is 64 lower-case hex digits: " + hex);
        }
    }

    /** The fingerprint of {@code certificate}. */
    public static Fingerprint of(Certificate certificate) {
        try {
            return new Fingerprint(HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot fingerprint " + certificate.getType() + " certificate", e);
        }
    }

    /**
     * Reads a fingerprint as a person may give it: hex digits in either case, with or without colons, with or
     * without a {@code SHA256:} or {@code sha256=} prefix ({@code openssl x509 -fingerprint -sha256} output works).
     *
     * @throws IllegalArgumentException if it is not 32 bytes in hex
     */
    public static Fingerprint parse(String text) {
        String t = text.strip();
        int eq = t.indexOf('=');
        if (eq >= 0) {
            t = t.substring(eq + 1); // "sha256 Fingerprint=AB:CD:..." as openssl prints it
        }
        if (t.regionMatches(true, 0, "sha256:", 0, 7) && t.length() > 7 && t.indexOf(':', 7) != 9) {
            t = t.substring(7);
        }
        String digits = t.replace(":", "").toLowerCase(Locale.ROOT);
        return new Fingerprint(digits);
    }

    /** The fingerprint as {@code openssl} shows it: upper case, bytes separated by colons. */
    public String display() {
        return DISPLAY.formatHex(HEX.parseHex(hex));
    }

    @Override
    public String toString() {
        return hex;
    }
}
