package io.aurachat.accounts;

/**
 * Turns a password into a self-describing hash to store, and checks a password against one: the extension
 * point for the password-hashing algorithm. The encoded form is a PHC string ({@code $argon2id$v=19$m=...,t=...,
 * p=...$salt$hash}, {@code $pbkdf2-sha256$i=...$salt$hash}), so a store can hold hashes of several algorithms and
 * parameters at once and a server can move to stronger ones as users log in ({@link #needsRehash}).
 *
 * <p>Threads: any thread, concurrently. Hashing is slow and memory-hungry on purpose (tens to hundreds of ms, and
 * for Argon2id megabytes per call): the server never calls it on an I/O thread, and bounds how many run at once.
 * Implementations must not keep the password after the call returns; callers clear the array afterwards.
 */
public interface PasswordHasher {

    /** The iterations of {@link #pbkdf2()}: {@value}, OWASP's recommendation for PBKDF2-HMAC-SHA256 (2023). */
    int PBKDF2_ITERATIONS = 600_000;

    /**
     * The core's default hasher, used when a server is given none: PBKDF2 with HMAC-SHA256 from the JDK, {@value
     * #PBKDF2_ITERATIONS} iterations, a 16-byte random salt, encoded {@code $pbkdf2-sha256$i=600000$SALT$HASH}
     * (standard base64 without padding). Checking takes about a third of a second of one core and no memory to speak
     * of. A memory-hard algorithm (Argon2id, from the {@code aurachat-crypto-bc} module) is stronger against
     * guessing on graphics cards; the reference server uses that one.
     */
    static PasswordHasher pbkdf2() {
        return new Pbkdf2Hasher(PBKDF2_ITERATIONS);
    }

    /**
     * PBKDF2-HMAC-SHA256 with another number of iterations: fewer only for tests (a thousand make a login cost
     * a millisecond), more for a server that can spend the time. It verifies hashes of any iteration count it makes,
     * and {@link #needsRehash} says yes to those with fewer than {@code iterations}.
     *
     * @throws IllegalArgumentException unless 1 to 10,000,000
     */
    static PasswordHasher pbkdf2(int iterations) {
        return new Pbkdf2Hasher(iterations);
    }

    /**
     * Hashes a password with a fresh random salt.
     *
     * @param password the password, never {@code null}
     * @return the encoded hash (ASCII, at most 512 characters)
     */
    String hash(char[] password);

    /**
     * Whether {@code password} matches {@code encoded}, in time that does not depend on where they differ. An
     * encoded hash this hasher cannot read (another algorithm, corrupt) does not match: no exception.
     */
    boolean verify(char[] password, String encoded);

    /**
     * Whether {@code encoded} was made with weaker parameters or another algorithm than this hasher uses now, so
     * that the server should store a new hash after a successful login.
     */
    default boolean needsRehash(String encoded) {
        return false;
    }
}
