package io.aurachat.discovery;

import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.io.IOException;

/**
 * The server half of {@link NetnsDiscoveryTest}, run by it inside a network namespace of its own:
 * starts a server with discovery at its defaults (every interface, both groups) on the UDP port given
 * as the first argument, prints {@code READY tcpPort udpPort}, and closes when standard input ends.
 * Never run this outside such a namespace: it joins multicast groups on every interface.
 */
public final class NetnsServerMain {

    private NetnsServerMain() {}

    /**
     * Runs the server until standard input ends.
     *
     * @param args the UDP port
     * @throws IOException if the server cannot start
     */
    public static void main(String[] args) throws IOException {
        ServerConfig config = ServerConfig.builder().port(0).serverName("netns-server")
                .discovery(DiscoveryConfig.builder().port(Integer.parseInt(args[0])).build())
                .build();
        try (ChatServer server = ChatServer.create(config).start()) {
            System.out.println("READY " + server.port() + " " + server.discoveryPort());
            System.out.flush();
            while (System.in.read() != -1) {
                // Wait for the test to close our standard input.
            }
        }
        System.out.println("CLOSED");
    }
}
