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
