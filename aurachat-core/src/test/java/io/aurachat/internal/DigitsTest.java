package io.aurachat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DigitsTest {
    private static String written(long value) {
        byte[] b = new byte[3 + Digits.MAX];
        b[0] = 'x';
        int end = Digits.write(b, 1, value);
        return new String(b, 0, end, StandardCharsets.US_ASCII);
    }

    @Test
    void everyNumberIsWrittenAsLongToStringWritesIt() {
        long[] edges = {0, 1, 9, 10, 99, 100, 101, 99_999, 100_000, 999_999_999L, 1_000_000_000L, 1_000_000_001L,
            1_000_000_000_000_000L, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L, 121_611_328_413_499_392L,
            Long.MAX_VALUE};
        for (long v : edges) {
            assertEquals("x" + v, written(v));
        }
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 200_000; i++) {
            long v = random.nextLong() >>> (1 + random.nextInt(63)); // not negative
            assertEquals("x" + v, written(v));
        }
    }

    @Test
    void aNegativeNumberIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Digits.write(new byte[Digits.MAX], 0, -1));
    }
}
