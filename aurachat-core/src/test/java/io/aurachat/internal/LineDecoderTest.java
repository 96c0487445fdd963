package io.aurachat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineDecoderTest {

    /** Records what the decoder reports, as "line:TEXT", "too-long" and "bad-encoding". */
    private static final class Recorder implements LineDecoder.Handler {
        final List<String> events = new ArrayList<>();

        @Override
        public void onLine(String line) {
            events.add("line:" + line);
        }

        @Override
        public void onLineTooLong() {
            events.add("too-long");
        }

        @Override
        public void onBadEncoding() {
            events.add("bad-encoding");
        }
    }

    private static List<String> decode(int max, byte[]... chunks) {
        LineDecoder decoder = new LineDecoder(max, 16);
        Recorder recorder = new Recorder();
        for (byte[] chunk : chunks) {
            decoder.feed(chunk, recorder);
        }
        return recorder.events;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void splitsLinesOnNewlineAndDropsCarriageReturn() {
        assertEquals(List.of("line:TIME", "line:SAY hi", "line:", "line:LIST"),
                decode(64, utf8("TIME\nSAY hi\r\n\nLIST\n")));
    }

    @Test
    void keepsAPartialLineUntilItsNewlineArrives() {
        assertEquals(List.of("line:CHAT c2 hello there"),
                decode(64, utf8("CHAT c2 he"), utf8("llo th"), utf8("ere\n")));
    }

    @Test
    void aCarriageReturnSplitFromItsNewlineIsStillDropped() {
        assertEquals(List.of("line:PING"), decode(64, utf8("PING\r"), utf8("\n")));
    }

    @Test
    void aLoneCarriageReturnInsideALineIsKept() {
        assertEquals(List.of("line:a\rb"), decode(64, utf8("a\rb\n")));
    }

    @Test
    void decodesMultiByteUtf8EvenWhenSplitAcrossReads() {
        byte[] all = utf8("SAY Ciao, perché 😀\n");
        List<String> expected = List.of("line:SAY Ciao, perché 😀");
        for (int cut = 1; cut < all.length; cut++) {
            byte[] a = java.util.Arrays.copyOfRange(all, 0, cut);
            byte[] b = java.util.Arrays.copyOfRange(all, cut, all.length);
            assertEquals(expected, decode(64, a, b), "split at byte " + cut);
        }
    }

    @Test
    void aLineAtTheLimitIsAcceptedAndOneByteMoreIsNot() {
        String atLimit = "x".repeat(64);
        assertEquals(List.of("line:" + atLimit), decode(64, utf8(atLimit + "\n")));
        assertEquals(List.of("line:" + atLimit), decode(64, utf8(atLimit + "\r\n")));
        assertEquals(List.of("too-long"), decode(64, utf8(atLimit + "y\n")));
        assertEquals(List.of("too-long"), decode(64, utf8(atLimit + "yz\r\n")));
    }

    @Test
    void anOverlongLineIsReportedOnceWhenItEndsAndTheNextLineIsIntact() {
        byte[] huge = utf8("SAY " + "z".repeat(10_000));
        assertEquals(List.of("line:PING", "too-long", "line:TIME"),
                decode(64, utf8("PING\n"), huge, huge, utf8("\nTIME\n")));
    }

    @Test
    void neverHoldsMoreThanTheLimitWhileDiscarding() {
        LineDecoder decoder = new LineDecoder(64, 16);
        Recorder recorder = new Recorder();
        for (int i = 0; i < 1000; i++) {
            decoder.feed(utf8("y".repeat(1000)), recorder);
            assertTrue(decoder.buffer().capacity() <= 64 * 4 + 8,
                    "buffer grew to " + decoder.buffer().capacity());
        }
        decoder.feed(utf8("\nPING\n"), recorder);
        assertEquals(List.of("too-long", "line:PING"), recorder.events);
    }

    @Test
    void invalidUtf8IsReportedAndTheNextLineIsIntact() {
        byte[][] bad = {
            {(byte) 0xC3, 0x28},                            // truncated 2-byte sequence
            {(byte) 0xFF},                                  // never valid
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},        // encoded surrogate U+D800
            {(byte) 0xC0, (byte) 0xAF},                     // overlong '/'
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
        };
        for (byte[] b : bad) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(utf8("SAY "));
            out.writeBytes(b);
            out.writeBytes(utf8("\nPING\n"));
            assertEquals(List.of("bad-encoding", "line:PING"), decode(64, out.toByteArray()));
        }
    }

    @Test
    void manyPipelinedLinesInOneChunkComeOutInOrder() {
        StringBuilder sb = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            sb.append("CHAT c1 message ").append(i).append('\n');
            expected.add("line:CHAT c1 message " + i);
        }
        assertEquals(expected, decode(4096, utf8(sb.toString())));
    }

    @Test
    void finishDropsAnUnterminatedLastLine() {
        LineDecoder decoder = new LineDecoder(64, 16);
        Recorder recorder = new Recorder();
        decoder.feed(utf8("PING\nTIME"), recorder);
        assertEquals(4, decoder.finish());
        assertEquals(List.of("line:PING"), recorder.events);
        assertEquals(0, decoder.buffer().position());
    }

    @Test
    void theBufferShrinksBackAfterABurst() {
        LineDecoder decoder = new LineDecoder(4096, 64);
        Recorder recorder = new Recorder();
        decoder.feed(utf8("PING\n".repeat(2000)), recorder);
        assertTrue(decoder.buffer().capacity() > 64);
        decoder.feed(utf8("PING\n"), recorder);
        assertEquals(64, decoder.buffer().capacity());
        assertEquals(2001, recorder.events.size());
    }
}
