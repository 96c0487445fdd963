package io.aurachat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void fieldsSurviveTheRoundTripAtAnyOffset() {
        ByteBuffer b = ByteBuffer.allocateDirect(200);
        b.position(7);
        long stamp = -123_456_789_012L; // nanoTime may be negative
        Payload.write(b, 4321, Payload.EVERYONE, Long.MAX_VALUE - 5, stamp);
        assertEquals(7 + Payload.SIZE, b.position());
        assertTrue(Payload.isValid(b, 7));
        assertEquals(4321, Payload.sender(b, 7));
        assertEquals(Payload.EVERYONE, Payload.recipient(b, 7));
        assertEquals(Long.MAX_VALUE - 5, Payload.sequence(b, 7));
        assertEquals(stamp, Payload.stamp(b, 7));
    }

    @Test
    void isPrintableAsciiThatNeedsNoEscaping() {
        ByteBuffer b = ByteBuffer.allocate(Payload.SIZE);
        Payload.write(b, 1, 2, 3, 4);
        String text = new String(b.array(), StandardCharsets.US_ASCII);
        assertTrue(text.matches("#[0-9a-f]{48}\\.{15}"), text);
    }

    @Test
    void corruptionIsDetected() {
        ByteBuffer b = ByteBuffer.allocate(Payload.SIZE + 1);
        Payload.write(b, 1, 2, 3, 4);
        assertFalse(Payload.isValid(b, 1), "shifted by one");
        b.put(10, (byte) 'g');
        assertFalse(Payload.isValid(b, 0), "not hex");
        b.put(10, (byte) '0');
        b.put(Payload.SIZE - 1, (byte) 'x');
        assertFalse(Payload.isValid(b, 0), "filler");
        b.put(Payload.SIZE - 1, (byte) '.');
        assertTrue(Payload.isValid(b, 0));
        b.limit(Payload.SIZE - 1);
        assertFalse(Payload.isValid(b, 0), "truncated");
    }
}
