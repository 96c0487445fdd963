package io.aurachat.store;

import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import io.aurachat.store.sqlite.SqliteHistoryStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: {@code HISTORY lobby LATEST 100} through a real server on loopback, from sending the line to having the whole
 * reply (about 15 KB), on a room of {@link #stored} messages in an SQLite store (filled as {@link HistoryQueryBench}
 * fills it). The same query at the store alone is {@link HistoryQueryBench#latest100}; the difference is the round
 * trip, the command thread and the page's encoding. Sample time, for the percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class HistoryRoundTripBench {
    /** Messages in the room (and as many to everyone). */
    @Param({"1000000"})
    public int stored;

    private Path dir;
    private SqliteHistoryStore store;
    private ChatServer server;
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;
    private static final byte[] QUERY = "HISTORY lobby LATEST 100\n".getBytes(StandardCharsets.US_ASCII);

    /** Fills the file, starts the server on it and joins the room. */
    @Setup(Level.Trial)
    public void setup() throws Exception {
        dir = Files.createTempDirectory("aurachat-history-rt-bench");
        Path file = dir.resolve("history.db");
        try (SqliteHistoryStore schema = SqliteHistoryStore.builder(file).maxAge(Duration.ZERO).build()) {
            schema.open(); // makes the schema
        }
        HistoryQueryBench.fill(file, stored);
        store = SqliteHistoryStore.builder(file).maxAge(Duration.ZERO).maxPerTarget(2 * stored).build();
        server = ChatServer.create(ServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .historyStore(store).presenceLimit(0).rateLimit(io.aurachat.server.RateLimit.NONE).build()).start();
        socket = new Socket(server.address().getAddress(), server.address().getPort());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
        out = socket.getOutputStream();
        in.readLine(); // welcome
        out.write("JOIN lobby\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in.readLine(); // ok
        String page = latest100();
        if (!page.startsWith("{\"type\":\"history\"") || !page.endsWith("\"more\":true}")) {
            throw new IllegalStateException("not a full page: " + page.substring(0, Math.min(200, page.length())));
        }
    }

    /** One query, one reply line. */
    @Benchmark
    public String latest100() throws IOException {
        out.write(QUERY);
        out.flush();
        return in.readLine();
    }

    /** Stops the server and deletes the file. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        socket.close();
        server.close();
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
