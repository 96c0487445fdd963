package io.aurachat.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for tests that run the example apps as a user would, with discovery's default targets
 * (255.255.255.255 among them), where nothing they send can leave: a named one ({@code ip netns}) that
 * several processes share, or an anonymous one ({@code unshare -n}) that disappears with its process.
 * Both have only {@code lo}, down until brought up. Needs root and a system that allows namespaces; without
 * them the test is skipped, unless {@code AURACHAT_REQUIRE_NETNS=1} (CI), which makes it fail.
 */
final class Netns {

    private static final long TIMEOUT_SECONDS = 30;

    private Netns() {}

    /** Skips (or, with {@code AURACHAT_REQUIRE_NETNS=1}, fails) unless {@code ok}. */
    static void require(boolean ok, String why) {
        if ("1".equals(System.getenv("AURACHAT_REQUIRE_NETNS"))) {
            assertTrue(ok, "required by AURACHAT_REQUIRE_NETNS=1: " + why);
        }
        assumeTrue(ok, "skipped: " + why);
    }

    /** Creates the named namespace {@code name} with {@code lo} up, or skips the test. */
    static void create(String name) throws InterruptedException {
        String id;
        try {
            id = run("id", "-u").strip();
        } catch (IOException e) {
            id = "?";
        }
        require(id.equals("0"), "creating network namespaces needs root");
        String refused = null;
        try {
            sh("ip", "netns", "add", name);
        } catch (IOException e) {
            refused = e.getMessage();
        }
        require(refused == null, "this machine does not let us create a network namespace: " + refused);
        try {
            sh("ip", "-n", name, "link", "set", "lo", "up");
        } catch (IOException e) {
            delete(name);
            throw new AssertionError(e);
        }
    }

    /** Skips the test unless {@code unshare -n} works here. */
    static void requireUnshare() throws InterruptedException {
        String why;
        try {
            why = !run("id", "-u").strip().equals("0") ? "a network namespace of one's own (unshare -n) needs root"
                    : null;
            if (why == null) {
                sh("unshare", "-n", "true");
            }
        } catch (IOException e) {
            why = "this machine does not let us make a network namespace with unshare -n: " + e.getMessage();
        }
        require(why == null, why);
    }

    /** Deletes the named namespace, if it exists. */
    static void delete(String name) throws InterruptedException {
        try {
            run("ip", "netns", "del", name);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code command} run inside the named namespace. */
    static List<String> in(String name, List<String> command) {
        List<String> all = new ArrayList<>(List.of(tool("ip"), "netns", "exec", name));
        all.addAll(command);
        return all;
    }

    /** {@code command} run in a new namespace of its own, with {@code lo} down: no network at all. */
    static List<String> alone(List<String> command) {
        List<String> all = new ArrayList<>(List.of(tool("unshare"), "-n"));
        all.addAll(command);
        return all;
    }

    /** A JVM like this one, on the test class path, running {@code main} with {@code args}. */
    static List<String> java(Class<?> main, String... args) {
        // As the shipped JVM options do (the root pom): sqlite-jdbc's JNI library, without JDK 24+'s warning.
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** The path of a system tool: {@code ip} lives in {@code /usr/sbin}, which a build's PATH may lack. */
    static String tool(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)));
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
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        command[0] = tool(command[0]);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), UTF_8);
        p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return output;
    }
}
