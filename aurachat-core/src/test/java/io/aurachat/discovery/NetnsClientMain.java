package io.aurachat.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/**
 * The client half of {@link NetnsDiscoveryTest}, run by it inside a network namespace of its own:
 * discovers with the default targets (all of them, broadcast only, IPv4 multicast only, IPv6 multicast
 * only), prints one line per run ({@code FOUND mode address tcpPort name} or {@code NONE mode}), then
 * chats with the first server found over TCP and prints what it answered. Never run this outside such
 * a namespace: its default targets include 255.255.255.255 and every interface.
 */
public final class NetnsClientMain {

    private NetnsClientMain() {}

    /**
     * Runs the discoveries and the chat.
     *
     * @param args the UDP port
     * @throws Exception on any failure, which the test reports
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Duration timeout = Duration.ofMillis(800);
        ServerInfo first = null;
        record Mode(String name, DiscoveryClient.Builder builder) {}
        List<Mode> modes = List.of(
                new Mode("default", DiscoveryClient.builder()),
                new Mode("broadcast", DiscoveryClient.builder().multicastGroups(List.of())),
                new Mode("multicast4", DiscoveryClient.builder().targets(List.of())
                        .multicastGroups(List.of(DiscoveryConfig.DEFAULT_IPV4_GROUP))),
                new Mode("multicast6", DiscoveryClient.builder().targets(List.of())
                        .multicastGroups(List.of(DiscoveryConfig.DEFAULT_IPV6_GROUP))));
        for (Mode mode : modes) {
            try (DiscoveryClient client = mode.builder().port(port).probeInterval(Duration.ofMillis(100)).build()) {
                List<ServerInfo> found = client.discover(timeout);
                if (found.isEmpty()) {
                    System.out.println("NONE " + mode.name());
                }
                for (ServerInfo s : found) {
                    System.out.println("FOUND " + mode.name() + " " + s.address().getHostAddress() + " " + s.tcpPort()
                            + " " + s.name());
                    if (first == null) {
                        first = s;
                    }
                }
            } catch (Exception e) {
                System.out.println("ERROR " + mode.name() + " " + e);
            }
            System.out.flush();
        }
        if (first == null) {
            return;
        }
        try (Socket socket = new Socket()) {
            socket.connect(first.socketAddress(), 5000);
            socket.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
            OutputStream out = socket.getOutputStream();
            System.out.println("CHAT " + in.readLine());
            out.write("NAME netns\nSAY hello from the other namespace\nPING\n".getBytes(UTF_8));
            out.flush();
            for (int i = 0; i < 3; i++) {
                System.out.println("CHAT " + in.readLine());
            }
        }
        System.out.flush();
    }
}
