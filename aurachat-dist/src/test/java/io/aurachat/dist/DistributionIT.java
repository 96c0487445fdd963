package io.aurachat.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user gets it: the tar.gz that {@code package} built, unpacked into a directory with
 * a space in its name, its scripts started from another directory with {@code JAVA_HOME} set to the JDK that
 * runs this test and a {@code PATH} that holds no java at all. Failsafe runs it after {@code package}; the
 * archive's path and the pom's JVM options come as system properties (see aurachat-dist/pom.xml).
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "runs the sh scripts")
class DistributionIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The banner's line, e.g. {@code   Listening on:  127.0.0.1:40123 (TCP, this machine only)}. */
    private static final Pattern LISTENING = Pattern.compile("^  Listening on: +127\\.0\\.0\\.1:(\\d+) \\(TCP");

    @TempDir
    Path dir;

    /** The unpacked install, {@code .../with space/aurachat-VERSION}. */
    Path install;
    /** Where the scripts are started from: not the install. */
    Path elsewhere;
    /** What the scripts may find on the PATH: the few tools they use, and no java. */
    Path tools;

    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void unpack() throws Exception {
        Path archive = Path.of(property("aurachat.dist.archive"));
        assertTrue(Files.isRegularFile(archive), archive + " was built by package");
        Path target = Files.createDirectories(dir.resolve("with space"));
        Process tar = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", target.toString())
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tar.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "tar finishes");
        assertEquals(0, tar.exitValue(), out);
        install = target.resolve(property("aurachat.dist.name"));
        elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : List.of("dirname", "readlink", "sed", "head")) {
            Path wrapper = tools.resolve(tool); // not a symbolic link, which @TempDir warns about when it deletes it
            Files.writeString(wrapper, "#!/bin/sh\nexec '" + onPath(tool) + "' \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @AfterEach
    void stopLeftovers() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theArchiveHoldsScriptsJarsAndTheConfigAndTheZipTheSame() throws Exception {
        for (String script : List.of("aurachat-server", "aurachat-chat")) {
            assertTrue(Files.isExecutable(install.resolve("bin").resolve(script)), script);
            assertTrue(Files.isRegularFile(install.resolve("bin").resolve(script + ".bat")), script + ".bat");
        }
        List<String> jars;
        try (var files = Files.list(install.resolve("lib"))) {
            jars = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        for (String prefix : List.of("aurachat-examples-", "aurachat-core-", "aurachat-names-icu-", "slf4j-api-",
                "slf4j-simple-", "jackson-core-", "jline-reader-", "jline-terminal-", "icu4j-", "picocli-")) {
            assertTrue(jars.stream().anyMatch(j -> j.startsWith(prefix) && j.endsWith(".jar")), prefix + " in " + jars);
        }
        assertFalse(jars.stream().anyMatch(j -> j.startsWith("junit") || j.startsWith("jline-native")), jars.toString());
        assertEquals(Files.readString(Path.of("..", "util", "config.json")),
                Files.readString(install.resolve("util/config.json")), "the repository's util/config.json");
        assertTrue(Files.isRegularFile(install.resolve("README.txt")));

        Process tar = new ProcessBuilder("tar", "tzf", property("aurachat.dist.archive")).start();
        TreeSet<String> inTar = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(n -> !n.endsWith("/")).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(tar.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        String zipName = property("aurachat.dist.archive").replaceFirst("\\.tar\\.gz$", ".zip");
        try (ZipFile zip = new ZipFile(zipName)) {
            TreeSet<String> inZip = zip.stream().map(e -> e.getName()).filter(n -> !n.endsWith("/"))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(inTar, inZip, "the zip holds what the tar.gz holds");
        }
    }

    @Test
    void theServerStartsFromTheArchiveWithThePomsJvmOptionsAndStopsCleanlyOnSigterm() throws Exception {
        Running server = start(List.of(install.resolve("bin/aurachat-server").toString(),
                "--port", "0", "--bind", "127.0.0.1", "--no-discovery"), Map.of("AURACHAT_SERVER_OPTS", "-Xmx256m"));
        int port = Integer.parseInt(server.await(LISTENING).group(1));
        Path log = install.resolve("util/log.xml");
        server.await(Pattern.compile("^  Audit log: +" + Pattern.quote(log.toString()) + "$"));
        server.await(Pattern.compile("^  Settings: +" + Pattern.quote(install.resolve("util/config.json").toString()) + "$"));

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            String welcome = in.readLine();
            assertTrue(welcome.startsWith("{\"type\":\"welcome\",") && welcome.contains("\"server\":\"AuraChat\""), welcome);
            out.print("NAME x\n");
            out.flush();
            assertEquals("{\"type\":\"ok\",\"command\":\"NAME\",\"name\":\"x\"}", in.readLine());
            out.print("LIST\n");
            out.flush();
            String list = in.readLine();
            assertTrue(list.startsWith("{\"type\":\"clients\",\"command\":\"LIST\",") && list.contains("\"name\":\"x\""),
                    list);
        }

        // The script exec'd the JVM: the process started is java itself, with the pom's options first, then
        // AURACHAT_SERVER_OPTS (so its -Xmx is the later one and wins), then the install's home.
        List<String> args = arguments(server.process);
        List<String> expected = Arrays.asList(property("aurachat.server.jvmOptions").trim().split("\\s+"));
        int at = Collections.indexOfSubList(args, expected);
        assertTrue(at >= 0, "the pom's JVM options " + expected + " in " + args);
        int cp = args.indexOf("-cp");
        assertTrue(at < cp, "JVM options before -cp: " + args);
        assertTrue(args.indexOf("-Xmx256m") > at + expected.size() - 1 && args.indexOf("-Xmx256m") < cp,
                "AURACHAT_SERVER_OPTS after the defaults: " + args);
        assertTrue(args.contains("-Daurachat.home=" + install), args.toString());
        assertEquals(List.of("--port", "0", "--bind", "127.0.0.1", "--no-discovery"),
                args.subList(args.size() - 5, args.size()), "every argument passed through");

        // SIGTERM, as Process.destroy() sends, but through the handle: Process.destroy() also closes the pipes, and
        // what the shutdown hook prints (the goodbyes, the closed audit log) would be lost.
        assertTrue(server.process.toHandle().destroy());
        server.await(Pattern.compile(Pattern.quote("Stopped. The audit log " + log + " is complete and closed.")));
        assertTrue(server.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the server exits");
        assertEquals(143, server.process.exitValue(), "128 + SIGTERM, after the shutdown hook\n" + server.errors());
        String xml = Files.readString(log);
        assertTrue(xml.contains("<server-started ") && xml.contains("verb=\"NAME\"") && xml.contains("<server-stopped ")
                && xml.strip().endsWith("</log>"), xml);
        assertFalse(Files.exists(elsewhere.resolve("util")), "nothing written in the directory it was started from");
    }

    @Test
    void theChatScriptSendsPipedInput() throws Exception {
        Running server = start(List.of(install.resolve("bin/aurachat-server").toString(),
                "--port", "0", "--bind", "127.0.0.1", "--no-discovery", "--no-audit-log"), Map.of());
        int port = Integer.parseInt(server.await(LISTENING).group(1));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            assertTrue(in.readLine().contains("\"type\":\"welcome\""));
            out.write("NAME Luigi\n".getBytes(StandardCharsets.UTF_8));
            assertTrue(in.readLine().contains("\"name\":\"Luigi\""));

            Running chat = start(List.of(install.resolve("bin/aurachat-chat").toString(),
                    "--host", "127.0.0.1", "--port", Integer.toString(port), "--name", "Bot Two"), Map.of());
            try (OutputStream stdin = chat.process.getOutputStream()) {
                stdin.write("hello from the distribution\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(chat.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the client ends with its input");
            chat.drained();
            assertEquals(0, chat.process.exitValue(), chat.seen() + "\n" + chat.errors());
            assertTrue(chat.seen().contains("*** You are Bot Two."), "a name with a space, as one argument: " + chat.seen());

            String line;
            List<String> got = new ArrayList<>();
            do {
                line = in.readLine();
                assertNotNull(line, "Luigi's connection ended early: " + got);
                got.add(line);
            } while (!line.contains("\"type\":\"message\""));
            assertTrue(line.contains("\"message\":\"hello from the distribution\""), line);
            assertTrue(line.contains("\"name\":\"Bot Two\""), line);
        }
    }

    @Test
    void aJavaOlderThan21IsRefusedInOneClearLine() throws Exception {
        for (String version : List.of("17.0.2", "1.8.0_402")) {
            Path fakeHome = fakeJava(version);
            for (String script : List.of("aurachat-server", "aurachat-chat")) {
                Running run = start(List.of(install.resolve("bin").resolve(script).toString(), "--help"),
                        Map.of("JAVA_HOME", fakeHome.toString()));
                assertTrue(run.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                run.drained();
                assertEquals(1, run.process.exitValue(), script + " with Java " + version);
                assertEquals(List.of(), run.seen(), "nothing on stdout");
                assertEquals(List.of(script + ": found Java " + version + " (" + fakeHome.resolve("bin/java")
                        + "), but AuraChat needs Java 21 or newer: set JAVA_HOME to one"), run.errors());
            }
        }
    }

    @Test
    void aJava21OrNewerGetsTheOptionsAndEveryArgumentUnchanged() throws Exception {
        Path fakeHome = fakeJava("21.0.5");
        Running run = start(List.of(install.resolve("bin/aurachat-chat").toString(), "--name", "Mario Rossi", "*", ""),
                Map.of("JAVA_HOME", fakeHome.toString(), "AURACHAT_CHAT_OPTS", "-Da=1  -Db=*"));
        assertTrue(run.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        run.drained();
        assertEquals(0, run.process.exitValue(), run.errors().toString());
        List<String> expected = new ArrayList<>(Arrays.asList(property("aurachat.chat.jvmOptions").trim().split("\\s+")));
        expected.addAll(List.of("-Da=1", "-Db=*", "-cp", install.resolve("lib") + "/*", "io.aurachat.examples.ChatMain",
                "--name", "Mario Rossi", "*", ""));
        assertEquals(expected, run.seen(), "what the fake java was started with, one argument a line");
    }

    // ---------------------------------------------------------------- helpers

    /** A JDK whose bin/java says it is this version, and otherwise prints its arguments one a line. */
    private Path fakeJava(String version) throws IOException {
        Path home = dir.resolve("fake-jdk-" + version);
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                if [ "$1" = -version ]; then
                    echo 'openjdk version "%s" 2024-10-15' >&2
                    echo 'OpenJDK Runtime Environment (build %s)' >&2
                    exit 0
                fi
                for a in "$@"; do printf '%%s\\n' "$a"; done
                """.formatted(version, version));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    private Running start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(elsewhere.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("AURACHAT_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("JDK_JAVA_OPTIONS"));
        pb.environment().put("JAVA_HOME", javaHome().toString());
        pb.environment().put("PATH", tools.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return new Running(p);
    }

    /** The JDK running this test: failsafe's fork uses the one that select-jdk-toolchain chose. */
    private static Path javaHome() {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow()).toAbsolutePath();
        return java.getParent().getParent();
    }

    private static Path onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, tool);
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new AssertionError(tool + " is not on the PATH");
    }

    private static List<String> arguments(Process p) throws IOException {
        Path cmdline = Path.of("/proc", Long.toString(p.pid()), "cmdline");
        if (Files.isReadable(cmdline)) {
            String all = Files.readString(cmdline);
            return Arrays.asList(all.substring(0, all.length() - 1).split("\0", -1));
        }
        List<String> args = new ArrayList<>(List.of(p.info().command().orElseThrow()));
        args.addAll(List.of(p.info().arguments().orElseThrow()));
        return args;
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertNotNull(value, name + ": set by failsafe (aurachat-dist/pom.xml); run this with mvn verify");
        return value;
    }

    /** A started script: its stdout and stderr read line by line on threads of their own. */
    private static final class Running {
        private static final String EOF = new String("end of stream");

        final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        private final Thread errReader;
        private boolean ended;

        Running(Process process) {
            this.process = process;
            Thread out = reader(process.getInputStream(), line -> {
                seen.add(line);
                lines.add(line);
            }, () -> lines.add(EOF));
            errReader = reader(process.getErrorStream(), errors::add, () -> {});
            out.start();
            errReader.start();
        }

        private static Thread reader(InputStream stream, java.util.function.Consumer<String> each, Runnable atEnd) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        each.accept(line);
                    }
                } catch (IOException e) {
                    // the process is gone
                } finally {
                    atEnd.run();
                }
            }, "dist-it-reader");
            t.setDaemon(true);
            return t;
        }

        /** The first line from now on that matches, waiting up to the timeout. */
        Matcher await(Pattern pattern) throws InterruptedException {
            return await(line -> pattern.matcher(line).find(), pattern.pattern(), pattern);
        }

        private Matcher await(Predicate<String> test, String what, Pattern pattern) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!ended) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    break;
                }
                if (line == EOF) {
                    ended = true;
                    break;
                }
                if (test.test(line)) {
                    Matcher m = pattern.matcher(line);
                    m.find();
                    return m;
                }
            }
            return fail("no line matching " + what + (ended ? " before the end of the output" : " within " + TIMEOUT)
                    + "; stdout:\n" + String.join("\n", seen()) + "\nstderr:\n" + String.join("\n", errors()));
        }

        /** Waits until both streams are read to their end (the process has exited). */
        void drained() throws InterruptedException {
            while (!ended) {
                String line = lines.poll(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("stdout not closed within " + TIMEOUT);
                }
                ended = line == EOF;
            }
            errReader.join(TIMEOUT.toMillis());
        }

        List<String> seen() {
            synchronized (seen) {
                return List.copyOf(seen);
            }
        }

        List<String> errors() {
            synchronized (errors) {
                return List.copyOf(errors);
            }
        }
    }
}
