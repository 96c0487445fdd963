package io.aurachat.bench;

import io.aurachat.bench.Payload;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The message texts of the microbenchmarks, each {@link #BYTES} bytes of UTF-8 like the load generator's.
 * Stateless; the methods may be called from any thread.
 */
public final class BenchTexts {

    /** UTF-8 bytes in every text: the size of the load generator's payload. */
    public static final int BYTES = Payload.SIZE;

    /**
     * German, French and Japanese words and an emoji (1 to 4 bytes a character), and what JSON escapes (a
     * quote, a backslash, a tab: a line never holds a newline), padded to {@link #BYTES} with dots.
     */
    private static final String MIXED_START = "Grüße an \"Zoë\" 🙂 東京で会おう\tC:\\tmp ça va";

    private BenchTexts() {}

    /** The load generator's payload for message {@code sequence} from client index 7 to 42: printable ASCII. */
    public static String ascii(long sequence) {
        ByteBuffer b = ByteBuffer.allocate(Payload.SIZE);
        Payload.write(b, 7, 42, sequence, 1_234_567_890_123L + sequence);
        return new String(b.array(), StandardCharsets.US_ASCII);
    }

    /** {@link #MIXED_START} padded with dots: non-ASCII text with characters that JSON escapes. */
    public static String mixed() {
        int bytes = MIXED_START.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > BYTES) {
            throw new IllegalStateException("the mixed text is " + bytes + " bytes, more than " + BYTES);
        }
        return MIXED_START + ".".repeat(BYTES - bytes);
    }
}
