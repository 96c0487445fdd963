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
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The terminal client in a real terminal: each test runs {@link ChatMain} in its own JVM inside a detached
 * tmux session of 100 x 30, types into it and reads the screen, against a server in this JVM on 127.0.0.1
 * (discovery, where a test needs it, answers on a free port and only on loopback). Skipped without tmux,
 * unless {@code AURACHAT_REQUIRE_TMUX=1}.
 */
class TerminalClientTest {

    private static final String TIME = "\\d\\d:\\d\\d ";

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void tmux() {
        Tmux.assumeInstalled(); // per test, so that each one is reported as skipped, with the reason
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private ChatServer server(ServerConfig.Builder config) throws IOException {
        ChatServer server = ChatServer.create(config.bindAddress(InetAddress.getLoopbackAddress()).port(0).build());
        open.add(server);
        return server.start();
    }

    private static ServerConfig.Builder plain() {
        return ServerConfig.builder().discovery(DiscoveryConfig.disabled());
    }

    private LineClient person(ChatServer server, String name) throws IOException {
        LineClient c = LineClient.connect(server.port());
        open.add(c);
        c.send("NAME " + name);
        c.take("\"command\":\"NAME\"", "\"name\":\"" + name + "\"");
        return c;
    }

    /** Starts the client with these options in a terminal of 100 x 30. */
    private Tmux client(String... options) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("java.class.path");
        assertTrue(classpath.contains("classes"), "the test JVM's class path holds the client: " + classpath);
        List<String> command = new ArrayList<>(List.of(java, "-cp", classpath, ChatMain.class.getName()));
        command.addAll(List.of(options));
        Tmux tmux = Tmux.start(100, 30, command);
        open.add(tmux);
        return tmux;
    }

    @Test
    void refusedNameIsAskedAgainAndMessagesAppearAboveTheHalfTypedLine() throws Exception {
        ChatServer server = server(plain());
        LineClient luigi = person(server, "Luigi"); // c1
        Tmux chat = client("--host", "127.0.0.1", "--port", Integer.toString(server.port()));

        chat.awaitText("Your name (Enter keeps c2):");
        chat.type("/msg luigi bring the dice"); // a command typed too early
        chat.press("Enter");
        chat.awaitText("*** That looks like a command; commands come after the name.");
        chat.type("luigi");
        chat.press("Enter");
        chat.awaitText("*** the name 'luigi' is in use; choose another name.");
        chat.await("the name prompt again",
                screen -> Tmux.lastRow(screen).equals("Your name (Enter keeps c2):"));
        chat.type("Mario");
        chat.press("Enter");
        chat.awaitText("*** You are Mario.");
        luigi.take("\"type\":\"rename\"", "\"name\":\"Mario\"", "\"previous\":\"c2\"");

        chat.type("half typed");
        chat.await("the half-typed line", screen -> Tmux.lastRow(screen).equals("Mario> half typed"));
        luigi.send("SAY ciao Mario");
        luigi.send("CHAT c2 psst");
        List<String> screen = chat.await("both messages above the line being typed",
                s -> Tmux.row(s, TIME + "Luigi \\(private\\): psst") >= 0);
        int everyone = Tmux.row(screen, TIME + "Luigi: ciao Mario");
        int privately = Tmux.row(screen, TIME + "Luigi \\(private\\): psst");
        int typing = Tmux.row(screen, "Mario> half typed");
        assertTrue(everyone >= 0 && everyone < privately && privately < typing, String.join("\n", screen));
        assertEquals("Mario> half typed", Tmux.lastRow(screen), "the line being typed is intact, and last");

        chat.type(" and finished");
        chat.press("Enter");
        luigi.take("\"type\":\"message\"", "\"to\":\"*\"", "\"message\":\"half typed and finished\"");

        chat.press("C-d");
        chat.awaitText("*** Bye.");
        assertEquals(0, chat.awaitExit());
        luigi.take("\"type\":\"leave\"", "\"id\":\"c2\"", "\"reason\":\"exit\"");
    }

