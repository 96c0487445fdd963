package io.aurachat.examples;

import io.aurachat.client.ClientConfig;
import io.aurachat.client.ReconnectPolicy;
import io.aurachat.discovery.DiscoveryClient;
import io.aurachat.discovery.DiscoveryConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reference AuraChat terminal client: {@code aurachat-chat [--host HOST] [--port PORT] [--name NAME]
 * [--account NAME [--register] [--password-file PATH]]}.
 * Without {@code --host} or {@code --port} it finds a server on the local network (UDP discovery). It
 * asks for a name (or, with {@code --account}, for the account's password, with a masked prompt), then every line
 * typed goes to everyone, and {@code /help} lists the commands.
 * Messages that arrive are printed above the line being typed, which stays as it was (JLine).
 *
 * <p>With input from a pipe it still works, without prompt or line editing: {@code printf 'hello\n/list\n'
 * | aurachat-chat --host 127.0.0.1 --name Bot}.
 */
@Command(name = "aurachat-chat", mixinStandardHelpOptions = true, version = "AuraChat terminal client 0.1.0",
        description = "Chat on an AuraChat server from a terminal. Type /help once connected.",
        sortOptions = false)
public final class ChatMain implements Callable<Integer> {

    /** The server's plain port when {@code --no-tls} is given or its TLS port does not answer. */
    static final int DEFAULT_PORT = 5000;
    /** The server's TLS port by default. */
    static final int DEFAULT_TLS_PORT = io.aurachat.server.TlsConfig.DEFAULT_PORT;

    @Option(names = "--host", paramLabel = "HOST",
            description = "Connect to this server (name or address) instead of finding one with LAN discovery.")
    String host;

    @Option(names = "--port", paramLabel = "PORT",
            description = "The server's port: its TLS port with --tls or --fingerprint, else its plain port. Default: "
                    + "the TLS port " + DEFAULT_TLS_PORT + " if it answers, else the plain port " + DEFAULT_PORT
                    + ". Given without --host, the server is on this machine (127.0.0.1).")
    Integer port;

    @Option(names = "--tls", description = "Connect over TLS only (with --port: that port is the TLS port).")
    boolean tls;

    @Option(names = "--no-tls", description = "Connect in plain text, even to a server that offers TLS.")
    boolean noTls;

    @Option(names = "--fingerprint", paramLabel = "SHA256",
            description = "Trust only the server whose certificate has this SHA-256 fingerprint (as the server "
                    + "prints it at its start; colons optional). Implies --tls.")
    String fingerprint;

    @Option(names = "--known-servers", paramLabel = "PATH",
            description = "Where the fingerprints of servers met before are remembered (trust on first use, like "
                    + "SSH's known_hosts). Default: ~/.aurachat/known_servers.")
    java.nio.file.Path knownServers;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Your display name. Default: asked for at the start (on a terminal).")
    String name;

    @Option(names = "--account", paramLabel = "NAME",
            description = "Log into this account (your display name is then its name). The password is asked for "
                    + "with a masked prompt, or read from --password-file; never give it on the command line.")
    String account;

    @Option(names = "--register",
            description = "With --account: make the account if it does not exist yet (the password is asked for "
                    + "twice), then log into it; later starts log in.")
    boolean register;

    @Option(names = "--password-file", paramLabel = "PATH",
            description = "With --account: read the password from the first line of this file instead of asking "
                    + "(for scripts; keep the file readable by you alone, chmod 600).")
    java.nio.file.Path passwordFile;

    @Option(names = "--discovery-port", paramLabel = "PORT",
            description = "UDP port that servers answer discovery probes on. Default: " + DiscoveryConfig.DEFAULT_PORT
                    + ".")
    Integer discoveryPort;

    @Option(names = "--discovery-timeout", paramLabel = "SECONDS",
            description = "How long to wait for a server to answer discovery, e.g. 0.5. Default: 2.")
    Double discoveryTimeoutSeconds;

    @Option(names = "--discovery-target", paramLabel = "ADDRESS",
            description = "Probe only this address (repeatable): a server's IP, a broadcast address such as "
                    + "192.168.1.255 or 127.255.255.255, or a multicast group. Default: this machine (127.0.0.1 and "
                    + "127.255.255.255), the broadcast address of every network interface, 255.255.255.255, and the "
                    + "groups 239.255.77.77 and ff02::77:77.")
    List<String> discoveryTargets = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the client until the person leaves or the connection ends, then exits with status 0 (left),
     * 1 (no server, or the server ended the connection) or 2 (bad options).
     *
     * @param args the command line; {@code --help} lists the options
     */
    public static void main(String[] args) {
        // The library logs through SLF4J; on a chat screen only warnings are worth a line.
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.showDateTime", "false");
        System.exit(new CommandLine(new ChatMain()).execute(args));
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Thrown for a bad command-line value; the message is the whole story. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The login {@code --account} asks for: the password is not part of it (it is asked for, or read from the file,
     * just before connecting).
     *
     * @param account the account's name
     * @param register whether to make the account if it does not exist ({@code --register})
     * @param passwordFile where the password is, or {@code null} to ask for it
     */
    record Login(String account, boolean register, java.nio.file.Path passwordFile) {}

    /**
     * The login these options ask for, or {@code null} for none.
     *
     * @throws UsageException if {@code --register} or {@code --password-file} come without {@code --account}, or the
     *     account is not one word
     */
    Login login() throws UsageException {
        if (account == null) {
            if (register || passwordFile != null) {
                throw new UsageException("--register and --password-file go with --account NAME");
            }
            return null;
        }
        if (account.isEmpty() || account.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            throw new UsageException("--account must be one word (an account's name has no spaces): '" + account + "'");
        }
        if (name != null) {
            throw new UsageException("--name does not go with --account: your name is then the account's");
        }
        return new Login(account, register, passwordFile);
    }

    /**
     * The password in the first line of {@code file} (without its line terminator), decoded from UTF-8 into an array
     * that the caller clears; the bytes read are cleared here.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if its first line is empty or not UTF-8
     */
    static char[] readPasswordFile(java.nio.file.Path file) throws IOException {
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        java.nio.CharBuffer chars = null;
        try {
            int end = 0;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            if (end == 0) {
                throw new IllegalArgumentException("its first line is empty");
            }
            chars = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(bytes, 0, end));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            return password;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("it is not UTF-8 text");
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
            if (chars != null) {
                java.util.Arrays.fill(chars.array(), '\0');
            }
        }
    }

    /**
     * How the terminal client takes up a lost connection: after 0.5 s, then up to 5 s apart, 15 times (about a
     * minute), resuming its session each time it gets through.
     */
    static final ReconnectPolicy RECONNECT =
            ReconnectPolicy.backoff(Duration.ofMillis(500), Duration.ofSeconds(5)).maxAttempts(15);

    /**
     * The client configuration these options ask for (no name: the chat sets it after connecting, so that
     * a name the server refuses can be asked for again on the same connection).
     *
     * @throws UsageException if an option is out of range or options contradict each other
     */
    ClientConfig config() throws UsageException {
        // A lost connection (Wi-Fi, a sleeping laptop) is taken up again for about a minute, and the session resumed
        // with what was missed; the chat ends at once when the server stops or refuses it (TerminalChat).
        ClientConfig.Builder b = ClientConfig.builder().reconnect(RECONNECT);
        if (port != null && (port < 1 || port > 65_535)) {
            throw new UsageException("--port must be 1 to 65535: " + port);
        }
        if (discoveryPort != null && (discoveryPort < 1 || discoveryPort > 65_535)) {
            throw new UsageException("--discovery-port must be 1 to 65535: " + discoveryPort);
        }
        if (discoveryTimeoutSeconds != null
                && !(discoveryTimeoutSeconds >= 0.001 && discoveryTimeoutSeconds <= 600)) {
            throw new UsageException("--discovery-timeout must be 0.001 to 600 seconds: " + discoveryTimeoutSeconds);
        }
        boolean direct = host != null || port != null;
        if (direct && (discoveryPort != null || discoveryTimeoutSeconds != null || !discoveryTargets.isEmpty())) {
            throw new UsageException("--host and --port connect directly: the --discovery-* options do not apply");
        }
        if (name != null && name.isBlank()) {
            throw new UsageException("--name must not be blank");
        }
        if (noTls && (tls || fingerprint != null || knownServers != null)) {
            throw new UsageException("--no-tls contradicts --tls, --fingerprint and --known-servers");
        }
        io.aurachat.client.TlsTrust trust = null;
        if (fingerprint != null) {
            try {
                trust = io.aurachat.client.TlsTrust.pinned(io.aurachat.protocol.Fingerprint.parse(fingerprint));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--fingerprint must be a SHA-256 fingerprint (64 hex digits): " + fingerprint);
            }
        } else if (!noTls) {
            trust = io.aurachat.client.TlsTrust.knownServers(knownServers != null ? knownServers
                    : io.aurachat.client.KnownServers.defaultFile());
        }
        boolean tlsOnly = tls || fingerprint != null;
        if (direct) {
            String h = host != null ? host : "127.0.0.1";
            if (noTls) {
                return b.server(h, port != null ? port : DEFAULT_PORT).build();
            }
            if (tlsOnly || port == null && (answers(h, DEFAULT_TLS_PORT) || known(trust, h, DEFAULT_TLS_PORT))) {
                // A server remembered with TLS is never reached in plain text because its TLS port did not answer.
                return b.server(h, port != null ? port : DEFAULT_TLS_PORT).tls(trust).build();
            }
            return b.server(h, port != null ? port : DEFAULT_PORT).build();
        }
        b.tls(trust).requireTls(tlsOnly);
        List<InetAddress> unicast = new ArrayList<>();
        List<InetAddress> groups = new ArrayList<>();
        for (String target : discoveryTargets) {
            InetAddress address = literal(target);
            (address.isMulticastAddress() ? groups : unicast).add(address);
        }
        int udpPort = discoveryPort != null ? discoveryPort : DiscoveryConfig.DEFAULT_PORT;
        Supplier<DiscoveryClient> discovery = discoveryTargets.isEmpty()
                ? () -> DiscoveryClient.builder().port(udpPort).build()
                : () -> DiscoveryClient.builder().port(udpPort).targets(unicast).multicastGroups(groups).build();
        Duration timeout = discoveryTimeoutSeconds == null ? DiscoveryClient.DEFAULT_TIMEOUT
                : Duration.ofNanos(Math.round(discoveryTimeoutSeconds * 1e9));
        return b.discover(discovery).discoveryTimeout(timeout).build();
    }

    /** Whether something accepts TCP connections at {@code host:port} within a second. */
    static boolean answers(String host, int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean known(io.aurachat.client.TlsTrust trust, String host, int port) {
        try {
            return trust != null && trust.knownServersFile() != null
                    && trust.knownServersFile().lookup(io.aurachat.client.KnownServers.key(host, port)).isPresent();
        } catch (java.io.UncheckedIOException e) {
            return false;
        }
    }

    private static InetAddress literal(String address) throws UsageException {
        if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !address.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%\\w+)?")) {
            throw new UsageException("--discovery-target must be an IP address: " + address);
        }
        try {
            return InetAddress.getByName(address); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new UsageException("--discovery-target must be an IP address: " + address);
        }
    }

    /** What the client says while it connects. */
    String connecting(ClientConfig config) {
        return config.server()
                .map(a -> "Connecting to " + a.getHostString() + ":" + a.getPort() + "...")
                .orElseGet(() -> "Looking for an AuraChat server on the local network (UDP port "
                        + (discoveryPort != null ? discoveryPort : DiscoveryConfig.DEFAULT_PORT) + ")...");
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ClientConfig config;
        Login login;
        try {
            config = config();
            login = login();
        } catch (UsageException e) {
            err.println("aurachat-chat: " + e.getMessage());
            return 2;
        }
        try (Terminal terminal = terminal()) {
            return new TerminalChat(terminal, Clock.systemDefaultZone()).run(config, name, connecting(config), login);
        } catch (IOException e) {
            err.println("aurachat-chat: cannot open the terminal: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The terminal: the real one through JLine's exec provider (it runs {@code stty}; no native code, so no
     * native-access warnings on JDK 22+), or a dumb one without a warning when input or output is not a
     * terminal.
     */
    static Terminal terminal() throws IOException {
        return TerminalBuilder.builder()
                .name("aurachat")
                .system(true)
                .providers(TerminalBuilder.PROP_PROVIDER_EXEC)
                .dumb(true)
                .build();
    }
}
