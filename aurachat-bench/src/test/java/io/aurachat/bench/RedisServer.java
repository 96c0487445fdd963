package io.aurachat.bench;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@code redis-server} child process on 127.0.0.1 and a free port, persistence off, for one test
 * class. Without {@code redis-server} on the PATH the tests that need it are skipped, unless the
 * environment sets {@code AURACHAT_REQUIRE_REDIS=1} (CI does): then they fail.
 */
final class RedisServer implements AutoCloseable {

    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts one, or skips (or fails, see the class comment) the calling test when there is no redis-server. */
    static RedisServer startOrSkip() throws IOException, InterruptedException {
        return startOrSkip(List.of());
    }

    /**
     * Starts one that listens on a TLS port only ({@link #address()}), presenting {@code certificate} and {@code key}
     * (PEM) and asking clients for none; skips or fails as {@link #startOrSkip()} does.
     */
    static RedisServer startTlsOrSkip(Path certificate, Path key) throws IOException, InterruptedException {
        return startOrSkip(List.of("--tls-cert-file", certificate.toString(), "--tls-key-file", key.toString(),
                "--tls-ca-cert-file", certificate.toString(), "--tls-auth-clients", "no"));
    }

    /** {@code tls}: empty for a plain port, else the TLS options (the free port becomes the TLS port). */
    private static RedisServer startOrSkip(List<String> tls) throws IOException, InterruptedException {
        Optional<Path> binary = onPath("redis-server");
        if (binary.isEmpty()) {
            String why = "redis-server is not on the PATH (apt-get install redis-server): Redis smoke tests skipped";
            if ("1".equals(System.getenv("AURACHAT_REQUIRE_REDIS"))) {
                fail(why.replace("skipped", "required by AURACHAT_REQUIRE_REDIS=1"));
            }
            Assumptions.abort(why);
        }
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) { // another process may take the port between probe and bind
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            List<String> command = new java.util.ArrayList<>(List.of(binary.get().toString(), "--bind", "127.0.0.1"));
            command.addAll(tls.isEmpty() ? List.of("--port", Integer.toString(port))
                    : List.of("--port", "0", "--tls-port", Integer.toString(port)));
            command.addAll(tls);
            command.addAll(List.of("--save", "", "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no",
                    "--logfile", ""));
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> !p.isAlive() || accepts(port));
            } catch (ConditionTimeoutException e) {
                last = new IOException("redis-server did not listen on " + port + " within 10 s", e);
            }
            if (p.isAlive() && accepts(port)) {
                return new RedisServer(p, port);
            }
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        throw last != null ? last : new IOException("redis-server did not start on a free port in 5 attempts");
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
