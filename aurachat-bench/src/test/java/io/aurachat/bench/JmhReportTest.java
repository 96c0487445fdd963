package io.aurachat.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JmhReportTest {

    /** One entry as JMH 1.37 writes it with -rf json (fields the report does not read left out). */
    private static String entry(String benchmark, String params, String unit, String score, String error, String rawData) {
        return "{\"jmhVersion\":\"1.37\",\"benchmark\":\"io.aurachat.internal." + benchmark + "\",\"mode\":\"avgt\","
                + "\"threads\":1,\"forks\":2,\"jvm\":\"/usr/lib/jvm/x/bin/java\",\"jvmArgs\":[],\"jdkVersion\":\"25.0.3\","
                + "\"vmName\":\"OpenJDK 64-Bit Server VM\",\"vmVersion\":\"25.0.3+9-LTS\",\"warmupIterations\":3,"
                + "\"warmupTime\":\"1 s\",\"warmupBatchSize\":1,\"measurementIterations\":2,\"measurementTime\":\"1 s\","
                + "\"measurementBatchSize\":1," + (params.isEmpty() ? "" : "\"params\":{" + params + "},")
                + "\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":" + error + ",\"scoreConfidence\":[0,1],"
                + "\"scorePercentiles\":{\"50.0\":1},\"scoreUnit\":\"" + unit + "\",\"rawData\":" + rawData + "},"
                + "\"secondaryMetrics\":{}}";
    }

    @Test
    void mediansOfAllIterationsAndRatiosToTheJacksonVariantWithTheSameParameters() {
        String json = "[" + String.join(",",
                entry("WireMessageBench.messageFast", "\"text\":\"ascii\"", "ns/op", "260.0", "30.0", "[[100.0,300.0],[200.0,440.0]]"),
                entry("WireMessageBench.messageJackson", "\"text\":\"ascii\"", "ns/op", "500.0", "5.0", "[[499.0,501.0],[500.0,500.0]]"),
                entry("WireMessageBench.messageFast", "\"text\":\"mixed\"", "ns/op", "300.0", "1.0", "[[300.0]]"),
                entry("WireMessageBench.messageJackson", "\"text\":\"mixed\"", "ns/op", "450.0", "1.0", "[[450.0]]"),
                entry("LineDecoderBench.wholeLinesAscii", "", "ops/us", "20.0", "\"NaN\"", "[[20.0]]")) + "]";
        String md = JmhReport.parse(json).markdown();
        assertTrue(md.startsWith("JMH 1.37, JDK 25.0.3 (OpenJDK 64-Bit Server VM 25.0.3+9-LTS), 2 fork(s) × 2 × 1 s"
                + " measured after 3 × 1 s of warm-up"), md);
        assertTrue(md.contains("| WireMessageBench.messageFast | text=ascii | 250 | 260 ± 30.0 ns/op | 100–440 | 4,000,000 | 2.00 |"), md);
        assertTrue(md.contains("| WireMessageBench.messageJackson | text=ascii | 500 | 500 ± 5.00 ns/op | 499–501 | 2,000,000 | 1.00 |"), md);
        assertTrue(md.contains("| WireMessageBench.messageFast | text=mixed | 300 | 300 ± 1.00 ns/op | 300–300 | 3,333,333 | 1.50 |"), md);
        // a throughput unit becomes ns/op; no Jackson variant, no ratio; JMH's "NaN" error of one iteration
        assertTrue(md.contains("| LineDecoderBench.wholeLinesAscii |  | 50.0 | 20.0 ± – ops/us | 50.0–50.0 | 20,000,000 | – |"), md);
    }

    @Test
    void severalRunsGiveTheMedianOfTheirMediansAndOfTheirOwnRatios() {
        double[][] fastAndJackson = {{100, 300}, {200, 300}, {150, 600}};
        java.util.List<String> runs = new java.util.ArrayList<>();
        for (double[] run : fastAndJackson) {
            runs.add("[" + entry("WireReplyBench.replyFast", "", "ns/op", "0", "0", "[[" + run[0] + "]]") + ","
                    + entry("WireReplyBench.replyJackson", "", "ns/op", "0", "0", "[[" + run[1] + "]]") + "]");
        }
        String md = JmhReport.parse(runs).markdown();
        assertTrue(md.startsWith("3 runs of JMH 1.37"), md);
        assertTrue(md.contains("| WireReplyBench.replyFast |  | 150 | 100, 200, 150 | 6,666,667 | 3.00 | 3.00, 1.50, 4.00 |"), md);
        assertTrue(md.contains("| WireReplyBench.replyJackson |  | 300 | 300, 300, 600 | 3,333,333 | 1.00 | 1.00, 1.00, 1.00 |"), md);
    }

    @Test
    void somethingElseIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> JmhReport.parse(java.util.List.of()));
        assertThrows(IllegalArgumentException.class, () -> JmhReport.parse("{\"benchmark\":\"x\"}"));
        assertThrows(IllegalArgumentException.class, () -> JmhReport.parse("[{\"benchmark\":\"x\"}]"));
        assertThrows(IllegalArgumentException.class, () -> JmhReport.parse("[1,"));
        assertThrows(IllegalArgumentException.class, () -> JmhReport.parse(""));
    }
}
