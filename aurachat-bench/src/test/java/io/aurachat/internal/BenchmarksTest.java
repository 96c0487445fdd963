package io.aurachat.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Calls every JMH benchmark once, on its {@code @Setup} state, without timing anything: a benchmark that
 * throws, or whose input no longer means what its name says, fails the build instead of a later run-jmh.sh.
 */
class BenchmarksTest {

    /** The one way JMH lets code outside a benchmark make a Blackhole. */
    private static final Blackhole BLACKHOLE = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @Test
    void everyBenchmarkInTheBenchmarkListRunsOnceForEveryParameterValue() throws Exception {
        // The list that JMH's annotation processor wrote: a benchmark added later is covered too.
        Map<String, List<String>> methodsByClass = new TreeMap<>();
        for (BenchmarkListEntry e : BenchmarkList.defaultList()
                .getAll(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of())) {
            String method = e.getUsername().substring(e.getUserClassQName().length() + 1);
            methodsByClass.computeIfAbsent(e.getUserClassQName(), k -> new ArrayList<>()).add(method);
        }
        assertEquals(new TreeSet<>(List.of(LineDecoderBench.class.getName(), WireMessageBench.class.getName(),
                WireReplyBench.class.getName())), methodsByClass.keySet());

        int calls = 0;
        for (Map.Entry<String, List<String>> c : methodsByClass.entrySet()) {
            Class<?> type = Class.forName(c.getKey());
            for (Map<Field, String> params : parameterCombinations(type)) {
                Object state = type.getDeclaredConstructor().newInstance();
                for (Map.Entry<Field, String> p : params.entrySet()) {
                    p.getKey().set(state, p.getValue());
                }
                for (Method m : type.getMethods()) {
                    if (m.isAnnotationPresent(Setup.class)) {
                        m.invoke(state);
                    }
                }
                for (String name : c.getValue()) {
                    Method m = benchmarkMethod(type, name);
                    Object[] args = new Object[m.getParameterCount()];
                    for (int i = 0; i < args.length; i++) {
                        assertEquals(Blackhole.class, m.getParameterTypes()[i], name + ": only Blackhole arguments");
                        args[i] = BLACKHOLE;
                    }
                    try {
                        assertNotNull(m.invoke(state, args), name + " returns what it made, so JMH consumes it");
                    } catch (InvocationTargetException e) {
                        throw new AssertionError(c.getKey() + "." + name + " " + params.values() + " threw", e.getCause());
                    }
                    calls++;
                }
            }
        }
        // 3 decoder benchmarks, 3 message benchmarks x 2 texts, 3 reply benchmarks.
        assertEquals(12, calls);
    }

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

    @Test
    void textsAreSixtyFourBytesAndMixedHasNonAsciiAndEscapes() {
        String ascii = BenchTexts.ascii(1);
        assertEquals(BenchTexts.BYTES, ascii.getBytes(StandardCharsets.UTF_8).length);
        assertTrue(ascii.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\'), ascii);
        String mixed = BenchTexts.mixed();
        assertEquals(BenchTexts.BYTES, mixed.getBytes(StandardCharsets.UTF_8).length);
        assertTrue(mixed.chars().anyMatch(c -> c >= 0x80), "non-ASCII");
        assertTrue(mixed.codePoints().anyMatch(Character::isSupplementaryCodePoint), "a 4-byte character");
        assertTrue(mixed.contains("\"") && mixed.contains("\\") && mixed.contains("\t"), "characters JSON escapes");
    }

    @Test
    void theThreeMessageLinesAreTheSameBytesAndTheFastWriterTakesEveryText() throws NoSuchFieldException {
        for (String text : WireMessageBench.class.getField("text").getAnnotation(Param.class).value()) {
            WireMessageBench bench = new WireMessageBench();
            bench.text = text;
            bench.setup();
            byte[] jackson = bench.messageJackson();
            assertArrayEquals(jackson, bench.messageFast(), text);
            assertArrayEquals(jackson, bench.messageCachedPrefix(), text);
            assertNotNull(bench.prefix, text + ": the sender has a cached prefix");
            // Wire falls back to Jackson when the fast writer refuses a text: then "fast" would measure Jackson.
            new FastJson().reset().string(bench.message);
            assertTrue(new String(jackson, StandardCharsets.UTF_8).contains("\"to\":\"c42\""), text);
        }
    }

    @Test
    void theThreeChatRepliesAreTheSameBytes() {
        WireReplyBench bench = new WireReplyBench();
        bench.setup();
        byte[] jackson = bench.replyJackson();
        assertArrayEquals(jackson, bench.replyFast());
        assertArrayEquals(jackson, bench.replyCached());
        assertEquals("{\"type\":\"ok\",\"command\":\"CHAT\",\"to\":\"c42\"}\n",
                new String(jackson, StandardCharsets.UTF_8));
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
            public void onLineTooLong() {
                throw new AssertionError("line too long");
            }

            @Override
            public void onBadEncoding() {
                throw new AssertionError("bad encoding");
            }
        };
        for (byte[] read : reads) {
            decoder.feed(read, handler);
        }
        assertEquals(0, decoder.finish(), "no unterminated line");
        return lines;
    }

    private static Method benchmarkMethod(Class<?> type, String name) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.isAnnotationPresent(org.openjdk.jmh.annotations.Benchmark.class)) {
                return m;
            }
        }
        throw new AssertionError("no @Benchmark " + type.getName() + "." + name);
    }

    /** Every combination of the values of the class's {@code @Param} fields (one empty one if it has none). */
    private static List<Map<Field, String>> parameterCombinations(Class<?> type) {
        List<Map<Field, String>> combinations = new ArrayList<>();
        combinations.add(Map.of());
        for (Field f : type.getFields()) {
            Param param = f.getAnnotation(Param.class);
            if (param == null || Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            List<Map<Field, String>> next = new ArrayList<>();
            for (Map<Field, String> c : combinations) {
                for (String value : param.value()) {
                    Map<Field, String> m = new java.util.LinkedHashMap<>(c);
                    m.put(f, value);
                    next.add(m);
                }
            }
            combinations = next;
        }
        return combinations;
    }
}
