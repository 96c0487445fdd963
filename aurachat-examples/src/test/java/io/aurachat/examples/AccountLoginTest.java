package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.accounts.AccountsMode;
import io.aurachat.accounts.PasswordHasher;
import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal client with an account, as a script runs it: input from a pipe, output to a file, the password in a
 * file ({@code --password-file}), against a server in this JVM. The prompts of a terminal are in
 * {@link TerminalClientTest}.
 */
class AccountLoginTest {

    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static ChatServer server(AccountsMode mode, boolean plainLogin) throws IOException {
        return ChatServer.create(ServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .discovery(DiscoveryConfig.disabled()).accounts(mode).allowPlainLogin(plainLogin)
                .passwordHasher(PasswordHasher.pbkdf2(1)).build()).start();
    }

    /** Runs the client in its own JVM with these options and this input, until it ends. */
    private Run client(String input, String... options) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                ChatMain.class.getName()));
        command.addAll(List.of(options));
        Process client = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = client.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(client.waitFor(30, TimeUnit.SECONDS), "the client ends at the end of its input");
        return new Run(client.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Path passwordFile() throws IOException {
        Path file = dir.resolve("password");
        Files.writeString(file, PASSWORD + "\n");
        return file;
    }

    @Test
    void aScriptRegistersWithAPasswordFileAndTalksUnderTheAccountsName() throws Exception {
        try (ChatServer server = server(AccountsMode.REQUIRED, true);
                LineClient luigi = LineClient.loggedIn(server.port(), "REGISTER", "Luigi", PASSWORD)) {
            String port = Integer.toString(server.port());

            Run first = client("hello from a bot\n", "--port", port, "--account", "Bot", "--register",
                    "--password-file", passwordFile().toString());
            assertEquals(0, first.exitCode(), first.out() + first.err());
            luigi.take("\"type\":\"message\"", "\"name\":\"Bot\"", "\"account\":\"Bot\"", "\"message\":\"hello from a bot\"");
            assertTrue(first.out().contains("*** Logged into the account Bot.\n"), first.out());
            assertFalse(first.out().contains(PASSWORD), first.out());
            assertEquals("", first.err());

            // The next start of the same script finds the account and logs in.
            Run again = client("/name\n", "--port", port, "--account", "bot", "--register",
                    "--password-file", passwordFile().toString());
            assertEquals(0, again.exitCode(), again.out() + again.err());
            assertTrue(again.out().contains(", logged into the account Bot."), again.out());
            assertTrue(server.accounts().find("Bot").isPresent());
        }
    }

    @Test
    void historyOfAnAccountShowsTheConversationWithAnotherAccountOnly() throws Exception {
        try (ChatServer server = server(AccountsMode.REQUIRED, true);
                LineClient luigi = LineClient.loggedIn(server.port(), "REGISTER", "Luigi", PASSWORD);
                LineClient peach = LineClient.loggedIn(server.port(), "REGISTER", "Peach", PASSWORD)) {
            String port = Integer.toString(server.port());

            Run run = client("/msg Luigi first to luigi\n/msg Peach to peach\n/msg Luigi second to luigi\n"
                    + "/history @luigi\n/history @Toad 5\n", "--port", port, "--account", "Bot", "--register",
                    "--password-file", passwordFile().toString());
            assertEquals(0, run.exitCode(), run.out() + run.err());
            luigi.take("\"message\":\"second to luigi\"");
            peach.take("\"message\":\"to peach\"");
            String out = run.out();
            int header = out.indexOf("*** Private messages with luigi: 2 messages:\n");
            assertTrue(header >= 0, out);
            String page = out.substring(header);
            assertTrue(page.matches("(?s)[^\n]*\n\\d\\d:\\d\\d Bot \\(private\\): first to luigi\n"
                    + "\\d\\d:\\d\\d Bot \\(private\\): second to luigi\n.*"), page);
            assertFalse(page.contains("to peach"), "another conversation: " + page);
            assertTrue(out.contains("*** No private messages with Toad in the history.\n"), out);
        }
    }

    @Test
    void refusedLoginsAreOneClearLine() throws Exception {
        try (ChatServer tlsOnly = server(AccountsMode.REQUIRED, false)) {
            Run insecure = client("", "--port", Integer.toString(tlsOnly.port()), "--account", "Mario",
                    "--register", "--password-file", passwordFile().toString());
            assertEquals(1, insecure.exitCode());
            assertTrue(insecure.out().contains("*** The server takes passwords only over TLS, and this connection is "
                    + "not encrypted: connect to its TLS port"), insecure.out());

            Run anonymous = client("", "--port", Integer.toString(tlsOnly.port()), "--name", "Mario");
            assertEquals(1, anonymous.exitCode());
            assertTrue(anonymous.out().contains("*** This server requires an account: start the client with "
                    + "--account NAME"), anonymous.out());
        }
        try (ChatServer tlsOnly = server(AccountsMode.OPTIONAL, false)) {
            // Said before any password is asked for (a terminal would ask; a pipe would be told it needs one).
            Run login = client("/login Mario\n", "--port", Integer.toString(tlsOnly.port()));
            assertEquals(0, login.exitCode(), login.out() + login.err());
            assertTrue(login.out().contains("*** The server takes passwords only over TLS, and this connection is "
                    + "not encrypted"), login.out());
            assertFalse(login.out().contains("needs a terminal"), login.out());
        }
        try (ChatServer server = server(AccountsMode.OPTIONAL, true)) {
            String port = Integer.toString(server.port());
            Path wrong = dir.resolve("wrong");
            Files.writeString(wrong, "wr0ng-pass");
            client("", "--port", port, "--account", "Mario", "--register", "--password-file", passwordFile().toString());
            Run bad = client("", "--port", port, "--account", "Mario", "--password-file", wrong.toString());
            assertEquals(1, bad.exitCode());
            assertTrue(bad.out().contains("*** Wrong password for Mario, or no such account.\n"), bad.out());

            Run noFile = client("", "--port", port, "--account", "Mario");
            assertEquals(1, noFile.exitCode());
            assertTrue(noFile.out().contains("--account needs --password-file PATH when the input is not a terminal"),
                    noFile.out());
        }
    }
}
