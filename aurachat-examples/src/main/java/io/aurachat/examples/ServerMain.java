package io.aurachat.examples;

import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.examples.ConfigFile.ConfigException;
import io.aurachat.log.LogEvent;
import io.aurachat.log.LogSink;
import io.aurachat.log.Slf4jLogSink;
import io.aurachat.log.XmlLogSink;
import io.aurachat.names.icu.ConfusableNameRule;
import io.aurachat.server.ChatServer;
import io.aurachat.server.RateLimit;
import io.aurachat.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import io.aurachat.bouncycastle.ServerIdentity;
import io.aurachat.server.TlsConfig;

/**
 * The reference AuraChat server: {@code aurachat-server --port 5000 --idle-timeout 120 --bind 0.0.0.0}.
 * It reads {@code util/config.json} (or {@code --config PATH}) first; options given on the command line
 * override the file. It logs events through SLF4J and to the XML audit log ({@code util/log.xml}).
 * Its owner types commands on its standard input ({@link ServerConsole}; {@code --no-console} turns that off).
 *
 * <p>{@code util/config.json}, and a relative {@code log.file} in whichever config file is read, are relative
 * to the working directory, or to the directory in the system property {@value #HOME_PROPERTY} when it is set
 * (the distribution's {@code bin/aurachat-server} sets it to the install directory). Paths given on the
 * command line are relative to the working directory, as usual.
 */
@Command(name = "aurachat-server", mixinStandardHelpOptions = true, version = "AuraChat server 0.1.0",
        description = "Starts an AuraChat server. Talk to it with: nc 127.0.0.1 <port>",
        sortOptions = false)
public final class ServerMain implements Callable<Integer> {

    /** The system property naming the directory that holds {@code util/}: the install directory. */
    static final String HOME_PROPERTY = "aurachat.home";

    /** Where {@code util/config.json} and the config file's relative paths are; {@code null} for the working directory. */
    Path home = home(System.getProperty(HOME_PROPERTY));

    @Option(names = "--config", paramLabel = "PATH",
            description = "Settings file (JSON). Default: util/config.json if it exists, else built-in defaults.")
    Path config;

