package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.client.ClientConfig;
import io.aurachat.client.ReconnectPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The terminal client's command line, without a terminal or a server. */
class ChatMainTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ChatMain());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static ClientConfig config(String... args) throws ChatMain.UsageException {
        ChatMain main = new ChatMain();
        new CommandLine(main).parseArgs(args);
        return main.config();
    }

    @Test
    void helpListsTheOptions() {
        Run run = run("--help");
        assertEquals(0, run.exitCode());
        for (String option : new String[] {"--host", "--port", "--name", "--account", "--register", "--password-file",
                "--discovery-port", "--discovery-timeout", "--discovery-target"}) {
            assertTrue(run.out().contains(option), option + " missing from:\n" + run.out());
        }
    }

    @Test
    void hostAndPortConnectDirectlyAndAPortAloneMeansThisMachine() throws Exception {
        assertEquals(InetSocketAddress.createUnresolved("chat.lan", 5000), config("--host", "chat.lan").server().orElseThrow());
        assertEquals(InetSocketAddress.createUnresolved("127.0.0.1", 6000), config("--port", "6000").server().orElseThrow());
        assertTrue(config().server().isEmpty(), "no options: discovery");
        assertEquals(Duration.ofMillis(500), config("--discovery-timeout", "0.5").discoveryTimeout());
    }

    @Test
    void aLostConnectionIsTakenUpAgainForAboutAMinute() throws Exception {
        ReconnectPolicy p = config("--port", "6000").reconnect();
        assertTrue(p.isEnabled(), "the terminal client reconnects and resumes its session");
        assertEquals(Duration.ofMillis(500), p.initialDelay());
        assertEquals(Duration.ofSeconds(5), p.maxDelay());
        assertEquals(15, p.maxAttempts());
    }

    @Test
    void badValuesAreReportedWithoutAStackTrace() {
        String[][] cases = {
                {"--port", "0"}, {"--port", "70000"}, {"--discovery-port", "0"}, {"--discovery-timeout", "0"},
                {"--discovery-target", "chat.lan"}, {"--host", "a", "--discovery-target", "127.255.255.255"},
                {"--name", " "}, {"--port", "abc"}, {"--register"}, {"--password-file", "pw.txt"},
                {"--account", "Mario Rossi"}, {"--account", "Mario", "--name", "Mario"}};
        String[] expected = {"--port must be 1 to 65535: 0", "--port must be 1 to 65535: 70000",
                "--discovery-port must be 1 to 65535: 0", "--discovery-timeout must be 0.001 to 600 seconds",
                "--discovery-target must be an IP address: chat.lan", "the --discovery-* options do not apply",
                "--name must not be blank", "--port", "--register and --password-file go with --account NAME",
                "--register and --password-file go with --account NAME", "--account must be one word",
                "--name does not go with --account"};
        for (int i = 0; i < cases.length; i++) {
            Run run = run(cases[i]);
            assertEquals(2, run.exitCode(), String.join(" ", cases[i]));
            assertTrue(run.err().contains(expected[i]), run.err());
            assertTrue(!run.err().contains("\tat "), "no stack trace:\n" + run.err());
        }
    }

    private static ChatMain.Login login(String... args) throws ChatMain.UsageException {
        ChatMain main = new ChatMain();
        new CommandLine(main).parseArgs(args);
        return main.login();
    }

    @Test
    void accountOptionsMakeALoginWithoutAPassword() throws Exception {
        assertEquals(null, login("--port", "6000"), "anonymous by default");
        assertEquals(new ChatMain.Login("Mario", false, null), login("--account", "Mario"));
        assertEquals(new ChatMain.Login("Mario", true, java.nio.file.Path.of("pw")),
                login("--account", "Mario", "--register", "--password-file", "pw"));
        assertTrue(config("--port", "6000", "--account", "Mario").account().isEmpty(),
                "the password is asked for later: the login joins the configuration just before connecting");
    }

    @Test
    void aPasswordFileGivesItsFirstLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("pw");
        java.nio.file.Files.writeString(file, "s3cret-pässword\r\nsecond line\n");
        assertEquals("s3cret-pässword", new String(ChatMain.readPasswordFile(file)));
        java.nio.file.Files.writeString(file, "no-line-end");
        assertEquals("no-line-end", new String(ChatMain.readPasswordFile(file)));
        java.nio.file.Files.writeString(file, "\nsecond");
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ChatMain.readPasswordFile(file)).getMessage().contains("empty"));
        java.nio.file.Files.write(file, new byte[] {(byte) 0xff, 'x'});
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ChatMain.readPasswordFile(file));
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> ChatMain.readPasswordFile(dir.resolve("missing")));
    }
}
