package io.aurachat.bouncycastle;

import java.util.Arrays;
import java.util.Base64;

/**
 * One Argon2id hash in the PHC string format, {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>},
 * with salt and hash in standard base64 without padding: what the reference implementation ({@code argon2}),
 * libsodium, argon2-cffi and PHP's {@code password_hash} write, so hashes move between them.
 *
 * <p>The parser is strict and never throws: anything it does not read exactly as the reference encoder would have
 * written it (another variant or version, parameters out of order or out of {@link Argon2idHasher}'s bounds, leading
 * zeros, padding, non-canonical base64) is {@code null}. The bounds matter: the parameters come from a stored string,
 * and an unchecked {@code m} would let one corrupt row make the server allocate gigabytes.
 */
record Argon2idPhc(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
    /** The reference implementation's minimum salt. */
    static final int MIN_SALT_BYTES = 8;
    static final int MAX_SALT_BYTES = 64;
    /** Shorter hashes are guessable; longer ones add nothing and nobody writes them. */
    static final int MIN_HASH_BYTES = 16;
    static final int MAX_HASH_BYTES = 64;

    private static final String PREFIX = "$argon2id$v=19$";
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    /** The encoded form; the caller zeroes {@link #hash} afterwards if it wants. */
    String encode() {
        return PREFIX + "m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
                + '$' + B64.encodeToString(salt) + '$' + B64.encodeToString(hash);
    }

    /** The hash {@code encoded} holds, or {@code null} if it is not an Argon2id v=19 PHC string within bounds. */
    static Argon2idPhc parse(String encoded) {
        if (encoded.length() > 512 || !encoded.startsWith(PREFIX)) {
            return null;
        }
        String[] fields = encoded.substring(PREFIX.length()).split("\\$", -1);
        if (fields.length != 3) {
            return null;
        }
        String[] params = fields[0].split(",", -1);
        if (params.length != 3) {
            return null;
        }
        long m = decimal(params[0], "m=");
        long t = decimal(params[1], "t=");
        long p = decimal(params[2], "p=");
        if (p < 1 || p > Argon2idHasher.MAX_PARALLELISM
                || t < 1 || t > Argon2idHasher.MAX_ITERATIONS
                || m < 8 * p || m > Argon2idHasher.MAX_MEMORY_KIB) {
            return null;
        }
        byte[] salt = base64(fields[1]);
        byte[] hash = base64(fields[2]);
        if (salt == null || salt.length < MIN_SALT_BYTES || salt.length > MAX_SALT_BYTES
                || hash == null || hash.length < MIN_HASH_BYTES || hash.length > MAX_HASH_BYTES) {
            return null;
        }
        return new Argon2idPhc((int) m, (int) t, (int) p, salt, hash);
    }

    /** {@code name} followed by a decimal without sign or leading zeros (the PHC rule), or -1. */
    private static long decimal(String field, String name) {
        if (!field.startsWith(name)) {
            return -1;
        }
        String digits = field.substring(name.length());
        // Ten digits hold every int; more would only be a way to overflow.
        if (digits.isEmpty() || digits.length() > 10 || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Unpadded standard base64 in its one canonical spelling (unused trailing bits zero), or {@code null}. */
    private static byte[] base64(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/';
            if (!alphabet) {
                return null;
            }
        }
        if (text.length() % 4 == 1) {
            return null;
        }
        byte[] bytes = Base64.getDecoder().decode(text);
        // The JDK's decoder ignores non-zero unused bits; the reference decoder refuses them, and so do we, so that
        // one hash has one spelling.
        if (!B64.encodeToString(bytes).equals(text)) {
            Arrays.fill(bytes, (byte) 0);
            return null;
        }
        return bytes;
    }
}
