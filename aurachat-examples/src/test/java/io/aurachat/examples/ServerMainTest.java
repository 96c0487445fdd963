package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.log.LogEvent;
import io.aurachat.log.LogSink;
import io.aurachat.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The reference server's command line: help and bad options, without starting anything. */
class ServerMainTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ServerMain());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheOptions() {
        Run run = run("--help");
        assertEquals(0, run.exitCode());
        for (String option : new String[] {"--port", "--bind", "--idle-timeout", "--name", "--max-clients", "--config",
                "--log-file", "--no-audit-log", "--discovery-port", "--no-discovery", "--io-threads", "--resume-window", "--rate-limit", "--no-console", "--remove-account"}) {
            assertTrue(run.out().contains(option), option + " missing from:\n" + run.out());
        }
        assertTrue(run.out().replaceAll("\\s+", " ").contains("On a running server type remove-account NAME in its "
                + "console instead"), run.out());
    }

    @TempDir
    Path dir;

    @Test
    void aBadConfigFileIsReportedInOneLineWithExitStatus2() throws IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"server\": {\"port\": \"abc\"}}");
        Run run = run("--config", config.toString());
        assertEquals(2, run.exitCode());
        assertEquals("aurachat-server: " + config + ": server.port: must be an integer from 0 to 65535, got \"abc\"\n",
                run.err());

        Files.writeString(config, "{\"server\": {\"port\": 5000,}}");
        Run syntax = run("--config", config.toString());
        assertEquals(2, syntax.exitCode());
        assertTrue(syntax.err().startsWith("aurachat-server: " + config + ": line 1, column 26: invalid JSON: "),
                syntax.err());
        assertEquals(1, syntax.err().lines().count(), syntax.err());
    }

    @Test
    void aConfigFileNamedOnTheCommandLineMustExist() {
        Path missing = dir.resolve("nope.json");
        Run run = run("--config", missing.toString());
        assertEquals(2, run.exitCode());
        assertEquals("aurachat-server: " + missing + ": no such file\n", run.err());
    }

    @Test
    void withoutTheDefaultFileTheDefaultsApply() throws Exception {
        assertFalse(Files.exists(ServerSettings.DEFAULT_FILE), "tests run in aurachat-examples, which has no util/");
        ServerMain main = new ServerMain();
        new CommandLine(main).parseArgs();
        assertEquals(ServerSettings.defaults(), main.settings());
        assertEquals("the defaults (there is no util/config.json)".replace('/', java.io.File.separatorChar),
                main.settingsFrom);
    }

    @Test
    void commandLineOptionsOverrideTheFile() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"server": {"port": 6000, "name": "Lab", "maxClients": 50},
                 "log": {"file": "from-file.xml", "rolloverBytes": 4096, "maxFiles": 3}}""");
        ServerMain main = new ServerMain();
        new CommandLine(main).parseArgs("--config", config.toString(), "--port", "7000", "--max-clients", "60",
                "--log-file", "from-cli.xml", "--bind", "127.0.0.1");
        ServerSettings s = main.settings();
        assertEquals(config.toString(), main.settingsFrom);
        assertEquals(7000, s.server().port());
        assertEquals("Lab", s.server().name());
        assertEquals(60, s.server().maxClients());
        assertEquals("127.0.0.1", s.server().bindAddress().getHostAddress());
        assertEquals(new ServerSettings.Log(Path.of("from-cli.xml"), 4096, 3), s.log());
    }

    @Test
    void theResumeSettingsReachTheServerConfigAndTheOptionOverridesTheFile() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"server\": {\"resumeWindowSeconds\": 30, \"maxResumeMessages\": 100}}");
        ServerMain fromFile = new ServerMain();
        new CommandLine(fromFile).parseArgs("--config", config.toString());
        ServerConfig file = ServerMain.serverConfig(fromFile.settings()).build();
        assertEquals(Duration.ofSeconds(30), file.resumeWindow());
        assertEquals(100, file.maxResumeMessages());

        ServerMain off = new ServerMain();
        new CommandLine(off).parseArgs("--config", config.toString(), "--resume-window", "0");
        ServerSettings s = off.settings();
        assertEquals(0, s.server().resumeWindowSeconds());
        assertEquals(100, s.server().maxResumeMessages(), "the file's, which has no option");
        assertEquals(Duration.ZERO, ServerMain.serverConfig(s).build().resumeWindow(), "0 turns sessions off");

        ServerMain defaults = new ServerMain();
        new CommandLine(defaults).parseArgs();
        ServerConfig d = ServerMain.serverConfig(defaults.settings()).build();
        assertEquals(ServerConfig.DEFAULT_RESUME_WINDOW, d.resumeWindow());
        assertEquals(ServerConfig.DEFAULT_MAX_RESUME_MESSAGES, d.maxResumeMessages());
    }

    @Test
    void theRateLimitComesFromTheFileAndTheOptionOverridesItOrTurnsItOff() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"server\": {\"rateLimitPerSecond\": 20, \"rateLimitBurst\": 40}}");
        assertEquals(io.aurachat.server.RateLimit.of(20, 40), rateLimitOf("--config", config.toString()));
        assertEquals(io.aurachat.server.RateLimit.of(5, 40), rateLimitOf("--config", config.toString(), "--rate-limit", "5"),
                "a rate alone keeps the file's burst");
        assertEquals(io.aurachat.server.RateLimit.of(2.5, 7),
                rateLimitOf("--config", config.toString(), "--rate-limit", "2.5/7"));
        assertEquals(io.aurachat.server.RateLimit.NONE, rateLimitOf("--config", config.toString(), "--rate-limit", "off"));
        assertEquals(io.aurachat.server.RateLimit.NONE, rateLimitOf("--rate-limit", "0"));
        assertEquals(ServerConfig.DEFAULT_RATE_LIMIT, rateLimitOf());

        Files.writeString(config, "{\"server\": {\"rateLimitPerSecond\": 0}}");
        assertEquals(io.aurachat.server.RateLimit.NONE, rateLimitOf("--config", config.toString()));
        assertEquals(io.aurachat.server.RateLimit.of(9, ServerConfig.DEFAULT_RATE_LIMIT.burst()),
                rateLimitOf("--config", config.toString(), "--rate-limit", "9"), "no burst in the file: the default's");

        for (String bad : new String[] {"fast", "10/", "/5", "10/0", "0.001", "10/x", "-1"}) {
            Run run = run("--rate-limit", bad);
            assertEquals(2, run.exitCode(), bad);
            assertTrue(run.err().contains("--rate-limit must be off, RATE or RATE/BURST"), bad + ": " + run.err());
        }
    }

    @Test
    void aServerOnLoopbackJoinsTheDiscoveryGroupsOnLoopbackOnly() throws Exception {
        for (String[] bindAndExpected : new String[][] {{"127.0.0.1", "LOOPBACK_ONLY"}, {"::1", "LOOPBACK_ONLY"},
                {"0.0.0.0", "ALL_INTERFACES"}}) {
            ServerMain main = new ServerMain();
            new CommandLine(main).parseArgs("--bind", bindAndExpected[0]);
            assertEquals(bindAndExpected[1], ServerMain.serverConfig(main.settings()).build().discovery().multicast()
                    .name(), bindAndExpected[0]);
        }
    }

    @Test
    void requiredAccountsWithoutATlsPortOrPlainLoginsAreRefusedAtStart() throws Exception {
        Run run = run("--no-tls", "--accounts", "required");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--accounts required without a TLS port lets nobody join"), run.err());
        ServerMain plain = new ServerMain();
        new CommandLine(plain).parseArgs("--no-tls", "--accounts", "required", "--allow-plain-login");
        assertEquals(io.aurachat.accounts.AccountsMode.REQUIRED, plain.settings().accounts().mode(),
                "with plain logins allowed it is a working server");
    }

    private static io.aurachat.server.RateLimit rateLimitOf(String... args) throws Exception {
        ServerMain main = new ServerMain();
        new CommandLine(main).parseArgs(args);
        return ServerMain.serverConfig(main.settings()).build().rateLimit();
    }

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void theBannerIsOneBlockWithTheAddressesAsBound() throws Exception {
        String n = System.lineSeparator();
        assertEquals("AuraChat server 'Lab' is running." + n
                + "  Listening on:  [::]:5000 (TCP, every interface, IPv4 and IPv6)" + n
                + "  Discovery:     on, UDP port 5001: clients on this machine and the local network find it by themselves" + n
                + "  Audit log:     /var/log/chat.xml" + n
                + "  Settings:      util/config.json" + n
                + "  Chat with it:  the terminal client (README.md, Quick start), or  nc 127.0.0.1 5000  (then type HELP)" + n
                + "  Stop it:       Ctrl+C; every client gets a goodbye, then the audit log is closed." + n,
                ServerMain.banner("Lab", "util/config.json", at("::", 5000), Optional.of(at("0.0.0.0", 5001)),
                        Path.of("/var/log/chat.xml")));

        String local = ServerMain.banner("AuraChat", "x", at("127.0.0.1", 6000), Optional.empty(), null);
        assertTrue(local.contains("  Listening on:  127.0.0.1:6000 (TCP, this machine only)" + n), local);
        assertTrue(local.contains("  Discovery:     off: clients need --host 127.0.0.1 --port 6000" + n), local);
        assertTrue(local.contains("  Audit log:     off (--no-audit-log)" + n), local);
        assertTrue(local.contains("  Stop it:       Ctrl+C; every client gets a goodbye." + n), local);

        String v4 = ServerMain.banner("AuraChat", "x", at("0.0.0.0", 5000), Optional.empty(), null);
        assertTrue(v4.contains("  Listening on:  0.0.0.0:5000 (TCP, every IPv4 interface)" + n), v4);
        assertTrue(v4.contains("  Discovery:     off: clients need --host and --port 5000 (--host 127.0.0.1 on this machine)"
                + n), v4);

        String v6 = ServerMain.banner("AuraChat", "x", at("::1", 5000), Optional.of(at("0.0.0.0", 5001)), null);
        assertTrue(v6.contains("  Listening on:  [::1]:5000 (TCP, this machine only)" + n), v6);
        assertTrue(v6.contains("clients do not send: give them the address (--host ::1 --port 5000)"), v6);
        assertTrue(v6.contains("nc ::1 5000"), v6);
    }

    @Test
    void theConsoleLogLeavesTheStartAndStopToTheBanner() {
        LogSink console = ServerMain.consoleEvents();
        assertFalse(console.accepts(LogEvent.ServerStarted.class));
        assertTrue(console.accepts(LogEvent.ClientConnected.class));
        assertTrue(console.accepts(LogEvent.ConnectionRejected.class), "warnings");
        console.log(new LogEvent.ServerStopped(Instant.now())); // every sink gets it: logged nowhere
    }

    @Test
    void withAHomeTheDefaultFileAndTheConfigFilesPathsAreThere() throws Exception {
        Files.createDirectories(dir.resolve("util"));
        Files.writeString(dir.resolve("util/config.json"), "{\"server\": {\"port\": 6001}}");
        ServerMain main = new ServerMain();
        main.home = dir;
        new CommandLine(main).parseArgs();
        ServerSettings s = main.settings();
        assertEquals(6001, s.server().port());
        assertEquals(dir.resolve("util/config.json").toString(), main.settingsFrom);
        assertEquals(dir.resolve("util/log.xml"), s.log().file(), "the default log.file is in the home too");

        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"log\": {\"file\": \"logs/audit.xml\"}}");
        ServerMain named = new ServerMain();
        named.home = dir.resolve("install");
        new CommandLine(named).parseArgs("--config", other.toString());
        assertEquals(dir.resolve("install/logs/audit.xml"), named.settings().log().file(),
                "a relative log.file of any config file is in the home");

        ServerMain cli = new ServerMain();
        cli.home = dir;
        new CommandLine(cli).parseArgs("--log-file", "here.xml");
        assertEquals(Path.of("here.xml"), cli.settings().log().file(),
                "a path on the command line stays relative to the working directory");
    }

    @Test
    void aLogFileThatCannotBeOpenedStopsTheServerFromStarting() throws IOException {
        Path foreign = dir.resolve("notes.xml");
        Files.writeString(foreign, "<notes/>\n");
        Run run = run("--port", "0", "--bind", "127.0.0.1", "--log-file", foreign.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("aurachat-server: cannot open the log " + foreign + ": "), run.err());
        assertTrue(run.err().contains("is not an AuraChat XML log"), run.err());
        assertEquals("<notes/>\n", Files.readString(foreign), "the file is left alone");
    }

    @Test
    void aHistoryFileThatIsNotADatabaseStopsTheServerWithTheWayOut() throws IOException {
        Path foreign = dir.resolve("notes.db");
        Files.writeString(foreign, "these are my notes, not a database\n".repeat(200));
        Run run = run("--port", "0", "--bind", "127.0.0.1", "--no-discovery", "--no-audit-log",
                "--history-file", foreign.toString());
        assertEquals(1, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("aurachat-server: cannot open the history " + foreign + ": "), run.err());
        assertTrue(run.err().contains("--history memory"), run.err());
        assertTrue(Files.readString(foreign).startsWith("these are my notes"), "the file is left alone");
    }

    @Test
    void theHistoryOptionsOverrideTheConfigFile() throws Exception {
        ServerMain cli = new ServerMain();
        cli.home = dir;
        new CommandLine(cli).parseArgs("--history", "MEMORY", "--history-file", "h.db");
        assertEquals(ServerSettings.Store.MEMORY, cli.settings().history().store());
        assertEquals(Path.of("h.db"), cli.settings().history().file());
        ServerMain plain = new ServerMain();
        plain.home = dir;
        new CommandLine(plain).parseArgs();
        assertEquals(dir.resolve("util/history.db"), plain.settings().history().file(),
                "a relative history.file of the config (or the default) is in the home");
        assertEquals(2, run("--history", "postgres").exitCode());
    }

    @Test
    void badValuesAreReportedWithoutAStackTrace() {
        Run negative = run("--idle-timeout", "-1");
        assertEquals(2, negative.exitCode());
        assertTrue(negative.err().contains("--idle-timeout"), negative.err());

        Run port = run("--port", "70000");
        assertEquals(2, port.exitCode());
        assertTrue(port.err().contains("port must be 0 to 65535"), port.err());

        Run notANumber = run("--port", "abc");
        assertEquals(2, notANumber.exitCode());
        assertTrue(notANumber.err().contains("--port"), notANumber.err());

        Run udp = run("--discovery-port", "70000");
        assertEquals(2, udp.exitCode());
        assertTrue(udp.err().contains("discovery port must be 0 to 65535"), udp.err());

        Run threads = run("--io-threads", "257");
        assertEquals(2, threads.exitCode());
        assertTrue(threads.err().contains("--io-threads must be 0 (the default: half the processors) to 256: 257"), threads.err());

        Run resume = run("--resume-window", "86401");
        assertEquals(2, resume.exitCode());
        assertTrue(resume.err().contains("--resume-window must be 0 (no sessions) to 86400 seconds: 86401"), resume.err());

        for (Run run : new Run[] {negative, port, notANumber, udp, threads, resume}) {
            assertTrue(!run.err().contains("\tat "), "no stack trace:\n" + run.err());
        }
    }
    @Test
    void removingAnAccountThatIsNotThereSaysSoAndFails() {
        Path file = dir.resolve("accounts.db");
        Run missing = run("--accounts-file", file.toString(), "--remove-account", "Luigi", "--no-tls",
                "--log-file", dir.resolve("log.xml").toString(), "--history", "none");
        assertEquals(1, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("no account Luigi in " + file), missing.err());
        assertTrue(java.nio.file.Files.exists(file), "the accounts file is made");
    }
}
