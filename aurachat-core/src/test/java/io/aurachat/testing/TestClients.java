package io.aurachat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aurachat.client.ChatClient;
import io.aurachat.client.ClientConfig;
import io.aurachat.discovery.DiscoveryClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension for tests of {@link ChatClient}: it connects clients to the {@link TestServer} of the
 * test, and after each test closes every client it handed out and checks the listener contract for each
 * (see {@link RecordingListener#assertClosedCleanly()}) and that no thread named {@code aurachat-client*}
 * (platform or virtual) is left. Register it after the TestServer, so that it runs first after the test
 * and the clients leave before the server shuts down:
 *
 * <pre>{@code
 * @RegisterExtension final TestServer server = new TestServer();
 * @RegisterExtension final TestClients clients = new TestClients(server);
 * }</pre>
 *
 * <p>Every configuration it makes names its server or discovers through {@link #loopbackDiscovery}: a
 * client with the default discovery would probe real interfaces and 255.255.255.255.
 */
public final class TestClients implements AfterEachCallback {

    /** The prefix of the names of every thread a client starts. */
    public static final String THREAD_PREFIX = "aurachat-client";

    private static final InetAddress LOOPBACK_BROADCAST = literal("127.255.255.255");

    private final TestServer server;
    private final List<ChatClient> clients = new CopyOnWriteArrayList<>();
    private final List<RecordingListener> connected = new CopyOnWriteArrayList<>();
    private final List<RecordingListener> refused = new CopyOnWriteArrayList<>();

    /** Clients for the server of {@code server}. */
    public TestClients(TestServer server) {
        this.server = server;
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A configuration for the test server: its address, all else default. */
    public ClientConfig.Builder config() {
        return ClientConfig.builder().server(server.address());
    }

    /**
     * Discovery clients that probe only 127.0.0.1 and 127.255.255.255 on {@code udpPort}, and no multicast
     * group: safe on any machine.
     */
    public static Supplier<DiscoveryClient> loopbackDiscovery(int udpPort) {
        return () -> DiscoveryClient.builder().port(udpPort)
                .targets(List.of(TestServer.LOOPBACK, LOOPBACK_BROADCAST))
                .multicastGroups(List.of())
                .probeInterval(Duration.ofMillis(50))
                .build();
    }

    /** Connects a client with {@code config}; it is closed and checked after the test. */
    public ChatClient connect(ClientConfig config, RecordingListener listener) throws IOException {
        ChatClient client;
        try {
            client = ChatClient.connect(config, listener);
        } catch (IOException | RuntimeException e) {
            refused.add(listener);
            throw e;
        }
        clients.add(client);
        connected.add(listener);
        return client;
    }

    /**
     * Closes {@code client} after the test, and checks that its threads are gone, without checking its
     * listener (for listeners that are not {@link RecordingListener}s).
     */
    public ChatClient track(ChatClient client) {
        clients.add(client);
        return client;
    }

    /** Connects a client to the test server with the defaults and {@code name}. */
    public ChatClient connect(String name, RecordingListener listener) throws IOException {
        return connect(config().name(name).build(), listener);
    }

    /** Connects a client to the test server with every default (no name). */
    public ChatClient connect(RecordingListener listener) throws IOException {
        return connect(config().build(), listener);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        closeAll();
        for (RecordingListener listener : connected) {
            listener.assertClosedCleanly();
        }
        for (RecordingListener listener : refused) {
            // A connect that throws returns no client: its listener hears nothing at all.
            listener.assertNoViolations();
            assertEquals(List.of(), listener.events(), "callbacks of a client whose connect failed");
        }
        LiveThreads.awaitNone(THREAD_PREFIX);
        clients.clear();
        connected.clear();
        refused.clear();
    }

    private void closeAll() {
        if (clients.size() <= 4) {
            for (ChatClient client : clients) {
                client.close();
            }
            return;
        }
        List<ChatClient> all = new ArrayList<>(clients);
        try (ExecutorService closers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ChatClient client : all) {
                closers.execute(client::close);
            }
        }
    }
}
