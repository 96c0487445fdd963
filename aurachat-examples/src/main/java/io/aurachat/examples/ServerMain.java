package io.aurachat.examples;

import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.examples.ConfigFile.ConfigException;
import io.aurachat.log.Slf4jLogSink;
import io.aurachat.log.XmlLogSink;
import io.aurachat.names.icu.ConfusableNameRule;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reference AuraChat server: {@code aurachat-server --port 5000 --idle-timeout 120 --bind 0.0.0.0}.
 * It reads {@code util/config.json} (or {@code --config PATH}) first; options given on the command line
 * override the file. It logs events through SLF4J and to the XML audit log ({@code util/log.xml}).
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
            description = "Address to listen on, e.g. 127.0.0.1. Default: from the config file, else 0.0.0.0.")
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
            description = "I/O threads that read, run built-in commands and write; 0 is one per processor. "
                    + "Default: from the config file, else 0.")
    Integer ioThreads;

    @Option(names = "--log-file", paramLabel = "PATH",
            description = "The XML audit log. Default: from the config file, else util/log.xml.")
    Path logFile;

    @Option(names = "--no-audit-log", description = "Write no XML audit log (for benchmarks; SLF4J logging stays).")
    boolean noAuditLog;

    @Option(names = "--discovery-port", paramLabel = "PORT",
            description = "UDP port that answers LAN discovery probes; 0 picks a free one. "
                    + "Default: from the config file, else " + DiscoveryConfig.DEFAULT_PORT + ".")
    Integer discoveryPort;

    @Option(names = "--no-discovery", description = "Do not answer LAN discovery probes (opens no UDP port).")
    boolean noDiscovery;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the server until the JVM is stopped (Ctrl+C).
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

    /**
     * The settings this run uses: the config file's (or the defaults when the default file is missing),
     * with the command-line options laid over them.
     *
     * @param out where to say which file was read
     * @throws ConfigException if the file is bad, or was named with {@code --config} and is missing
     * @throws UsageException if a command-line value is out of range
     */
    ServerSettings settings(PrintWriter out) throws ConfigException, UsageException {
        Path file = config != null ? config : inHome(ServerSettings.DEFAULT_FILE);
        ServerSettings fromFile;
        if (Files.exists(file)) {
            fromFile = ConfigFile.read(file);
            out.printf("Settings from %s.%n", file);
        } else if (config != null) {
            throw new ConfigException(file + ": no such file");
        } else {
            fromFile = ServerSettings.defaults();
            out.printf("No %s: using the default settings.%n", file);
        }
        if (idleTimeoutSeconds != null && (idleTimeoutSeconds < 0 || idleTimeoutSeconds > 30L * 24 * 3600)) {
            throw new UsageException("--idle-timeout must be 0 to 2592000 seconds: " + idleTimeoutSeconds);
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
                ioThreads != null ? ioThreads : s.ioThreads());
        ServerSettings.Log log = new ServerSettings.Log(logFile != null ? logFile : inHome(fromFile.log().file()),
                fromFile.log().rolloverBytes(), fromFile.log().maxFiles());
        if (ioThreads != null && (ioThreads < 0 || ioThreads > 256)) {
            throw new UsageException("--io-threads must be 0 (one per processor) to 256: " + ioThreads);
        }
        ServerSettings.Discovery d = fromFile.discovery();
        if (discoveryPort != null && (discoveryPort < 0 || discoveryPort > 65_535)) {
            throw new UsageException("--discovery-port: the discovery port must be 0 to 65535: " + discoveryPort);
        }
        ServerSettings.Discovery discovery = new ServerSettings.Discovery(d.enabled() && !noDiscovery,
                discoveryPort != null ? discoveryPort : d.port(), d.multicastGroupV4(), d.multicastGroupV6());
        return new ServerSettings(server, discovery, log);
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
            settings = settings(out);
            builder = serverConfig(settings);
            builder.build(); // checks the command-line values before the log file is touched
        } catch (ConfigException | UsageException | IllegalArgumentException e) {
            err.println("aurachat-server: " + e.getMessage());
            return 2;
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

        ChatServer server = ChatServer.create(builder.build());
        try {
            server.start();
        } catch (IOException e) {
            server.close();
            if (xmlLog != null) {
                xmlLog.close();
            }
            ServerSettings.Discovery d = settings.discovery();
            err.println("aurachat-server: cannot listen on " + settings.server().bindAddress().getHostAddress() + ":"
                    + settings.server().port() + (d.enabled() ? " (and UDP " + d.port() + " for discovery)" : "")
                    + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        XmlLogSink auditLog = xmlLog;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int clients = server.clients().size();
            out.printf("Stopping: saying goodbye to %d client%s...%n", clients, clients == 1 ? "" : "s");
            out.flush();
            server.close(); // the goodbyes, then the log sinks are closed
            out.println(auditLog == null ? "Stopped."
                    : "Stopped. The audit log " + settings.log().file() + " is complete and closed.");
            out.flush();
            stopped.countDown();
        }, "aurachat-shutdown"));

        InetAddress bound = settings.server().bindAddress();
        String host = bound.isAnyLocalAddress() ? "127.0.0.1" : bound.getHostAddress();
        String where = bound.isAnyLocalAddress() ? "every interface (" + bound.getHostAddress() + ")"
                : bound.getHostAddress();
        out.printf("AuraChat server '%s' listening on %s, TCP port %d.%n", settings.server().name(), where,
                server.port());
        server.discoveryAddress().ifPresent(udp -> out.printf(
                "Answering LAN discovery on UDP port %d: terminal clients on the network find it by themselves.%n",
                udp.getPort()));
        out.printf("Audit log: %s%n", noAuditLog ? "off (--no-audit-log)" : settings.log().file().toAbsolutePath());
        out.printf("Chat with it: %s, or  nc %s %d  (then type HELP)%n",
                home == null ? "the terminal client (README.md, Quick start)"
                        : "bin/aurachat-chat --host " + host + " --port " + server.port(),
                host, server.port());
        out.println("Stop it with Ctrl+C: every client gets a goodbye and the audit log is closed.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
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
                .ioThreads(s.ioThreads() == 0 ? Runtime.getRuntime().availableProcessors() : s.ioThreads())
                .logSink(new Slf4jLogSink())
                .nameRule(new ConfusableNameRule())
                .discovery(discoveryConfig(settings.discovery()));
    }

    private static DiscoveryConfig discoveryConfig(ServerSettings.Discovery d) {
        if (!d.enabled()) {
            return DiscoveryConfig.disabled();
        }
        return DiscoveryConfig.builder().port(d.port()).ipv4Group(d.multicastGroupV4()).ipv6Group(d.multicastGroupV6())
                .build();
    }
}
