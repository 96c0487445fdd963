package io.aurachat.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aurachat.testing.Json;
import io.aurachat.testing.TestServer;
import io.aurachat.testing.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Fuzzes the server's TLS record path (TcpConnection and TlsLayer: handshake, decryption into the loop's buffer,
 * records and reads cut anywhere, pending input across reads and pauses), through a real TLS port on loopback.
 * Each input is one connection, in one of three modes the fuzzer picks:
 *
 * <ul>
 *   <li><b>garbage</b>: arbitrary bytes where a handshake should be; the server must close the connection (it may
 *       send an alert) and nothing else;
 *   <li><b>lines</b>: a real TLS 1.3 or 1.2 handshake, then fuzzed lines, cut into records of fuzzer-chosen sizes, the
 *       records' bytes written in chunks of fuzzer-chosen sizes, then {@code PING}: every reply is one JSON object,
 *       and the {@code pong} comes;
 *   <li><b>corrupt</b>: the same with one bit of the encrypted stream flipped, then the client's side closed; the
 *       server ends the connection (a record that does not authenticate) or answers the lines, never anything but
 *       whole JSON lines, and never hangs.
 * </ul>
 *
 * After each, a fresh TLS client still gets its {@code welcome}: the server goes on. See docs/fuzzing.md.
 */
class TlsRecordFuzzTest {
    private static final int TIMEOUT_MILLIS = 10_000;
    private static ChatServer server;
    private static InetSocketAddress address;
    private static SSLContext trustAll;

    private static synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            server = ChatServer.create(TestServer.defaults().rateLimit(RateLimit.NONE).maxConnectionsPerAddress(0)
                    .maxConsecutiveErrors(0)
                    .tls(TestTls.identity("fuzz").config().handshakeTimeout(Duration.ofSeconds(2)).build()).build())
                    .start();
            address = new InetSocketAddress(TestServer.LOOPBACK, server.tlsPort());
            trustAll = TestTls.trustAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void recordsCutAnywhereCarryWholeLinesAndBadBytesEndOnlyTheirConnection(FuzzedDataProvider data) throws Exception {
        start();
        switch (data.consumeInt(0, 2)) {
            case 0 -> garbage(data.consumeRemainingAsBytes());
            case 1 -> lines(data, false);
            default -> lines(data, true);
        }
        try (Client fresh = new Client("TLSv1.3")) {
            assertEquals("welcome", fresh.readJson().type(), "the server still takes TLS clients");
        }
    }

