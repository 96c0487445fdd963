package io.aurachat.examples;

import io.aurachat.client.ChatClient;
import io.aurachat.client.ChatErrorException;
import io.aurachat.client.ChatListener;
import io.aurachat.client.ChatMessage;
import io.aurachat.client.ClientConfig;
import io.aurachat.client.CloseReason;
import io.aurachat.client.CommandInfo;
import io.aurachat.client.HistoryResult;
import io.aurachat.client.ConnectionClosedException;
import io.aurachat.client.LoginFailedException;
import io.aurachat.client.Peer;
import io.aurachat.client.ServerNotFoundException;
import io.aurachat.client.Session;
import io.aurachat.accounts.AccountsMode;
import io.aurachat.discovery.DiscoveryUnavailableException;
import io.aurachat.history.HistoryQuery;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.NameRule;
import io.aurachat.protocol.Protocol;
import io.aurachat.protocol.RoomInfo;
import java.io.IOError;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.InfoCmp.Capability;

/**
 * One run of the terminal client: connects, asks for a name, then reads lines and turns them into calls
 * while the {@link ChatClient}'s events are printed above the line being typed
 * ({@link LineReader#printAbove}), so they never garble it.
 *
 * <p>Two threads touch the screen: the main thread, which reads lines and prints the answers to commands,
 * and the client's event thread, which prints messages and notices. Both print only through
 * {@code printAbove}, which takes the reader's lock. When the server ends the connection, the event thread
 * interrupts the main thread: a {@code readLine} then ends at once (JLine turns the interrupt into a
 * {@link UserInterruptException}), and so does a call waiting for its reply. The interrupt is sticky, so
 * it also works if the main thread was just about to start reading.
 */
final class TerminalChat implements ChatListener {

    /** Exit status after the person left ({@code /quit}, Ctrl+D, Ctrl+C, end of input). */
    static final int LEFT = 0;
    /** Exit status when no server was found or reached, or the server ended the connection. */
    static final int FAILED = 1;

    private enum State { RUNNING, QUITTING, ENDED }

    private record Ending(CloseReason reason, Throwable cause) {}

