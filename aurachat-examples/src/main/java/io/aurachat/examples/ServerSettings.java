package io.aurachat.examples;

import io.aurachat.log.XmlLogSink;
import io.aurachat.server.RateLimit;
import io.aurachat.server.ServerConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The reference server's settings, as read from {@code util/config.json} by {@link ConfigFile} (see
 * docs/configuration.md for every key). Immutable; every value has been checked.
 *
 * @param server the chat server
 * @param discovery the LAN discovery responder
 * @param log the XML audit log
 */
record ServerSettings(Server server, Discovery discovery, Log log, History history, Tls tls, Limits limits,
        Accounts accounts) {

    /** The file the server reads when {@code --config} is not given, relative to the working directory. */
    static final Path DEFAULT_FILE = Path.of("util", "config.json");

    ServerSettings {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(accounts, "accounts");
    }

    /** The settings with the default accounts section. */
    ServerSettings(Server server, Discovery discovery, Log log, History history, Tls tls, Limits limits) {
        this(server, discovery, log, history, tls, limits, Accounts.DEFAULT);
    }

    /** The settings with the default TLS and limits sections. */
    ServerSettings(Server server, Discovery discovery, Log log, History history) {
        this(server, discovery, log, history, Tls.DEFAULT, Limits.DEFAULT);
    }

    /** The settings with the history section the old three-section callers leave out: the defaults. */
    ServerSettings(Server server, Discovery discovery, Log log) {
        this(server, discovery, log, History.DEFAULT);
    }

    /** What the server uses without a config file: the same values as the shipped {@code util/config.json}. */
    static ServerSettings defaults() {
        return new ServerSettings(
                new Server(ConfigFile.literal("0.0.0.0"), ServerConfig.DEFAULT_PORT, "AuraChat",
                        (int) ServerConfig.DEFAULT_IDLE_TIMEOUT.toSeconds(), ServerConfig.DEFAULT_MAX_CLIENTS,
                        ServerConfig.DEFAULT_MAX_LINE_LENGTH, ServerConfig.DEFAULT_MAX_OUTBOUND_BYTES,
                        ServerConfig.DEFAULT_MAX_OUTBOUND_BYTES / 16,
                        (int) ServerConfig.DEFAULT_OUTBOUND_SOFT_TIMEOUT.toSeconds(),
                        ServerConfig.DEFAULT_PRESENCE_LIMIT, 0,
                        (int) ServerConfig.DEFAULT_RESUME_WINDOW.toSeconds(), ServerConfig.DEFAULT_MAX_RESUME_MESSAGES,
                        ServerConfig.DEFAULT_RATE_LIMIT),
                new Discovery(true, 5001, ConfigFile.literal("239.255.77.77"), ConfigFile.literal("ff02::77:77")),
                new Log(Path.of("util", "log.xml"), XmlLogSink.DEFAULT_ROLLOVER_BYTES, XmlLogSink.DEFAULT_MAX_FILES),
                History.DEFAULT, Tls.DEFAULT, Limits.DEFAULT, Accounts.DEFAULT);
    }

    /**
     * The {@code tls} section.
     *
     * @param enabled whether the server has a TLS port
     * @param port the TLS port, 0 for any free one
     * @param certificate the PEM certificate (chain, leaf first); made, with the key, on the first start if neither
     *     file exists
     * @param key the PEM private key, readable by its owner only
     * @param handshakeTimeoutSeconds how long a TLS handshake may take
     * @param plainPort whether the plain port ({@code server.port}) listens too
     */
    record Tls(boolean enabled, int port, Path certificate, Path key, int handshakeTimeoutSeconds, boolean plainPort) {
        /** What the shipped {@code util/config.json} says. */
        static final Tls DEFAULT = new Tls(true, io.aurachat.server.TlsConfig.DEFAULT_PORT, Path.of("util", "server.crt"),
                Path.of("util", "server.key"), (int) io.aurachat.server.TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT.toSeconds(),
                true);
    }

    /**
     * The {@code limits} section: bounds against abuse, each with a default a normal LAN never meets.
     *
     * @param maxConnectionsPerAddress the most open connections from one IP address; 0 for no limit
     */
    record Limits(int maxConnectionsPerAddress) {
        /** What the shipped {@code util/config.json} says. */
        static final Limits DEFAULT = new Limits(ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }

    /**
     * The {@code accounts} section (docs/accounts.md).
     *
     * @param mode {@code off}, {@code optional} (anonymous clients and accounts) or {@code required}
     * @param file the SQLite file the accounts are kept in (Argon2id hashes), relative to the working directory
     * @param allowPlainLogin whether passwords are taken over the plain port too (not encrypted)
     */
    record Accounts(io.aurachat.accounts.AccountsMode mode, Path file, boolean allowPlainLogin) {
        /** What the shipped {@code util/config.json} says. */
        static final Accounts DEFAULT = new Accounts(io.aurachat.accounts.AccountsMode.OPTIONAL,
                Path.of("util", "accounts.db"), false);
    }


    /**
     * The {@code server} section.
     *
     * @param bindAddress the address to listen on: {@code 0.0.0.0} is every IPv4 interface (IPv4 clients
     *     only), {@code ::} every interface, IPv4 and IPv6
     * @param port the TCP port, 0 for any free one
     * @param name the name announced to clients
     * @param idleTimeoutSeconds seconds without a command before a client is closed; 0 for never
     * @param maxClients clients connected at once
     * @param maxLineLength the longest command line in bytes
     * @param maxOutboundBytes the hard limit of bytes waiting for one client (PROTOCOL.md, slow clients)
     * @param outboundSoftLimit the soft limit of bytes waiting for one client; 0 for maxOutboundBytes / 16
     * @param outboundSoftTimeoutSeconds how long a client's queue may stay above the soft limit
     * @param presenceLimit most clients for which join and leave notices are sent; 0 for none
     * @param ioThreads I/O threads; 0 for the default (half the processors, at least one)
     * @param resumeWindowSeconds how long a resumable client's session waits for a {@code RESUME} after its
     *     connection broke (PROTOCOL.md, Resume); 0 turns sessions off
     * @param maxResumeMessages the most missed messages one {@code RESUME} replays
     * @param rateLimit how fast each client's lines are read (PROTOCOL.md, Rate limit); {@link RateLimit#NONE} for no
     *     limit
     */
    record Server(InetAddress bindAddress, int port, String name, int idleTimeoutSeconds, int maxClients,
            int maxLineLength, int maxOutboundBytes, int outboundSoftLimit, int outboundSoftTimeoutSeconds,
            int presenceLimit, int ioThreads, int resumeWindowSeconds, int maxResumeMessages, RateLimit rateLimit) {
        Server {
            Objects.requireNonNull(rateLimit, "rateLimit");
        }
    }

    /**
     * The {@code discovery} section.
     *
     * @param enabled whether the server answers discovery probes
     * @param port the UDP port it listens on
     * @param multicastGroupV4 the IPv4 multicast group it joins
     * @param multicastGroupV6 the IPv6 multicast group it joins
     */
    record Discovery(boolean enabled, int port, InetAddress multicastGroupV4, InetAddress multicastGroupV6) {}

    /**
     * The {@code log} section.
     *
     * @param file the XML audit log, relative to the working directory unless absolute
     * @param rolloverBytes the size at which a new file is started; 0 for never
     * @param maxFiles how many rolled-over files are kept
     */
    record Log(Path file, long rolloverBytes, int maxFiles) {}

    /** Which history store the server keeps: {@code HISTORY} answers from it (PROTOCOL.md, History). */
    enum Store {
        /** {@code aurachat-store-sqlite}: a file, kept across restarts (the default). */
        SQLITE,
        /** Core's in-memory store: lost at a restart. */
        MEMORY,
        /** No history: {@code HISTORY} answers {@code history-unavailable}. */
        NONE
    }

    /**
     * The {@code history} section.
     *
     * @param store which store
     * @param file the SQLite file (store {@code sqlite}), relative to the working directory unless absolute
     * @param maxPerTarget messages kept per target (everyone, later each room)
     * @param maxAgeDays days a message is kept; 0 for no age limit
     */
    record History(Store store, Path file, int maxPerTarget, int maxAgeDays) {
        /** What the shipped {@code util/config.json} says. */
        static final History DEFAULT = new History(Store.SQLITE, Path.of("util", "history.db"),
                io.aurachat.store.sqlite.SqliteHistoryStore.DEFAULT_MAX_PER_TARGET,
                (int) io.aurachat.store.sqlite.SqliteHistoryStore.DEFAULT_MAX_AGE.toDays());
    }
}
