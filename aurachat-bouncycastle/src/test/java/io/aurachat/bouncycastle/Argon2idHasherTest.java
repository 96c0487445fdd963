package io.aurachat.bouncycastle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.accounts.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Argon2idHasherTest {
    /*
     * Known answers from the Argon2 reference implementation's own tests: P-H-C/phc-winner-argon2, src/test.c, the
     * "Test Argon2id version number: 13" cases (password "password", salt "somesalt", 32-byte hash). The same strings
     * are in RustCrypto's argon2 tests. They pin both the hash and its PHC encoding (unpadded standard base64).
     */
    private static final String REF_M256_P1 =
            "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
    private static final String REF_M256_P2 =
            "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc";
    private static final String REF_M65536_T2 =
            "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
    private static final String REF_M65536_T1 =
            "$argon2id$v=19$m=65536,t=1,p=1$c29tZXNhbHQ$9qWtwbpyPd3vm1rB1GThgPzZ3/ydHL92zKL+15XZypg";
    /** The reference's Argon2i vector: a valid PHC string of another variant. */
    private static final String REF_ARGON2I =
            "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA";

    private static final Pattern DEFAULT_FORMAT =
            Pattern.compile("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");

    private final Argon2idHasher hasher = Argon2idHasher.create();

    @Test
    void defaultsAreOwaspsAndTheHashIsAPhcString() {
        assertEquals(19_456, hasher.memoryKib());
        assertEquals(2, hasher.iterations());
        assertEquals(1, hasher.parallelism());
        String encoded = hasher.hash("correct horse".toCharArray());
        assertTrue(DEFAULT_FORMAT.matcher(encoded).matches(), encoded);
    }

    @Test
    void roundTrip() {
        String encoded = hasher.hash("correct horse".toCharArray());
        assertTrue(hasher.verify("correct horse".toCharArray(), encoded));
        assertFalse(hasher.needsRehash(encoded));
    }

    @Test
    void wrongPasswordDoesNotMatch() {
        String encoded = hasher.hash("correct horse".toCharArray());
        assertFalse(hasher.verify("correct horsf".toCharArray(), encoded));
        assertFalse(hasher.verify("correct horse ".toCharArray(), encoded));
        assertFalse(hasher.verify("".toCharArray(), encoded));
    }

    @Test
    void emptyAndNonAsciiPasswordsRoundTrip() {
        for (String password : new String[] {"", "pässwörd", "пароль", "密码🔑", "a\u0000b"}) {
            String encoded = hasher.hash(password.toCharArray());
            assertTrue(hasher.verify(password.toCharArray(), encoded), password);
        }
    }

    @Test
    void eachHashHasItsOwnSalt() {
        assertNotEquals(hasher.hash("same".toCharArray()), hasher.hash("same".toCharArray()));
    }

    @Test
    void theCallersPasswordIsLeftAsItWas() {
        char[] password = "correct horse".toCharArray();
        String encoded = hasher.hash(password);
        hasher.verify(password, encoded);
        assertArrayEquals("correct horse".toCharArray(), password);
    }

    @Test
    void hashesExactlyAsTheReferenceImplementation() {
        byte[] salt = "somesalt".getBytes(StandardCharsets.US_ASCII);
        Argon2idHasher small = Argon2idHasher.builder().memoryKib(256).iterations(2).parallelism(1).build();
        assertEquals(REF_M256_P1, small.hash("password".toCharArray(), salt));
        Argon2idHasher twoLanes = Argon2idHasher.builder().memoryKib(256).iterations(2).parallelism(2).build();
        assertEquals(REF_M256_P2, twoLanes.hash("password".toCharArray(), salt));
    }

    @Test
    void verifiesTheReferenceImplementationsHashesWhateverItsOwnParameters() {
        for (String reference : new String[] {REF_M256_P1, REF_M256_P2, REF_M65536_T2, REF_M65536_T1}) {
            assertTrue(hasher.verify("password".toCharArray(), reference), reference);
            assertFalse(hasher.verify("passwore".toCharArray(), reference), reference);
            assertTrue(hasher.needsRehash(reference), reference);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "password",
        "$argon2id$",
        REF_ARGON2I,
        "$argon2d$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$Argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        // version 0x10 or none (which the reference reads as 0x10): not what these hashes were made with
        "$argon2id$v=16$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        // parameters out of order, missing, extra, with a sign, a leading zero or a space
        "$argon2id$v=19$t=2,m=256,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=1,keyid=abc$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=+256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=0256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256, t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        // the reference's own invalid encodings (a missing $), with this hash
        "$argon2id$v=19$m=256,t=2,p=1c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQnf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4$",
        // salt empty or under 8 bytes, hash under 16 bytes
        "$argon2id$v=19$m=256,t=2,p=1$$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbA$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIP",
        // padding, the URL-safe alphabet, a space, non-zero unused bits (which the JDK's decoder would accept)
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ=$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4=",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR_uIPnA4rEsF5h7TKyQwu9U1bMCHGi_4",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4 ",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/5",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHR$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        // parameters beyond the bounds: none of these may be computed (the first would be 4 TiB)
        "$argon2id$v=19$m=4294967295,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=99999999999,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=1048577,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=101,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=0,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=0$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=65$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=15,t=2,p=2$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4é",
    })
    void malformedOrOutOfBoundsDoesNotMatchAndNeedsRehash(String encoded) {
        assertFalse(hasher.verify("password".toCharArray(), encoded));
        assertTrue(hasher.needsRehash(encoded));
    }

    @Test
    void overLongStringDoesNotMatch() {
        String encoded = REF_M256_P1.replace("$c29tZXNhbHQ$", "$" + "A".repeat(600) + "$");
        assertFalse(hasher.verify("password".toCharArray(), encoded));
    }

    @Test
    void needsRehashWhenAnyParameterDiffers() {
        String current = hasher.hash("pw".toCharArray());
        PasswordHasher stronger = Argon2idHasher.builder().iterations(3).build();
        PasswordHasher moreMemory = Argon2idHasher.builder().memoryKib(46_080).iterations(1).build();
        PasswordHasher weaker = Argon2idHasher.builder().memoryKib(12_288).iterations(3).build();
        assertTrue(stronger.needsRehash(current));
        assertTrue(moreMemory.needsRehash(current));
        assertTrue(weaker.needsRehash(current));
        assertFalse(Argon2idHasher.create().needsRehash(current));
        // Another hasher's parameters still verify, so a user can log in once more and be rehashed.
        assertTrue(stronger.verify("pw".toCharArray(), current));
    }

    @Test
    void builderRefusesParametersOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> Argon2idHasher.builder().memoryKib(7).build());
        assertThrows(IllegalArgumentException.class,
                () -> Argon2idHasher.builder().memoryKib(15).parallelism(2).build());
        assertThrows(IllegalArgumentException.class,
                () -> Argon2idHasher.builder().memoryKib(Argon2idHasher.MAX_MEMORY_KIB + 1).build());
        assertThrows(IllegalArgumentException.class, () -> Argon2idHasher.builder().iterations(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> Argon2idHasher.builder().iterations(Argon2idHasher.MAX_ITERATIONS + 1).build());
        assertThrows(IllegalArgumentException.class, () -> Argon2idHasher.builder().parallelism(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> Argon2idHasher.builder().parallelism(Argon2idHasher.MAX_PARALLELISM + 1).build());
        Argon2idHasher smallest = Argon2idHasher.builder().memoryKib(16).parallelism(2).iterations(1).build();
        assertTrue(smallest.verify("x".toCharArray(), smallest.hash("x".toCharArray())));
    }

    @Test
    void passwordsAreEncodedAsStringGetBytesWould() {
        for (String password : new String[] {"", "plain", "pässwörd €", "🔑 key", "lone \uD83D surrogate", "\uDC00"}) {
            assertArrayEquals(password.getBytes(StandardCharsets.UTF_8), Argon2idHasher.utf8(password.toCharArray()),
                    password);
        }
    }

    @Test
    void nullIsRefused() {
        assertThrows(NullPointerException.class, () -> hasher.hash(null));
        assertThrows(NullPointerException.class, () -> hasher.verify(null, REF_M256_P1));
        assertThrows(NullPointerException.class, () -> hasher.verify("x".toCharArray(), null));
        assertThrows(NullPointerException.class, () -> hasher.needsRehash(null));
    }
}
