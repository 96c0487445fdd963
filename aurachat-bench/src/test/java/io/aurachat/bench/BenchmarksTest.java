package io.aurachat.bench;

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
import org.openjdk.jmh.annotations.TearDown;
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
        assertEquals(new TreeSet<>(List.of("io.aurachat.tcp.LineDecoderBench", "io.aurachat.hub.WireMessageBench",
                "io.aurachat.hub.WireReplyBench", "io.aurachat.hub.DispatchBench", "io.aurachat.log.XmlLogSinkBench",
                "io.aurachat.store.HistoryQueryBench", "io.aurachat.store.ResumeBench",
                "io.aurachat.store.HistoryRoundTripBench", "io.aurachat.tcp.TlsWrapBench",
                "io.aurachat.tcp.OutboundQueueBench")),
                methodsByClass.keySet());

        int calls = 0;
        for (Map.Entry<String, List<String>> c : methodsByClass.entrySet()) {
            Class<?> type = Class.forName(c.getKey());
            for (Map<Field, String> params : parameterCombinations(type)) {
                Object state = type.getDeclaredConstructor().newInstance();
                for (Map.Entry<Field, String> p : params.entrySet()) {
                    Field f = p.getKey();
                    // HistoryQueryBench's million stored messages take seconds to write: a thousand show it runs.
                    String value = (type == io.aurachat.store.HistoryQueryBench.class
                            || type == io.aurachat.store.HistoryRoundTripBench.class) && f.getName().equals("stored")
                            ? "1000"
                            // ResumeBench's ten thousand missed messages: a hundred show it runs.
                            : type == io.aurachat.store.ResumeBench.class && f.getName().equals("missed")
                            ? "100" : p.getValue();
                    f.set(state, f.getType() == int.class ? (Object) Integer.valueOf(value)
                            : f.getType() == long.class ? (Object) Long.valueOf(value)
                            : f.getType() == boolean.class ? (Object) Boolean.valueOf(value) : value);
                }
                // Trial set-ups first, then per-iteration and per-invocation ones, as JMH runs them.
                List<Method> setups = new ArrayList<>();
                for (Method m : type.getMethods()) {
                    if (m.isAnnotationPresent(Setup.class)) {
                        setups.add(m);
                    }
                }
                setups.sort(java.util.Comparator.comparing(m -> m.getAnnotation(Setup.class).value()));
                for (Method m : setups) {
                    m.invoke(state);
                }
                for (String name : c.getValue()) {
                    Method m = benchmarkMethod(type, name);
                    Object[] args = new Object[m.getParameterCount()];
                    for (int i = 0; i < args.length; i++) {
                        assertEquals(Blackhole.class, m.getParameterTypes()[i], name + ": only Blackhole arguments");
                        args[i] = BLACKHOLE;
                    }
                    try {
                        Object made = m.invoke(state, args);
                        if (m.getReturnType() != void.class) { // a void one has its effect elsewhere (a file)
                            assertNotNull(made, name + " returns what it made, so JMH consumes it");
                        }
                    } catch (InvocationTargetException e) {
                        throw new AssertionError(c.getKey() + "." + name + " " + params.values() + " threw", e.getCause());
                    }
                    calls++;
                }
                for (Method m : type.getMethods()) {
                    if (m.isAnnotationPresent(TearDown.class)) {
                        m.invoke(state);
                    }
                }
            }
        }
        // 3 decoder benchmarks, 3 message benchmarks x 2 texts, 4 reply benchmarks, 2 dispatch benchmarks x 2
        // client counts, the XML log's run x 2 texts x 2 rollover sizes x direct writes or not, the history store's two
        // queries, the resume and its peer x 2 stores, the query through the server, the TLS wrap x 3 sizes x 2
        // buffers, the outbound queue x 2 queues.
        assertEquals(40, calls);
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
