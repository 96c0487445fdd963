package io.aurachat.hub;

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

/** The encoder benchmarks' variants make the same bytes, checked without timing (see {@code BenchmarksTest}). */
class WireBenchTest {

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
            assertTrue(new String(jackson, StandardCharsets.UTF_8).contains("\"to\":\"c42\",\"id\":\"" + bench.id
                    + "\",\"time\":\"2026-11-21T09:00:00.123Z\",\"message\":\""), () -> text + ": the line of protocol 2");
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

}
