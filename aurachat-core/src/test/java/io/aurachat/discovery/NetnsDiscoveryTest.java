package io.aurachat.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aurachat.testing.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Discovery over a real (virtual) network: two network namespaces joined by a veth pair, created here
 * and removed afterwards, with the server in one and the client in the other, each in a child JVM. The
 * client uses its default targets (interface broadcast, 255.255.255.255, both multicast groups), which
 * is safe only because nothing leaves these namespaces: the veth pair is created inside them and never
 * exists in the host's namespace. Skipped unless root with {@code ip netns} available and allowed to
 * create namespaces.
 */
class NetnsDiscoveryTest {

    private static final long PID = ProcessHandle.current().pid();
    private static final String SERVER_NS = "aurachat-s-" + PID;
    private static final String CLIENT_NS = "aurachat-c-" + PID;
    private static final String SERVER_IF = "acs" + PID;
    private static final String CLIENT_IF = "acc" + PID;
    private static final int UDP_PORT = DiscoveryConfig.DEFAULT_PORT;
    private static final long CHILD_TIMEOUT_SECONDS = 20;

    private static final List<Process> children = new ArrayList<>();
    private static boolean created;

    @BeforeAll
    static void createNamespaces() throws Exception {
        require(run("id", "-u").trim().equals("0"), "skipped: creating network namespaces needs root");
        require(succeeds("ip", "netns", "list"), "skipped: 'ip netns' (iproute2) is not available");
        // Root in a container without CAP_SYS_ADMIN cannot make namespaces: that too is "not here".
        String refused = null;
        try {
            sh("ip", "netns", "add", SERVER_NS);
        } catch (IOException e) {
            refused = e.getMessage();
        }
        require(refused == null, "skipped: this machine does not let us create a network namespace: " + refused);
        created = true;
        sh("ip", "netns", "add", CLIENT_NS);
        // Both ends are created directly inside the namespaces: nothing appears on the host.
        sh("ip", "link", "add", SERVER_IF, "netns", SERVER_NS, "type", "veth", "peer", "name", CLIENT_IF, "netns", CLIENT_NS);
        setUp(SERVER_NS, SERVER_IF, "10.77.0.1/24");
        setUp(CLIENT_NS, CLIENT_IF, "10.77.0.2/24");
    }

