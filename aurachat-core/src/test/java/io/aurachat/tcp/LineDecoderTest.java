package io.aurachat.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        /** Lines whose handling pauses the decoder, as a command that may block does. */
        String pauseOn = null;

        @Override
        public boolean onLine(String line) {
            events.add("line:" + line);
            return !line.equals(pauseOn);
        }

        /** Pause after each line that is too long or not UTF-8, as the rate limit does for any line. */
        boolean pauseOnErrors;

        @Override
        public boolean onLineTooLong() {
            events.add("too-long");
            return !pauseOnErrors;
        }

        @Override
        public boolean onBadEncoding() {
            events.add("bad-encoding");
            return !pauseOnErrors;
        }
    }

    private static List<String> decode(int max, byte[]... chunks) {
        LineDecoder decoder = new LineDecoder(max);
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
        LineDecoder decoder = new LineDecoder(64);
        Recorder recorder = new Recorder();
        for (int i = 0; i < 1000; i++) {
            decoder.feed(utf8("y".repeat(i % 2 == 0 ? 1000 : 7)), recorder);
            assertTrue(decoder.retainedCapacity() <= 64 + 2,
                    "kept " + decoder.retainedCapacity() + " bytes");
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
        LineDecoder decoder = new LineDecoder(64);
        Recorder recorder = new Recorder();
        decoder.feed(utf8("PING\nTIME"), recorder);
        assertEquals(4, decoder.finish());
        assertEquals(List.of("line:PING"), recorder.events);
        assertEquals(0, decoder.retainedCapacity());
    }

    @Test
    void keepsNothingBetweenCompleteLinesAndOnlyThePartialLineOtherwise() {
        LineDecoder decoder = new LineDecoder(4096);
        Recorder recorder = new Recorder();
        decoder.feed(utf8("PING\n".repeat(2000)), recorder);
        assertEquals(0, decoder.retainedCapacity());
        decoder.feed(utf8("PING\nTI"), recorder);
        assertTrue(decoder.retainedCapacity() > 0 && decoder.retainedCapacity() <= 128,
                "kept " + decoder.retainedCapacity());
        decoder.feed(utf8("ME\n"), recorder);
        assertEquals(0, decoder.retainedCapacity());
        assertEquals(2002, recorder.events.size());
        assertEquals("line:TIME", recorder.events.get(2001));
    }

    @Test
    void aPauseKeepsTheRestOfTheInputUntilResumed() {
        LineDecoder decoder = new LineDecoder(64);
        Recorder recorder = new Recorder();
        recorder.pauseOn = "ROLL";
        byte[] input = utf8("PING\nROLL\nTIME\nROLL\nLIST\nSA");
        assertFalse(decoder.process(input, 0, input.length, recorder));
        assertEquals(List.of("line:PING", "line:ROLL"), recorder.events);
        java.util.Arrays.fill(input, (byte) 'x'); // the caller reuses its buffer: the rest was copied
        assertThrows(IllegalStateException.class, () -> decoder.process(input, 0, 1, recorder));
        assertFalse(decoder.resume(recorder));
        assertEquals(List.of("line:PING", "line:ROLL", "line:TIME", "line:ROLL"), recorder.events);
        assertTrue(decoder.resume(recorder));
        assertTrue(decoder.resume(recorder), "nothing more to resume");
        byte[] rest = utf8("Y hi\n");
        assertTrue(decoder.process(rest, 0, rest.length, recorder));
        assertEquals(List.of("line:PING", "line:ROLL", "line:TIME", "line:ROLL", "line:LIST", "line:SAY hi"),
                recorder.events);
    }

    @Test
    void aPauseOnTheLastCompleteLineOfAChunkKeepsThePartialLine() {
        LineDecoder decoder = new LineDecoder(64);
        Recorder recorder = new Recorder();
        recorder.pauseOn = "ROLL";
        byte[] first = utf8("ROL");
        byte[] second = utf8("L\nTI");
        assertTrue(decoder.process(first, 0, first.length, recorder));
        assertFalse(decoder.process(second, 0, second.length, recorder));
        assertTrue(decoder.resume(recorder));
        byte[] third = utf8("ME\n");
        assertTrue(decoder.process(third, 0, third.length, recorder));
        assertEquals(List.of("line:ROLL", "line:TIME"), recorder.events);
    }

    @Test
    void aHandlerCanPauseOnALineTooLongAndOnOneThatIsNotUtf8() {
        LineDecoder decoder = new LineDecoder(64);
        Recorder recorder = new Recorder();
        recorder.pauseOnErrors = true;
        byte[] input = bytes(utf8("x".repeat(100) + "\n"), new byte[] {(byte) 0xC3, '\n'}, utf8("PING\n"));
        assertFalse(decoder.process(input, 0, input.length, recorder));
        assertEquals(List.of("too-long"), recorder.events);
        assertFalse(decoder.resume(recorder));
        assertEquals(List.of("too-long", "bad-encoding"), recorder.events);
        assertTrue(decoder.resume(recorder));
        assertEquals(List.of("too-long", "bad-encoding", "line:PING"), recorder.events);

        // A line too long whose end comes in a later read: the pause holds what follows it.
        LineDecoder split = new LineDecoder(64);
        Recorder second = new Recorder();
        second.pauseOnErrors = true;
        byte[] start = utf8("y".repeat(80));
        byte[] end = utf8("yy\nTIME\n");
        assertTrue(split.process(start, 0, start.length, second));
        assertFalse(split.process(end, 0, end.length, second));
        assertTrue(split.resume(second));
        assertEquals(List.of("too-long", "line:TIME"), second.events);
    }

    private static byte[] bytes(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
