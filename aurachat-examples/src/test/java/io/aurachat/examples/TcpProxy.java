package io.aurachat.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on 127.0.0.1 that a test can cut, standing in for a network that breaks: each connection it accepts
 * is relayed to the target by two virtual threads, one each way. {@link #cut()} closes every relayed socket, so both
 * ends see their connection end without a goodbye; until {@link #restore()}, the network stays away: a connection
 * that arrives is closed at once, before anything is relayed. (As the proxy of core's {@code ChatClientResumeTest},
 * with the outage held open so that a test can do things while a client cannot come back.)
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final InetSocketAddress target;
    private final List<Socket> open = new ArrayList<>(); // guarded by this
    private final Thread acceptor;
    private volatile boolean away;

    /** Starts relaying to {@code target}. */
    TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.acceptor = Thread.ofVirtual().name("test-proxy-accept").start(this::accept);
    }

    /** The port the proxy listens on, on 127.0.0.1. */
    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        try {
            while (true) {
                Socket in = listener.accept();
                Socket out = away ? null : connectQuietly();
                synchronized (this) {
                    if (away || out == null) {
                        closeQuietly(in); // the network is down: the attempt fails
                        if (out != null) {
                            closeQuietly(out);
                        }
                        continue;
                    }
                    open.add(in);
                    open.add(out);
                }
                Thread.ofVirtual().start(() -> pump(in, out));
                Thread.ofVirtual().start(() -> pump(out, in));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private Socket connectQuietly() {
        try {
            return new Socket(target.getAddress(), target.getPort());
        } catch (IOException e) {
            return null;
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // cut, or the other side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /**
     * Breaks every relayed connection, and keeps the network away until {@link #restore()}: new connections are
     * closed as they arrive.
     */
    synchronized void cut() {
        away = true;
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    /** Relays new connections again after {@link #cut()}. */
    synchronized void restore() {
        away = false;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
        acceptor.interrupt();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
