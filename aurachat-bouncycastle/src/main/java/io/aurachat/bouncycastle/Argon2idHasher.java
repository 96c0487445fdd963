package io.aurachat.bouncycastle;

import io.aurachat.accounts.PasswordHasher;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id (RFC 9106) password hashes as PHC strings, {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, on
 * BouncyCastle's {@code Argon2BytesGenerator}. The defaults are OWASP's recommendation for Argon2id: 19 MiB, 2 passes,
 * 1 lane; each hash has a fresh 16-byte salt from {@link SecureRandom} and is 32 bytes. Salt and hash are standard
 * base64 without padding, as the reference implementation and libsodium write them: a hash made here verifies there,
 * and the other way round (docs/bouncycastle.md).
 *
 * <pre>{@code
 * PasswordHasher hasher = Argon2idHasher.create();
 * String stored = hasher.hash(password);
 * boolean ok = hasher.verify(attempt, stored);
 * }</pre>
 *
 * <p><b>Threads.</b> Immutable and thread-safe; {@link #hash} and {@link #verify} may be called from any thread at once.
 * Both block their thread for the whole computation (tens of milliseconds with the defaults, on one core: the lanes
 * are computed one after the other, whatever {@code p} is) and allocate {@code m} KiB of heap each.
 *
 * <p><b>Secrets.</b> The password's UTF-8 bytes, the computed hash and BouncyCastle's work memory are zeroed before a
 * call returns; the caller's {@code char[]} is left as it was, for the caller to clear.
 */
public final class Argon2idHasher implements PasswordHasher {
    /** Default of {@link Builder#memoryKib}: 19 MiB (OWASP Password Storage Cheat Sheet, Argon2id). */
    public static final int DEFAULT_MEMORY_KIB = 19_456;
    /** Default of {@link Builder#iterations}: 2 passes over the memory (OWASP, with 19 MiB). */
    public static final int DEFAULT_ITERATIONS = 2;
    /** Default of {@link Builder#parallelism}: 1 lane (OWASP). */
    public static final int DEFAULT_PARALLELISM = 1;
    /** The most memory a hash may use, here or in a hash to verify: 1 GiB. */
    public static final int MAX_MEMORY_KIB = 1 << 20;
    /** The most passes a hash may make, here or in a hash to verify. */
    public static final int MAX_ITERATIONS = 100;
    /** The most lanes a hash may have, here or in a hash to verify. */
    public static final int MAX_PARALLELISM = 64;

    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();

    private Argon2idHasher(Builder b) {
        this.memoryKib = b.memoryKib;
        this.iterations = b.iterations;
        this.parallelism = b.parallelism;
    }

    /** A hasher with the defaults (19 MiB, 2 passes, 1 lane). */
    public static Argon2idHasher create() {
        return builder().build();
    }

    /** A builder that starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Memory per hash, in KiB ({@code m}). */
    public int memoryKib() {
        return memoryKib;
    }

    /** Passes over the memory ({@code t}). */
    public int iterations() {
        return iterations;
    }

    /** Lanes ({@code p}). */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Hashes {@code password} with a fresh random salt; blocks for the computation.
     *
     * @return a PHC string of about 100 ASCII characters
     * @throws NullPointerException if {@code password} is {@code null}
     */
    @Override
    public String hash(char[] password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return hash(password, salt);
    }

    /** {@link #hash(char[])} with a given salt: the tests compare it with the reference implementation's strings. */
    String hash(char[] password, byte[] salt) {
        byte[] bytes = utf8(password);
        byte[] hash = null;
        try {
            hash = argon2id(bytes, salt, memoryKib, iterations, parallelism, HASH_BYTES);
            return new Argon2idPhc(memoryKib, iterations, parallelism, salt, hash).encode();
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (hash != null) {
                Arrays.fill(hash, (byte) 0);
            }
        }
    }

    /**
     * Whether {@code password} matches {@code encoded}, an Argon2id v=19 PHC string with any parameters within this
     * class's maxima (they need not be this hasher's); blocks for the computation, which takes the parameters of
     * {@code encoded}. The comparison takes the same time wherever the hashes differ. Anything else (another
     * algorithm or version, a malformed string, parameters beyond the maxima, a salt under 8 or a hash under 16
     * bytes) is {@code false}, without an exception and without hashing.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    @Override
    public boolean verify(char[] password, String encoded) {
        Objects.requireNonNull(password, "password");
        Argon2idPhc stored = Argon2idPhc.parse(Objects.requireNonNull(encoded, "encoded"));
        if (stored == null) {
            return false;
        }
        byte[] bytes = utf8(password);
        byte[] actual = null;
        try {
            actual = argon2id(bytes, stored.salt(), stored.memoryKib(), stored.iterations(), stored.parallelism(),
                    stored.hash().length);
            return MessageDigest.isEqual(actual, stored.hash());
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (actual != null) {
                Arrays.fill(actual, (byte) 0);
            }
            Arrays.fill(stored.hash(), (byte) 0);
        }
    }

    /**
     * Whether {@code encoded} should be replaced by a new hash after a successful {@link #verify}: true unless it is
     * an Argon2id v=19 PHC string with exactly this hasher's {@code m}, {@code t} and {@code p} and its salt and hash
     * lengths. Parameters that differ either way count, so that lowering them on purpose takes effect too. Does not
     * hash; never throws but for {@code null}.
     */
    @Override
    public boolean needsRehash(String encoded) {
        Argon2idPhc stored = Argon2idPhc.parse(Objects.requireNonNull(encoded, "encoded"));
        return stored == null
                || stored.memoryKib() != memoryKib
                || stored.iterations() != iterations
                || stored.parallelism() != parallelism
                || stored.salt().length != SALT_BYTES
                || stored.hash().length != HASH_BYTES;
    }

    /** The parameters, as in {@code Argon2idHasher[m=19456,t=2,p=1]}. */
    @Override
    public String toString() {
        return "Argon2idHasher[m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "]";
    }

    private static byte[] argon2id(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
            int length) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(parameters);
            byte[] out = new byte[length];
            // The byte[] overload: the char[] one converts into an array it never clears. generateBytes zeroes its
            // work memory when it is done.
            generator.generateBytes(password, out);
            return out;
        } finally {
            parameters.clear();
        }
    }

    /**
     * The UTF-8 bytes of {@code password}, in an array the caller zeroes. Encoded into one buffer of the worst-case
     * size, since {@code String.getBytes} and {@code CharsetEncoder.encode} leave copies behind; an unpaired surrogate
     * becomes {@code ?}, as {@code String.getBytes} makes it, so that other implementations hash the same bytes.
     */
    static byte[] utf8(char[] password) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        byte[] buffer = new byte[Math.multiplyExact(password.length, 3)];
        ByteBuffer out = ByteBuffer.wrap(buffer);
        encoder.encode(CharBuffer.wrap(password), out, true);
        encoder.flush(out);
        byte[] bytes = Arrays.copyOf(buffer, out.position());
        Arrays.fill(buffer, (byte) 0);
        return bytes;
    }

    /**
     * Parameters of an {@link Argon2idHasher}; {@link #build()} checks them. Not thread-safe; the hasher it builds is
     * immutable.
     */
    public static final class Builder {
        private int memoryKib = DEFAULT_MEMORY_KIB;
        private int iterations = DEFAULT_ITERATIONS;
        private int parallelism = DEFAULT_PARALLELISM;

        private Builder() {
        }

        /** Memory per hash in KiB ({@code m}): at least 8 per lane, at most {@link #MAX_MEMORY_KIB}. */
        public Builder memoryKib(int memoryKib) {
            this.memoryKib = memoryKib;
            return this;
        }

        /** Passes over the memory ({@code t}): 1 to {@link #MAX_ITERATIONS}. */
        public Builder iterations(int iterations) {
            this.iterations = iterations;
            return this;
        }

        /** Lanes ({@code p}): 1 to {@link #MAX_PARALLELISM}. */
        public Builder parallelism(int parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /**
         * The hasher.
         *
         * @throws IllegalArgumentException if a parameter is out of its range
         */
        public Argon2idHasher build() {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException(
                        "parallelism must be 1 to " + MAX_PARALLELISM + ": " + parallelism);
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("iterations must be 1 to " + MAX_ITERATIONS + ": " + iterations);
            }
            // Argon2 splits memory into 4 slices per lane of at least 2 blocks of 1 KiB each.
            if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
                throw new IllegalArgumentException("memoryKib must be 8 * parallelism (" + 8 * parallelism
                        + ") to " + MAX_MEMORY_KIB + ": " + memoryKib);
            }
            return new Argon2idHasher(this);
        }
    }
}