    @Test
    void commandsHelpAndHistory() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-21T09:15:02Z"), ZoneId.of("Europe/Rome"));
        // The README's embedding example: its ROLL command is called from the terminal as /roll.
        ChatServer server = server(EmbeddedServerExample.config().discovery(DiscoveryConfig.disabled())
                .idleTimeout(Duration.ZERO).clock(clock));
        LineClient luigi = person(server, "Luigi");
        Tmux chat = client("--port", Integer.toString(server.port()), "--name", "Mario");
        chat.awaitText("*** You are Mario.");

        chat.type("/msg luigi psst, it's me");
        chat.press("Enter");
        luigi.take("\"type\":\"message\"", "\"name\":\"Mario\"", "\"to\":\"c1\"", "\"message\":\"psst, it's me\"");
        chat.await("the private message sent", s -> Tmux.row(s, TIME + "you -> Luigi \\(private\\): psst, it's me") >= 0);

        chat.type("/msg Nobody hello");
        chat.press("Enter");
        chat.awaitText("*** Nobody called Nobody is connected; /list shows who is.");

        chat.type("/list");
        chat.press("Enter");
        List<String> screen = chat.awaitText("*** 2 clients connected:");
        assertTrue(Tmux.row(screen, " +c1 +Luigi +127\\.0\\.0\\.1 +since \\d\\d:\\d\\d") >= 0, String.join("\n", screen));
        assertTrue(Tmux.row(screen, " +c2 +Mario \\(you\\) +127\\.0\\.0\\.1 +since \\d\\d:\\d\\d") >= 0,
                String.join("\n", screen));

        chat.type("/time");
        chat.press("Enter");
        chat.awaitText("*** Server time: 2026-11-21 10:15:02 Europe/Rome (UTC+01:00)");

        chat.type("/help");
        chat.press("Enter");
        screen = chat.awaitText("*** Keys:");
        for (String line : new String[] {"/msg <name or id> <text>", "/list", "/time", "/name [new name]", "/quit",
                "*** Commands of this server:", "/roll [sides]", "Roll a die (default 6 sides)."}) {
            assertTrue(screen.stream().anyMatch(l -> l.contains(line)), line + " missing from:\n" + chat.screenText());
        }

        chat.type("/roll 20");
        chat.press("Enter");
        chat.await("the ROLL reply", s -> Tmux.row(s, "\\*\\*\\* ROLL: roll sides=20, value=([1-9]|1\\d|20)") >= 0);
        luigi.take("\"type\":\"message\"", "Mario rolled ");

        chat.type("hello history");
        chat.press("Enter");
        luigi.take("\"message\":\"hello history\"");
        chat.press("Up");
        chat.await("the last line recalled", s -> Tmux.lastRow(s).equals("Mario> hello history"));
        chat.press("Enter");
        luigi.take("\"message\":\"hello history\"");

