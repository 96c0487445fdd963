package io.aurachat.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a child JVM in a network namespace of its own, made with {@code unshare -n}: a new namespace whose
 * only interface is {@code lo}, down unless asked for up, and which disappears with the child. Nothing the
 * child sends can leave it, so it may use discovery's default targets (255.255.255.255 included).
 */
final class Unshare {

    private static final long TIMEOUT_SECONDS = 30;
    private static volatile String unavailable;
    private static volatile boolean checked;

    private Unshare() {}

    /**
     * Skips the calling test unless {@code unshare -n} works here (root, a kernel and container that allow
     * network namespaces, {@code ip} to bring {@code lo} up), or fails it if {@code AURACHAT_REQUIRE_NETNS=1}.
     */
    static void assumeAvailable() {
        if (!checked) {
            unavailable = check();
            checked = true;
        }
        String why = unavailable;
        if ("1".equals(System.getenv("AURACHAT_REQUIRE_NETNS"))) {
            assertTrue(why == null, "required by AURACHAT_REQUIRE_NETNS=1: " + why);
        }
        assumeTrue(why == null, "skipped: " + why);
    }

    private static String check() {
        try {
            if (!run(List.of("id", "-u")).trim().equals("0")) {
                return "a network namespace of one's own (unshare -n) needs root";
            }
            Process p = new ProcessBuilder(NetnsDiscoveryTest.tool("unshare"), "-n", NetnsDiscoveryTest.tool("ip"),
                    "link", "set", "lo", "up").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "this machine does not let us make a network namespace with 'unshare -n' and bring its lo up: "
                        + out.strip();
            }
            return null;
        } catch (IOException e) {
            return "cannot run unshare or ip: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Starts {@code main} with {@code args} in a JVM of its own in a new network namespace, with the test
     * class path.
     *
     * @param loUp whether to bring {@code lo} up first; without it the namespace has no working interface
     * @param stderr where the child's standard error goes
     */
    static Process java(boolean loUp, Class<?> main, Path stderr, String... args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(NetnsDiscoveryTest.tool("unshare"), "-n", "sh", "-c",
                (loUp ? "\"$0\" link set lo up && " : "") + "exec \"$@\"", NetnsDiscoveryTest.tool("ip"),
                java, "-cp", classPath, main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return output;
    }
}
