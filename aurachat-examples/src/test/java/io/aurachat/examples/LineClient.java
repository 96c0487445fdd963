package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw protocol client on a plain socket, the other person in the terminal client's tests: it sends
 * command lines and takes the server's lines, skipping those a test does not look for. A daemon thread
 * reads the socket into a bounded queue. Not thread-safe: one test thread drives it.
 */
final class LineClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>(10_000);
    private final ArrayDeque<String> skipped = new ArrayDeque<>(); // the last 50, for failure messages

    private LineClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofPlatform().daemon().name("test-line-client").start(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.put(line);
                }
            } catch (IOException | InterruptedException e) {
                // closed
            }
        });
    }

    /** Connects to a server on 127.0.0.1 and waits for its welcome. */
    static LineClient connect(int port) throws IOException {
        LineClient c = new LineClient(new Socket(InetAddress.getLoopbackAddress(), port));
        c.take("\"type\":\"welcome\"");
        return c;
    }

    /**
     * Connects to a server that requires accounts and logs in with {@code verb} ({@code LOGIN} or {@code REGISTER}):
     * reads its {@code hello}, then the {@code welcome} and the reply the login brings.
     */
    static LineClient loggedIn(int port, String verb, String account, String password) throws IOException {
        LineClient c = new LineClient(new Socket(InetAddress.getLoopbackAddress(), port));
        c.take("\"type\":\"hello\"");
        c.send(verb + " " + account + " " + password);
        c.take("\"type\":\"welcome\"");
        c.take("\"command\":\"" + verb + "\"", "\"type\":\"ok\"");
        return c;
    }

    /** Sends one command line. */
    void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Takes lines until one contains every one of {@code parts}, and returns it; fails after a timeout. */
    String take(String... parts) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            while (true) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("no line with " + List.of(parts) + " within " + TIMEOUT + "; skipped: " + skipped);
                }
                boolean all = true;
                for (String part : parts) {
                    all &= line.contains(part);
                }
                if (all) {
                    return line;
                }
                skipped.addLast(line);
                if (skipped.size() > 50) {
                    skipped.removeFirst();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