    private final Terminal terminal;
    private final LineReader reader;
    private final boolean interactive;
    private final Clock clock;
    private final Thread mainThread = Thread.currentThread();
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);
    private volatile Ending ending;
    private volatile ChatClient client; // set once connected; the shutdown hook reads it
    /** The room plain text goes to, as the server names it; {@code null}: everyone. Main thread only. */
    private String currentRoom;

    /**
     * @param terminal the terminal to read from and print to; a dumb one (not a TTY) gets no prompt
     * @param clock the clock of the times shown before messages
     */
    TerminalChat(Terminal terminal, Clock clock) {
        this.terminal = terminal;
        this.clock = clock;
        String type = terminal.getType();
        this.interactive = !Terminal.TYPE_DUMB.equals(type) && !Terminal.TYPE_DUMB_COLOR.equals(type);
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("aurachat")
                // "!" is common in chat text; it must not recall history as in a shell.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .variable(LineReader.HISTORY_SIZE, 500)
                // A password typed after /login by mistake must not be recalled with Up ("*" is any text, ":" or).
                .variable(LineReader.HISTORY_IGNORE, "(?i)/login *:(?i)/register *:(?i)/passw(or)?d *")
                .build();
        bindBothCursorKeyForms(reader, terminal);
    }

    /**
     * Terminals send the cursor keys as {@code ESC O A} while {@code readLine} has switched the keypad to
     * application mode, and as {@code ESC [ A} otherwise. JLine binds only the first form, so Up pressed while
     * a command was still running (the keys wait for the next prompt) did nothing. Both forms do the same.
     */
    private static void bindBothCursorKeyForms(LineReader reader, Terminal terminal) {
        KeyMap<Binding> main = reader.getKeyMaps().get(LineReader.MAIN);
        Capability[] keys = {Capability.key_up, Capability.key_down, Capability.key_right, Capability.key_left,
                Capability.key_home, Capability.key_end};
        String finals = "ABCDHF";
        for (int i = 0; i < keys.length; i++) {
            String sequence = KeyMap.key(terminal, keys[i]);
            Binding binding = sequence == null ? null : main.getBound(sequence);
            if (binding == null) {
                continue;
            }
            for (String form : new String[] {"\033[" + finals.charAt(i), "\033O" + finals.charAt(i)}) {
                if (main.getBound(form) == null) {
                    main.bind(binding, form);
                }
            }
        }
    }

    /**
     * Runs until the person leaves or the connection ends. Blocks the calling thread, which must be the one
     * that made this object (it is the one interrupted when the server goes away).
     *
     * @param config the client's configuration, without a name or a login
     * @param name the name to ask the server for first, or {@code null} to ask the person
     * @param connecting what to say while connecting, e.g. "Looking for an AuraChat server..."
     * @param login the account to log into ({@code --account}), or {@code null} to connect anonymously
     * @return {@link #LEFT} or {@link #FAILED}
     */
    int run(ClientConfig config, String name, String connecting, ChatMain.Login login) {
        if (interactive) {
            // Keys typed while connecting are kept for the first prompt instead of being echoed in the middle
            // of the messages above it. Ctrl+C still works (ISIG stays on); closing the terminal restores it.
            terminal.enterRawMode();
        }
        PrintStream originalErr = System.err;
        // Library warnings (SLF4J simple logs to System.err) must not garble the line being typed either.
        System.setErr(new PrintStream(new LinesAbove(), true, StandardCharsets.UTF_8));
        try {
            if (login != null) {
                config = withLogin(config, login);
                if (config == null) {
                    return FAILED;
                }
            }
            print(ChatFormat.info(connecting));
            try {
                client = ChatClient.connect(config, this);
            } catch (LoginFailedException e) {
                print(loginFailed(e, login != null ? login.account() : ""));
                return FAILED;
            } catch (ServerNotFoundException e) {
                print(ChatFormat.error("No AuraChat server answered on the local network within "
                        + seconds(config.discoveryTimeout()) + ". Is one running? Give its address with "
                        + "--host HOST --port PORT if discovery cannot reach it."));
                return FAILED;
            } catch (DiscoveryUnavailableException e) {
                String why = e.failures().isEmpty() ? "nothing to probe"
                        : String.join("; ", new LinkedHashSet<>(e.failures().values()));
                print(ChatFormat.error("Cannot look for a server: no discovery probe could be sent (" + why
                        + "). Is this machine on a network? Give the server's address with --host HOST --port PORT."));
                return FAILED;
            } catch (io.aurachat.client.UntrustedServerException e) {
                print(ChatFormat.error(e.getMessage()));
                return FAILED;
            } catch (ConnectionClosedException e) {
                print(ChatFormat.error("The server refused the connection: "
                        + ChatFormat.closed(e.reason(), e.getCause(), Duration.ZERO)));
                return FAILED;
            } catch (ConnectException | UnknownHostException e) {
                print(ChatFormat.error("Cannot connect to " + address(config) + ": " + e.getMessage()
                        + (e instanceof UnknownHostException ? " (unknown host)" : "")
                        + ". Is the server running there? Give its address with --host HOST --port PORT."));
                return FAILED;
            } catch (IOException e) {
                print(ChatFormat.error("Cannot connect to " + address(config) + ": " + e.getMessage()));
                return FAILED;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "aurachat-terminal-shutdown"));
            Session s = client.session();
            print(ChatFormat.info("Connected to '" + ChatFormat.clean(s.serverName()) + "' at "
                    + Addresses.hostPort(s.server()) + " as " + s.id()
                    + ". Type /help for the commands, /quit to leave."));
            print(ChatFormat.info(security(client)));
            if (client.account().isPresent()) {
                print(ChatFormat.info("Logged into the account " + ChatFormat.clean(client.account().get()) + "."));
            } else if (client.session().accounts() == AccountsMode.OPTIONAL && interactive) {
                print(ChatFormat.info(client.refusesPasswords()
                        ? "This server has accounts, and takes passwords only over TLS: connect to its TLS port to log in."
                        : "This server has accounts: /login <account> logs into yours, /register <account> makes one."));
            }
            if (client.account().isPresent() || chooseName(name)) {
                chat();
            }
            return finish();
        } finally {
            System.setErr(originalErr);
        }
    }

    /**
     * The configuration with the login of {@code --account}: the password from {@code --password-file}, or asked for
     * (twice for {@code --register}); {@code null} if there is none to be had (said why).
     */
    private ClientConfig withLogin(ClientConfig config, ChatMain.Login login) {
        char[] password = null;
        try {
            if (login.passwordFile() != null) {
                try {
                    password = ChatMain.readPasswordFile(login.passwordFile());
                } catch (IOException | IllegalArgumentException e) {
                    print(ChatFormat.error("Cannot read the password from " + login.passwordFile() + ": "
                            + e.getMessage()));
                    return null;
                }
            } else if (!interactive) {
                print(ChatFormat.error("--account needs --password-file PATH when the input is not a terminal: the "
                        + "password is never read from the command line or from a pipe."));
                return null;
            } else {
                password = askPassword(login.account(), login.register());
                if (password == null) {
                    return null;
                }
            }
            try {
                ClientConfig.Builder b = config.toBuilder();
                return (login.register() ? b.register(login.account(), password) : b.login(login.account(), password))
                        .build();
            } catch (IllegalArgumentException e) {
                print(ChatFormat.error(e.getMessage() + "."));
                return null;
            }
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    /** The password of {@code account}, asked for once, or twice for a new account; {@code null} if none was given. */
    private char[] askPassword(String account, boolean register) {
        return register ? newPassword("Password for the new account " + account + ": ")
                : readSecret("Password for " + account + ": ");
    }

    /** The error line for a refused login, registration or password change. */
    private static AttributedString loginFailed(ChatErrorException e, String account) {
        return ChatFormat.error(ChatFormat.loginFailed(e.code(), account, e.serverMessage(), e.retryAfter().orElse(null)));
    }

    /**
     * Asks for a secret with a masked prompt ({@code *} per character), outside the line history. {@code null} if the
     * person cancelled (Ctrl+C, Ctrl+D), there is no terminal, or the connection ended meanwhile. JLine hands the line
     * over as a {@code String}; it is copied to an array at once.
     */
    private char[] readSecret(String prompt) {
        if (!interactive || state.get() != State.RUNNING) {
            return null;
        }
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        try {
            String line = reader.readLine(prompt.replace("%", "%%"), '*');
            return line.isEmpty() ? null : line.toCharArray();
        } catch (UserInterruptException | EndOfFileException | IOError e) {
            return null;
        } finally {
            reader.setVariable(LineReader.DISABLE_HISTORY, false);
        }
    }

    /** A new password, typed twice until both agree; {@code null} if the person gave up. */
    private char[] newPassword(String prompt) {
        while (true) {
            char[] first = readSecret(prompt);
            if (first == null) {
                return null;
            }
            char[] again = readSecret("Again, to be sure: ");
            if (again == null) {
                Arrays.fill(first, '\0');
                return null;
            }
            boolean same = Arrays.equals(first, again);
            Arrays.fill(again, '\0');
            if (same) {
                return first;
            }
            Arrays.fill(first, '\0');
            print(ChatFormat.error("The two passwords differ; once more."));
        }
    }

    // ---- the two phases

    /**
     * Sets the name given on the command line, or asks for one until the server accepts it. Without a
     * terminal (input from a pipe) nobody can answer: the name is the one given, or the id.
     */
    private boolean chooseName(String wanted) {
        if (wanted == null && !interactive) {
            return true;
        }
        String candidate = wanted;
        reader.setVariable(LineReader.DISABLE_HISTORY, true);
        try {
            while (true) {
                if (candidate == null) {
                    candidate = readLine("Your name (Enter keeps " + client.id() + "): ");
                    if (candidate == null) {
                        return false;
                    }
                    candidate = candidate.strip();
                    if (candidate.isEmpty()) {
                        return true;
                    }
                    if (candidate.startsWith("/")) { // a command typed too early is not a name
                        if (candidate.equalsIgnoreCase("/quit")) {
                            return false;
                        }
                        print(ChatFormat.error("That looks like a command; commands come after the name. Type a name,"
                                + " or press Enter to keep " + client.id() + "."));
                        candidate = null;
                        continue;
                    }
                }
                try {
                    print(ChatFormat.info("You are " + ChatFormat.clean(client.setName(candidate)) + "."));
                    return true;
                } catch (ChatErrorException e) {
                    print(ChatFormat.error(e.serverMessage() + (interactive ? "; choose another name." : ".")));
                    if (!interactive) {
                        return false;
                    }
                    candidate = null;
                } catch (IOException | IllegalStateException e) {
                    return false;
                } catch (IllegalArgumentException e) {
                    print(ChatFormat.error(e.getMessage()));
                    candidate = null;
                }
            }
        } finally {
            reader.setVariable(LineReader.DISABLE_HISTORY, false);
        }
    }

    /** Reads lines and acts on them until the person leaves or the connection ends. */
    private void chat() {
        while (true) {
            String line = readLine(interactive ? prompt() : "");
            if (line == null) {
                return;
            }
            try {
                if (!handle(ChatInput.parse(line))) {
                    quit();
                    return;
                }
            } catch (ChatErrorException e) {
                print(ChatFormat.error(e.serverMessage()));
            } catch (ConnectionClosedException e) {
                if (state.get() == State.RUNNING && !client.isClosed()) {
                    // Reconnecting (onDisconnected said so): nothing is sent meanwhile.
                    print(ChatFormat.error("Not sent: " + e.getMessage()));
                }
                // Otherwise the connection is gone for good: onClosed follows and says why.
            } catch (IOException | IllegalStateException e) {
                if (state.get() == State.ENDED) {
                    return;
                }
                print(ChatFormat.error("Failed: " + e.getMessage()));
            } catch (IllegalArgumentException e) {
                print(ChatFormat.error("Not sent: " + e.getMessage()));
            }
        }
    }

    /** {@code Mario> }, or {@code Mario [lobby]> } while plain text goes to a room. */
    private String prompt() {
        String where = currentRoom == null ? "" : " " + ChatFormat.room(currentRoom);
        return (client.name() + where).replace("%", "%%") + "> ";
    }

    /**
     * Reads one line; {@code null} when the person left or the connection ended (Ctrl+D, Ctrl+C, end of
     * input, or the interrupt from {@link #onClosed}).
     */
    private String readLine(String prompt) {
        if (state.get() != State.RUNNING) {
            return null;
        }
        try {
            return reader.readLine(prompt);
        } catch (UserInterruptException | EndOfFileException | IOError e) {
            if (state.get() == State.RUNNING) {
                quit();
            }
            return null;
        }
    }

    /** Acts on one line; false when it asks to leave. */
    private boolean handle(ChatInput input) throws IOException {
        switch (input) {
            case ChatInput.Nothing n -> { }
            case ChatInput.Say say -> {
                if (currentRoom != null) {
                    if (client.post(currentRoom, say.text()) == 0) {
                        print(ChatFormat.info("Nobody else is in " + ChatFormat.room(currentRoom) + " to read that."));
                    }
                } else if (client.say(say.text()) == 0) {
                    print(ChatFormat.info("Nobody else is here to read that."));
                }
            }
            case ChatInput.Join j -> {
                RoomInfo room = client.join(j.room());
                currentRoom = room.name();
                print(ChatFormat.info("You are in " + ChatFormat.room(room.name()) + " ("
                        + (room.members() == 1 ? "nobody else yet" : room.members() + " members")
                        + "). Plain text now goes to it; /room * sends to everyone."));
            }
            case ChatInput.Part p -> part(p.room());
            case ChatInput.SwitchRoom r -> switchRoom(r.room());
            case ChatInput.ListRooms r -> print(ChatFormat.rooms(client.rooms(),
                    new HashSet<>(client.joinedRooms()), currentRoom));
            case ChatInput.Members m -> {
                String room = m.room().isEmpty() ? currentRoom : m.room();
                if (room == null) {
                    print(ChatFormat.error("Usage: /members [room]; without a room, the current one (you have none)."));
                } else {
                    print(ChatFormat.members(room, client.members(room), client.id(), clock.getZone()));
                }
            }
            case ChatInput.History h when h.account() != null -> {
                HistoryResult page = client.history(HistoryQuery.latest("@" + h.account(), h.limit()));
                print(ChatFormat.conversation(h.account(), page.messages(), page.more(), clock.getZone()));
            }
            case ChatInput.Conversations c -> print(ChatFormat.conversations(client.conversations(c.limit()),
                    clock.getZone(), java.time.LocalDate.now(clock)));
            case ChatInput.History h -> {
                HistoryResult page = client.history(HistoryQuery.latest(
                        currentRoom == null ? Protocol.EVERYONE : currentRoom, h.limit()));
                print(ChatFormat.history(currentRoom, page.messages(), page.more(), clock.getZone()));
            }
            case ChatInput.Invalid i -> print(ChatFormat.error(i.usage()));
            case ChatInput.Msg msg -> sendPrivately(msg.rest());
            case ChatInput.ListClients l -> print(ChatFormat.clients(client.list(), client.id(), clock.getZone()));
            case ChatInput.Time t -> print(ChatFormat.serverTime(client.time()));
            case ChatInput.Name n -> {
                if (n.name().isEmpty()) {
                    print(ChatFormat.info("You are " + ChatFormat.label(client.id(), client.name())
                            + client.account().map(a -> ", logged into the account " + ChatFormat.clean(a)).orElse("")
                            + (client.account().isPresent() ? "." : ". /name <new name> changes it.")));
                } else {
                    print(ChatFormat.info("You are now " + ChatFormat.clean(client.setName(n.name())) + "."));
                }
            }
            case ChatInput.Login l -> logIn(l.account(), false);
            case ChatInput.Register r -> logIn(r.account(), true);
            case ChatInput.ChangePassword p -> changePassword();
            case ChatInput.Help h -> print(ChatFormat.help(serverCommands()));
            case ChatInput.Quit q -> {
                return false;
            }
            case ChatInput.ServerCommand c -> {
                try {
                    print(ChatFormat.response(client.call(c.verb(), c.arguments())));
                } catch (ChatErrorException e) {
                    if (!ErrorCodes.UNKNOWN_COMMAND.equals(e.code())) {
                        throw e;
                    }
                    print(ChatFormat.error("No command /" + ChatFormat.clean(c.verb()) + ". /help lists the commands."));
                } catch (IllegalArgumentException e) {
                    print(ChatFormat.error("No command /" + ChatFormat.clean(c.verb()) + ". /help lists the commands."));
                }
            }
        }
        return true;
    }

    /** {@code /login} and {@code /register}: asks for the password, then logs in; the server renames this client. */
    private void logIn(String account, boolean register) throws IOException {
        if (client.refusesPasswords()) { // said before a password is typed for nothing
            print(ChatFormat.error(ChatFormat.loginFailed(ErrorCodes.INSECURE_CONNECTION, account, null, null)));
            return;
        }
        if (!interactive) {
            print(ChatFormat.error("/" + (register ? "register" : "login") + " asks for the password, which needs a "
                    + "terminal; in a script, use --account with --password-file."));
            return;
        }
        char[] password = askPassword(account, register);
        if (password == null) {
            print(ChatFormat.info("Not logged in."));
            return;
        }
        try {
            String name = register ? client.register(account, password) : client.login(account, password);
            print(ChatFormat.info((register ? "Made the account " : "Logged into the account ") + ChatFormat.clean(name)
                    + (register ? " and logged into it" : "") + "; you are " + ChatFormat.clean(client.name()) + "."));
        } catch (LoginFailedException e) {
            print(loginFailed(e, account));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** {@code /password}: asks for the current password and a new one (twice). */
    private void changePassword() throws IOException {
        if (!interactive) {
            print(ChatFormat.error("/password asks for the passwords, which needs a terminal."));
            return;
        }
        if (client.account().isEmpty()) {
            print(ChatFormat.error("You are not logged into an account; /login <account> first."));
            return;
        }
        if (client.refusesPasswords()) {
            print(ChatFormat.error(ChatFormat.loginFailed(ErrorCodes.INSECURE_CONNECTION, client.account().get(), null,
                    null)));
            return;
        }
        char[] old = readSecret("Current password: ");
        char[] fresh = old == null ? null : newPassword("New password: ");
        try {
            if (fresh == null) {
                print(ChatFormat.info("The password stays as it was."));
                return;
            }
            client.changePassword(old, fresh);
            print(ChatFormat.info("Password changed."));
        } catch (ChatErrorException e) {
            print(ErrorCodes.BAD_CREDENTIALS.equals(e.code())
                    ? ChatFormat.error("That is not the current password; it stays as it was.")
                    : loginFailed(e, client.account().orElse("")));
        } finally {
            if (old != null) {
                Arrays.fill(old, '\0');
            }
            if (fresh != null) {
                Arrays.fill(fresh, '\0');
            }
        }
    }

    private void sendPrivately(String rest) throws IOException {
        if (rest.isEmpty()) {
            print(ChatFormat.error("Usage: /msg <name or id> <text>"));
            return;
        }
        List<ClientInfo> clients = client.list();
        Optional<ChatInput.Recipient> to = ChatInput.resolve(rest, clients);
        if (to.isEmpty()) {
            String who = rest.split("\\s+", 2)[0];
            print(ChatFormat.error("Nobody called " + ChatFormat.clean(who) + " is connected; /list shows who is."));
        } else if (to.get().text().isEmpty()) {
            print(ChatFormat.error("Usage: /msg <name or id> <text>"));
        } else {
            client.chat(to.get().client().id(), to.get().text());
            print(ChatFormat.sentPrivately(now(), to.get().client(), to.get().text()));
        }
    }

    private void part(String typed) throws IOException {
        String room = typed.isEmpty() ? currentRoom : typed;
        if (room == null) {
            print(ChatFormat.error("Usage: /part [room]; without a room, the current one (you have none)."));
            return;
        }
        client.part(room);
        if (currentRoom != null && NameRule.standardKey(currentRoom).equals(NameRule.standardKey(room))) {
            currentRoom = null;
            print(ChatFormat.info("You left " + ChatFormat.room(room) + ". Plain text now goes to everyone."));
        } else {
            print(ChatFormat.info("You left " + ChatFormat.room(room) + "."));
        }
    }

    private void switchRoom(String typed) {
        if (typed.isEmpty()) {
            currentRoom = null;
            print(ChatFormat.info("Plain text now goes to everyone."));
            return;
        }
        String key = NameRule.standardKey(typed);
        Optional<String> joined = client.joinedRooms().stream()
                .filter(r -> NameRule.standardKey(r).equals(key)).findFirst();
        if (joined.isEmpty()) {
            print(ChatFormat.error("You are not in " + ChatFormat.room(typed) + "; /join " + ChatFormat.clean(typed)
                    + " joins it."));
            return;
        }
        currentRoom = joined.get();
        print(ChatFormat.info("Plain text now goes to " + ChatFormat.room(currentRoom) + "."));
    }

    private List<CommandInfo> serverCommands() throws IOException {
        try {
            return client.help();
        } catch (ChatErrorException e) {
            return List.of(); // a server without HELP
        }
    }

    // ---- leaving

    /** The person leaves: EXIT is sent by {@link #finish}. */
    private void quit() {
        state.compareAndSet(State.RUNNING, State.QUITTING);
    }

    /** Closes the client and says why the session ended; the exit status. */
    private int finish() {
        Ending e = ending;
        if (state.get() == State.ENDED) {
            Thread.interrupted(); // the interrupt from onClosed has done its job
            print(ChatFormat.error(ChatFormat.closed(e.reason(), e.cause(), client.session().idleTimeout())));
            client.close();
            return FAILED;
        }
        quit();
        client.close(); // sends EXIT and waits for the server's bye
        print(ChatFormat.info("Bye."));
        return LEFT;
    }

    /** The JVM is stopping (kill, or Ctrl+C while no line was being read): still say goodbye to the server. */
    private void shutdown() {
        if (state.compareAndSet(State.RUNNING, State.QUITTING)) {
            client.close();
        }
    }

    // ---- ChatListener: runs on the client's event thread

    @Override
    public void onMessage(ChatClient c, ChatMessage message) {
        // A message a resume replays was sent a while ago: it shows when (live ones arrive as they are sent).
        LocalTime at = catchingUp && message.time().isPresent()
                ? LocalTime.ofInstant(message.time().get(), clock.getZone()) : now();
        print(ChatFormat.message(at, message));
    }

    /** Between onReconnected and onResumed: the messages that come are what the session missed. Event thread only. */
    private boolean catchingUp;

    @Override
    public void onReconnected(ChatClient c, Session session) {
        catchingUp = true;
    }

    @Override
    public void onJoin(ChatClient c, Peer peer) {
        print(ChatFormat.joined(now(), peer));
    }

    @Override
    public void onLeave(ChatClient c, Peer peer, LeaveReason reason) {
        print(ChatFormat.left(now(), peer, reason));
    }

    @Override
    public void onRename(ChatClient c, Peer peer, String previousName) {
        print(ChatFormat.renamed(now(), peer, previousName));
    }

    @Override
    public void onRoomJoin(ChatClient c, String room, Peer peer) {
        print(ChatFormat.roomJoined(now(), room, peer));
    }

    @Override
    public void onRoomLeave(ChatClient c, String room, Peer peer, String reason) {
        print(ChatFormat.roomLeft(now(), room, peer, reason));
    }

    @Override
    public void onRoomRename(ChatClient c, String room, Peer peer, String previousName) {
        print(ChatFormat.roomRenamed(now(), room, peer, previousName));
    }

    @Override
    public void onPresenceMissed(ChatClient c, long skipped) {
        print(ChatFormat.notice(now(), "missed " + skipped + " join/leave notices while catching up; /list shows who is here"));
    }

    @Override
    public void onDisconnected(ChatClient c, CloseReason reason, Throwable cause) {
        if (reason != CloseReason.NETWORK_FAILURE && reason != CloseReason.SLOW_CONSUMER
                && reason != CloseReason.OTHER) {
            // The server stopped or refused this client: no point trying again; onClosed tells why.
            c.close();
            return;
        }
        print(ChatFormat.notice(now(), "Connection lost; reconnecting..."));
    }

    @Override
    public void onResumed(ChatClient c, boolean resumed, int missed, boolean recovered) {
        catchingUp = false;
        String caughtUp = missed == 0 ? "nothing was missed" : missed == 1 ? "caught up on 1 message (above)"
                : "caught up on " + missed + " messages (above)";
        if (!resumed) {
            print(ChatFormat.notice(now(), "Reconnected as a new client (" + c.id() + "): messages sent while you "
                    + "were away are lost; /history shows what the server kept."));
        } else if (recovered) {
            print(ChatFormat.notice(now(), "Reconnected: " + caughtUp + "."));
        } else {
            print(ChatFormat.notice(now(), "Reconnected: " + caughtUp + ", but some were no longer kept; "
                    + "/history shows what the server kept."));
        }
    }

    @Override
    public void onClosed(ChatClient c, CloseReason reason, Throwable cause) {
        if (state.get() != State.RUNNING) {
            return; // the person left: EXIT, or the JVM is stopping
        }
        ending = new Ending(reason, cause); // before the state changes, so that finish() always sees it
        if (state.compareAndSet(State.RUNNING, State.ENDED)) {
            mainThread.interrupt();
        }
    }

    // ---- output

    private LocalTime now() {
        return LocalTime.now(clock);
    }

    private void print(AttributedString line) {
        reader.printAbove(line);
    }

    private void print(List<AttributedString> lines) {
        for (AttributedString line : lines) {
            reader.printAbove(line);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String address(ClientConfig config) {
        return config.server().map(a -> a.getHostString() + ":" + a.getPort()).orElse("the server");
    }

    /**
     * A stream whose complete lines are printed above the line being typed. At most 8 KiB of a line are
     * kept; a longer line is printed in pieces.
     */
    private final class LinesAbove extends OutputStream {
        private final byte[] buffer = new byte[8192];
        private int length;
        private final ReentrantLock lock = new ReentrantLock();

        @Override
        public void write(int b) {
            lock.lock();
            try {
                if (b == '\n' || length == buffer.length) {
                    emit();
                }
                if (b != '\n' && b != '\r') {
                    buffer[length++] = (byte) b;
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            lock.lock();
            try {
                for (int i = off; i < off + len; i++) {
                    write(b[i]);
                }
            } finally {
                lock.unlock();
            }
        }

        private void emit() {
            String line = new String(Arrays.copyOf(buffer, length), StandardCharsets.UTF_8);
            length = 0;
            reader.printAbove(ChatFormat.clean(line));
        }
    }

    /** One line on how the connection is protected: the TLS facts, or a warning that it is not. */
    static String security(ChatClient client) {
        io.aurachat.client.KnownServers known = client.config().tls()
                .map(io.aurachat.client.TlsTrust::knownServersFile).orElse(null);
        return client.tls().map(t -> t.firstContact()
                ? "Encrypted (" + t.protocol() + "). First connection to this server: its certificate fingerprint SHA256 "
                        + t.fingerprint().display() + " is remembered now"
                        + (known == null ? "" : " (in " + known.file() + ")")
                        + "; compare it with the one the server printed at its start."
                : "Encrypted (" + t.protocol() + "); the server's certificate is the one "
                        + (known == null ? "pinned (--fingerprint)." : "remembered."))
                .orElse("Not encrypted: anyone on the network can read this chat (the server offers no TLS, or this"
                        + " client was told its plain port or --no-tls).");
    }
}
