package io.aurachat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.log.LogEvent;
import io.aurachat.log.LogSink;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idle workload's named clients: each sends its name after the welcome (Redis: CLIENT SETNAME after it has
 * subscribed) and counts as connected once that is answered; every notice is read; the server is read when quiet.
 */
class NamedIdleTest {

    private static final int K = 30;

    private static Settings.Builder idle(Workload workload, InetSocketAddress address, long pid) {
        return SmokeTest.tiny(Target.AURACHAT, workload, address, pid).clients(K);
    }

    /** The server saw every name: each client left under the name it had set (cold and warm round: 2K). */
    @Test
    void everyClientSetsItsNameBeforeItCounts() throws Exception {
        List<String> leftAs = new CopyOnWriteArrayList<>();
        ServerConfig config = ServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .idleTimeout(Duration.ZERO)
                .logSink(LogSink.of(e -> {
                    if (e instanceof LogEvent.ClientDisconnected d) {
                        leftAs.add(d.client().name());
                    }
                })).build();
        try (ChatServer server = ChatServer.create(config).start()) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            // a short settle: quiet means this process (server and generator) idle and nothing more read for 0.3 s
            long pid = ProcessHandle.current().pid();
            Result r = SmokeTest.run(idle(Workload.IDLE, address, pid).settle(Duration.ofMillis(300)));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> leftAs.size() >= 2 * K);
            assertEquals(2 * K, leftAs.stream().filter(n -> n.matches("idle[12]-\\d+")).count(), leftAs::toString);
            assertEquals(K, leftAs.stream().filter(n -> n.startsWith("idle1-")).distinct().count(), leftAs::toString);
            double settled = (Double) r.get("settledSecondsCold");
            double ready = (Double) r.get("readySecondsCold");
            assertTrue(settled >= ready, r::toJson);
            assertEquals(0L, r.getLong("presenceMissedNoticesCold"), r::toJson);

            leftAs.clear();
            SmokeTest.run(idle(Workload.IDLE_UNNAMED, address, pid));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> leftAs.size() >= 2 * K);
            assertTrue(leftAs.stream().allMatch(n -> n.matches("c\\d+")), leftAs::toString);
        }
    }

    /**
     * The reference server as shipped (its Unicode confusables name rule, the XML audit log on), a child process:
     * it takes the names, and its quiet is judged by its own CPU and RSS.
     */
    @Test
    void theReferenceServerTakesTheNamesAndGoesQuiet(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("defaults.json"), "{}");
        Path out = dir.resolve("server.log");
        String javaBinary = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBinary, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"),
                "io.aurachat.examples.ServerMain", "--config", dir.resolve("defaults.json").toString(),
                "--bind", "127.0.0.1", "--port", "0", "--idle-timeout", "0", "--no-discovery", "--no-tls",
                "--max-connections-per-address", "0", "--rate-limit", "off", "--accounts", "off",
                "--log-file", dir.resolve("audit.xml").toString(), "--history-file", dir.resolve("history.db").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            Pattern listening = Pattern.compile("(?m)^  Listening on: *\\S*:(\\d+) \\(TCP");
            int[] port = {0};
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                assertTrue(p.isAlive(), () -> "the reference server stopped: " + read(out));
                Matcher m = listening.matcher(read(out));
                if (m.find()) {
                    port[0] = Integer.parseInt(m.group(1));
                }
                return port[0] > 0;
            });
            Result r = SmokeTest.run(idle(Workload.IDLE, new InetSocketAddress(InetAddress.getLoopbackAddress(), port[0]),
                    p.pid()).settle(Duration.ofMillis(500)));
            assertTrue(Double.isFinite((Double) r.get("settledSecondsCold")), r::toJson);
            assertTrue(r.get("bytesPerConnectionCold") instanceof Double, r::toJson);
            assertEquals(0L, r.getLong("presenceMissedNoticesCold"), r::toJson);
            // a rename notice per name to at most every other client (fewer once the server sends fewer)
            assertTrue(r.getLong("renameNoticesCold") <= (long) K * (K - 1), r::toJson);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> read(dir.resolve("audit.xml")).contains("idle2-"));
            assertFalse(read(out).contains("Exception"), () -> read(out));
        } finally {
            p.destroy();
            if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** Redis: CLIENT SETNAME once per client and round, answered +OK (an error would fail the run). */
    @Test
    void redisClientsSetTheirNames() throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip()) {
            Result r = SmokeTest.run(SmokeTest.tiny(Target.REDIS, Workload.IDLE, redis.address(), redis.pid()).clients(K));
            assertEquals(true, r.get("named"), r::toJson);
            try (Socket s = new Socket()) {
                s.connect(redis.address(), 5000);
                OutputStream o = s.getOutputStream();
                o.write("INFO commandstats\r\n".getBytes(StandardCharsets.US_ASCII));
                o.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                String line;
                long calls = -1;
                while ((line = in.readLine()) != null && !line.isEmpty() && calls < 0) {
                    Matcher m = Pattern.compile("^cmdstat_client\\|setname:calls=(\\d+)").matcher(line);
                    if (m.find()) {
                        calls = Long.parseLong(m.group(1));
                    }
                }
                assertEquals(2L * K, calls, "CLIENT SETNAME calls");
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
