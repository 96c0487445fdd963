package io.aurachat.examples;

import io.aurachat.accounts.Account;
import io.aurachat.accounts.AccountAdmin;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.server.ChatServer;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The reference server's owner console: one command a line on the server's standard input ({@code help} lists
 * them), read and run on a daemon thread of its own, since the owner's operations ({@link ChatServer#accounts()})
 * block. At the end of the input (a server started with {@code </dev/null}, by nohup, systemd or a service script)
 * the console ends without a word and the server runs on. A line longer than {@value #MAX_LINE} characters is
 * refused, and read no further into memory.
 *
 * <p>Started in the background from an interactive shell ({@code aurachat-server &}), the server would be stopped
 * by {@code SIGTTIN} at its first read of the terminal; the console ignores that signal, so the read fails instead,
 * and while it fails the console waits and tries again: it answers again once the server is brought to the
 * foreground ({@code fg}).
 *
 * <p>It never prints a password: {@code set-password NAME} reads the new one on a line of its own, masked (and twice)
 * when the input is a terminal.
 */
final class ServerConsole {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.aurachat.examples.console");

    /** The longest console line, in characters. */
    static final int MAX_LINE = 4096;

    /** How long the console waits before it reads a terminal again that it could not read (in the background). */
    private static final long RETRY_MILLIS = 1000;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private final ChatServer server;
    private final Reader in;
    private final PrintWriter out;
    private final Console terminal;
    private final Runnable stop;

    /**
     * A console for {@code server}; {@link #start()} starts reading.
     *
     * @param server the running server
     * @param in the console's input (the server's standard input)
     * @param out where the answers go (the server's standard output)
     * @param terminal the terminal the input comes from, for reading passwords masked; {@code null} if it is not one
     * @param stop what {@code stop} runs: the server's clean shutdown, as on Ctrl+C
     */
    ServerConsole(ChatServer server, InputStream in, PrintWriter out, Console terminal, Runnable stop) {
        this.server = server;
        this.in = new InputStreamReader(in, StandardCharsets.UTF_8);
        this.out = out;
        this.terminal = terminal;
        this.stop = stop;
    }

    /** The terminal of this JVM's standard input and output, or {@code null} if either is redirected. */
    static Console systemTerminal() {
        Console c = System.console();
        if (c == null) {
            return null;
        }
        try { // Java 22+: System.console() may return a console when the streams are redirected
            Object terminal = Console.class.getMethod("isTerminal").invoke(c);
            return Boolean.TRUE.equals(terminal) ? c : null;
        } catch (ReflectiveOperationException e) {
            return c; // Java 21: a console means both are terminals
        }
    }

    /**
     * Ignores {@code SIGTTIN} and {@code SIGTTOU} (where there are such signals), so that a read of the terminal, or a
     * change of its modes (the echo that a password prompt turns off), by a server in the background fails instead of
     * stopping the whole JVM. Through reflection: {@code sun.misc.Signal} is unsupported API.
     */
    /**
     * Whether standard input is {@code /dev/null} (a service manager's default, {@code < /dev/null}, {@code nohup}
     * without a terminal): then there is nobody to type, and the server says nothing of a console. Where it cannot tell
     * (no {@code /proc/self/fd/0}: not Linux), {@code false}.
     */
    static boolean inputIsNull() {
        try {
            java.nio.file.Path in = java.nio.file.Path.of("/proc/self/fd/0");
            java.nio.file.Path none = java.nio.file.Path.of("/dev/null");
            return java.nio.file.Files.exists(in) && java.nio.file.Files.exists(none)
                    && java.nio.file.Files.isSameFile(in, none);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    static void ignoreTerminalInputSignal() {
        for (String name : new String[] {"TTIN", "TTOU"}) {
            try {
                Class<?> signal = Class.forName("sun.misc.Signal");
                Class<?> handler = Class.forName("sun.misc.SignalHandler");
                Object ignore = handler.getField("SIG_IGN").get(null);
                signal.getMethod("handle", signal, handler)
                        .invoke(null, signal.getConstructor(String.class).newInstance(name), ignore);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // No such signal (Windows) or no sun.misc: nothing stops the JVM then, or nothing can be done.
            }
        }
    }

    /** Starts the console on a daemon thread, {@code aurachat-console}. */
    Thread start() {
        return Thread.ofPlatform().daemon().name("aurachat-console").start(this::run);
    }

    /** Reads and runs commands until the end of the input, or {@code stop}. */
    void run() {
        try {
            for (String line; (line = readLine()) != null; ) {
                if (!execute(line)) {
                    return;
                }
            }
            // Quietly: a server of systemd or nohup has no input from the start. At DEBUG for whoever wonders.
            LOG.debug("the console's input has ended: the console is off, the server runs on");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Thrown by {@link #readLine()} past {@link #MAX_LINE} characters, once the rest of the line is skipped. */
    private static final class TooLong extends Exception {
        private static final long serialVersionUID = 1L;

        TooLong() {
            super(null, null, false, false);
        }
    }

    /**
     * The next line, without its end; {@code null} at the end of the input, or if it cannot be read and is not a
     * terminal (nohup's unreadable one, for one). Reports an overlong line and goes on to the next.
     */
    private String readLine() throws InterruptedException {
        while (true) {
            try {
                StringBuilder line = readBoundedLine();
                return line == null ? null : line.toString();
            } catch (TooLong e) {
                tooLong();
            }
        }
    }

    private void tooLong() {
        out.println("console: that line is longer than " + MAX_LINE + " characters; it is ignored");
        out.flush();
    }

    /** Whether the console said it waits for the foreground, and has not read a line since. */
    private boolean paused;

    /** The next line, as {@link #readLine()}, in a builder that a password can be wiped from. */
    private StringBuilder readBoundedLine() throws TooLong, InterruptedException {
        StringBuilder line = new StringBuilder();
        boolean tooLong = false;
        while (true) {
            int c;
            try {
                c = in.read();
            } catch (IOException e) {
                if (terminal == null) {
                    return null;
                }
                // A terminal that refuses the read (EIO, SIGTTIN ignored): the server runs in the background.
                if (!paused) {
                    paused = true;
                    out.println("console: the server runs in the background, where it cannot read the terminal; "
                            + "fg brings the console back");
                    out.flush();
                }
                Thread.sleep(RETRY_MILLIS);
                continue;
            }
            paused = false;
            if (c < 0) {
                if (tooLong || line.length() > MAX_LINE) {
                    throw new TooLong();
                }
                return line.isEmpty() ? null : line;
            }
            if (c == '\n') {
                if (tooLong) {
                    throw new TooLong();
                }
                int n = line.length();
                if (n > 0 && line.charAt(n - 1) == '\r') {
                    line.setLength(n - 1);
                }
                if (line.length() > MAX_LINE) {
                    throw new TooLong();
                }
                return line;
            }
            if (!tooLong) {
                if (line.length() == MAX_LINE + 1) { // one more for a '\r' before the '\n'
                    tooLong = true;
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
        }
    }

    /**
     * Runs one console line and prints its answer.
     *
     * @param line the line, without its end
     * @return {@code false} after {@code stop}
     */
    boolean execute(String line) throws InterruptedException {
        String[] words = line.strip().split("\\s+");
        String command = words[0].toLowerCase(Locale.ROOT);
        List<String> args = Arrays.asList(words).subList(1, words.length);
        try {
            switch (command) {
                case "" -> {
                    // An empty line: nothing to do.
                }
                case "help", "?" -> help();
                case "clients" -> clients(args);
                case "accounts" -> accounts(args);
                case "remove-account" -> removeAccount(args);
                case "set-password" -> setPassword(args);
                case "stop" -> {
                    if (args.isEmpty()) {
                        stop.run();
                        return false;
                    }
                    usage("stop");
                }
                // Not repeated: it may be a password typed at the wrong time.
                default -> out.println("console: unknown command; type help for the commands");
            }
        } catch (IllegalStateException e) { // accounts off, or the server stopped meanwhile
            out.println("console: " + e.getMessage());
        } catch (RuntimeException e) { // the account store failed
            out.println("console: " + command + " failed: " + e);
        } finally {
            out.flush();
        }
        return true;
    }

    private void help() {
        out.print("""
                Console commands, one a line:
                  clients               the connected clients: id, name, account, address, since when
                  accounts              the accounts, with their devices connected now
                  remove-account NAME   delete the account; its devices get bye account-removed
                  set-password NAME     set the account's password; it is asked for on the next line
                  stop                  stop the server, as Ctrl+C does: every client gets a goodbye
                  help                  this list
                """);
    }

    private void usage(String usage) {
        out.println("console: usage: " + usage);
    }

    private void clients(List<String> args) {
        if (!args.isEmpty()) {
            usage("clients");
            return;
        }
        List<ClientInfo> clients = server.clients();
        int waiting = server.detachedSessions();
        out.println(clients.size() + (clients.size() == 1 ? " client" : " clients") + " connected"
                + (waiting == 0 ? "" : " (" + waiting + " of them waiting for RESUME)") + (clients.isEmpty() ? "." : ":"));
        for (ClientInfo c : clients) {
            // A logged-in client's name is its account's, as registered.
            out.println("  " + c.id() + "  " + printable(c.name()) + "  "
                    + (c.account() == null ? "anonymous" : "account " + printable(c.name())) + "  " + c.ip()
                    + "  since " + TIME.format(c.connectedSince()));
        }
    }

    private void accounts(List<String> args) {
        if (!args.isEmpty()) {
            usage("accounts");
            return;
        }
        List<Account> accounts = server.accounts().list();
        List<ClientInfo> clients = server.clients();
        out.println(accounts.size() + (accounts.size() == 1 ? " account" : " accounts") + (accounts.isEmpty() ? "." : ":"));
        for (Account a : accounts) {
            long devices = devices(clients, a);
            out.println("  " + printable(a.name()) + "  registered " + TIME.format(a.created()) + "  "
                    + (devices == 0 ? "no device connected" : devices + (devices == 1 ? " device" : " devices")
                            + " connected"));
        }
    }

    private static long devices(List<ClientInfo> clients, Account a) {
        return clients.stream().filter(c -> a.key().equals(c.account())).count();
    }

    private void removeAccount(List<String> args) {
        if (args.size() != 1) {
            usage("remove-account NAME");
            return;
        }
        AccountAdmin admin = server.accounts();
        String name = args.get(0);
        var account = admin.find(name);
        long devices = account.map(a -> devices(server.clients(), a)).orElse(0L);
        if (account.isEmpty() || !admin.remove(name)) {
            out.println("console: no account " + printable(name));
            return;
        }
        out.println("Removed the account " + printable(account.get().name()) + (devices == 0 ? "."
                : "; " + devices + (devices == 1 ? " device was" : " devices were") + " disconnected."));
    }

    private void setPassword(List<String> args) throws InterruptedException {
        if (args.size() != 1) {
            usage("set-password NAME   (the password comes on the next line, never on this one)");
            return;
        }
        AccountAdmin admin = server.accounts();
        String name = args.get(0);
        // Read first, whether or not the account exists: from a pipe the password line comes whatever the answer and
        // must not run as a command, and on a terminal an owner who types it anyway must not see it echoed (a
        // "no account" said before the masked prompt left it to be typed in clear as a command).
        var account = admin.find(name);
        char[] password = readPassword(printable(account.map(a -> a.name()).orElse(name)));
        if (account.isEmpty()) {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
            out.println("console: no account " + printable(name));
            return;
        }
        String shown = printable(account.get().name());
        if (password == null) {
            out.println("console: no password given; the password of " + shown + " is unchanged");
            return;
        }
        try {
            if (admin.setPassword(name, password)) {
                out.println("Set the password of " + shown + "; its devices stay logged in.");
            } else {
                out.println("console: no account " + printable(name));
            }
        } catch (IllegalArgumentException e) { // the rules; the message never holds the password
            out.println("console: " + e.getMessage() + "; the password of " + shown + " is unchanged");
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** The new password: masked and twice from a terminal, else the next line; {@code null} if none came. */
    private char[] readPassword(String account) throws InterruptedException {
        if (terminal != null) {
            out.flush();
            char[] first = terminal.readPassword("New password for %s (not shown): ", account);
            if (first == null || first.length == 0) {
                return null;
            }
            char[] again = terminal.readPassword("The same again: ");
            boolean same = again != null && Arrays.equals(first, again);
            if (again != null) {
                Arrays.fill(again, '\0');
            }
            if (!same) {
                Arrays.fill(first, '\0');
                out.println("console: the two passwords differ");
                return null;
            }
            return first;
        }
        out.println("New password for " + account + ": reading it from the next line.");
        out.flush();
        StringBuilder line;
        try {
            line = readBoundedLine();
        } catch (TooLong e) {
            tooLong();
            return null;
        }
        if (line == null || line.isEmpty()) {
            return null;
        }
        char[] password = new char[line.length()];
        line.getChars(0, password.length, password, 0);
        for (int i = 0; i < line.length(); i++) {
            line.setCharAt(i, '\0');
        }
        return password;
    }

    /** Text from a client or the console with its control characters shown as {@code ?}, for one safe line. */
    private static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return b.toString();
    }
}
