package io.aurachat.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    @Test
    void theDefaultIsPbkdf2WithOwaspsIterationsInPhcForm() {
        String hash = PasswordHasher.pbkdf2().hash("correct horse".toCharArray());
        String[] parts = hash.split("\\$");
        assertEquals("pbkdf2-sha256", parts[1]);
        assertEquals("i=600000", parts[2]);
        assertEquals(16, Base64.getDecoder().decode(parts[3]).length);
        assertEquals(32, Base64.getDecoder().decode(parts[4]).length);
        assertTrue(PasswordHasher.pbkdf2().verify("correct horse".toCharArray(), hash));
    }

    @Test
    void verifyTellsRightFromWrongAndReadsOtherIterationCounts() {
        PasswordHasher few = PasswordHasher.pbkdf2(10);
        String hash = few.hash("s3cret-pass".toCharArray());
        assertNotEquals(hash, few.hash("s3cret-pass".toCharArray()), "a fresh salt every time");
        assertTrue(few.verify("s3cret-pass".toCharArray(), hash));
        assertFalse(few.verify("s3cret-pasS".toCharArray(), hash));
        PasswordHasher more = PasswordHasher.pbkdf2(20);
        assertTrue(more.verify("s3cret-pass".toCharArray(), hash), "the count is read from the hash");
        assertTrue(more.needsRehash(hash));
        assertFalse(few.needsRehash(hash));
    }

    @Test
    void aHashItCannotReadDoesNotMatch() {
        PasswordHasher h = PasswordHasher.pbkdf2(1);
        for (String bad : new String[] {"", "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA", "$pbkdf2-sha256$i=x$a$b",
                "$pbkdf2-sha256$i=99999999999$AAAAAAAAAAA$AAAA", "$pbkdf2-sha256$i=1$!!$!!"}) {
            assertFalse(h.verify("s3cret-pass".toCharArray(), bad), bad);
            assertTrue(h.needsRehash(bad));
        }
        assertThrows(IllegalArgumentException.class, () -> PasswordHasher.pbkdf2(0));
    }
}
