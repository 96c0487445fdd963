package io.aurachat.accounts;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * {@link PasswordHasher#pbkdf2}: PBKDF2 with HMAC-SHA256 from the JDK, a 16-byte random salt and a 32-byte hash, in
 * the PHC-style form {@code $pbkdf2-sha256$i=600000$SALT$HASH} (standard base64 without padding, as PHC strings do).
 */
final class Pbkdf2Hasher implements PasswordHasher {
    static final String PREFIX = "$pbkdf2-sha256$i=";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    /** A stored hash asking for more than this is not read (it would take minutes to check). */
    static final int MAX_ITERATIONS = 10_000_000;

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getDecoder();

    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    Pbkdf2Hasher(int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be 1 to " + MAX_ITERATIONS + ": " + iterations);
        }
        this.iterations = iterations;
    }

    @Override
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations);
        try {
            return PREFIX + iterations + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
        } finally {
            Arrays.fill(hash, (byte) 0);
        }
    }

    @Override
    public boolean verify(char[] password, String encoded) {
        Parsed p = parse(encoded);
        if (p == null) {
            return false;
        }
        byte[] computed = derive(password, p.salt, p.iterations);
        try {
            return MessageDigest.isEqual(computed, p.hash); // time independent of where they differ
        } finally {
            Arrays.fill(computed, (byte) 0);
        }
    }

    @Override
    public boolean needsRehash(String encoded) {
        Parsed p = parse(encoded);
        return p == null || p.iterations < iterations;
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {}

    /** The parts of an encoded hash of this algorithm, or {@code null} if it is not one. */
    private static Parsed parse(String encoded) {
        if (encoded == null || !encoded.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > 8) {
            return null;
        }
        try {
            int i = Integer.parseInt(parts[0]);
            byte[] salt = B64_DECODE.decode(parts[1]);
            byte[] hash = B64_DECODE.decode(parts[2]);
            if (i < 1 || i > MAX_ITERATIONS || salt.length < 8 || hash.length != HASH_BYTES) {
                return null;
            }
            return new Parsed(i, salt, hash);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        return "PBKDF2-HMAC-SHA256, " + iterations + " iterations";
    }
}
