package io.aurachat.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReportTest {

    private static String line(String target, String workload, String figures, boolean verified) {
        return "{\"workload\":\"" + workload + "\",\"target\":\"" + target + "\",\"targetLabel\":\""
                + (target.equals("redis") ? "Redis 7.0.15" : "AuraChat") + "\",\"clients\":100,\"window\":16,"
                + figures + ",\"verified\":" + verified + ",\"failures\":[" + (verified ? "" : "\"lost 3\"") + "]}";
    }

    @Test
    void ratiosAndTargetsPerWorkload() {
        String md = new Report()
                .add(line("aurachat", "direct", "\"messagesPerSecond\":300000.0,\"serverCpuCores\":1.5,\"generatorLoopCpuCores\":0.4", true))
                .add(line("redis", "direct", "\"messagesPerSecond\":200000.0", true))
                .add(line("aurachat", "latency", "\"offeredRate\":20000,\"p99Micros\":300.0,\"p50Micros\":50.0", true))
                .add(line("redis", "latency", "\"offeredRate\":20000,\"p99Micros\":200.0,\"p50Micros\":40.0", true))
                .add(line("aurachat", "idle", "\"bytesPerConnectionCold\":3072.0,\"bytesPerConnectionWarm\":5120.0", true))
                .add(line("redis", "idle", "\"bytesPerConnectionCold\":10240.0", true))
                .markdown();
        assertTrue(md.contains("| Redis 7.0.15 |"), md);
        assertTrue(md.contains("| direct, 100 clients, window 16 | messages/s | 300,000 | 200,000 | 1.50 | ≥ 1.0 | yes |"), md);
        assertTrue(md.contains("| p99 latency, µs | 300 | 200 | 1.50 | ≤ 1.0 | no |"), md);
        assertTrue(md.contains("| RSS per connection, KiB (cold) | 3.0 | 10.0 | 0.30 | ≤ 4 KiB | yes |"), md);
        assertTrue(md.contains("| RSS per connection, KiB (warm, see README) | 5.0 | – | – |  |  |"), md);
        assertTrue(md.contains("| direct, 100 clients, window 16 | aurachat | 1.50 | 0.40 |"), md);
    }

    @Test
    void floodShowsTheOthersLatencyAndTheFloodersRate() {
        String flood = "\"offeredRate\":20000,\"floodWindow\":1024,";
        String md = new Report()
                .add(line("aurachat", "flood", flood + "\"p99Micros\":3000.0,\"floodMessagesPerSecond\":150000.0,\"messagesPerSecond\":20000.0", true))
                .add(line("redis", "flood", flood + "\"p99Micros\":2000.0,\"floodMessagesPerSecond\":100000.0,\"messagesPerSecond\":20000.0", true))
                .markdown();
        assertTrue(md.contains("| flood, 100 clients, 20,000 msg/s offered, 1 flooder, window 1,024 | others' p99 latency, µs"
                + " | 3,000 | 2,000 | 1.50 | ≤ 1.0 | no |"), md);
        assertTrue(md.contains("| flooder's messages/s | 150,000 | 100,000 | 1.50 | ≥ 1.0 | yes |"), md);
        assertTrue(md.contains("| others' delivered/s | 20,000 | 20,000 | 1.00 |  |  |"), md);
    }

    @Test
    void repeatedRunsAreSummarisedByMedians() {
        Report report = new Report();
        double[][] rounds = {{300_000, 200_000}, {100_000, 250_000}, {500_000, 400_000}};
        for (double[] round : rounds) {
            report.add(line("aurachat", "direct", "\"messagesPerSecond\":" + round[0], true))
                    .add(line("redis", "direct", "\"messagesPerSecond\":" + round[1], true));
        }
        String md = report.markdown();
        // medians 300,000 and 250,000; per-round ratios 1.50, 0.40, 1.25: median 1.25 (not 300/250 = 1.20)
        assertTrue(md.contains("| direct, 100 clients, window 16 (median of 3 runs) | messages/s | 300,000 | 250,000 | 1.25 | ≥ 1.0 | yes |"), md);
    }

    @Test
    void anInvalidRoundIsLeftOutOfTheMediansAndSaidSo() {
        String md = new Report()
                .add(line("aurachat", "direct", "\"messagesPerSecond\":300000.0", true))
                .add(line("redis", "direct", "\"messagesPerSecond\":200000.0", true))
                .add(line("aurachat", "direct", "\"messagesPerSecond\":9.0", false))
                .add(line("redis", "direct", "\"messagesPerSecond\":200000.0", true))
                .markdown();
        assertTrue(md.contains("| 300,000 (1 of 2 runs INVALID) | 200,000 | 1.50 |"), md);
    }

    @Test
    void invalidRunsAreMarked() {
        String md = new Report()
                .add(line("aurachat", "direct", "\"messagesPerSecond\":1.0", false))
                .markdown();
        assertTrue(md.contains("1.0 (INVALID)"), md);
        assertTrue(md.contains("lost 3"), md);
    }

    @Test
    void rejectsWhatIsNotAResultLine() {
        assertThrows(IllegalArgumentException.class, () -> new Report().add("[1,2]"));
        assertThrows(IllegalArgumentException.class, () -> new Report().add("{\"workload\":"));
    }
}
