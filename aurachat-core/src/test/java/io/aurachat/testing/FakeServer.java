package io.aurachat.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on 127.0.0.1 and a free port that is not AuraChat: the test scripts what it says. Each
 * accepted connection first gets the {@link Script} given at start (on the accept thread, so a client
 * blocked in {@code connect} can be answered), then waits for the test to take it with {@link #next()}.
 * Each connection reads what the client sends into a bounded queue on its own daemon thread, so reads in
 * the test are bounded by a timeout.
 */
public final class FakeServer implements AutoCloseable {

    /** What the server does with each connection as soon as it is accepted. */
    @FunctionalInterface
    public interface Script {
        /** Acts on a new connection; may close it. */
        void run(Connection connection) throws IOException;
    }

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final ServerSocket socket;
    private final Script script;
    private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>(1000);
    private final List<Connection> all = new CopyOnWriteArrayList<>();
    private final AtomicInteger acceptCount = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private FakeServer(ServerSocket socket, Script script) {
        this.socket = socket;
        this.script = script;
        this.acceptor = Thread.ofPlatform().daemon().name("test-fake-server-" + COUNTER.incrementAndGet())
                .start(this::acceptLoop);
    }

    /** Starts a server on 127.0.0.1 and a free port. */
    public static FakeServer start(Script script) {
        return start(0, script);
    }

    /** Starts a server on 127.0.0.1 and {@code port} (0 for a free one). */
    public static FakeServer start(int port, Script script) {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(TestServer.LOOPBACK, port));
            return new FakeServer(s, script);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a fake server on port " + port, e);
        }
    }

    /** The {@code welcome} of an AuraChat server for client {@code id}, with the protocol's defaults. */
    public static String welcome(String id) {
        return "{\"type\":\"welcome\",\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"server\":\"Fake\",\"protocol\":1,"
                + "\"idleTimeoutSeconds\":120,\"maxLineLength\":4096,\"presenceLimit\":1000}";
    }

    /** Where clients connect. */
    public InetSocketAddress address() {
        return new InetSocketAddress(TestServer.LOOPBACK, socket.getLocalPort());
    }

    /** How many connections were accepted so far. */
    public int acceptCount() {
        return acceptCount.get();
    }

    /** Takes the next accepted connection, waiting up to {@link Awaits#TIMEOUT}. */
    public Connection next() {
        try {
            Connection c = accepted.poll(Awaits.TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            if (c == null) {
                fail("the fake server accepted no connection within " + Awaits.TIMEOUT.toMillis() + " ms");
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return; // closed
            }
            acceptCount.incrementAndGet();
            try {
                Connection c = new Connection(s);
                all.add(c);
                script.run(c);
                if (!accepted.offer(c)) {
                    c.close();
                }
            } catch (IOException | RuntimeException e) {
                closeQuietly(s);
            }
        }
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(socket);
        for (Connection c : all) {
            c.close();
        }
        try {
            acceptor.join(Awaits.TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // Best effort.
        }
    }

    /** One accepted connection. */
    public static final class Connection implements AutoCloseable {
        private static final Object END = new Object();
        private final Socket socket;
        private final OutputStream out;
        private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>(10_000);

        private Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            Thread.ofPlatform().daemon().name("test-fake-connection-" + COUNTER.incrementAndGet()).start(() -> read(in));
        }

        private void read(InputStream in) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try {
                int b;
                while ((b = in.read()) != -1) {
                    if (b == '\n') {
                        lines.put(line.toString(UTF_8));
                        line.reset();
                    } else if (line.size() < 1 << 20) {
                        line.write(b);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // The end of the connection, either way.
            }
            lines.offer(END);
        }

        /** Sends one line, adding {@code \n}. */
        public Connection send(String line) {
            return sendRaw((line + "\n").getBytes(UTF_8));
        }

        /** Sends bytes as they are. */
        public Connection sendRaw(byte[] bytes) {
            try {
                out.write(bytes);
                out.flush();
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException("the fake server cannot send", e);
            }
        }

        /**
         * The next line the client sent, waiting up to {@link Awaits#TIMEOUT}.
         *
         * @throws AssertionError if none came or the client closed the connection
         */
        public String take() {
            Optional<String> line = poll(Awaits.TIMEOUT);
            if (line.isEmpty()) {
                fail("the client sent no line within " + Awaits.TIMEOUT.toMillis() + " ms");
            }
            return line.get();
        }

        /** The next line within {@code timeout}, or empty if none came in time. */
        public Optional<String> poll(Duration timeout) {
            try {
                Object item = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
                if (item == END) {
                    lines.offer(END);
                    fail("the client closed the connection while a line was expected");
                }
                return Optional.ofNullable((String) item);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** Waits up to {@link Awaits#TIMEOUT} for the client to close the connection; returns the lines it sent first. */
        public List<String> awaitEnd() {
            List<String> before = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Awaits.TIMEOUT.toNanos();
            try {
                while (true) {
                    Object item = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (item == null) {
                        fail("the client did not close the connection within " + Awaits.TIMEOUT.toMillis() + " ms; it sent " + before);
                    }
                    if (item == END) {
                        lines.offer(END);
                        return before;
                    }
                    before.add((String) item);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }

        /** Closes the connection with a TCP reset rather than an orderly end of stream. */
        public void reset() {
            try {
                socket.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // Already closed: nothing to reset.
            }
            close();
        }

        /** Closes the connection (an orderly end of stream). */
        @Override
        public void close() {
            closeQuietly(socket);
        }
    }
}
