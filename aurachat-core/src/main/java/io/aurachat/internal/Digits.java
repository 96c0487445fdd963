package io.aurachat.internal;

/**
 * Decimal digits written straight into a byte array: the JSON lines and the XML log write a message id (18 digits) for
 * every message, and {@code Long.toString} made a string of each first.
 */
public final class Digits {
    private Digits() {}

    /** The most digits a {@code long} has. */
    public static final int MAX = 19;

    /** "00" to "99": two digits per division. */
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    /**
     * Writes {@code value} (not negative) in decimal at {@code at}, which must have room for {@link #MAX} bytes. Nine
     * digits at a time in {@code int} arithmetic (which the JIT turns into multiplications), two per step.
     *
     * @return the index after the last digit
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static int write(byte[] b, int at, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        if (value < 1_000_000_000L) {
            return write(b, at, (int) value, count((int) value));
        }
        long high = value / 1_000_000_000L;
        int low = (int) (value - high * 1_000_000_000L);
        if (high < 1_000_000_000L) {
            at = write(b, at, (int) high, count((int) high));
        } else {
            long top = high / 1_000_000_000L; // 1 to 9: a number of 19 digits
            b[at++] = (byte) ('0' + top);
            at = write(b, at, (int) (high - top * 1_000_000_000L), 9);
        }
        return write(b, at, low, 9);
    }

    /** Writes {@code v} as exactly {@code n} digits (zeros in front if need be) at {@code at}; returns the new end. */
    private static int write(byte[] b, int at, int v, int n) {
        int end = at + n;
        int i = end;
        while (i - at >= 2) {
            int q = v / 100;
            int r = (v - q * 100) << 1;
            b[--i] = PAIRS[r + 1];
            b[--i] = PAIRS[r];
            v = q;
        }
        if (i > at) {
            b[--i] = (byte) ('0' + v % 10);
        }
        return end;
    }

    /** The number of decimal digits of {@code v}, 0 to 999,999,999: at least 1. */
    private static int count(int v) {
        return v < 100_000 ? (v < 100 ? (v < 10 ? 1 : 2) : v < 1_000 ? 3 : v < 10_000 ? 4 : 5)
                : v < 10_000_000 ? (v < 1_000_000 ? 6 : 7) : v < 100_000_000 ? 8 : 9;
    }
}
