package io.aurachat.testing;

import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server with the default configuration (on 127.0.0.1, any free port) in a JVM of its own, for tests
 * that measure how it treats its clients: the test's own threads and garbage then do not share its heap
 * and its collector's pauses. The child prints its port, serves until its standard input ends, and stops.
 */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the child JVM (the same JDK and class path as this one) and waits for its port. */
    public static ServerProcess start() {
        return start(false);
    }

    /**
     * {@link #start()}, with the rate limit off if {@code unlimited}: for tests of back-pressure, whose flooder must
     * be slowed by its readers alone.
     */
    public static ServerProcess start(boolean unlimited) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", ServerProcess.class.getName()));
        if (unlimited) {
            command.add(NO_RATE_LIMIT);
        }
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("port ")) {
                p.destroyForcibly();
                throw new IllegalStateException("the server process did not start: " + line);
            }
            return new ServerProcess(p, Integer.parseInt(line.substring(5).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the server process", e);
        }
    }

    /** Where clients connect. */
    public InetSocketAddress address() {
        return new InetSocketAddress(TestServer.LOOPBACK, port);
    }

    /** Ends its standard input and waits for it to stop (killing it after 10 s). */
    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static final String NO_RATE_LIMIT = "--no-rate-limit";

    /** The child: serves with the default configuration (or no rate limit) until standard input ends. */
    public static void main(String[] args) throws IOException {
        ServerConfig.Builder config = TestServer.defaults();
        if (List.of(args).contains(NO_RATE_LIMIT)) {
            config.rateLimit(io.aurachat.server.RateLimit.NONE);
        }
        try (ChatServer server = ChatServer.create(config.build()).start()) {
            System.out.println("port " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our input
            }
        }
    }
}
