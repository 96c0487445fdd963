package io.aurachat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastJsonTest {
    private static String number(long value) {
        return new String(new FastJson().reset().raw("[").number(value).raw("]").fragment(), StandardCharsets.US_ASCII);
    }

    @Test
    void aNumberIsWrittenAsLongToStringWritesIt() {
        long[] edges = {0, 1, 9, 10, 99, 100, 999_999_999L, 1_000_000_000L, 1_000_000_001L, 1_000_000_000_000_000L,
            999_999_999_999_999_999L, 1_000_000_000_000_000_000L, 121_611_328_413_499_392L, Long.MAX_VALUE, -1,
            Long.MIN_VALUE, 1_000_000_000L * 1_000_000_000L + 7};
        for (long v : edges) {
            assertEquals("[" + v + "]", number(v));
        }
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 100_000; i++) {
            long v = random.nextLong() >>> random.nextInt(64);
            assertEquals("[" + v + "]", number(v));
        }
    }

    @Test
    void numbersFollowOneAnotherInALongLine() {
        FastJson j = new FastJson().reset();
        StringBuilder expected = new StringBuilder();
        for (long v = 1; v > 0 && v < Long.MAX_VALUE / 3; v = v * 3 + 1) {
            j.number(v).raw(",");
            expected.append(v).append(',');
        }
        assertEquals(expected.toString(), new String(j.fragment(), StandardCharsets.US_ASCII), "the buffer grows");
    }
}
