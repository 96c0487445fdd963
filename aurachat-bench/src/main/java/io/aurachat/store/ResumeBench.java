package io.aurachat.store;

import io.aurachat.history.HistoryStore;
import io.aurachat.history.MemoryHistoryStore;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import io.aurachat.store.sqlite.SqliteHistoryStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * JMH: a client that missed {@link #missed} messages comes back. Before each invocation a resumable client
 * ({@code SESSION}) sees one message, its connection breaks, and another client says {@link #missed} more (64 bytes
 * each) to everyone. Then, timed from the new connection to the last missed message in hand:
 * <ul>
 *   <li>{@link #resume}: {@code RESUME <session> <last-id>}, which replays them all before its {@code resumed}
 *       reply;</li>
 *   <li>{@link #historyPaging}, the peer measured in the same run: the same new client fetches the same messages
 *       itself, {@code HISTORY * AFTER <id> 200} page after page, as a client without resume would.</li>
 * </ul>
 * A real server on loopback (the reference server's defaults), with the in-memory store (10,000 a target, the
 * default, here with room for every invocation's messages) or the SQLite store on a fresh file. Single-shot time:
 * each invocation is one comeback.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 15)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ResumeBench {
    /** How many messages the client missed. */
    @Param({"10000"})
    public int missed;

    /** The history store: {@code memory} or {@code sqlite}. */
    @Param({"memory", "sqlite"})
    public String store;

    private static final String TEXT = "x".repeat(34) + " a missed message of 64 bytes";

    private Path dir;
    private HistoryStore history;
    private ChatServer server;
    private InetSocketAddress address;
    private Socket talker;
    private BufferedReader talkerIn;
    private String session;
    private long lastSeen;

    /** Starts the server and the client that talks while the other is away. */
    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory("aurachat-resume-bench");
        history = store.equals("sqlite") ? SqliteHistoryStore.builder(dir.resolve("history.db")).build()
                // Room for this invocation's messages and the one seen before them, whatever came before.
                : MemoryHistoryStore.builder().maxPerTarget(2 * missed + 2).build();
        server = ChatServer.create(ServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .historyStore(history).presenceLimit(0).rateLimit(io.aurachat.server.RateLimit.NONE).build()).start();
        address = server.address();
        talker = connect();
        talkerIn = reader(talker);
        talkerIn.readLine(); // welcome
    }

    /** A client sees one message, drops off, and misses {@link #missed} more. */
    @Setup(Level.Invocation)
    public void miss() throws Exception {
        int detachedBefore = server.detachedSessions(); // the peer never resumes its sessions: they wait
        try (Socket away = connect()) {
            BufferedReader in = reader(away);
            in.readLine(); // welcome
            send(away, "SESSION");
            String reply = in.readLine();
            session = field(reply, "session");
            send(talker, "SAY seen before the break");
            talkerIn.readLine(); // the SAY's reply
            String seen = in.readLine();
            lastSeen = Long.parseLong(field(seen, "id"));
        } // closed without EXIT: the session waits
        while (server.detachedSessions() <= detachedBefore) {
            Thread.onSpinWait();
        }
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < missed; i++) {
            batch.append("SAY ").append(TEXT).append('\n');
        }
        talker.getOutputStream().write(batch.toString().getBytes(StandardCharsets.UTF_8));
        talker.getOutputStream().flush();
        for (int i = 0; i < missed; i++) {
            talkerIn.readLine(); // every SAY answered: routed and handed to the store
        }
    }

    /** {@code RESUME}: the server replays what was missed, then says {@code resumed}. */
    @Benchmark
    public int resume() throws IOException {
        try (Socket back = connect()) {
            BufferedReader in = reader(back);
            in.readLine(); // welcome
            send(back, "RESUME " + session + " " + lastSeen);
            int messages = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("{\"type\":\"message\"")) {
                    messages++;
                } else if (line.startsWith("{\"type\":\"resumed\"")) {
                    break;
                }
            }
            check(messages);
            send(back, "EXIT");
            return messages;
        }
    }

    /** The peer: the new client pages through the same messages with {@code HISTORY * AFTER}. */
    @Benchmark
    public int historyPaging() throws IOException {
        try (Socket back = connect()) {
            BufferedReader in = reader(back);
            in.readLine(); // welcome
            int messages = 0;
            long after = lastSeen;
            while (true) {
                send(back, "HISTORY * AFTER " + after + " 200");
                String page = in.readLine();
                while (!page.startsWith("{\"type\":\"history\"")) {
                    page = in.readLine(); // an event between replies
                }
                int n = count(page, "{\"type\":\"message\"");
                messages += n;
                if (n == 0 || !page.endsWith("\"more\":true}")) {
                    break;
                }
                int last = page.lastIndexOf("\"id\":\"");
                // the last message's id: the last "id" whose value is digits (a sender's id starts with c)
                while (!Character.isDigit(page.charAt(last + 6))) {
                    last = page.lastIndexOf("\"id\":\"", last - 1);
                }
                after = Long.parseLong(page.substring(last + 6, page.indexOf('"', last + 6)));
            }
            check(messages);
            send(back, "EXIT");
            return messages;
        }
    }

    private void check(int messages) {
        if (messages != missed) {
            throw new IllegalStateException("got " + messages + " of the " + missed + " missed messages");
        }
    }

    /** Stops the server and removes the file. */
    @TearDown(Level.Trial)
    public void stop() throws Exception {
        talker.close();
        server.close();
        history.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(address.getAddress(), address.getPort());
        s.setTcpNoDelay(true);
        s.setSoTimeout(30_000);
        return s;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
    }

    private static void send(Socket s, String line) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A string field of a one-line JSON object the server wrote ({@code "name":"value"}). */
    private static String field(String line, String name) {
        String key = "\"" + name + "\":\"";
        int at = line.lastIndexOf(key);
        if (at < 0) {
            throw new IllegalStateException("no " + name + " in " + line);
        }
        int start = at + key.length();
        return line.substring(start, line.indexOf('"', start));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
