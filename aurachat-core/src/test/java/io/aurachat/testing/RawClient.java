package io.aurachat.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted protocol client on a plain {@link Socket}: it sends text lines or raw bytes and
 * {@link #take() takes} the server's lines one at a time, parsed as {@link Json}. Every wait is bounded
 * ({@link Awaits#TIMEOUT} unless told) and fails the test with the last lines received.
 *
 * <p>A daemon thread reads the socket continuously into a bounded queue, so from the server's side this
 * client always reads promptly. Every server line is checked on arrival against the framing rules of
 * PROTOCOL.md: valid UTF-8, no {@code \r}, one JSON object with a string {@code type}.
 *
 * <p>Not thread-safe: one test thread drives a client.
 */
public final class RawClient implements AutoCloseable {

    private static final int QUEUE_CAPACITY = 100_000;
    private static final int MAX_LINE_BYTES = 4 << 20;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private sealed interface Item {}

    private record Line(String text, String problem) implements Item {}

    private record End(String how, byte[] partial) implements Item {}

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Item> inbox = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final Deque<String> recent = new ArrayDeque<>();
    private final Thread reader;
    private volatile boolean closing;
    private String label;
    private String id;
    private End end;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.label = "client#" + COUNTER.incrementAndGet();
        InputStream in = socket.getInputStream();
        this.reader = Thread.ofPlatform().daemon().name("test-" + label + "-reader").start(() -> readLoop(in));
    }

    /** Configures a socket before it connects; may throw what socket options throw. */
    @FunctionalInterface
    public interface SocketSetup {
        /** Sets options on the unconnected socket. */
        void configure(Socket socket) throws IOException;
    }

    /** A client over a socket already connected (a TLS socket, say); nothing is read yet. */
    public static RawClient over(Socket connected) {
        try {
            connected.setTcpNoDelay(true);
            return new RawClient(connected);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + connected, e);
        }
    }

    /** Connects to {@code address}; nothing is read yet. */
    public static RawClient connect(InetSocketAddress address) {
        return connect(address, socket -> {});
    }

    /**
     * Connects to {@code address} after {@code beforeConnect} has configured the unconnected socket (for
     * options such as the receive buffer size, which must be set before connecting).
     */
    public static RawClient connect(InetSocketAddress address, SocketSetup beforeConnect) {
        Socket socket = new Socket();
        try {
            beforeConnect.configure(socket);
            socket.connect(address, (int) Awaits.TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            return new RawClient(socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot connect to " + address, e);
        }
    }

    // ---- sending -------------------------------------------------------------------------------

    /** Sends one line: the text in UTF-8 followed by {@code \n}. */
    public RawClient send(String line) {
        return sendBytes((line + "\n").getBytes(UTF_8));
    }

    /** Sends several lines in a single write, each followed by {@code \n}. */
    public RawClient sendAll(Collection<String> lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(line).append('\n');
        }
        return sendBytes(sb.toString().getBytes(UTF_8));
    }

    /** Sends text in UTF-8 exactly as given: no terminator is added. */
    public RawClient sendRaw(String text) {
        return sendBytes(text.getBytes(UTF_8));
    }

    /** Sends bytes exactly as given, in one write. */
    public RawClient sendBytes(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(label + ": cannot send", e);
        }
    }

    /** Shuts down the sending side (a TCP half-close): the server reads end of stream. */
    public void shutdownOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(label + ": cannot shut down output", e);
        }
    }

    // ---- receiving -----------------------------------------------------------------------------

    /** Takes the next server line, waiting up to {@link Awaits#TIMEOUT}. */
    public Json take() {
        return take(Awaits.TIMEOUT);
    }

    /**
     * Takes the next server line.
     *
     * @throws AssertionError if no line arrives within {@code timeout}, or the server closed the
     *     connection instead, or the line breaks the protocol's framing
     */
    public Json take(Duration timeout) {
        Item item = next(timeout);
        if (item == null) {
            fail(label + ": no line from the server within " + timeout.toMillis() + " ms" + history());
        }
        if (item instanceof End e) {
            fail(label + ": the server closed the connection (" + e.how() + ") while a line was expected"
                    + history());
        }
        return accept((Line) item);
    }

    /** Takes the next server line and asserts its {@code type}. */
    public Json takeType(String type) {
        return take().assertType(type);
    }

    /**
     * Waits up to {@code timeout} for a server line.
     *
     * @return the line, or empty if none arrived in time
     * @throws AssertionError if the server closed the connection
     */
    public Optional<Json> poll(Duration timeout) {
        Item item = next(timeout);
        if (item == null) {
            return Optional.empty();
        }
        if (item instanceof End e) {
            fail(label + ": the server closed the connection (" + e.how() + ")" + history());
        }
        return Optional.of(accept((Line) item));
    }

    /**
     * A barrier: sends {@code PING} and takes lines until its {@code pong}. Since the server answers in
     * order and queues a client's lines in order, everything the server queued for this client before it
     * handled the {@code PING} has then arrived. Call it only when no other reply is outstanding.
     *
     * @return the lines that arrived before the {@code pong}, in order
     */
    public List<Json> sync() {
        send("PING");
        List<Json> before = new ArrayList<>();
        while (true) {
            Json line = take();
            if (line.type().equals("pong")) {
                assertEquals("PING", line.str("command"), () -> "pong without its command: " + line);
                return before;
            }
            before.add(line);
        }
    }

    /** {@link #sync()} and assert that nothing arrived before the {@code pong}. */
    public void assertNothingPending() {
        List<Json> pending = sync();
        assertEquals(List.of(), pending, () -> label + ": expected no lines before the pong");
    }

    /**
     * Asserts that no line arrives and the connection stays open for {@code duration}. Only for tests
     * where the passing of time is the point; elsewhere {@link #sync()} is the faster barrier.
     */
    public void expectNothing(Duration duration) {
        Item item = next(duration);
        if (item instanceof Line line) {
            fail(label + ": expected nothing for " + duration.toMillis() + " ms but got " + line.text());
        }
        if (item instanceof End e) {
            fail(label + ": expected nothing for " + duration.toMillis() + " ms but the server closed the"
                    + " connection (" + e.how() + ")" + history());
        }
    }

    /**
     * Keeps the connection busy for {@code total}: sends {@code PING} and takes its {@code pong}, then
     * waits up to {@code interval} for anything else, again and again.
     *
     * @return every line other than the pongs, in order
     * @throws AssertionError if the server closes the connection meanwhile
     */
    public List<Json> keepAlive(Duration total, Duration interval) {
        long deadline = System.nanoTime() + total.toNanos();
        List<Json> others = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            others.addAll(sync());
            poll(interval).ifPresent(others::add);
        }
        return others;
    }

    /**
     * Waits up to {@link Awaits#TIMEOUT} for a line of this type while keeping the connection from
     * going idle: whenever nothing arrives for {@code interval} it sends {@code PING}. The pongs are
     * consumed; any other line fails the test.
     */
    public Json awaitWhilePinging(String type, Duration interval) {
        long deadline = System.nanoTime() + Awaits.TIMEOUT.toNanos();
        int outstanding = 0;
        while (true) {
            if (System.nanoTime() > deadline) {
                fail(label + ": no '" + type + "' line within " + Awaits.TIMEOUT.toMillis() + " ms" + history());
            }
            Optional<Json> line = poll(interval);
            if (line.isEmpty()) {
                send("PING");
                outstanding++;
            } else if (line.get().type().equals("pong") && outstanding > 0) {
                outstanding--;
            } else if (line.get().type().equals(type)) {
                for (; outstanding > 0; outstanding--) {
                    takeType("pong");
                }
                return line.get();
            } else {
                fail(label + ": unexpected line while waiting for '" + type + "': " + line.get());
            }
        }
    }

    /** {@link #awaitClosed(Duration)} with {@link Awaits#TIMEOUT}. */
    public void awaitClosed() {
        awaitClosed(Awaits.TIMEOUT);
    }

    /**
     * Asserts that the server closes the connection (end of stream or reset) within {@code timeout}
     * and sends nothing more before it, not even part of a line; then closes this side too.
     */
    public void awaitClosed(Duration timeout) {
        Item item = end != null ? end : next(timeout);
        if (item == null) {
            fail(label + ": the server did not close the connection within " + timeout.toMillis() + " ms"
                    + history());
        }
        if (item instanceof Line line) {
            fail(label + ": expected the server to close the connection but it sent: " + line.text());
        }
        End e = (End) item;
        if (e.partial().length > 0) {
            fail(label + ": the server closed the connection in the middle of a line: "
                    + new String(e.partial(), UTF_8));
        }
        close(); // as a well-behaved client does on end of stream, so the server need not linger
    }

    /** The id from the {@code welcome} taken by {@link #awaitWelcome()}. */
    public String id() {
        if (id == null) {
            throw new IllegalStateException(label + ": no welcome taken yet");
        }
        return id;
    }

    /** Takes the {@code welcome} line, remembers the id, and returns it. */
    public Json awaitWelcome() {
        Json welcome = takeType("welcome");
        id = welcome.str("id");
        label = label + "/" + id;
        return welcome;
    }

    /** The local socket, for inspecting it; do not read from it. */
    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        closing = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is best effort: the socket is gone either way.
        }
        reader.interrupt();
    }

    @Override
    public String toString() {
        return label;
    }

    // ---- internals -----------------------------------------------------------------------------

    private Item next(Duration timeout) {
        if (end != null) {
            return end;
        }
        Item item;
        try {
            item = inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(label + ": interrupted while waiting for the server", e);
        }
        if (item instanceof End e) {
            end = e;
        }
        return item;
    }

    private Json accept(Line line) {
        if (line.problem() != null) {
            fail(label + ": " + line.problem() + history());
        }
        remember(line.text());
        if (line.text().indexOf('\r') >= 0) {
            fail(label + ": server line contains a \\r: " + line.text());
        }
        Json json = Json.parse(line.text());
        if (!(json.map().get("type") instanceof String)) {
            fail(label + ": server line has no string 'type': " + line.text());
        }
        return json;
    }

    private void remember(String line) {
        recent.addLast(line);
        if (recent.size() > 8) {
            recent.removeFirst();
        }
    }

    private String history() {
        return recent.isEmpty() ? "; nothing received before" : "; last lines received:\n  " + String.join("\n  ", recent);
    }

    private void readLoop(InputStream in) {
        byte[] buffer = new byte[8192];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        line.write(buffer, start, i - start);
                        inbox.put(decode(line.toByteArray()));
                        line.reset();
                        start = i + 1;
                    }
                }
                line.write(buffer, start, n - start);
                if (line.size() > MAX_LINE_BYTES) {
                    inbox.put(new Line(null, "server line longer than " + MAX_LINE_BYTES + " bytes"));
                    return;
                }
            }
            inbox.put(new End("end of stream", line.toByteArray()));
        } catch (IOException e) {
            if (!closing) {
                putQuietly(new End("connection broken: " + e.getMessage(), line.toByteArray()));
            }
        } catch (InterruptedException e) {
            // close() interrupts a reader that is blocked on a full queue.
        }
    }

    private void putQuietly(Item item) {
        try {
            inbox.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Line decode(byte[] bytes) {
        try {
            String text = UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return new Line(text, null);
        } catch (CharacterCodingException e) {
            return new Line(null, "server line is not valid UTF-8: " + new String(bytes, UTF_8));
        }
    }
}