        chat.type("/quit");
        chat.press("Enter");
        chat.awaitText("*** Bye.");
        assertEquals(0, chat.awaitExit());
        luigi.take("\"type\":\"leave\"", "\"reason\":\"exit\"");
    }

    @Test
    void aJoinedRoomTakesThePlainTextAndShowsItsHistoryAndNotices() throws Exception {
        ChatServer server = server(plain());
        LineClient luigi = person(server, "Luigi"); // c1
        luigi.send("JOIN lobby");
        luigi.take("\"command\":\"JOIN\"", "\"members\":1");
        Tmux chat = client("--port", Integer.toString(server.port()), "--name", "Mario");
        chat.awaitText("*** You are Mario.");

        chat.type("/join Lobby");
        chat.press("Enter");
        chat.awaitText("*** You are in [lobby] (2 members). Plain text now goes to it; /room * sends to everyone.");
        luigi.take("\"type\":\"join\"", "\"name\":\"Mario\"", "\"room\":\"lobby\"");
        chat.await("the prompt with the current room", s -> Tmux.lastRow(s).equals("Mario [lobby]>"));

        chat.type("ciao stanza");
        chat.press("Enter");
        String posted = luigi.take("\"type\":\"message\"", "\"name\":\"Mario\"", "\"room\":\"lobby\"",
                "\"message\":\"ciao stanza\"");
        assertTrue(!posted.contains("\"to\""), "a POST to the room, not a SAY: " + posted);
        luigi.send("POST lobby ciao Mario");
        chat.await("the room message", s -> Tmux.row(s, TIME + "\\[lobby\\] Luigi: ciao Mario") >= 0);

        chat.type("/history");
        chat.press("Enter");
        List<String> screen = chat.awaitText("*** History of [lobby]: 2 messages:");
        int header = Tmux.row(screen, "\\*\\*\\* History of \\[lobby\\]: 2 messages:");
        assertTrue(screen.get(header + 1).matches(TIME + "\\[lobby\\] Mario: ciao stanza"), chat.screenText());
        assertTrue(screen.get(header + 2).matches(TIME + "\\[lobby\\] Luigi: ciao Mario"), chat.screenText());

        chat.type("/rooms");
        chat.press("Enter");
        chat.awaitText("    [lobby]  2 members  (current)");

        luigi.send("PART lobby");
        chat.await("the part notice", s -> Tmux.row(s, TIME + "\\*\\*\\* \\[lobby\\] Luigi left \\(part\\)") >= 0);
        chat.type("solo io");
        chat.press("Enter");
        chat.awaitText("*** Nobody else is in [lobby] to read that.");

        chat.type("/part");
        chat.press("Enter");
        chat.awaitText("*** You left [lobby]. Plain text now goes to everyone.");
        chat.await("the prompt without a room", s -> Tmux.lastRow(s).equals("Mario>"));
        chat.type("di nuovo a tutti");
        chat.press("Enter");
        luigi.take("\"type\":\"message\"", "\"to\":\"*\"", "\"message\":\"di nuovo a tutti\"");

        chat.type("/quit");
        chat.press("Enter");
        chat.awaitText("*** Bye.");
        assertEquals(0, chat.awaitExit());
    }

    @Test
    void aBrokenConnectionIsResumedWithTheMissedMessagesAndTheRoomKept() throws Exception {
        ChatServer server = server(plain());
        TcpProxy network = new TcpProxy(server.address());
        open.add(network);
        LineClient luigi = person(server, "Luigi"); // c1
        luigi.send("JOIN lobby");
        luigi.take("\"command\":\"JOIN\"", "\"members\":1");
        Tmux chat = client("--host", "127.0.0.1", "--port", Integer.toString(network.port()), "--name", "Mario");
        chat.awaitText("*** You are Mario.");
        // The JOIN's reply comes after the SESSION's, which the client sent while connecting: it is resumable now.
        chat.type("/join lobby");
        chat.press("Enter");
        chat.awaitText("*** You are in [lobby] (2 members).");
        luigi.take("\"type\":\"join\"", "\"name\":\"Mario\"", "\"room\":\"lobby\"");
        luigi.send("SAY seen before");
        chat.await("a message it saw", s -> Tmux.row(s, TIME + "Luigi: seen before") >= 0);

        network.cut();
        chat.await("the lost connection", s -> Tmux.row(s, TIME + "\\*\\*\\* Connection lost; reconnecting\\.\\.\\.") >= 0);
        Awaitility.await("the server holds the session").atMost(Tmux.TIMEOUT)
                .until(() -> server.detachedSessions() == 1);
        luigi.send("SAY to everyone meanwhile");
        luigi.take("\"command\":\"SAY\"");
        luigi.send("POST lobby to the room meanwhile");
        luigi.take("\"command\":\"POST\"");
        network.restore();

        List<String> screen = chat.awaitText("*** Reconnected: caught up on 2 messages (above).");
        int lost = Tmux.row(screen, TIME + "\\*\\*\\* Connection lost; reconnecting\\.\\.\\.");
        int everyone = Tmux.row(screen, TIME + "Luigi: to everyone meanwhile");
        int room = Tmux.row(screen, TIME + "\\[lobby\\] Luigi: to the room meanwhile");
        int back = Tmux.row(screen, TIME + "\\*\\*\\* Reconnected: caught up on 2 messages \\(above\\)\\.");
        assertTrue(Tmux.row(screen, TIME + "Luigi: seen before") < lost && lost < everyone && everyone < room
                && room < back, "lost, the missed messages in order, then caught up:\n" + String.join("\n", screen));
        assertEquals(1, screen.stream().filter(l -> l.contains("seen before")).count(),
                "what it had seen is not sent again:\n" + String.join("\n", screen));
        chat.await("the prompt still in the room", s -> Tmux.lastRow(s).equals("Mario [lobby]>"));

        // Live again in the room, under the same id: the others never saw it leave.
        chat.type("back again");
        chat.press("Enter");
        String posted = luigi.take("\"type\":\"message\"", "\"message\":\"back again\"");
        assertTrue(posted.contains("\"from\":{\"id\":\"c2\",\"name\":\"Mario\"")
                && posted.contains("\"room\":\"lobby\""), posted);

        chat.type("/quit");
        chat.press("Enter");
        chat.awaitText("*** Bye.");
        assertEquals(0, chat.awaitExit());
        luigi.take("\"type\":\"leave\"", "\"id\":\"c2\"", "\"reason\":\"exit\"");
    }

    @Test
    void serverShutdownEndsTheBlockedReadWithAClearMessage() throws Exception {
        ChatServer server = server(plain());
        Tmux chat = client("--port", Integer.toString(server.port()), "--name", "Mario");
        chat.awaitText("*** You are Mario.");
        chat.type("never sent");
        chat.await("the line being typed", s -> Tmux.lastRow(s).equals("Mario> never sent"));

        server.close();

        List<String> screen = chat.awaitText("*** The server is shutting down. You have been disconnected.");
        assertEquals(1, chat.awaitExit());
        assertTrue(Tmux.row(screen, "Mario> never sent") < Tmux.row(screen, ".*server is shutting down.*"));
        assertEquals(-1, Tmux.row(screen, ".*reconnecting.*"), "a shutdown is not a lost connection:\n"
                + String.join("\n", screen));
    }

    private static ServerConfig.Builder accounts(AccountsMode mode) {
        return plain().accounts(mode).allowPlainLogin(true).passwordHasher(PasswordHasher.pbkdf2(1));
    }

    /** Types a secret at a masked prompt, once the prompt is the last row. */
    private static void secret(Tmux chat, String prompt, String password) throws IOException {
        chat.await("the prompt '" + prompt + "'", s -> Tmux.lastRow(s).equals(prompt));
        chat.type(password);
        chat.await("the masked secret", s -> Tmux.lastRow(s).equals(prompt + " " + "*".repeat(password.length())));
        chat.press("Enter");
    }

    @Test
    void anAccountIsRegisteredAtMaskedPromptsAndItsPasswordChangedWithoutEverShowingIt() throws Exception {
        ChatServer server = server(accounts(AccountsMode.REQUIRED));
        LineClient luigi = LineClient.loggedIn(server.port(), "REGISTER", "Luigi", "luigi-pass");
        open.add(luigi);
        Tmux chat = client("--port", Integer.toString(server.port()), "--account", "Mario", "--register");

        secret(chat, "Password for the new account Mario:", "s3cret-pass");
        secret(chat, "Again, to be sure:", "s3cret-typo");
        chat.awaitText("*** The two passwords differ; once more.");
        secret(chat, "Password for the new account Mario:", "s3cret-pass");
        secret(chat, "Again, to be sure:", "s3cret-pass");
        chat.awaitText("*** Logged into the account Mario.");
        chat.await("the prompt", s -> Tmux.lastRow(s).equals("Mario>"));
        luigi.take("\"type\":\"join\"", "\"name\":\"Mario\"", "\"account\":\"Mario\"");
        assertEquals(-1, Tmux.row(chat.screen(), "Your name.*"), "a logged-in client has the account's name");

        chat.type("/password");
        chat.press("Enter");
        secret(chat, "Current password:", "s3cret-pass");
        secret(chat, "New password:", "n3w-password");
        secret(chat, "Again, to be sure:", "n3w-password");
        chat.awaitText("*** Password changed.");
        LineClient phone = LineClient.loggedIn(server.port(), "LOGIN", "mario", "n3w-password");
        open.add(phone);

        chat.await("the prompt", s -> Tmux.lastRow(s).equals("Mario>"));
        chat.press("Up");
        chat.await("the last line recalled is the command, no password",
                s -> Tmux.lastRow(s).equals("Mario> /password"));
        String screen = chat.screenText();
        for (String password : List.of("s3cret", "n3w-password")) {
            assertFalse(screen.contains(password), "a password on the screen:\n" + screen);
        }
        chat.press("C-u");
        chat.press("C-d");
        chat.awaitText("*** Bye.");
        assertEquals(0, chat.awaitExit());
    }

    @Test
    void onAServerWithOptionalAccountsLoginInTheSessionRenamesTheClient() throws Exception {
        ChatServer server = server(accounts(AccountsMode.OPTIONAL));
        try (LineClient maker = LineClient.connect(server.port())) {
            maker.send("REGISTER Mario s3cret-pass");
            maker.take("\"command\":\"REGISTER\"", "\"type\":\"ok\"");
        }
        LineClient luigi = person(server, "Luigi");
        Tmux chat = client("--port", Integer.toString(server.port()), "--name", "Anon");
        chat.awaitText("*** This server has accounts: /login <account> logs into yours, /register <account> makes one.");
        chat.awaitText("*** You are Anon.");

        chat.type("/login Mario");
        chat.press("Enter");
        secret(chat, "Password for Mario:", "wr0ng-pass");
        chat.awaitText("*** Wrong password for Mario, or no such account.");
        chat.await("the prompt, still anonymous", s -> Tmux.lastRow(s).equals("Anon>"));

        chat.type("/login mario");
        chat.press("Enter");
        secret(chat, "Password for mario:", "s3cret-pass");
        chat.awaitText("*** Logged into the account Mario; you are Mario.");
        chat.await("the prompt with the account's name", s -> Tmux.lastRow(s).equals("Mario>"));
        luigi.take("\"type\":\"rename\"", "\"name\":\"Mario\"", "\"previous\":\"Anon\"");
        chat.type("/name");
        chat.press("Enter");
        chat.awaitText("*** You are Mario (c3), logged into the account Mario."); // c1 made the account, c2 is Luigi
        assertFalse(chat.screenText().contains("s3cret"), chat.screenText());
        chat.press("C-d");
        chat.awaitText("*** Bye.");
        assertEquals(0, chat.awaitExit());
    }

    @Test
    void idleTimeoutEndsTheClientWithAClearMessage() throws Exception {
        ChatServer server = server(plain().idleTimeout(Duration.ofSeconds(1)));
        Tmux chat = client("--port", Integer.toString(server.port()), "--name", "Sleepy");
        chat.awaitText("*** You are Sleepy.");

        chat.awaitText("*** The server closed the connection for inactivity (no command for 1 second).");
        assertEquals(1, chat.awaitExit());
    }

    @Test
    void noServerFoundIsSaidClearly() throws Exception {
        // A UDP port that nobody answers on: this test holds it and never replies.
        try (DatagramSocket silent = new DatagramSocket(0)) {
            Tmux chat = client("--discovery-target", "127.255.255.255",
                    "--discovery-port", Integer.toString(silent.getLocalPort()), "--discovery-timeout", "0.5");
            chat.awaitText("*** Looking for an AuraChat server on the local network (UDP port "
                    + silent.getLocalPort() + ")...");
            chat.awaitText("*** No AuraChat server answered on the local network within 500 ms.");
            assertEquals(1, chat.awaitExit());
        }
    }

    @Test
    void discoveryFindsTheServerAndCtrlCLeavesCleanly() throws Exception {
        ChatServer server = server(ServerConfig.builder()
                .discovery(DiscoveryConfig.builder().port(0).multicast(DiscoveryConfig.Multicast.NONE).build()));
        LineClient luigi = person(server, "Luigi");
        Tmux chat = client("--discovery-target", "127.255.255.255",
                "--discovery-port", Integer.toString(server.discoveryPort()), "--name", "Mario");
        chat.awaitText("*** Connected to 'AuraChat' at 127.0.0.1:" + server.port() + " as c2.");
        chat.awaitText("*** You are Mario.");
        chat.type("about to leave");
        chat.await("the line being typed", s -> Tmux.lastRow(s).equals("Mario> about to leave"));

        chat.press("C-c");

        chat.awaitText("*** Bye.");
        assertEquals(0, chat.awaitExit());
        luigi.take("\"type\":\"leave\"", "\"id\":\"c2\"", "\"reason\":\"exit\"");
    }
}
