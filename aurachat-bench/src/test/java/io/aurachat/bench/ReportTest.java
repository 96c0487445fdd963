package io.aurachat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        assertTrue(md.contains("| idle, 100 connections | RSS per connection, KiB (cold: before connecting to settled)"
                + " | 3.0 | 10.0 | 0.30 | ≤ 4 KiB | yes |"), md);
        assertTrue(md.contains("| RSS per connection, KiB (warm, see docs/performance.md) | 5.0 | – | – |  |  |"), md);
        // a line without serverCpuMicrosPerDelivery (older files): computed from the server's cores and the rate
        assertTrue(md.contains("| direct, 100 clients, window 16 | aurachat | 1.50 | 5.00 | 0.40 | – |"), md);
        assertTrue(md.contains("| server CPU per delivered message, µs | 5.00 | – | – | ≤ 1.0 | ? |"), md);
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

    private static String run(String setup, String workload, String figures) {
        String target = setup.equals("redis") ? "redis" : "aurachat";
        return "{\"workload\":\"" + workload + "\",\"target\":\"" + target + "\",\"setup\":\"" + setup
                + "\",\"targetLabel\":\"" + (target.equals("redis") ? "Redis 7.0.15" : "AuraChat on JDK 25") + "\","
                + "\"clients\":100,\"window\":16,\"serverCpuCores\":0.5,\"generatorLoopCpuCores\":0.9," + figures
                + ",\"verified\":true,\"failures\":[]}";
    }

    @Test
    void theShippedServerWithoutItsLogGetsAColumnAndTheLogsCostATableOfItsOwn() {
        Report report = new Report();
        // shipped, nolog, redis per round; the log's cost per round: 0.80, 0.95, 0.92 (median 0.92), CPU 1.5 1.0 1.2
        double[][] rounds = {{400_000, 500_000, 450_000, 3.0, 2.0}, {380_000, 400_000, 420_000, 2.0, 2.0},
            {460_000, 500_000, 440_000, 2.4, 2.0}};
        for (double[] r : rounds) {
            report.add(run("shipped", "direct", "\"messagesPerSecond\":" + r[0] + ",\"serverCpuMicrosPerDelivery\":" + r[3]))
                    .add(run(Report.NO_LOG, "direct", "\"messagesPerSecond\":" + r[1] + ",\"serverCpuMicrosPerDelivery\":"
                            + r[4]))
                    .add(run("redis", "direct", "\"messagesPerSecond\":" + r[2] + ",\"serverCpuMicrosPerDelivery\":2.0"));
        }
        report.add(run("shipped", "latency", "\"p99Micros\":900.0")).add(run(Report.NO_LOG, "latency", "\"p99Micros\":800.0"));
        String md = report.markdown();
        assertTrue(md.contains("| Workload | Figure | AuraChat as shipped | As shipped, --no-audit-log | Redis 7.0.15 |"), md);
        assertTrue(md.contains("### What the audit log costs"), md);
        assertTrue(md.contains("| direct, 100 clients, window 16 | 0.80 0.95 0.92 | 0.92 | 1.20 | ≥ 0.90 | yes |"), md);
        assertEquals(1, md.lines().filter(l -> l.contains("| ≥ 0.90 |")).count(), "direct and fan-out only: " + md);
        String withoutNoLog = new Report().add(run("shipped", "direct", "\"messagesPerSecond\":1.0"))
                .add(run("redis", "direct", "\"messagesPerSecond\":1.0")).markdown();
        assertFalse(withoutNoLog.contains("What the audit log costs"), withoutNoLog);
    }

    @Test
    void threeTargetsGetAColumnEachAndEachAuraChatColumnItsRatioAndVerdict() {
        Report report = new Report();
        // in run-bench.sh's order: shipped, engine, redis, per workload and round
        double[][] rounds = {{200_000, 300_000, 250_000}, {180_000, 320_000, 200_000}, {220_000, 290_000, 240_000}};
        for (double[] r : rounds) {
            report.add(run("shipped", "direct", "\"messagesPerSecond\":" + r[0] + ",\"serverCpuMicrosPerDelivery\":2.5"))
                    .add(run("engine", "direct", "\"messagesPerSecond\":" + r[1] + ",\"serverCpuMicrosPerDelivery\":1.5"))
                    .add(run("redis", "direct", "\"messagesPerSecond\":" + r[2] + ",\"serverCpuMicrosPerDelivery\":2.0"));
        }
        String md = report.markdown();
        assertTrue(md.contains("| Workload | Figure | AuraChat as shipped | AuraChat engine | Redis 7.0.15 | shipped / Redis"
                + " | engine / Redis | Target | Met, shipped | Met, engine |\n"
                + "|---|---|---:|---:|---:|---:|---:|---|---|---|\n"), md);
        // shipped: per-round ratios 0.80 0.90 0.92, median 0.90; engine: 1.20 1.60 1.21, median 1.21
        assertTrue(md.contains("| direct, 100 clients, window 16 (median of 3 runs) | messages/s | 200,000 | 300,000 | 240,000"
                + " | 0.90 | 1.21 | ≥ 1.0 | no | yes |"), md);
        assertTrue(md.contains("| server CPU per delivered message, µs | 2.50 | 1.50 | 2.00 | 1.25 | 0.75 | ≤ 1.0 | no | yes |"), md);
        // the CPU table has every run of every target
        assertTrue(md.contains("| direct, 100 clients, window 16 | shipped | 0.50 | 2.50 | 0.90 | – |"), md);
        assertTrue(md.contains("| direct, 100 clients, window 16 | engine | 0.50 | 1.50 | 0.90 | – |"), md);
        assertTrue(md.contains("| direct, 100 clients, window 16 | redis | 0.50 | 2.00 | 0.90 | – |"), md);
        assertEquals(9, md.lines().filter(l -> l.startsWith("| direct, 100 clients, window 16 | ")).count(), md);
    }

    @Test
    void namedIdleHasTheSettleTargetAndTheRenameCount() {
        String idle = "\"named\":true,\"bytesPerConnectionCold\":3584.0,\"settledSecondsCold\":%s,"
                + "\"connectsPerSecondCold\":7000.0";
        String md = new Report()
                .add(run("shipped", "idle", String.format(idle, "25.0") + ",\"renameNoticesCold\":4950"))
                .add(run("engine", "idle", String.format(idle, "4.5") + ",\"renameNoticesCold\":4950"))
                .add(run("redis", "idle", String.format(idle, "3.2").replace("3584.0", "9216.0")))
                .add(run("engine", "idle-unnamed", String.format(idle, "3.0").replace("true", "false")))
                .markdown();
        assertTrue(md.contains("| idle, 100 connections, named | RSS per connection, KiB (cold: before connecting to settled)"
                + " | 3.5 | 3.5 | 9.0 | 0.39 | 0.39 | ≤ 4 KiB | yes | yes |"), md);
        assertTrue(md.contains("| settled after, s (first connect to quiet, cold) | 25.0 | 4.5 | 3.2 | 7.81 | 1.41 | ≤ 10 s | no | yes |"), md);
        assertTrue(md.contains("| rename notices the clients read (cold) | 4,950 | 4,950 | – | – | – |  |  |  |"), md);
        // unnamed: its own group, no settle target, no rename row
        assertTrue(md.contains("| idle, 100 connections, unnamed | RSS per connection"), md);
        String unnamed = md.substring(md.indexOf("| idle, 100 connections, unnamed"));
        assertTrue(unnamed.contains("| settled after, s (first connect to quiet, cold) | – | 3.0 | – | – | – |  |  |  |"), md);
        assertFalse(unnamed.substring(0, unnamed.indexOf("\n\n")).contains("rename"), md);
    }

    @Test
    void oldLinesWithoutASetupAreColumnsOfTheirTarget() {
        String md = new Report()
                .add(line("aurachat", "idle", "\"bytesPerConnectionCold\":3072.0", true))
                .add(line("redis", "idle", "\"bytesPerConnectionCold\":10240.0", true))
                .markdown();
        assertTrue(md.startsWith("| Workload | Figure | AuraChat | Redis 7.0.15 | AuraChat / Redis | Target | Met |\n"), md);
        assertTrue(md.contains("| idle, 100 connections | RSS per connection"), md); // neither named nor unnamed
    }

    private static String tlsRun(String setup, boolean tls, String workload, double rate, double cpu) {
        String target = setup.equals("redis") ? "redis" : "aurachat";
        String key = workload.equals("fanout") ? "deliveriesPerSecond" : "messagesPerSecond";
        return "{\"workload\":\"" + workload + "\",\"target\":\"" + target + "\",\"setup\":\"" + setup
                + (tls ? "-tls" : "") + "\",\"targetLabel\":\"" + (target.equals("redis") ? "Redis 7.0.15" : "AuraChat")
                + "\",\"clients\":100,\"tls\":" + tls + ",\"window\":16,\"" + key + "\":" + rate
                + ",\"serverCpuMicrosPerDelivery\":" + cpu + ",\"generatorLoopCpuCores\":0.5"
                + (tls ? ",\"tlsProtocol\":\"TLSv1.3\",\"tlsCipherSuite\":\"TLS_AES_256_GCM_SHA384\"" : "")
                + ",\"verified\":true,\"failures\":[]}";
    }

    @Test
    void tlsRunsAreComparedWithRedisOverTlsAndWithThemselvesWithout() {
        Report report = new Report();
        for (int round = 0; round < 3; round++) { // as BENCH_TLS=both writes them: each target over TLS, then plain
            for (String setup : new String[] {"engine", "redis"}) {
                report.add(tlsRun(setup, true, "direct", setup.equals("redis") ? 200_000 : 300_000 + round, 2.0))
                        .add(tlsRun(setup, false, "direct", setup.equals("redis") ? 400_000 : 600_000, 1.0));
            }
        }
        String md = report.markdown();
        String over = md.substring(md.indexOf("### Over TLS"), md.indexOf("### Without TLS"));
        assertTrue(over.contains("| Workload | Figure | AuraChat engine over TLS | Redis 7.0.15 over TLS | engine-tls / Redis-TLS"
                + " | Target | Met |"), md);
        assertTrue(over.contains("| direct, 100 clients, window 16 (median of 3 runs) | messages/s | 300,001 | 200,000 | 1.50"
                + " | ≥ 1.0 | yes |"), md);
        assertTrue(over.contains("engine-tls: TLSv1.3 TLS_AES_256_GCM_SHA384; redis-tls: TLSv1.3 TLS_AES_256_GCM_SHA384."), md);
        String without = md.substring(md.indexOf("### Without TLS"), md.indexOf("### The cost of TLS"));
        assertTrue(without.contains("| messages/s | 600,000 | 400,000 | 1.50 | ≥ 1.0 | yes |"), md);
        String cost = md.substring(md.indexOf("### The cost of TLS"));
        assertTrue(cost.contains("| direct, 100 clients, window 16 | AuraChat engine | messages/s | 600,000 | 300,001 | 0.50 |"), md);
        assertTrue(cost.contains("| | Redis 7.0.15 | messages/s | 400,000 | 200,000 | 0.50 |".replace("| |", "|  |")), md);
        assertTrue(cost.contains("| server CPU per delivered message, µs | 1.00 | 2.00 | 2.00 |"), md);
        assertTrue(cost.contains("| direct, 100 clients, window 16 | engine-tls | – | 2.00 | 0.50 | – |"), md); // CPU table
    }

    @Test
    void plainReportsHaveNoTlsSections() {
        String md = new Report().add(tlsRun("engine", false, "direct", 1, 1)).add(tlsRun("redis", false, "direct", 1, 1))
                .markdown();
        assertFalse(md.contains("TLS"), md);
    }

    @Test
    void rejectsWhatIsNotAResultLine() {
        assertThrows(IllegalArgumentException.class, () -> new Report().add("[1,2]"));
        assertThrows(IllegalArgumentException.class, () -> new Report().add("{\"workload\":"));
    }
}
