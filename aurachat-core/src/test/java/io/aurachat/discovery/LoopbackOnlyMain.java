package io.aurachat.discovery;

import io.aurachat.client.ChatClient;
import io.aurachat.client.ChatListener;
import io.aurachat.client.ClientConfig;
import io.aurachat.log.LogEvent;
import io.aurachat.log.LogSink;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child half of {@link LoopbackOnlyDiscoveryTest}, run by it in a network namespace of its own
 * ({@code unshare -n}) whose only interface is {@code lo}: a machine with no network. Everything here uses
 * discovery's defaults, as a program that knows nothing of the namespace would. Prints one line per
 * finding. Never run this outside such a namespace: its targets include 255.255.255.255.
 *
 * <ul>
 * <li>{@code servers} (lo up): two servers sharing UDP port 5001; a default {@link DiscoveryClient} lists
 *     what it finds ({@code FOUND address tcpPort name}), a default {@link ChatClient} connects
 *     ({@code CONNECTED address tcpPort serverName}), then {@code ANSWERED n}: the replies the servers sent.
 * <li>{@code nothing} (lo down): a default discovery prints {@code UNAVAILABLE target...} with the targets
 *     that failed, and a default {@link ChatClient} prints {@code CLIENT exception-class}.
 * </ul>
 */
public final class LoopbackOnlyMain {

    private LoopbackOnlyMain() {}

    /**
     * Runs one scenario.
     *
     * @param args {@code servers} or {@code nothing}
     * @throws Exception on any failure, which the test reports
     */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("servers")) {
            servers();
        } else {
            nothing();
        }
        System.out.flush();
    }

    private static void servers() throws Exception {
        AtomicInteger answered = new AtomicInteger();
        LogSink counting = LogSink.of(event -> {
            if (event instanceof LogEvent.DiscoveryAnswered) {
                answered.incrementAndGet();
            }
        });
        try (ChatServer a = server("A", counting); ChatServer b = server("B", counting)) {
            System.out.println("SERVERS " + a.port() + " " + b.port() + " " + a.discoveryPort() + " " + b.discoveryPort());
            try (DiscoveryClient discovery = DiscoveryClient.create()) {
                for (ServerInfo s : discovery.discover(Duration.ofMillis(800))) {
                    System.out.println("FOUND " + s.address().getHostAddress() + " " + s.tcpPort() + " " + s.name());
                }
            }
            try (ChatClient client = ChatClient.connect(ClientConfig.builder().name("Scout").build(), new ChatListener() {})) {
                System.out.println("CONNECTED " + client.session().server().getAddress().getHostAddress() + " "
                        + client.session().server().getPort() + " " + client.session().serverName());
            }
        }
        // Closed: every event has reached the sinks.
        System.out.println("ANSWERED " + answered.get());
    }

    private static ChatServer server(String name, LogSink sink) throws Exception {
        return ChatServer.create(ServerConfig.builder().port(0).serverName(name).logSink(sink)
                .discovery(DiscoveryConfig.builder().build()).build()).start();
    }

    private static void nothing() {
        try (DiscoveryClient discovery = DiscoveryClient.create()) {
            List<ServerInfo> found = discovery.discover(Duration.ofMillis(300));
            System.out.println("NO EXCEPTION, found " + found);
        } catch (DiscoveryUnavailableException e) {
            System.out.println("UNAVAILABLE " + String.join(" ", e.failures().keySet()));
            System.out.println("MESSAGE " + e.getMessage());
        } catch (Exception e) {
            System.out.println("OTHER " + e);
        }
        try (ChatClient client = ChatClient.connect(ClientConfig.builder().build(), new ChatListener() {})) {
            System.out.println("CLIENT connected to " + client.session().server());
        } catch (Exception e) {
            System.out.println("CLIENT " + e.getClass().getName());
        }
    }
}
