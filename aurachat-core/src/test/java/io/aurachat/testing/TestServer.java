package io.aurachat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that gives a test a {@link ChatServer} on 127.0.0.1 and a free port, and the
 * clients to talk to it. Register it as a field:
 *
 * <pre>{@code
 * @RegisterExtension final TestServer server = new TestServer();
 *
 * @Test void test() {
 *     server.start(b -> b.maxClients(2));
 *     List<RawClient> c = server.joinAll(2);
 *     ...
 * }
 * }</pre>
 *
 * <p>After each test it closes every client and socket it handed out and the server, then checks that
 * nothing leaked: no thread named {@code aurachat-*} that is alive and not a daemon, and no exception
 * that escaped to an uncaught-exception handler while the test ran.
 */
public final class TestServer implements BeforeEachCallback, AfterEachCallback {

    /** The only address tests use. */
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<String> uncaught = new CopyOnWriteArrayList<>();
    private Thread.UncaughtExceptionHandler previousHandler;
    private ChatServer server;

    /**
     * The configuration every test server starts from: 127.0.0.1, a free port, two I/O threads, all else default.
     * Two threads whatever the machine (the default is half its processors, so one on a 2-core machine), so that
     * every test also runs the paths between loops: a line written by one loop to a connection of the other.
     */
    public static ServerConfig.Builder defaults() {
        return ServerConfig.builder().bindAddress(LOOPBACK).port(0).ioThreads(2);
    }

    /** Starts a server with the {@link #defaults()}. */
    public ChatServer start() {
        return start(builder -> {});
    }

    /** Starts a server with the {@link #defaults()} as changed by {@code customise}. */
    public ChatServer start(Consumer<ServerConfig.Builder> customise) {
        if (server != null) {
            throw new IllegalStateException("this test already started a server");
        }
        ServerConfig.Builder builder = defaults();
        customise.accept(builder);
        ChatServer s = track(ChatServer.create(builder.build()));
        try {
            s.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test server", e);
        }
        server = s;
        return s;
    }

    /**
     * Each live TCP connection's write and read state, one per line ({@code TcpTransport.describeConnections}):
     * what a test prints when it times out. Read by reflection, since the transport is not part of the API.
     */
    public static String describeConnections(ChatServer chat) {
        try {
            java.lang.reflect.Field tcp = ChatServer.class.getDeclaredField("tcp");
            tcp.setAccessible(true);
            return ((io.aurachat.tcp.TcpTransport) tcp.get(chat)).describeConnections();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return e.toString();
        }
    }

    /** The server {@link #start} started. */
    public ChatServer server() {
        if (server == null) {
            throw new IllegalStateException("call start() first");
        }
        return server;
    }

    /** Where clients connect: 127.0.0.1 and the server's port. */
    public InetSocketAddress address() {
        return new InetSocketAddress(LOOPBACK, server().port());
    }

    /** Connects a client; nothing is read yet, not even the welcome. */
    public RawClient connect() {
        return track(RawClient.connect(address()));
    }

    /** Connects a client after configuring its socket; nothing is read yet. */
    public RawClient connect(RawClient.SocketSetup beforeConnect) {
        return track(RawClient.connect(address(), beforeConnect));
    }

    /** Connects a client and takes its {@code welcome}; other clients' {@code join} events are left alone. */
    public RawClient join() {
        RawClient client = connect();
        client.awaitWelcome();
        return client;
    }

    /**
     * Connects {@code n} clients one after another, each taking its welcome, then has every client take
     * the {@code join} events of those that came after it (checking them), so that all queues start
     * empty. The clients are c1, c2, ... on a fresh server.
     */
    public List<RawClient> joinAll(int n) {
        List<RawClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(join());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                Json join = clients.get(i).takeType("join");
                assertEquals(clients.get(j).id(), join.obj("client").str("id"), () -> "join event order: " + join);
            }
        }
        return clients;
    }

    /**
     * A plain socket connected to the server that is configured first by {@code beforeConnect} and
     * closed after the test. For clients that must not read.
     */
    public Socket socket(RawClient.SocketSetup beforeConnect) {
        Socket socket = new Socket();
        track(socket);
        try {
            beforeConnect.configure(socket);
            socket.connect(address(), (int) Awaits.TIMEOUT.toMillis());
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + address(), e);
        }
    }

    /** Closes {@code resource} after the test, before anything tracked earlier. */
    public <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            uncaught.add(thread + ": " + error);
            if (previousHandler != null) {
                previousHandler.uncaughtException(thread, error);
            } else {
                error.printStackTrace();
            }
        });
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            closeResources();
            try {
                Awaits.await("no live non-daemon aurachat-* thread after the server closed")
                        .until(() -> liveServerThreads().isEmpty());
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("threads leaked after close: " + liveServerThreads(), e);
            }
            assertEquals(List.of(), uncaught, "exceptions escaped to an uncaught-exception handler during the test");
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previousHandler);
        }
    }

    private void closeResources() throws Exception {
        Exception failure = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        resources.clear();
        server = null;
        if (failure != null) {
            throw failure;
        }
    }

    private static List<String> liveServerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("aurachat-") && t.isAlive() && !t.isDaemon())
                .map(Thread::getName)
                .sorted()
                .collect(Collectors.toList());
    }
}
