package io.aurachat.testing;

import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import io.aurachat.transport.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A chat server in memory, for testing commands, log sinks and anything else built on AuraChat without a
 * socket: the same hub, dispatcher and built-in commands as a {@link ChatServer}, with clients that are
 * {@link HarnessClient}s instead of TCP connections. What MockWebServer is to an HTTP client, or Netty's
 * {@code EmbeddedChannel} to a handler.
 *
 * <pre>{@code
 * try (ChatHarness chat = ChatHarness.start(ServerConfig.builder().command(ROLL).build())) {
 *     HarnessClient mario = chat.connect();   // joined: its welcome is waiting
 *     mario.takeType("welcome");
 *     mario.send("ROLL 20");                  // runs the command now, on this thread
 *     Map<String, Object> reply = mario.takeJson();
 *     assertEquals("roll", reply.get("type"));
 * }
 * }</pre>
 *
 * <p>A line sent with {@link HarnessClient#send} runs its command on the calling thread, before
 * {@code send} returns, so what it caused (the reply, messages to others) is already queued at each client.
 * Clients' queues are bounded by the hard limit of TCP ones ({@link ServerConfig#maxOutboundBytes()}): a client
 * that lets too much pile up is cut as a slow consumer. (A harness client reads nothing by itself, so the soft
 * limit and its back-pressure, which are about sockets, do not apply to it.) The server's clock, idle timeout, client limit, presence
 * limit and log sinks apply as configured; the TCP listener and discovery are off.
 *
 * <p>Thread-safe. Close it to stop the server (clients get {@code bye server-shutdown}) and its log sinks.
 */
public final class ChatHarness implements AutoCloseable {
    /** How long {@link HarnessClient#take()} waits for a line by default. */
    public static final Duration DEFAULT_TAKE_TIMEOUT = Duration.ofSeconds(5);

    private final ChatServer server;
    private final int maxQueuedBytes;
    private final AtomicInteger addresses = new AtomicInteger();

    private ChatHarness(ChatServer server) {
        this.server = server;
        this.maxQueuedBytes = server.config().maxOutboundBytes();
    }

    /** A harness with the default configuration: the built-in commands, no log sink. */
    public static ChatHarness start() {
        return start(ServerConfig.builder().build());
    }

    /**
     * A harness with this configuration, without its TCP listener and discovery.
     *
     * @param config the server's configuration; its port, bind address, I/O threads and discovery do not apply
     */
    public static ChatHarness start(ServerConfig config) {
        Objects.requireNonNull(config, "config");
        ServerConfig inMemory = config.toBuilder().tcpEnabled(false).discovery(DiscoveryConfig.disabled()).build();
        try {
            return new ChatHarness(ChatServer.create(inMemory).start());
        } catch (IOException e) {
            throw new UncheckedIOException("a server without a listener failed to start", e);
        }
    }

    /** The server behind the harness: {@link ChatServer#clients()}, {@link ChatServer#config()}. */
    public ChatServer server() {
        return server;
    }

    /**
     * A new client started as a TCP client is: it has joined, its {@code welcome} is its first line, and the others
     * got a {@code join} (up to the presence limit); or, on a server that requires accounts, its first line is
     * {@code hello} and it joins once it logs in. Its address is {@code 192.0.2.N}; its connection is not
     * {@linkplain io.aurachat.transport.Peer#secure() secure}.
     *
     * @throws IllegalStateException if the server is full ({@code bye server-full}) or closed
     */
    public HarnessClient connect() {
        return connect(nextAddress(), false);
    }

    /**
     * As {@link #connect()}, with this address, and over a connection that counts as encrypted if {@code secure}
     * (as a TLS one would): password logins are taken over it whatever the server's {@code allowPlainLogin}.
     *
     * @throws IllegalStateException if the server is full ({@code bye server-full}) or closed
     */
    public HarnessClient connect(String address, boolean secure) {
        HarnessClient client = attach(address, secure);
        client.begin();
        return client;
    }

    /**
     * A new client in the pre-join state ({@link Connection}): it has an id and its lines are answered, but
     * nobody sees it until {@link HarnessClient#join()}.
     *
     * @throws IllegalStateException if the server is full ({@code bye server-full}) or closed
     */
    public HarnessClient attach() {
        return attach(nextAddress());
    }

    /**
     * A new client in the pre-join state, with this address (what others see as its {@code ip}).
     *
     * @throws IllegalStateException if the server is full ({@code bye server-full}) or closed
     */
    public HarnessClient attach(String address) {
        return attach(address, false);
    }

    /**
     * A new client in the pre-join state, with this address, over a connection that counts as encrypted if {@code
     * secure}.
     *
     * @throws IllegalStateException if the server is full ({@code bye server-full}) or closed
     */
    public HarnessClient attach(String address, boolean secure) {
        HarnessClient client = new HarnessClient(Objects.requireNonNull(address, "address"), maxQueuedBytes, secure);
        Connection connection = server.attach(client).orElseThrow(() -> new IllegalStateException(
                "the server refused the client: " + client.closeReason().map(r -> r.wireName()).orElse("?")));
        client.attached(connection);
        return client;
    }

    private String nextAddress() {
        // TEST-NET-1 (RFC 5737): an address that is no real host's.
        return "192.0.2." + (addresses.getAndIncrement() % 254 + 1);
    }

    /** The clients that have joined, in connection order. */
    public List<ClientInfo> clients() {
        return server.clients();
    }

    /** Stops the server: every client gets {@code bye server-shutdown}; the log sinks are closed. */
    @Override
    public void close() {
        server.close();
    }
}