    private static void setUp(String ns, String ifName, String cidr) throws Exception {
        // No duplicate-address detection: the link-local IPv6 address is usable at once.
        sh("ip", "netns", "exec", ns, tool("sysctl"), "-qw", "net.ipv6.conf." + ifName + ".accept_dad=0");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "link", "set", ifName, "up");
        sh("ip", "-n", ns, "addr", "add", cidr, "brd", "+", "dev", ifName);
        // Without a route, Linux refuses to send to 255.255.255.255.
        sh("ip", "-n", ns, "route", "add", "default", "dev", ifName);
    }

    @AfterAll
    static void removeNamespaces() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (created) {
            // Deleting a namespace deletes the veth end in it, and so the pair.
            run("ip", "netns", "del", SERVER_NS);
            run("ip", "netns", "del", CLIENT_NS);
            String left = run("ip", "netns", "list");
            assertTrue(!left.contains(SERVER_NS) && !left.contains(CLIENT_NS), "namespaces left behind: " + left);
        }
    }

    @Test
    void aClientInAnotherNamespaceFindsTheServerByBroadcastAndMulticastAndChats() throws Exception {
        Path serverErr = Files.createTempFile("aurachat-netns-server", ".log");
        Process server = child(SERVER_NS, NetnsServerMain.class, serverErr);
        LinkedBlockingQueue<String> serverOut = lines(server);
        String ready = serverOut.poll(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(ready != null && ready.startsWith("READY "), "server did not start: " + ready + "\n" + Files.readString(serverErr));
        int tcpPort = Integer.parseInt(ready.split(" ")[1]);

        Path clientErr = Files.createTempFile("aurachat-netns-client", ".log");
        Process client = child(CLIENT_NS, NetnsClientMain.class, clientErr);
        LinkedBlockingQueue<String> clientOut = lines(client);
        assertTrue(client.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), "client did not finish");
        List<String> out = new ArrayList<>();
        clientOut.drainTo(out);
        String report = String.join("\n", out) + "\n--- client log:\n" + Files.readString(clientErr);
        System.out.println(report); // kept in the surefire output file, for diagnosis

        String expected = "10.77.0.1 " + tcpPort + " netns-server";
        assertTrue(out.contains("FOUND broadcast " + expected), report);
        assertTrue(out.contains("FOUND multicast4 " + expected), report);
        String v6 = out.stream().filter(l -> l.startsWith("FOUND multicast6 ")).findFirst().orElse("");
        assertTrue(v6.startsWith("FOUND multicast6 fe80:") && v6.endsWith(" " + tcpPort + " netns-server"), report);
        // With the default targets the server hears the probe over IPv4 and IPv6; the client keeps
        // whichever answer came first (deduplication by instance id), so either address is right.
        String byDefault = out.stream().filter(l -> l.startsWith("FOUND default ")).findFirst().orElse("");
        assertTrue(byDefault.equals("FOUND default " + expected)
                || byDefault.equals("FOUND default " + v6.substring("FOUND multicast6 ".length())), report);
        assertEquals(4, out.stream().filter(l -> l.startsWith("FOUND ")).count(), "one server per run:\n" + report);

        List<Json> chat = out.stream().filter(l -> l.startsWith("CHAT ")).map(l -> Json.parse(l.substring(5))).toList();
        assertEquals(4, chat.size(), report);
        assertEquals("welcome", chat.get(0).str("type"));
        assertEquals("netns-server", chat.get(0).str("server"));
        assertEquals("netns", chat.get(1).str("name"));
        assertEquals(0L, chat.get(2).map().get("recipients"));
        assertEquals("pong", chat.get(3).str("type"));
        assertEquals(0, client.exitValue(), report);

        server.getOutputStream().close();
        assertEquals("CLOSED", serverOut.poll(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS), Files.readString(serverErr));
        assertTrue(server.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, server.exitValue());
        Files.deleteIfExists(serverErr);
        Files.deleteIfExists(clientErr);
    }

    private static Process child(String ns, Class<?> main, Path stderr) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(tool("ip"), "netns", "exec", ns, java, "-cp", classPath, main.getName(),
                Integer.toString(UDP_PORT))
                .redirectError(stderr.toFile())
                .start();
        children.add(p);
        return p;
    }

    private static LinkedBlockingQueue<String> lines(Process p) {
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>(1000);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    queue.offer(line);
                }
            } catch (IOException e) {
                queue.offer("READ FAILED " + e);
            }
        });
        return queue;
    }

    /**
     * Skips the test with {@code why}, or fails it when {@code AURACHAT_REQUIRE_NETNS=1} (CI sets it, so that a
     * machine that cannot run this test is noticed instead of passing silently).
     */
    private static void require(boolean ok, String why) {
        if ("1".equals(System.getenv("AURACHAT_REQUIRE_NETNS"))) {
            assertTrue(ok, why.replace("skipped", "required by AURACHAT_REQUIRE_NETNS=1"));
        }
        assumeTrue(ok, why);
    }

    /**
     * The path of a system tool: {@code ip} and {@code sysctl} live in {@code /usr/sbin}, which the PATH of
     * a build (a CI job, an IDE) does not always hold.
     */
    static String tool(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        List<String> dirs = new ArrayList<>(List.of(path.split(java.io.File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        return name;
    }

    private static void sh(String... command) throws IOException, InterruptedException {
        command[0] = tool(command[0]);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (!p.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static boolean succeeds(String... command) {
        try {
            sh(command);
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        command[0] = tool(command[0]);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        p.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return output;
    }
}
