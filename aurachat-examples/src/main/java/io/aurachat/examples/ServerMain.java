package io.aurachat.examples;

import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.log.Slf4jLogSink;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The reference AuraChat server: {@code aurachat-server --port 5000 --idle-timeout 120 --bind 0.0.0.0}. */
@Command(name = "aurachat-server", mixinStandardHelpOptions = true, version = "AuraChat server 0.1.0",
        description = "Starts an AuraChat server. Talk to it with: nc 127.0.0.1 <port>",
        sortOptions = false)
public final class ServerMain implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "5000",
            description = "TCP port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "Address to listen on, e.g. 127.0.0.1. Default: every interface.")
    String bind;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "Close a client after this many seconds without a command; 0 never does. "
                    + "Default: ${DEFAULT-VALUE}.")
    long idleTimeoutSeconds;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "AuraChat",
            description = "Server name announced to clients. Default: ${DEFAULT-VALUE}.")
    String name;

    @Option(names = "--max-clients", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_MAX_CLIENTS,
            description = "Most clients connected at once. Default: ${DEFAULT-VALUE}.")
    int maxClients;

    @Option(names = "--max-line-length", paramLabel = "BYTES", defaultValue = "" + ServerConfig.DEFAULT_MAX_LINE_LENGTH,
            description = "Longest accepted line in bytes. Default: ${DEFAULT-VALUE}.")
    int maxLineLength;

    @Option(names = "--discovery-port", paramLabel = "PORT", defaultValue = "" + DiscoveryConfig.DEFAULT_PORT,
            description = "UDP port that answers LAN discovery probes; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int discoveryPort;

    @Option(names = "--no-discovery", description = "Do not answer LAN discovery probes (opens no UDP port).")
    boolean noDiscovery;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServerMain()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig config;
        try {
            if (idleTimeoutSeconds < 0) {
                throw new IllegalArgumentException("--idle-timeout must be 0 or more seconds: " + idleTimeoutSeconds);
            }
            config = ServerConfig.builder()
                    .bindAddress(bind == null ? null : InetAddress.getByName(bind))
                    .port(port)
                    .serverName(name)
                    .idleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
                    .maxClients(maxClients)
                    .maxLineLength(maxLineLength)
                    .logSink(new Slf4jLogSink())
                    .discovery(noDiscovery ? DiscoveryConfig.disabled()
                            : DiscoveryConfig.builder().port(discoveryPort).build())
                    .build();
        } catch (UnknownHostException e) {
            err.println("aurachat-server: --bind: not an address of this machine: " + bind);
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("aurachat-server: " + e.getMessage());
            return 2;
        }

        ChatServer server = ChatServer.create(config);
        try {
            server.start();
        } catch (IOException e) {
            err.println("aurachat-server: cannot listen on " + (bind == null ? "*" : bind) + ":" + port
                    + (noDiscovery ? "" : " (and UDP " + discoveryPort + " for discovery)") + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "aurachat-shutdown"));

        PrintWriter out = spec.commandLine().getOut();
        String host = bind == null ? "127.0.0.1" : bind;
        out.printf("AuraChat server '%s' listening on %s (port %d).%n", name, server.address(), server.port());
        out.printf("Talk to it with:  nc %s %d   (then type HELP)%n", host, server.port());
        server.discoveryAddress().ifPresent(udp -> out.printf("Answering LAN discovery on UDP port %d.%n", udp.getPort()));
        out.println("Stop it with Ctrl+C: every client gets a goodbye.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