    private static void garbage(byte[] bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            try {
                s.getOutputStream().write(bytes);
                s.shutdownOutput();
            } catch (SocketException closedAlready) {
                // the server may have closed after the first bytes
            }
            readToEnd(s.getInputStream());
        }
    }

    private static void lines(FuzzedDataProvider data, boolean corrupt) throws Exception {
        try (Client c = new Client(data.consumeBoolean() ? "TLSv1.3" : "TLSv1.2")) {
            assertEquals("welcome", c.readJson().type());
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            int count = data.consumeInt(0, 8);
            for (int i = 0; i < count; i++) {
                String line = data.consumeString(300).replace("\n", "").replace("\r", "");
                plain.writeBytes((line + "\n").getBytes(UTF_8));
            }
            plain.writeBytes("PING\n".getBytes(UTF_8));
            byte[] cipher = c.seal(plain.toByteArray(), data.consumeInt(1, 20_000));
            if (corrupt) {
                int at = data.consumeInt(0, cipher.length - 1);
                cipher[at] ^= (byte) (1 << data.consumeInt(0, 7));
            }
            c.send(cipher, data.consumeInt(1, 8192));
            if (corrupt) {
                // A flipped bit in a record's length makes it claim bytes that never come; the server rightly waits
                // for them, so the client ends its side, as a client that gave up would.
                c.endOutput();
            }
            boolean ended = false;
            boolean pong = false;
            while (!pong && !ended) {
                Json reply = c.readJsonOrEnd();
                if (reply == null) {
                    ended = true;
                } else {
                    pong = "pong".equals(reply.type());
                }
            }
            if (!corrupt) {
                assertTrue(pong, "every line answered, then the pong");
            }
            // Corrupt: the connection ends (a record that does not authenticate), or, where the flipped bit was in a
            // header field the JDK does not authenticate (a TLS 1.2 record's minor version), the lines are answered as
            // sent; either way only whole JSON lines came, which readJsonOrEnd checked.
        }
    }

    /** Reads until the server closes (or resets); fails if it keeps the connection open. */
    private static void readToEnd(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // an alert, perhaps
            }
        } catch (SocketTimeoutException e) {
            fail("the server kept a connection open after bytes that are not TLS");
        } catch (SocketException reset) {
            // closed with our bytes unread
        }
    }

    /** A TLS client on an engine of its own, so that records and writes are cut where the fuzzer says. */
    private static final class Client implements AutoCloseable {
        private final Socket socket = new Socket();
        private final SSLEngine engine;
        private final InputStream in;
        private final OutputStream out;
        private final ByteBuffer netIn = ByteBuffer.allocate(1 << 17);
        private final ByteBuffer appIn = ByteBuffer.allocate(1 << 17);
        private final List<String> lines = new ArrayList<>();

        Client(String protocol) throws IOException {
            socket.connect(address, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            engine = trustAll.createSSLEngine("localhost", address.getPort());
            engine.setUseClientMode(true);
            engine.setEnabledProtocols(new String[] {protocol});
            engine.beginHandshake();
            handshake();
        }

        private void handshake() throws IOException {
            ByteBuffer empty = ByteBuffer.allocate(0);
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        ByteBuffer o = ByteBuffer.allocate(1 << 16);
                        engine.wrap(empty, o);
                        out.write(o.array(), 0, o.position());
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        netIn.flip();
                        SSLEngineResult r = engine.unwrap(netIn, appIn);
                        netIn.compact();
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            readMore();
                        } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            throw new SSLException("closed during the handshake");
                        }
                    }
                    case NEED_TASK -> {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                    }
                    default -> {
                        return;
                    }
                }
            }
        }

        private void readMore() throws IOException {
            int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
            if (n < 0) {
                throw new SSLException("the server closed the connection");
            }
            netIn.position(netIn.position() + n);
        }

        /** {@code plain} encrypted in records of at most {@code recordSize} plaintext bytes. */
        byte[] seal(byte[] plain, int recordSize) throws SSLException {
            ByteArrayOutputStream cipher = new ByteArrayOutputStream();
            ByteBuffer o = ByteBuffer.allocate(1 << 16);
            for (int from = 0; from < plain.length; from += recordSize) {
                ByteBuffer src = ByteBuffer.wrap(plain, from, Math.min(recordSize, plain.length - from));
                while (src.hasRemaining()) {
                    o.clear();
                    engine.wrap(src, o);
                    cipher.write(o.array(), 0, o.position());
                }
            }
            return cipher.toByteArray();
        }

        /** Writes {@code bytes} in separate writes of {@code chunk} bytes (TCP_NODELAY: separate segments). */
        void send(byte[] bytes, int chunk) throws IOException {
            try {
                for (int from = 0; from < bytes.length; from += chunk) {
                    out.write(bytes, from, Math.min(chunk, bytes.length - from));
                    out.flush();
                }
            } catch (SocketException closed) {
                // the server ended it (a corrupt record): what it sent before is still read
            }
        }

        Json readJson() throws IOException {
            Json j = readJsonOrEnd();
            if (j == null) {
                fail("the server ended the connection; lines so far: " + lines);
            }
            return j;
        }

        /** The next line, which must be one JSON object; {@code null} when the server has ended the connection. */
        Json readJsonOrEnd() throws IOException {
            while (true) {
                for (int i = 0; i < appIn.position(); i++) {
                    if (appIn.get(i) == '\n') {
                        String line = new String(appIn.array(), 0, i, UTF_8);
                        appIn.flip().position(i + 1);
                        appIn.compact();
                        lines.add(line);
                        return Json.parse(line); // fails the test if it is not one JSON object
                    }
                }
                netIn.flip();
                SSLEngineResult r;
                try {
                    r = engine.unwrap(netIn, appIn);
                } catch (SSLException alert) {
                    return null; // the server's alert: it ended the connection
                } finally {
                    netIn.compact();
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return null;
                }
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                        || (r.bytesConsumed() == 0 && r.bytesProduced() == 0)) {
                    int n;
                    try {
                        n = in.read(netIn.array(), netIn.position(), netIn.remaining());
                    } catch (SocketException reset) {
                        return null;
                    } catch (SocketTimeoutException e) {
                        fail("no reply within " + TIMEOUT_MILLIS + " ms; lines so far: " + lines);
                        return null;
                    }
                    if (n < 0) {
                        return null;
                    }
                    netIn.position(netIn.position() + n);
                }
            }
        }

        void endOutput() {
            try {
                socket.shutdownOutput();
            } catch (IOException closed) {
                // ended already
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