    @Option(names = "--port", paramLabel = "PORT",
            description = "TCP port to listen on; 0 picks a free one. Default: from the config file, else 5000.")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "Address to listen on: 0.0.0.0 every IPv4 interface (IPv4 only), 127.0.0.1 this machine "
                    + "only, :: every interface, IPv4 and IPv6. Default: from the config file, else 0.0.0.0.")
    String bind;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            description = "Close a client after this many seconds without a command; 0 never does. "
                    + "Default: from the config file, else 120.")
    Long idleTimeoutSeconds;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Server name announced to clients. Default: from the config file, else AuraChat.")
    String name;

    @Option(names = "--max-clients", paramLabel = "N",
            description = "Most clients connected at once. Default: from the config file, else "
                    + ServerConfig.DEFAULT_MAX_CLIENTS + ".")
    Integer maxClients;

    @Option(names = "--max-line-length", paramLabel = "BYTES",
            description = "Longest accepted line in bytes. Default: from the config file, else "
                    + ServerConfig.DEFAULT_MAX_LINE_LENGTH + ".")
    Integer maxLineLength;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "I/O threads that read, run built-in commands and write; 0 is half the processors, at least one. "
                    + "Default: from the config file, else 0.")
    Integer ioThreads;

    @Option(names = "--resume-window", paramLabel = "SECONDS",
            description = "How long the session of a client whose connection broke waits for it to come back "
                    + "(RESUME: same id, name and rooms, and the missed messages); 0 turns sessions off. "
                    + "Default: from the config file, else 120.")
    Long resumeWindowSeconds;

    @Option(names = "--rate-limit", paramLabel = "RATE[/BURST]|off",
            description = "How fast each client's lines are read: RATE lines a second, in bursts of up to BURST; a "
                    + "client beyond it is read more slowly, never cut. off (or 0) for no limit, as a benchmark needs. "
                    + "Default: from the config file, else 100/500.")
    String rateLimit;

    @Option(names = "--log-file", paramLabel = "PATH",
            description = "The XML audit log. Default: from the config file, else util/log.xml.")
    Path logFile;

    @Option(names = "--no-audit-log", description = "Write no XML audit log (for benchmarks; SLF4J logging stays).")
    boolean noAuditLog;

    @Option(names = "--history", paramLabel = "STORE",
            description = "Where HISTORY's messages are kept: sqlite (a file, kept across restarts), memory or none. "
                    + "Default: from the config file, else sqlite in util/history.db.")
    String historyStore;

    @Option(names = "--history-file", paramLabel = "PATH",
            description = "The SQLite history file. Default: from the config file, else util/history.db.")
    Path historyFile;

    @Option(names = "--discovery-port", paramLabel = "PORT",
            description = "UDP port that answers LAN discovery probes; 0 picks a free one. "
                    + "Default: from the config file, else " + DiscoveryConfig.DEFAULT_PORT + ".")
    Integer discoveryPort;

    @Option(names = "--tls-port", paramLabel = "PORT",
            description = "The TLS port (0: any free one). Default: from the config file, else 5443.")
    Integer tlsPort;

    @Option(names = "--no-tls", description = "No TLS port: clients connect in plain text only.")
    boolean noTls;

    @Option(names = "--no-plain", description = "No plain-text port: clients connect over TLS only.")
    boolean noPlain;

    @Option(names = "--tls-certificate", paramLabel = "PATH",
            description = "The PEM certificate (chain, leaf first) for the TLS port. Default: util/server.crt, made "
                    + "with util/server.key on the first start if neither exists.")
    Path tlsCertificate;

    @Option(names = "--tls-key", paramLabel = "PATH", description = "The PEM private key of --tls-certificate.")
    Path tlsKey;

    @Option(names = "--max-connections-per-address", paramLabel = "N",
            description = "The most connections from one IP address (0: no limit). Default: from the config file, "
                    + "else 64.")
    Integer maxConnectionsPerAddress;

    @Option(names = "--accounts", paramLabel = "MODE",
            description = "off, optional (anonymous clients and accounts) or required (log in before joining). "
                    + "Default: from the config file, else optional.")
    String accountsMode;

    @Option(names = "--accounts-file", paramLabel = "PATH",
            description = "The SQLite file of the accounts. Default: util/accounts.db.")
    Path accountsFile;

    @Option(names = "--allow-plain-login", description = "Take passwords over the plain (unencrypted) port too.")
    boolean allowPlainLogin;

    @Option(names = "--remove-account", paramLabel = "NAME",
            description = "Remove this account from the accounts file of a stopped server, and exit. On a running "
                    + "server type remove-account NAME in its console instead, which also disconnects the account's "
                    + "devices.")
    String removeAccount;

    @Option(names = "--no-console", description = "Read no owner commands from standard input (by default it takes "
            + "help, clients, accounts, remove-account, set-password and stop, one a line).")
    boolean noConsole;

    @Option(names = "--no-discovery", description = "Do not answer LAN discovery probes (opens no UDP port).")
    boolean noDiscovery;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the server until the JVM is stopped (Ctrl+C) or the owner types {@code stop} in its console.
     *
     * @param args the command line; {@code --help} lists the options
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new ServerMain()).execute(args));
    }

    /** Thrown for a bad command-line value; the message is the whole story. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /** Where {@link #settings()} found the settings, for the banner; set by it. */
    String settingsFrom;

    /**
     * The settings this run uses: the config file's (or the defaults when the default file is missing),
     * with the command-line options laid over them. Says where they came from in {@link #settingsFrom}.
     *
     * @throws ConfigException if the file is bad, or was named with {@code --config} and is missing
     * @throws UsageException if a command-line value is out of range
     */
    ServerSettings settings() throws ConfigException, UsageException {
        Path file = config != null ? config : inHome(ServerSettings.DEFAULT_FILE);
        ServerSettings fromFile;
        if (Files.exists(file)) {
            fromFile = ConfigFile.read(file);
            settingsFrom = file.toString();
        } else if (config != null) {
            throw new ConfigException(file + ": no such file");
        } else {
            fromFile = ServerSettings.defaults();
            settingsFrom = "the defaults (there is no " + file + ")";
        }
        if (idleTimeoutSeconds != null && (idleTimeoutSeconds < 0 || idleTimeoutSeconds > 30L * 24 * 3600)) {
            throw new UsageException("--idle-timeout must be 0 to 2592000 seconds: " + idleTimeoutSeconds);
        }
        if (resumeWindowSeconds != null && (resumeWindowSeconds < 0 || resumeWindowSeconds > 24 * 3600)) {
            throw new UsageException("--resume-window must be 0 (no sessions) to 86400 seconds: " + resumeWindowSeconds);
        }
        InetAddress bindAddress = fromFile.server().bindAddress();
        if (bind != null) {
            try {
                bindAddress = InetAddress.getByName(bind);
            } catch (UnknownHostException e) {
                throw new UsageException("--bind: not an address of this machine: " + bind);
            }
        }
        ServerSettings.Server s = fromFile.server();
        ServerSettings.Server server = new ServerSettings.Server(
                bindAddress,
                port != null ? port : s.port(),
                name != null ? name : s.name(),
                idleTimeoutSeconds != null ? idleTimeoutSeconds.intValue() : s.idleTimeoutSeconds(),
                maxClients != null ? maxClients : s.maxClients(),
                maxLineLength != null ? maxLineLength : s.maxLineLength(),
                s.maxOutboundBytes(),
                s.outboundSoftLimit(),
                s.outboundSoftTimeoutSeconds(),
                s.presenceLimit(),
                ioThreads != null ? ioThreads : s.ioThreads(),
                resumeWindowSeconds != null ? resumeWindowSeconds.intValue() : s.resumeWindowSeconds(),
                s.maxResumeMessages(),
                rateLimit != null ? rateLimit(rateLimit, s.rateLimit()) : s.rateLimit());
        ServerSettings.Log log = new ServerSettings.Log(logFile != null ? logFile : inHome(fromFile.log().file()),
                fromFile.log().rolloverBytes(), fromFile.log().maxFiles());
        if (ioThreads != null && (ioThreads < 0 || ioThreads > 256)) {
            throw new UsageException("--io-threads must be 0 (the default: half the processors) to 256: " + ioThreads);
        }
        ServerSettings.Discovery d = fromFile.discovery();
        if (discoveryPort != null && (discoveryPort < 0 || discoveryPort > 65_535)) {
            throw new UsageException("--discovery-port: the discovery port must be 0 to 65535: " + discoveryPort);
        }
        ServerSettings.Discovery discovery = new ServerSettings.Discovery(d.enabled() && !noDiscovery,
                discoveryPort != null ? discoveryPort : d.port(), d.multicastGroupV4(), d.multicastGroupV6());
        ServerSettings.History h = fromFile.history();
        ServerSettings.Store store = h.store();
        if (historyStore != null) {
            try {
                store = ServerSettings.Store.valueOf(historyStore.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--history must be sqlite, memory or none, not '" + historyStore + "'");
            }
        }
        ServerSettings.History history = new ServerSettings.History(store,
                historyFile != null ? historyFile : inHome(h.file()), h.maxPerTarget(), h.maxAgeDays());
        ServerSettings.Tls t = fromFile.tls();
        if (tlsPort != null && (tlsPort < 0 || tlsPort > 65_535)) {
            throw new UsageException("--tls-port must be 0 to 65535: " + tlsPort);
        }
        if (noTls && noPlain) {
            throw new UsageException("--no-tls and --no-plain together leave no port to listen on");
        }
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new UsageException("--tls-certificate and --tls-key go together");
        }
        ServerSettings.Tls tls = new ServerSettings.Tls(t.enabled() && !noTls, tlsPort != null ? tlsPort : t.port(),
                tlsCertificate != null ? tlsCertificate : inHome(t.certificate()),
                tlsKey != null ? tlsKey : inHome(t.key()), t.handshakeTimeoutSeconds(), t.plainPort() && !noPlain);
        if (!tls.enabled() && !tls.plainPort()) {
            throw new UsageException("--no-plain needs the TLS port, which the config file switches off");
        }
        if (maxConnectionsPerAddress != null && (maxConnectionsPerAddress < 0 || maxConnectionsPerAddress > 1_000_000)) {
            throw new UsageException("--max-connections-per-address must be 0 (no limit) to 1000000: "
                    + maxConnectionsPerAddress);
        }
        ServerSettings.Limits limits = new ServerSettings.Limits(maxConnectionsPerAddress != null
                ? maxConnectionsPerAddress : fromFile.limits().maxConnectionsPerAddress());
        ServerSettings.Accounts a = fromFile.accounts();
        io.aurachat.accounts.AccountsMode mode = a.mode();
        if (accountsMode != null) {
            mode = java.util.Arrays.stream(io.aurachat.accounts.AccountsMode.values())
                    .filter(m -> m.wireName().equals(accountsMode)).findFirst()
                    .orElseThrow(() -> new UsageException("--accounts must be off, optional or required, not '"
                            + accountsMode + "'"));
        }
        ServerSettings.Accounts accounts = new ServerSettings.Accounts(mode,
                accountsFile != null ? accountsFile : inHome(a.file()), a.allowPlainLogin() || allowPlainLogin);
        if (mode == io.aurachat.accounts.AccountsMode.REQUIRED && !tls.enabled() && !accounts.allowPlainLogin()) {
            // Every client must log in, logins are taken over TLS only, and there is no TLS port: nobody could join.
            throw new UsageException("--accounts required without a TLS port lets nobody join (logins are taken over "
                    + "TLS only): drop --no-tls, or add --allow-plain-login to take passwords in plain text");
        }
        return new ServerSettings(server, discovery, log, history, tls, limits, accounts);
    }

    /**
     * {@code --rate-limit}: {@code off} or {@code 0}, {@code RATE} (the burst of {@code fallback}, or the default's),
     * or {@code RATE/BURST}.
     */
    static RateLimit rateLimit(String option, RateLimit fallback) throws UsageException {
        String usage = "--rate-limit must be off, RATE or RATE/BURST (lines a second 0.01 to 1000000, burst 1 to "
                + "1000000), such as 100/500: " + option;
        String text = option.trim();
        if (text.equalsIgnoreCase("off") || text.equals("0")) {
            return RateLimit.NONE;
        }
        int slash = text.indexOf('/');
        try {
            double perSecond = Double.parseDouble(slash < 0 ? text : text.substring(0, slash));
            int burst = slash < 0 ? (fallback.isLimited() ? fallback.burst() : ServerConfig.DEFAULT_RATE_LIMIT.burst())
                    : Integer.parseInt(text.substring(slash + 1));
            return RateLimit.of(perSecond, burst);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new UsageException(usage);
        }
    }

    private static Path home(String property) {
        return property == null || property.isEmpty() ? null : Path.of(property);
    }

    /** A path from the config file (or the default one), resolved against {@link #home} if that is set. */
    private Path inHome(Path path) {
        return home == null ? path : home.resolve(path);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServerSettings settings;
        ServerConfig.Builder builder;
        try {
            settings = settings();
            builder = serverConfig(settings);
            builder.build(); // checks the command-line values before the log file is touched
        } catch (ConfigException | UsageException | IllegalArgumentException e) {
            err.println("aurachat-server: " + e.getMessage());
            return 2;
        }
        ServerIdentity identity = null;
        boolean made = false;
        if (settings.tls().enabled()) {
            made = !Files.exists(settings.tls().certificate(), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    && !Files.exists(settings.tls().key(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            try {
                identity = identity(settings.tls());
            } catch (IOException | RuntimeException e) {
                err.println("aurachat-server: cannot use the TLS certificate: " + e.getMessage()
                        + " (fix or move the files, or start with --no-tls)");
                return 1;
            }
            builder.tls(TlsConfig.builder(identity.sslContext(), identity.certificateChain().get(0))
                    .port(settings.tls().port())
                    .handshakeTimeout(Duration.ofSeconds(settings.tls().handshakeTimeoutSeconds()))
                    .build());
        }

        XmlLogSink xmlLog = null;
        if (!noAuditLog) {
            try {
                xmlLog = XmlLogSink.builder(settings.log().file())
                        .rolloverBytes(settings.log().rolloverBytes())
                        .maxFiles(settings.log().maxFiles())
                        .build();
            } catch (IOException e) {
                err.println("aurachat-server: cannot open the log " + settings.log().file() + ": " + e.getMessage());
                return 1;
            }
            builder.logSink(xmlLog);
        }

        ServerSettings.History history = settings.history();
        builder.historyStore(historyStore(history));
        ServerSettings.Accounts accounts = settings.accounts();
        io.aurachat.store.sqlite.SqliteAccountStore accountStore = null;
        if (accounts.mode() != io.aurachat.accounts.AccountsMode.OFF || removeAccount != null) {
            try {
                Path parent = accounts.file().toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent); // util/ of a fresh install, as for the history and the log
                }
                accountStore = io.aurachat.store.sqlite.SqliteAccountStore.open(accounts.file());
                builder.accountStore(accountStore).passwordHasher(io.aurachat.bouncycastle.Argon2idHasher.create());
            } catch (IOException | RuntimeException e) {
                err.println("aurachat-server: cannot open the accounts " + accounts.file() + ": " + e.getMessage()
                        + " (move the file away, or start with --accounts off)");
                return 1;
            }
        }
        if (removeAccount != null) {
            try {
                return removeAccount(builder, accounts, out, err);
            } finally {
                accountStore.close(); // the server never closes a store it was given
            }
        }
        io.aurachat.store.sqlite.SqliteAccountStore accountsToClose = accountStore;
        ChatServer server = ChatServer.create(builder.build());
        try {
            server.start();
        } catch (io.aurachat.history.HistoryUnavailableException e) {
            server.close();
            if (xmlLog != null) {
                xmlLog.close();
            }
            err.println("aurachat-server: cannot open the history " + history.file() + ": " + e.getMessage()
                    + " (move the file away, or start with --history memory)");
            return 1;
        } catch (IOException e) {
            server.close();
            if (xmlLog != null) {
                xmlLog.close();
            }
            ServerSettings.Discovery d = settings.discovery();
            ServerSettings.Tls t = settings.tls();
            String ports = (t.plainPort() ? String.valueOf(settings.server().port()) : "")
                    + (t.plainPort() && t.enabled() ? " and " : "") + (t.enabled() ? t.port() + " (TLS)" : "");
            err.println("aurachat-server: cannot listen on " + settings.server().bindAddress().getHostAddress() + ", TCP "
                    + ports + (d.enabled() ? " (and UDP " + d.port() + " for discovery)" : "") + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        XmlLogSink auditLog = xmlLog;
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        // Ctrl+C (the shutdown hook) or the console's stop, whichever comes first; the other waits for it.
        Runnable shutdown = () -> {
            if (!stopping.compareAndSet(false, true)) {
                awaitQuietly(stopped);
                return;
            }
            int clients = server.clients().size();
            out.printf("Stopping: saying goodbye to %d client%s...%n", clients, clients == 1 ? "" : "s");
            out.flush();
            server.close(); // the goodbyes, then the log sinks are closed
            if (accountsToClose != null) {
                accountsToClose.close(); // after the server, which never closes a store it was given
            }
            out.println(auditLog == null ? "Stopped."
                    : "Stopped. The audit log " + settings.log().file() + " is complete and closed.");
            out.flush();
            stopped.countDown();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "aurachat-shutdown"));

        // One write, after the start: nothing the server logs while starting ends up inside it.
        InetSocketAddress tcp = settings.tls().plainPort() ? server.address() : server.tlsAddress().orElseThrow();
        String tlsLine = identity == null ? "off (--no-tls): connections are not encrypted"
                : Addresses.hostPort(server.tlsAddress().orElseThrow()) + (settings.tls().plainPort() ? "" : " only")
                        + ", certificate SHA256 " + io.aurachat.protocol.Fingerprint.parse(identity.fingerprintSha256())
                        .display() + " (" + settings.tls().certificate() + (made ? ", made now" : "") + ")";
        boolean console = !noConsole && !ServerConsole.inputIsNull();
        out.print(banner(settings.server().name(), settingsFrom, tcp, server.discoveryAddress(),
                auditLog == null ? null : settings.log().file().toAbsolutePath(), describe(history), tlsLine,
                settings.tls().plainPort(), console));
        out.flush();
        if (console) {
            ServerConsole.ignoreTerminalInputSignal();
            new ServerConsole(server, System.in, out, ServerConsole.systemTerminal(), shutdown).start();
        }
        awaitQuietly(stopped);
        return 0;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What the server says once it runs: one block, with the addresses actually bound.
     *
     * @param name the server name
     * @param settingsFrom where the settings came from
     * @param tcp the bound TCP address
     * @param discovery the bound discovery address, if discovery is on
     * @param auditLog the audit log file, or {@code null} if there is none
     */
    static String banner(String name, String settingsFrom, InetSocketAddress tcp, Optional<InetSocketAddress> discovery,
            Path auditLog) {
        return banner(name, settingsFrom, tcp, discovery, auditLog, null);
    }

    /** {@code --remove-account}: a server with no port, only to reach the accounts through the owner's API. */
    private int removeAccount(ServerConfig.Builder builder, ServerSettings.Accounts accounts, PrintWriter out,
            PrintWriter err) {
        try (ChatServer offline = ChatServer.create(builder.tcpEnabled(false).discovery(DiscoveryConfig.disabled())
                .historyStore(io.aurachat.history.HistoryStore.NONE).accounts(io.aurachat.accounts.AccountsMode.OPTIONAL)
                .build()).start()) {
            if (offline.accounts().remove(removeAccount)) {
                out.println("Removed the account " + removeAccount + " from " + accounts.file() + ".");
                return 0;
            }
            err.println("aurachat-server: no account " + removeAccount + " in " + accounts.file());
            return 1;
        } catch (IOException e) {
            err.println("aurachat-server: " + e.getMessage());
            return 1;
        }
    }

    /** The store the settings choose: the SQLite file, core's memory store, or none. */
    static io.aurachat.history.HistoryStore historyStore(ServerSettings.History h) {
        java.time.Duration age = java.time.Duration.ofDays(h.maxAgeDays());
        return switch (h.store()) {
            case SQLITE -> io.aurachat.store.sqlite.SqliteHistoryStore.builder(h.file())
                    .maxPerTarget(h.maxPerTarget()).maxAge(age).build();
            case MEMORY -> io.aurachat.history.MemoryHistoryStore.builder()
                    .maxPerTarget(Math.min(h.maxPerTarget(), io.aurachat.history.MemoryHistoryStore.DEFAULT_MAX_PER_TARGET))
                    .maxAge(age).build();
            case NONE -> io.aurachat.history.HistoryStore.NONE;
        };
    }

    /** The banner's history line. */
    static String describe(ServerSettings.History h) {
        String age = h.maxAgeDays() == 0 ? "no age limit" : h.maxAgeDays() + " days";
        return switch (h.store()) {
            case SQLITE -> h.file().toAbsolutePath() + " (SQLite; " + h.maxPerTarget() + " messages per target, " + age + ")";
            case MEMORY -> "in memory, lost at a restart (" + age + ")";
            case NONE -> "off (--history none): HISTORY answers history-unavailable";
        };
    }

    /**
     * The banner, with a line for the history store.
     *
     * @param history what {@link #describe} says of it, or {@code null} for no such line
     */
    static String banner(String name, String settingsFrom, InetSocketAddress tcp, Optional<InetSocketAddress> discovery,
            Path auditLog, String history) {
        return banner(name, settingsFrom, tcp, discovery, auditLog, history, null, true);
    }

    /** The banner, with lines for the history store and the TLS port, and without the console's. */
    static String banner(String name, String settingsFrom, InetSocketAddress tcp, Optional<InetSocketAddress> discovery,
            Path auditLog, String history, String tls, boolean plain) {
        return banner(name, settingsFrom, tcp, discovery, auditLog, history, tls, plain, false);
    }

    /**
     * The banner, with lines for the history store and the TLS port.
     *
     * @param tcp the plain port's address, or the TLS port's when there is no plain port
     * @param tls the TLS line (address and fingerprint), or {@code null} for none
     * @param plain whether {@code tcp} is the plain port
     * @param console whether the owner's console reads standard input
     */
    static String banner(String name, String settingsFrom, InetSocketAddress tcp, Optional<InetSocketAddress> discovery,
            Path auditLog, String history, String tls, boolean plain, boolean console) {
        InetAddress ip = tcp.getAddress();
        String reach;
        if (ip.isAnyLocalAddress()) {
            reach = ip instanceof Inet6Address ? "every interface, IPv4 and IPv6" : "every IPv4 interface";
        } else if (ip.isLoopbackAddress()) {
            reach = "this machine only";
        } else {
            reach = "this address only";
        }
        String nc = ip.isAnyLocalAddress() ? "127.0.0.1" : Addresses.host(ip);
        // Whom discovery can lead here: it answers only where the chat port can be reached (docs/discovery.md).
        String who;
        if (ip.isAnyLocalAddress()) {
            who = "clients on this machine and the local network find it by themselves";
        } else if (ip instanceof Inet4Address) {
            who = ip.isLoopbackAddress() ? "clients on this machine find it by themselves"
                    : "clients on the local network find it by themselves";
        } else if (!ip.isLoopbackAddress()) {
            who = "IPv6 clients on the local network find it by themselves";
        } else {
            who = "but a server on ::1 answers only IPv6 probes from this machine, which clients do not send: "
                    + "give them the address (--host ::1 --port " + tcp.getPort() + ")";
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format("AuraChat server '%s' is running.%n", name));
        if (plain) {
            b.append(String.format("  Listening on:  %s (TCP, %s)%n", Addresses.hostPort(tcp), reach));
        }
        if (tls != null) {
            b.append(String.format("  TLS:           %s%n", tls));
        }
        b.append(discovery.map(d -> String.format("  Discovery:     on, UDP port %d: %s%n", d.getPort(), who))
                .orElse(ip.isAnyLocalAddress()
                        ? String.format("  Discovery:     off: clients need --host and --port %d (--host 127.0.0.1 on this "
                                + "machine)%n", tcp.getPort())
                        : String.format("  Discovery:     off: clients need --host %s --port %d%n", nc, tcp.getPort())));
        b.append(String.format("  Audit log:     %s%n", auditLog == null ? "off (--no-audit-log)" : auditLog));
        if (history != null) {
            b.append(String.format("  History:       %s%n", history));
        }
        b.append(String.format("  Settings:      %s%n", settingsFrom));
        b.append(plain ? String.format("  Chat with it:  the terminal client (README.md, Quick start), or  nc %s %d  (then "
                + "type HELP)%n", nc, tcp.getPort())
                : String.format("  Chat with it:  the terminal client (README.md, Quick start), or  openssl s_client "
                        + "-quiet -connect %s:%d%n", nc, tcp.getPort()));
        if (console) {
            b.append(String.format("  Console:       type help for the owner's commands (clients, accounts, "
                    + "remove-account, set-password, stop)%n"));
        }
        b.append(String.format("  Stop it:       Ctrl+C%s; every client gets a goodbye%s.%n", console ? " or stop" : "",
                auditLog == null ? "" : ", then the audit log is closed"));
        return b.toString();
    }

    /**
     * The reference server's SLF4J event log, without the start and stop events: the banner and the lines
     * printed while stopping say those, and the start event would arrive (on the sink's thread) in the
     * middle of the banner. Connections, disconnections and warnings stay.
     */
    static LogSink consoleEvents() {
        Slf4jLogSink events = new Slf4jLogSink();
        return new LogSink() {
            @Override
            public boolean accepts(Class<? extends LogEvent> kind) {
                return kind != LogEvent.ServerStarted.class && events.accepts(kind);
            }

            @Override
            public void log(LogEvent event) {
                if (!(event instanceof LogEvent.ServerStopped)) { // every sink gets it, accepted or not
                    events.log(event);
                }
            }

            @Override
            public String toString() {
                return "console " + events;
            }
        };
    }

    /** The reference server's configuration for these settings, without the XML log (which opens a file). */
    static ServerConfig.Builder serverConfig(ServerSettings settings) {
        ServerSettings.Server s = settings.server();
        return ServerConfig.builder()
                .bindAddress(s.bindAddress())
                .port(s.port())
                .serverName(s.name())
                .idleTimeout(Duration.ofSeconds(s.idleTimeoutSeconds()))
                .maxClients(s.maxClients())
                .maxLineLength(s.maxLineLength())
                .maxOutboundBytes(s.maxOutboundBytes())
                .outboundSoftLimit(s.outboundSoftLimit())
                .outboundSoftTimeout(Duration.ofSeconds(s.outboundSoftTimeoutSeconds()))
                .presenceLimit(s.presenceLimit())
                .resumeWindow(Duration.ofSeconds(s.resumeWindowSeconds()))
                .maxResumeMessages(s.maxResumeMessages())
                .rateLimit(s.rateLimit())
                .ioThreads(s.ioThreads() == 0 ? ServerConfig.defaultIoThreads(Runtime.getRuntime().availableProcessors())
                        : s.ioThreads())
                .logSink(consoleEvents())
                .nameRule(new ConfusableNameRule())
                .plainPort(settings.tls().plainPort())
                .accounts(settings.accounts().mode())
                .allowPlainLogin(settings.accounts().allowPlainLogin())
                .maxConnectionsPerAddress(settings.limits().maxConnectionsPerAddress())
                .discovery(discoveryConfig(settings.discovery(), s.bindAddress()));
    }

    /**
     * The TLS port's certificate and key: the files given, or, where neither exists, a self-signed pair made now
     * and kept there (the key readable by its owner only) for the next starts.
     */
    static ServerIdentity identity(ServerSettings.Tls tls) throws IOException {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "aurachat-server";
        }
        return ServerIdentity.loadOrCreate(tls.certificate(), tls.key(), host);
    }

    /**
     * Discovery as configured; a server bound to a loopback address answers only this machine's probes
     * (docs/discovery.md), so it joins its multicast groups on the loopback interface only, not on the network's.
     */
    private static DiscoveryConfig discoveryConfig(ServerSettings.Discovery d, InetAddress bind) {
        if (!d.enabled()) {
            return DiscoveryConfig.disabled();
        }
        return DiscoveryConfig.builder().port(d.port()).ipv4Group(d.multicastGroupV4()).ipv6Group(d.multicastGroupV6())
                .multicast(bind != null && bind.isLoopbackAddress() ? DiscoveryConfig.Multicast.LOOPBACK_ONLY
                        : DiscoveryConfig.Multicast.ALL_INTERFACES)
                .build();
    }
}
