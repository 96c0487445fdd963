package io.aurachat.bench;

import java.nio.ByteBuffer;

/**
 * The fixed-size message text every workload sends: 64 printable ASCII bytes that carry the sender's
 * index, the recipient's index, a sequence number and a {@link System#nanoTime()} stamp, so that a
 * receiver checks routing, counts and latency without allocating. No byte needs escaping in JSON or
 * RESP. Layout: {@code #} + 8 hex (sender) + 8 hex (recipient, {@code ffffffff} for everyone) + 16 hex
 * (sequence) + 16 hex (stamp) + 15 filler dots.
 *
 * <p>Stateless and thread-safe; methods never allocate.
 */
public final class Payload {

    /** Bytes in every payload. */
    public static final int SIZE = 64;
    /** The recipient index written for a message to everyone. */
    public static final int EVERYONE = -1;

    private static final byte MAGIC = '#';
    private static final int SENDER = 1;
    private static final int RECIPIENT = 9;
    private static final int SEQUENCE = 17;
    private static final int STAMP = 33;
    private static final int FILLER = 49;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Payload() {}

    /**
     * Appends one payload at {@code out}'s position.
     *
     * @throws java.nio.BufferOverflowException if fewer than {@link #SIZE} bytes remain
     */
    public static void write(ByteBuffer out, int sender, int recipient, long sequence, long stampNanos) {
        // Composed in a per-thread array and copied in one go: 64 single-byte puts on a direct buffer
        // cost more than the rest of the frame.
        byte[] b = SCRATCH.get();
        hex(b, SENDER, sender, 8);
        hex(b, RECIPIENT, recipient, 8);
        hex(b, SEQUENCE, sequence, 16);
        hex(b, STAMP, stampNanos, 16);
        out.put(b);
    }

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> {
        byte[] b = new byte[SIZE];
        java.util.Arrays.fill(b, (byte) '.');
        b[0] = MAGIC;
        return b;
    });

    private static void hex(byte[] b, int at, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            b[at + i] = HEX[(int) value & 0xf];
            value >>>= 4;
        }
    }

    /**
     * Whether the {@link #SIZE} bytes at absolute index {@code at} are a well-formed payload (magic byte,
     * hex digits, filler).
     */
    public static boolean isValid(ByteBuffer in, int at) {
        if (at < 0 || at + SIZE > in.limit() || in.get(at) != MAGIC) {
            return false;
        }
        for (int i = SENDER; i < FILLER; i++) {
            if (digit(in.get(at + i)) < 0) {
                return false;
            }
        }
        for (int i = FILLER; i < SIZE; i++) {
            if (in.get(at + i) != '.') {
                return false;
            }
        }
        return true;
    }

    /** The sender index of a {@linkplain #isValid valid} payload at absolute index {@code at}. */
    public static int sender(ByteBuffer in, int at) {
        return (int) parse(in, at + SENDER, 8);
    }

    /** The recipient index ({@link #EVERYONE} for a message to everyone) of a valid payload. */
    public static int recipient(ByteBuffer in, int at) {
        return (int) parse(in, at + RECIPIENT, 8);
    }

    /** The sequence number of a valid payload. */
    public static long sequence(ByteBuffer in, int at) {
        return parse(in, at + SEQUENCE, 16);
    }

    /** The {@link System#nanoTime()} stamp of a valid payload. */
    public static long stamp(ByteBuffer in, int at) {
        return parse(in, at + STAMP, 16);
    }

    private static long parse(ByteBuffer in, int at, int digits) {
        long value = 0;
        for (int i = 0; i < digits; i++) {
            value = (value << 4) | digit(in.get(at + i));
        }
        return value;
    }

    private static int digit(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }
}
