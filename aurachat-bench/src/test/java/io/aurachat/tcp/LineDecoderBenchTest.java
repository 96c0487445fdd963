package io.aurachat.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.bench.BenchTexts;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.Blackhole;

/** The decoder benchmark's inputs and what each call handles, checked without timing (see {@code BenchmarksTest}). */
class LineDecoderBenchTest {
    /** The one way JMH lets code outside a benchmark make a Blackhole. */
    private static final Blackhole BLACKHOLE = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @Test
    void decoderBenchmarksHandleAsManyLinesAsTheirScoresAreDividedBy() throws Exception {
        LineDecoderBench bench = new LineDecoderBench();
        bench.setup();
        assertEquals(LineDecoderBench.READ, bench.asciiSplit.length, "a full read buffer");
        assertTrue(LineDecoderBench.READ - bench.ascii.length < LineDecoderBench.LINE, "as many whole lines as fit");
        assertEquals(bench.ascii.length, bench.utf8.length);
        for (String name : List.of("wholeLinesAscii", "splitLastLineAscii", "wholeLinesUtf8")) {
            Method m = LineDecoderBench.class.getMethod(name, Blackhole.class);
            int perInvocation = m.getAnnotation(OperationsPerInvocation.class).value();
            for (int round = 0; round < 2; round++) { // the second call finds the decoder as the first left it
                assertEquals(perInvocation, m.invoke(bench, BLACKHOLE), name + ": lines handled");
                assertEquals(0, bench.retained(), name + ": nothing kept for the next call");
            }
        }
        assertEquals(0, bench.rejected(), "no line too long or badly encoded");
    }

    @Test
    void decoderInputsAreChatLinesWithSixtyFourBytesOfText() {
        LineDecoderBench bench = new LineDecoderBench();
        bench.setup();
        List<String> ascii = lines(bench.asciiSplit, bench.asciiTail);
        assertEquals(LineDecoderBench.LINES + 1, ascii.size());
        for (int i = 0; i < ascii.size(); i++) {
            assertEquals(LineDecoderBench.START + BenchTexts.ascii(i), ascii.get(i), "line " + i);
        }
        assertEquals(ascii.subList(0, LineDecoderBench.LINES), lines(bench.ascii));
        List<String> utf8 = lines(bench.utf8);
        assertEquals(LineDecoderBench.LINES, utf8.size());
        assertTrue(utf8.stream().allMatch((LineDecoderBench.START + BenchTexts.mixed())::equals));
    }

    private static List<String> lines(byte[]... reads) {
        List<String> lines = new ArrayList<>();
        LineDecoder decoder = new LineDecoder(io.aurachat.server.ServerConfig.DEFAULT_MAX_LINE_LENGTH);
        LineDecoder.Handler handler = new LineDecoder.Handler() {
            @Override
            public boolean onLine(String line) {
                lines.add(line);
                return true;
            }

            @Override
            public boolean onLineTooLong() {
                throw new AssertionError("line too long");
            }

            @Override
            public boolean onBadEncoding() {
                throw new AssertionError("bad encoding");
            }
        };
        for (byte[] read : reads) {
            decoder.feed(read, handler);
        }
        assertEquals(0, decoder.finish(), "no unterminated line");
        return lines;
    }

}
