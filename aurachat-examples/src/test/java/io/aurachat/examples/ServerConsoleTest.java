package io.aurachat.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference server's owner console: a real {@code ServerMain} process, its standard input a pipe the test writes
 * console lines to, its standard output read line by line, and protocol clients on its plain port (passwords taken
 * there with {@code --allow-plain-login}).
 */
class ServerConsoleTest {

    private static final long TIMEOUT_SECONDS = 30;
    private static final Pattern LISTENING = Pattern.compile("  Listening on:  127\\.0\\.0\\.1:(\\d+) .*");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** A running reference server, its console input and its output. */
    private final class Server {
        final Process process;
        final OutputStream console;
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> seen = new ArrayList<>();
        final List<String> banner = new ArrayList<>();
        final int port;

        Server(String... options) throws Exception {
            this(false, options);
        }

        /** With {@code nullInput}, its standard input is {@code /dev/null}. */
        Server(boolean nullInput, String... options) throws Exception {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "-Dorg.slf4j.simpleLogger.log.io.aurachat.examples.console=debug",
                    "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(),
                    "--port", "0", "--bind", "127.0.0.1", "--no-discovery", "--no-tls", "--history", "none",
                    "--no-audit-log", "--allow-plain-login",
                    "--accounts-file", dir.resolve("accounts.db").toString()));
            command.addAll(List.of(options));
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(dir.resolve("server.err").toFile());
            if (nullInput) {
                builder.redirectInput(new java.io.File("/dev/null"));
            }
            process = builder.start();
            processes.add(process);
            console = process.getOutputStream();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.offer(line);
                    }
                } catch (IOException e) {
                    lines.offer("READ FAILED " + e);
                }
            });
            int found = -1;
            for (String line; !(line = next()).startsWith("  Stop it:"); ) {
                banner.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.matches()) {
                    found = Integer.parseInt(m.group(1));
                }
            }
            assertTrue(found > 0, "no port in the banner: " + banner);
            port = found;
        }

        String next() throws InterruptedException {
            String line = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                fail("no line from the server within " + TIMEOUT_SECONDS + " s after:\n" + String.join("\n", seen)
                        + "\nits standard error:\n" + stderr());
            }
            seen.add(line);
            return line;
        }

        /** Takes output lines until one starts with {@code prefix}; returns it. */
        String await(String prefix) throws InterruptedException {
            for (String line; ; ) {
                if ((line = next()).startsWith(prefix)) {
                    return line;
                }
            }
        }

        void type(String line) throws IOException {
            console.write((line + "\n").getBytes(UTF_8));
            console.flush();
        }

        String stderr() {
            try {
                return Files.readString(dir.resolve("server.err"));
            } catch (IOException e) {
                return e.toString();
            }
        }
    }

    private static LineClient registered(Server server, String name, String password) throws IOException {
        LineClient c = LineClient.connect(server.port);
        c.send("REGISTER " + name + " " + password);
        c.take("\"type\":\"ok\"", "\"command\":\"REGISTER\"");
        return c;
    }

    @Test
    void removeAccountDisconnectsTheAccountsDevicesAndSaysSo() throws Exception {
        Server server = new Server();
        assertTrue(server.banner.contains("  Console:       type help for the owner's commands (clients, accounts, "
                + "remove-account, set-password, stop)"), String.join("\n", server.banner));
        try (LineClient mario = registered(server, "Mario", "correct-horse-1");
                LineClient anonymous = LineClient.connect(server.port)) {
            server.type("accounts");
            assertEquals("1 account:", server.await("1 account"));
            assertTrue(server.next().matches("  Mario  registered \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  "
                    + "1 device connected"), server.seen.getLast());

            server.type("clients");
            assertEquals("2 clients connected:", server.await("2 clients"));
            assertTrue(server.next().matches("  c1  Mario  account Mario  127\\.0\\.0\\.1  since .*"),
                    server.seen.getLast());
            assertTrue(server.next().matches("  c2  c2  anonymous  127\\.0\\.0\\.1  since .*"), server.seen.getLast());

            server.type("remove-account mario");
            String bye = mario.take("\"type\":\"bye\"");
            assertTrue(bye.contains("\"reason\":\"account-removed\""), bye);
            assertEquals("Removed the account Mario; 1 device was disconnected.", server.await("Removed"));
            anonymous.take("\"type\":\"leave\"", "\"reason\":\"account-removed\"");

            server.type("remove-account Mario");
            assertEquals("console: no account Mario", server.await("console:"));
            server.type("accounts");
            assertEquals("0 accounts.", server.await("0 accounts"));
        }
    }

    @Test
    void setPasswordTakesTheNextLineAndNeverPrintsIt() throws Exception {
        Server server = new Server();
        try (LineClient mario = registered(server, "Mario", "old-password-1")) {
            server.type("set-password Mario");
            assertEquals("New password for Mario: reading it from the next line.", server.await("New password"));
            server.type("new-password-2");
            assertEquals("Set the password of Mario; its devices stay logged in.", server.await("Set the password"));

            server.type("set-password Mario");
            server.await("New password");
            server.type("short");
            assertEquals("console: a password is 8 to 1024 characters long; the password of Mario is unchanged",
                    server.await("console:"));

            server.type("set-password Mario new-password-3");
            assertTrue(server.await("console: usage: set-password NAME").contains("next line"), server.seen.getLast());
            server.type("set-password Luigi");
            server.await("New password for Luigi");
            server.type("clients-password"); // the password line, read even for no account: not a command
            assertEquals("console: no account Luigi", server.await("console:"));

            mario.send("PING");
            mario.take("\"command\":\"PING\""); // still logged in
        }
        try (LineClient oldOne = LineClient.connect(server.port); LineClient newOne = LineClient.connect(server.port)) {
            oldOne.send("LOGIN Mario old-password-1");
            assertTrue(oldOne.take("\"type\":\"error\"", "\"command\":\"LOGIN\"").contains("\"code\":\"bad-credentials\""));
            newOne.send("LOGIN mario new-password-2");
            newOne.take("\"type\":\"ok\"", "\"command\":\"LOGIN\"", "\"account\":\"Mario\"");
        }
        for (String line : server.seen) {
            assertFalse(line.contains("password-2") || line.contains("short") || line.contains("password-3")
                            || line.contains("clients-password"),
                    "a password in the output: " + line);
        }
        assertFalse(server.stderr().contains("password-2"), server.stderr());
    }

    @Test
    void anUnknownCommandOrAnOverlongLineIsAnErrorAndTheConsoleGoesOn() throws Exception {
        Server server = new Server();
        server.type("frobnicate now");
        assertEquals("console: unknown command; type help for the commands", server.await("console:"),
                "not repeated: it may be a password typed at the wrong time");

        server.type("x".repeat(ServerConsole.MAX_LINE + 1));
        assertEquals("console: that line is longer than 4096 characters; it is ignored", server.await("console:"));
        server.type("y".repeat(1_000_000)); // far longer: read and dropped, never held
        assertEquals("console: that line is longer than 4096 characters; it is ignored", server.await("console:"));
        server.type("clients " + "z".repeat(ServerConsole.MAX_LINE - 8)); // exactly the limit
        assertEquals("console: usage: clients", server.await("console:"));

        server.type("help");
        assertEquals("Console commands, one a line:", server.await("Console commands"));
        assertTrue(server.await("  remove-account NAME").contains("bye account-removed"));
        server.type("clients");
        assertEquals("0 clients connected.", server.await("0 clients"));
    }

    @Test
    void atTheEndOfItsInputTheConsoleEndsQuietlyAndTheServerRunsOn() throws Exception {
        Server server = new Server();
        server.type("clients");
        server.await("0 clients");
        server.console.close();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(TIMEOUT_SECONDS))
                .until(() -> server.stderr().contains("console - the console's input has ended"));
        try (LineClient c = LineClient.connect(server.port)) {
            c.send("NAME Luigi");
            c.take("\"name\":\"Luigi\"");
        }
        try (LineClient again = LineClient.connect(server.port)) {
            again.send("PING");
            again.take("\"command\":\"PING\"");
        }
        assertTrue(server.process.isAlive());
        assertEquals(null, server.lines.poll(), "nothing printed: " + server.lines);
        assertFalse(server.stderr().contains("Exception"), server.stderr());
    }

    @Test
    void stopEndsTheServerAsCtrlCDoes() throws Exception {
        Server server = new Server();
        try (LineClient c = LineClient.connect(server.port)) {
            server.type("stop");
            assertEquals("Stopping: saying goodbye to 1 client...", server.await("Stopping"));
            assertTrue(c.take("\"type\":\"bye\"").contains("\"reason\":\"server-shutdown\""));
            assertEquals("Stopped.", server.next());
            assertTrue(server.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the server ended");
            assertEquals(0, server.process.exitValue(), server.stderr());
        }
    }

    @Test
    void withNoConsoleTheBannerHasNoConsoleLine() throws Exception {
        Server server = new Server("--no-console");
        assertTrue(server.banner.stream().noneMatch(l -> l.startsWith("  Console:")), String.join("\n", server.banner));
        assertEquals("  Stop it:       Ctrl+C; every client gets a goodbye.", server.seen.getLast());
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
    void withStandardInputFromDevNullTheBannerHasNoConsoleLineAndTheServerRuns() throws Exception {
        Server server = new Server(true);
        assertTrue(server.banner.stream().noneMatch(l -> l.startsWith("  Console:")), String.join("\n", server.banner));
        assertEquals("  Stop it:       Ctrl+C; every client gets a goodbye.", server.seen.getLast());
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port)) {
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), UTF_8));
            assertTrue(r.readLine().startsWith("{\"type\":\"welcome\""), "it still serves");
        }
        assertTrue(server.process.isAlive());
    }

    @Test
    void withAccountsOffTheAccountCommandsSaySo() throws Exception {
        Server server = new Server("--accounts", "off");
        server.type("accounts");
        assertTrue(server.await("console:").contains("no accounts"), server.seen.getLast());
        server.type("remove-account Mario");
        assertTrue(server.await("console:").contains("no accounts"), server.seen.getLast());
    }

    /**
     * In a real terminal: started in the background from an interactive shell, the server is not stopped by
     * {@code SIGTTIN} when its console reads the terminal; brought to the foreground, the console answers, and asks
     * for a password masked, twice.
     */
    @Test
    void inTheBackgroundOfAShellTheServerRunsOnAndFgBringsTheConsoleBack() throws Exception {
        Tmux.assumeInstalled();
        Path script = dir.resolve("server.sh");
        Files.writeString(script, "exec '" + ProcessHandle.current().info().command().orElseThrow() + "' -cp '"
                + System.getProperty("java.class.path") + "' " + ServerMain.class.getName() + " --port 0 --bind 127.0.0.1"
                + " --no-discovery --no-tls --history none --no-audit-log --allow-plain-login --accounts-file '"
                + dir.resolve("accounts.db") + "' 2>/dev/null\n");
        try (Tmux shell = Tmux.start(200, 50, List.of("bash", "--norc", "--noprofile", "-i"))) {
            shell.type("cd '" + dir + "' && sh server.sh &");
            shell.press("Enter");
            List<String> screen = shell.awaitText("fg brings the console back");
            assertEquals(List.of("console: the server runs in the background, where it cannot read the terminal; fg "
                    + "brings the console back"), screen.stream().filter(l -> l.startsWith("console:")).toList());
            int port = screen.stream().map(LISTENING::matcher).filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1))).findFirst().orElseThrow();
            try (LineClient mario = LineClient.connect(port)) { // a stopped JVM would not answer
                mario.send("REGISTER Mario old-password-1");
                mario.take("\"type\":\"ok\"", "\"command\":\"REGISTER\"");

                shell.type("fg");
                shell.press("Enter");
                shell.type("clients");
                shell.press("Enter");
                shell.awaitText("1 client connected:");
                shell.type("set-password Mario");
                shell.press("Enter");
                shell.await("the masked prompt", s -> Tmux.lastRow(s).equals("New password for Mario (not shown):"));
                shell.type("typed-unseen-1");
                shell.press("Enter");
                shell.await("the second prompt", s -> Tmux.lastRow(s).equals("The same again:"));
                shell.type("typed-unseen-1");
                shell.press("Enter");
                shell.awaitText("Set the password of Mario; its devices stay logged in.");
                assertFalse(shell.screenText().contains("typed-unseen"), shell.screenText());

                // No such account: the password is asked for masked all the same, never left to echo as a command.
                shell.type("set-password Nobody");
                shell.press("Enter");
                shell.await("the masked prompt", s -> Tmux.lastRow(s).equals("New password for Nobody (not shown):"));
                shell.type("typed-unseen-2");
                shell.press("Enter");
                shell.await("the second prompt", s -> Tmux.lastRow(s).equals("The same again:"));
                shell.type("typed-unseen-2");
                shell.press("Enter");
                shell.awaitText("console: no account Nobody");
                assertFalse(shell.screenText().contains("typed-unseen"), shell.screenText());
            }
            try (LineClient again = LineClient.connect(port)) {
                again.send("LOGIN Mario typed-unseen-1");
                again.take("\"type\":\"ok\"", "\"command\":\"LOGIN\"");
            }
            shell.type("stop");
            shell.press("Enter");
            shell.awaitText("Stopped.");
        }
    }
}
