package io.aurachat.server;

import static io.aurachat.internal.Checks.check;

import io.aurachat.accounts.AccountStore;
import io.aurachat.accounts.AccountsMode;
import io.aurachat.accounts.MemoryAccountStore;
import io.aurachat.accounts.PasswordHasher;
import io.aurachat.command.BuiltinCommands;
import io.aurachat.history.HistoryStore;
import io.aurachat.history.MemoryHistoryStore;
import io.aurachat.command.Command;
import io.aurachat.command.CommandHandler;
import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.log.LogSink;
import io.aurachat.protocol.NameRule;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The immutable configuration of a {@link ChatServer}. Make one with {@link #builder()}; every value has
 * a default, and {@link Builder#build()} checks them all at once.
 */
public final class ServerConfig {

    /** The default TCP port, {@value}. */
    public static final int DEFAULT_PORT = 5000;
    /** The default idle timeout: 2 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration MAX_IDLE_TIMEOUT = Duration.ofDays(30);

    /** The default maximum line length in bytes, {@value}. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 4096;
    /** The default maximum number of connected clients, {@value}. */
    public static final int DEFAULT_MAX_CLIENTS = 10_000;
    /** The default hard limit of bytes queued for one client, {@value} (1 MiB). */
    public static final int DEFAULT_MAX_OUTBOUND_BYTES = 1024 * 1024;
    /**
     * The default soft limit of bytes queued for one client: 0, which means {@code maxOutboundBytes / 16}, at
     * least 256 (64 KiB with the default hard limit).
     */
    public static final int DEFAULT_OUTBOUND_SOFT_LIMIT = 0;
    /** The default time a client's queue may stay above the soft limit before it is cut: 5 seconds. */
    public static final Duration DEFAULT_OUTBOUND_SOFT_TIMEOUT = Duration.ofSeconds(5);
    /** The default number of non-command lines in a row after which a client is disconnected, {@value}. */
    public static final int DEFAULT_MAX_CONSECUTIVE_ERRORS = 20;
    /** The default number of clients up to which join and leave notices are sent, {@value}. */
    public static final int DEFAULT_PRESENCE_LIMIT = 1_000;
    /** The default capacity of each log sink's queue, in events, {@value}. */
    public static final int DEFAULT_LOG_QUEUE_CAPACITY = 262_144;
    /** The default time {@link ChatServer#close()} gives clients to receive their goodbye: 5 seconds. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** The default time a resumable client's session waits for a {@code RESUME} after its connection broke: 2 minutes. */
    public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofMinutes(2);
    /** The default most missed messages one {@code RESUME} replays, {@value}. */
    public static final int DEFAULT_MAX_RESUME_MESSAGES = 50_000;
    /**
     * The most open connections from one IP address by default: far above what one machine of a LAN opens (a
     * person's clients, a bot or two), far below what a flood from one machine wants.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;
    /**
     * The default rate limit of each client: 100 lines a second, in bursts of up to 500. A person, a pasted page of
     * text, a bot or a script that waits for its replies stays below it; a flood does not (docs/decisions.md).
     */
    public static final RateLimit DEFAULT_RATE_LIMIT = RateLimit.of(100, 500);
    /** The default time a connection may stay before login on a server that requires accounts: 30 seconds. */
    public static final Duration DEFAULT_PRE_JOIN_TIMEOUT = Duration.ofSeconds(30);
    /** The default login attempts ({@code LOGIN}, {@code REGISTER}) per address and minute, {@value}. */
    public static final int DEFAULT_MAX_LOGIN_ATTEMPTS_PER_ADDRESS = 20;
    /** The default login attempts ({@code LOGIN}, {@code PASSWORD}) per account and minute, {@value}. */
    public static final int DEFAULT_MAX_LOGIN_ATTEMPTS_PER_ACCOUNT = 10;
    /** The default most passwords hashed or checked at once, {@value}. */
    public static final int DEFAULT_MAX_CONCURRENT_HASHES = 2;
    /** The default most logins that wait for a turn to hash, beyond which they are answered {@code server-busy}, {@value}. */
    public static final int DEFAULT_MAX_QUEUED_HASHES = 32;

    private final InetAddress bindAddress;
    private final int port;
    private final String serverName;
    private final Duration idleTimeout;
    private final int maxLineLength;
    private final int maxClients;
    private final int maxOutboundBytes;
    private final int outboundSoftLimit;
    /** As given to the builder: 0 for the default, which follows maxOutboundBytes. */
    private final int outboundSoftLimitGiven;
    private final Duration outboundSoftTimeout;
    private final int maxConsecutiveErrors;
    private final int ioThreads;
    private final int presenceLimit;
    private final Map<String, Command> commands;
    private final List<LogSink> logSinks;
    private final int logQueueCapacity;
    private final Duration shutdownTimeout;
    private final Clock clock;
    private final DiscoveryConfig discovery;
    private final boolean tcpEnabled;
    private final NameRule nameRule;
    private final HistoryStore historyStore;
    private final Duration resumeWindow;
    private final int maxResumeMessages;
    private final TlsConfig tls;
    private final boolean plainPort;
    private final int maxConnectionsPerAddress;
    private final RateLimit rateLimit;
    private final AccountsMode accounts;
    private final AccountStore accountStore;
    private final PasswordHasher passwordHasher;
    private final boolean allowPlainLogin;
    private final Duration preJoinTimeout;
    private final int maxLoginAttemptsPerAddress;
    private final int maxLoginAttemptsPerAccount;
    private final int maxConcurrentHashes;
    private final int maxQueuedHashes;

    private ServerConfig(Builder b) {
        this.bindAddress = b.bindAddress;
        this.port = b.port;
        this.serverName = b.serverName;
        this.idleTimeout = b.idleTimeout;
        this.maxLineLength = b.maxLineLength;
        this.maxClients = b.maxClients;
        this.maxOutboundBytes = b.maxOutboundBytes;
        this.outboundSoftLimit = b.outboundSoftLimit == 0 ? Math.max(256, b.maxOutboundBytes / 16) : b.outboundSoftLimit;
        this.outboundSoftLimitGiven = b.outboundSoftLimit;
        this.outboundSoftTimeout = b.outboundSoftTimeout;
        this.maxConsecutiveErrors = b.maxConsecutiveErrors;
        this.ioThreads = b.ioThreads;
        this.presenceLimit = b.presenceLimit;
        this.commands = Map.copyOf(b.commands);
        this.logSinks = List.copyOf(b.logSinks);
        this.logQueueCapacity = b.logQueueCapacity;
        this.shutdownTimeout = b.shutdownTimeout;
        this.clock = b.clock;
        this.discovery = b.discovery;
        this.tcpEnabled = b.tcpEnabled;
        this.nameRule = b.nameRule;
        this.historyStore = b.historyStore;
        this.resumeWindow = b.resumeWindow;
        this.maxResumeMessages = b.maxResumeMessages;
        this.tls = b.tls;
        this.plainPort = b.plainPort;
        this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
        this.rateLimit = b.rateLimit;
        this.accounts = b.accounts;
        this.accountStore = b.accountStore;
        this.passwordHasher = b.passwordHasher;
        this.allowPlainLogin = b.allowPlainLogin;
        this.preJoinTimeout = b.preJoinTimeout;
        this.maxLoginAttemptsPerAddress = b.maxLoginAttemptsPerAddress;
        this.maxLoginAttemptsPerAccount = b.maxLoginAttemptsPerAccount;
        this.maxConcurrentHashes = b.maxConcurrentHashes;
        this.maxQueuedHashes = b.maxQueuedHashes;
    }

    /** A builder with every default: all interfaces, port 5000, the built-in commands, no log sink. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.bindAddress = bindAddress;
        b.port = port;
        b.serverName = serverName;
        b.idleTimeout = idleTimeout;
        b.maxLineLength = maxLineLength;
        b.maxClients = maxClients;
        b.maxOutboundBytes = maxOutboundBytes;
        b.outboundSoftLimit = outboundSoftLimitGiven;
        b.outboundSoftTimeout = outboundSoftTimeout;
        b.maxConsecutiveErrors = maxConsecutiveErrors;
        b.ioThreads = ioThreads;
        b.presenceLimit = presenceLimit;
        b.commands.clear();
        b.commands.putAll(commands);
        b.logSinks.addAll(logSinks);
        b.logQueueCapacity = logQueueCapacity;
        b.shutdownTimeout = shutdownTimeout;
        b.clock = clock;
        b.discovery = discovery;
        b.tcpEnabled = tcpEnabled;
        b.nameRule = nameRule;
        b.historyStore = historyStore;
        b.resumeWindow = resumeWindow;
        b.maxResumeMessages = maxResumeMessages;
        b.tls = tls;
        b.plainPort = plainPort;
        b.maxConnectionsPerAddress = maxConnectionsPerAddress;
        b.rateLimit = rateLimit;
        b.accounts = accounts;
        b.accountStore = accountStore;
        b.passwordHasher = passwordHasher;
        b.allowPlainLogin = allowPlainLogin;
        b.preJoinTimeout = preJoinTimeout;
        b.maxLoginAttemptsPerAddress = maxLoginAttemptsPerAddress;
        b.maxLoginAttemptsPerAccount = maxLoginAttemptsPerAccount;
        b.maxConcurrentHashes = maxConcurrentHashes;
        b.maxQueuedHashes = maxQueuedHashes;
        return b;
    }

    /** Whether the server has accounts, and whether connections must log in before they join; OFF by default. */
    public AccountsMode accounts() {
        return accounts;
    }

    /**
     * Where accounts are kept, or {@code null} for the default: a {@link MemoryAccountStore} made when the server
     * starts (lost when it stops). The server does not close a store it was given.
     */
    public AccountStore accountStore() {
        return accountStore;
    }

    /** How passwords are hashed, or {@code null} for the default, {@link PasswordHasher#pbkdf2()}. */
    public PasswordHasher passwordHasher() {
        return passwordHasher;
    }

    /**
     * Whether {@code LOGIN} and {@code REGISTER} are taken over a connection that is not encrypted ({@link
     * io.aurachat.transport.Peer#secure()} false, such as plain TCP); {@code false} by default: they are answered
     * {@code insecure-connection}, so that no password crosses the network in clear unless the owner says so.
     */
    public boolean allowPlainLogin() {
        return allowPlainLogin;
    }

    /**
     * How long a connection to a server that requires accounts may stay before it has logged in: then it gets
     * {@code bye login-timeout} and is closed.
     */
    public Duration preJoinTimeout() {
        return preJoinTimeout;
    }

    /**
     * Login attempts ({@code LOGIN} and {@code REGISTER}, successful or not) one IP address may make per minute, as a
     * token bucket (a burst of this many, then one per {@code 60 / n} seconds); beyond, {@code too-many-attempts}.
     */
    public int maxLoginAttemptsPerAddress() {
        return maxLoginAttemptsPerAddress;
    }

    /**
     * Attempts ({@code LOGIN} and {@code PASSWORD}, from any address) on one account name per minute, as a token bucket;
     * beyond, {@code too-many-attempts}. Counted for names that are not registered too, so that the reply does not
     * tell which are.
     */
    public int maxLoginAttemptsPerAccount() {
        return maxLoginAttemptsPerAccount;
    }

    /** How many passwords are hashed or checked at once, at most: each costs a core (and, for Argon2id, memory). */
    public int maxConcurrentHashes() {
        return maxConcurrentHashes;
    }

    /**
     * How many logins may wait for a turn to hash, beyond {@link #maxConcurrentHashes()}; one more is answered
     * {@code server-busy} at once, and so is one that waited 10 seconds.
     */
    public int maxQueuedHashes() {
        return maxQueuedHashes;
    }

    /**
     * How long the session of a resumable client ({@code SESSION}) whose connection broke waits for a
     * {@code RESUME}: its id, name and rooms are kept meanwhile, and others see it leave only when the window passes.
     * {@link Duration#ZERO}: no sessions.
     */
    public Duration resumeWindow() {
        return resumeWindow;
    }

    /** The most missed messages one {@code RESUME} replays; beyond, the resume says it did not recover everything. */
    public int maxResumeMessages() {
        return maxResumeMessages;
    }

    /**
     * How fast each TCP client's lines are read ({@link #DEFAULT_RATE_LIMIT} unless set): beyond it, the server reads
     * that client more slowly instead of cutting it. {@link RateLimit#NONE} for no limit. See PROTOCOL.md,
     * <em>Rate limit</em>.
     */
    public RateLimit rateLimit() {
        return rateLimit;
    }

    /**
     * The history store given to {@link Builder#historyStore}, or {@code null} for the default: a
     * {@link MemoryHistoryStore} made when the server starts.
     */
    public HistoryStore historyStore() {
        return historyStore;
    }

    /**
     * The address to listen on; {@code null} means every interface, IPv4 and IPv6. The socket is of the
     * address's family: an IPv4 address ({@code 0.0.0.0}, every IPv4 interface, included) takes IPv4 clients
     * only; {@code ::} takes IPv4 and IPv6 clients (the JDK's IPv6 sockets are dual-stack); any other IPv6
     * address, such as {@code ::1}, only clients that reach it. See docs/configuration.md.
     */
    public InetAddress bindAddress() {
        return bindAddress;
    }

    /** The TCP port; 0 picks a free one, which {@link ChatServer#port()} tells after start. */
    public int port() {
        return port;
    }

    /** The name announced to clients in {@code welcome}. */
    public String serverName() {
        return serverName;
    }

    /** How long a client may send no command before it is closed; {@link Duration#ZERO} means never. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** The longest line the server accepts, in bytes of UTF-8, not counting the line terminator. */
    public int maxLineLength() {
        return maxLineLength;
    }

    /** How many clients may be connected at once; further connections get {@code bye server-full}. */
    public int maxClients() {
        return maxClients;
    }

    /**
     * The hard limit of the bytes waiting to be written to one client: a line that would take its queue
     * beyond it, after the server has tried to write what is queued, disconnects the client as a slow
     * consumer at once. A single line is always accepted into an empty queue, so one large reply never trips
     * it. See PROTOCOL.md, <em>Slow clients and back-pressure</em>.
     */
    public int maxOutboundBytes() {
        return maxOutboundBytes;
    }

    /**
     * The soft limit of the bytes waiting for one client (the watermark). While a client's queue is above
     * it: the clients whose lines add to it stop being read until it drains to half of it (back-pressure on
     * the senders); presence notices for it are skipped (it is told {@code presence-missed} once it has
     * drained); and if it stays above for {@link #outboundSoftTimeout()}, the client is cut as a slow
     * consumer. Never above {@link #maxOutboundBytes()}.
     */
    public int outboundSoftLimit() {
        return outboundSoftLimit;
    }

    /** How long a client's queue may stay above {@link #outboundSoftLimit()} before it is cut. */
    public Duration outboundSoftTimeout() {
        return outboundSoftTimeout;
    }

    /**
     * How many lines in a row that are not commands at all ({@code unknown-command}, {@code line-too-long},
     * {@code bad-encoding}) close a connection with {@code too-many-errors}; 0 means never. Any registered
     * command ends the streak, even one that fails (such as {@code CHAT} to a client that just left).
     */
    public int maxConsecutiveErrors() {
        return maxConsecutiveErrors;
    }

    /**
     * How many I/O threads ({@code aurachat-io-PORT-N}) read, run built-in commands and write. Each
     * connection stays on one of them.
     */
    public int ioThreads() {
        return ioThreads;
    }

    /**
     * Join, leave and rename notices are sent only while the server has at most this many clients, counting
     * the one that joins, leaves or renames itself; 0 turns them off. Above it, clients learn who is there from
     * {@code LIST}. Every notice is a line to every other client, so without a limit a mass connect of
     * N clients costs N&sup2; lines (50 million joins for 10,000 clients reconnecting after a restart, and as
     * many renames again when each sets its name); with it, at most about {@code presenceLimit}&sup2; of each.
     */
    public int presenceLimit() {
        return presenceLimit;
    }

    /**
     * The default number of I/O threads on a machine with this many processors: half of them, at least one. The
     * rest is for what every routed message also costs outside the I/O threads: the kernel's TCP work, the audit
     * log's thread, the garbage collector, commands on virtual threads, and on a LAN server often the clients'
     * own programs. On the 2-core machine this project is measured on, one I/O thread routed more messages per
     * second and per CPU second than two (docs/performance.md, issue 13); Redis, the peer of the benchmark,
     * also routes on one thread by default and advises I/O threads only from 4 cores on.
     *
     * @param processors what {@link Runtime#availableProcessors()} says
     * @return {@code max(1, processors / 2)}
     */
    public static int defaultIoThreads(int processors) {
        return Math.max(1, processors / 2);
    }

    /** The commands by upper-case verb (unordered; HELP sorts them by verb). */
    public Map<String, Command> commands() {
        return commands;
    }

    /** The log sinks, in registration order. */
    public List<LogSink> logSinks() {
        return logSinks;
    }

    /** How many events each log sink's queue holds before events are dropped (and counted). */
    public int logQueueCapacity() {
        return logQueueCapacity;
    }

    /** How long {@link ChatServer#close()} waits for clients to receive their goodbye. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** The clock for {@code TIME}, event times and the idle timeout. */
    public Clock clock() {
        return clock;
    }

    /**
     * The discovery responder's configuration; {@link DiscoveryConfig#disabled()} by default, so a server
     * opens no UDP port unless asked to.
     */
    public DiscoveryConfig discovery() {
        return discovery;
    }

    /**
     * Whether the server listens on its TCP port ({@code true} by default). Without it, its only clients are
     * those other transports {@linkplain ChatServer#attach attach}.
     */
    public boolean tcpEnabled() {
        return tcpEnabled;
    }

    /** The TLS port's configuration, or {@code null} (the default) for no TLS port. */
    public TlsConfig tls() {
        return tls;
    }

    /** Whether the plain (unencrypted) port {@link #port()} listens; {@code true} by default. */
    public boolean plainPort() {
        return plainPort;
    }

    /**
     * The most open connections from one IP address, on both ports together, the TLS handshakes under way included;
     * a further one gets {@code bye too-many-connections} (on the plain port; on the TLS port it is closed before the
     * handshake). 0 for no limit. Default {@link #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}.
     */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /**
     * The server's own rule for display names, applied after the built-in ones (PROTOCOL.md, <em>Names</em>);
     * {@link NameRule#standard()} by default.
     */
    public NameRule nameRule() {
        return nameRule;
    }

    @Override
    public String toString() {
        return "ServerConfig[bind=" + (bindAddress == null ? "*" : bindAddress.getHostAddress())
                + ", port=" + port + ", name=" + serverName + ", idleTimeout=" + idleTimeout
                + ", maxLineLength=" + maxLineLength + ", maxClients=" + maxClients
                + ", maxOutboundBytes=" + maxOutboundBytes + ", outboundSoftLimit=" + outboundSoftLimit
                + ", outboundSoftTimeout=" + outboundSoftTimeout + ", maxConsecutiveErrors=" + maxConsecutiveErrors + ", ioThreads=" + ioThreads + ", presenceLimit=" + presenceLimit
                + ", commands=" + commands.keySet() + ", logSinks=" + logSinks
                + ", logQueueCapacity=" + logQueueCapacity + ", shutdownTimeout=" + shutdownTimeout
                + ", discovery=" + discovery + ", tcpEnabled=" + tcpEnabled + ", nameRule=" + nameRule
                + ", resumeWindow=" + resumeWindow + ", maxResumeMessages=" + maxResumeMessages + ", tls=" + tls
                + ", plainPort=" + plainPort + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress
                + ", rateLimit=" + rateLimit + ", accounts=" + accounts + ", allowPlainLogin=" + allowPlainLogin + ", preJoinTimeout=" + preJoinTimeout
                + ", maxLoginAttemptsPerAddress=" + maxLoginAttemptsPerAddress + ", maxLoginAttemptsPerAccount="
                + maxLoginAttemptsPerAccount + ", maxConcurrentHashes=" + maxConcurrentHashes + ", maxQueuedHashes="
                + maxQueuedHashes + "]";
    }

    /** Collects configuration values; not thread-safe. {@link #build()} validates them. */
    public static final class Builder {
        private InetAddress bindAddress;
        private int port = DEFAULT_PORT;
        private String serverName = "AuraChat";
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
        private int maxClients = DEFAULT_MAX_CLIENTS;
        private int maxOutboundBytes = DEFAULT_MAX_OUTBOUND_BYTES;
        private int outboundSoftLimit = DEFAULT_OUTBOUND_SOFT_LIMIT;
        private Duration outboundSoftTimeout = DEFAULT_OUTBOUND_SOFT_TIMEOUT;
        private int maxConsecutiveErrors = DEFAULT_MAX_CONSECUTIVE_ERRORS;
        private int ioThreads = defaultIoThreads(Runtime.getRuntime().availableProcessors());
        private int presenceLimit = DEFAULT_PRESENCE_LIMIT;
        private final Map<String, Command> commands = new TreeMap<>();
        private final List<LogSink> logSinks = new ArrayList<>();
        private int logQueueCapacity = DEFAULT_LOG_QUEUE_CAPACITY;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration resumeWindow = DEFAULT_RESUME_WINDOW;
        private int maxResumeMessages = DEFAULT_MAX_RESUME_MESSAGES;
        private RateLimit rateLimit = DEFAULT_RATE_LIMIT;
        private Clock clock = Clock.systemDefaultZone();
        private DiscoveryConfig discovery = DiscoveryConfig.disabled();
        private boolean tcpEnabled = true;
        private NameRule nameRule = NameRule.standard();
        private HistoryStore historyStore;
        private TlsConfig tls;
        private boolean plainPort = true;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private AccountsMode accounts = AccountsMode.OFF;
        private AccountStore accountStore;
        private PasswordHasher passwordHasher;
        private boolean allowPlainLogin;
        private Duration preJoinTimeout = DEFAULT_PRE_JOIN_TIMEOUT;
        private int maxLoginAttemptsPerAddress = DEFAULT_MAX_LOGIN_ATTEMPTS_PER_ADDRESS;
        private int maxLoginAttemptsPerAccount = DEFAULT_MAX_LOGIN_ATTEMPTS_PER_ACCOUNT;
        private int maxConcurrentHashes = DEFAULT_MAX_CONCURRENT_HASHES;
        private int maxQueuedHashes = DEFAULT_MAX_QUEUED_HASHES;

        private Builder() {
            BuiltinCommands.all().forEach(this::command);
        }

        /**
         * The address to listen on; {@code null} (the default) means every interface, IPv4 and IPv6. An IPv4
         * address, {@code 0.0.0.0} included, listens for IPv4 only; {@code ::} for IPv4 and IPv6; see
         * {@link ServerConfig#bindAddress()}.
         */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        /** The TCP port, 0 to 65535; 0 picks a free port. Default 5000. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The name announced to clients: 1 to 64 chars, not blank, no control characters. Default "AuraChat". */
        public Builder serverName(String name) {
            this.serverName = name;
            return this;
        }

        /** Idle timeout, 1 ms to 30 days, or {@link Duration#ZERO} to never close idle clients. Default 2 min. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /** Longest accepted line in bytes, 64 to 1,048,576. Default 4096. */
        public Builder maxLineLength(int bytes) {
            this.maxLineLength = bytes;
            return this;
        }

        /** Most clients connected at once, 1 to 1,000,000. Default 10,000. */
        public Builder maxClients(int clients) {
            this.maxClients = clients;
            return this;
        }

        /** The hard limit of bytes waiting for one client, 1024 to 1 GiB. Default 1 MiB. */
        public Builder maxOutboundBytes(int bytes) {
            this.maxOutboundBytes = bytes;
            return this;
        }

        /**
         * The soft limit of bytes waiting for one client, 256 to {@code maxOutboundBytes}; 0 (the default)
         * for {@code maxOutboundBytes / 16}, at least 256. See {@link ServerConfig#outboundSoftLimit()}.
         */
        public Builder outboundSoftLimit(int bytes) {
            this.outboundSoftLimit = bytes;
            return this;
        }

        /** How long a queue may stay above the soft limit, 0 to 10 minutes. Default 5 seconds. */
        public Builder outboundSoftTimeout(Duration timeout) {
            this.outboundSoftTimeout = timeout;
            return this;
        }

        /** Non-command lines in a row that close a connection, 0 (never) to 1,000,000. Default 20. */
        public Builder maxConsecutiveErrors(int errors) {
            this.maxConsecutiveErrors = errors;
            return this;
        }

        /**
         * I/O threads, 1 to 256. Default: half the available processors, at least one ({@link
         * ServerConfig#defaultIoThreads}). Commands that are not built in never run on them (they get a virtual
         * thread), so more are rarely useful.
         */
        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /**
         * Most clients for which join, leave and rename notices are sent, 0 (never) to 1,000,000. Default 1,000.
         * See {@link ServerConfig#presenceLimit()}.
         */
        public Builder presenceLimit(int clients) {
            this.presenceLimit = clients;
            return this;
        }

        /** Registers a command, replacing any command with the same verb (a built-in one included). */
        public Builder command(Command command) {
            Objects.requireNonNull(command, "command");
            commands.put(command.verb(), command);
            return this;
        }

        /** Shorthand for {@code command(new Command(verb, usage, description, handler))}. */
        public Builder command(String verb, String usage, String description, CommandHandler handler) {
            return command(new Command(verb, usage, description, handler));
        }

        /** Removes the command with this verb (in any case), if registered. */
        public Builder removeCommand(String verb) {
            commands.remove(Command.normalizeVerb(verb));
            return this;
        }

        /** Removes every command, the built-in ones included. */
        public Builder clearCommands() {
            commands.clear();
            return this;
        }

        /** Adds a log sink; every sink receives every event. */
        public Builder logSink(LogSink sink) {
            logSinks.add(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        /**
         * Capacity of each log sink's queue, 16 to 16,777,216 events. Default 262,144: a burst of
         * 100,000 messages (200,000 events with their commands) fits even while the sink is stalled.
         */
        public Builder logQueueCapacity(int events) {
            this.logQueueCapacity = events;
            return this;
        }

        /**
         * How long a resumable client's session waits for a {@code RESUME} after its connection broke, 0 (no
         * sessions: {@code SESSION} answers {@code resume-disabled}) to 1 day. Default 2 minutes.
         */
        public Builder resumeWindow(Duration window) {
            this.resumeWindow = window;
            return this;
        }

        /** The most missed messages one {@code RESUME} replays, 1 to 10,000,000. Default 50,000. */
        public Builder maxResumeMessages(int messages) {
            this.maxResumeMessages = messages;
            return this;
        }

        /**
         * How fast each client's lines are read: {@code RateLimit.of(perSecond, burst)}, or {@link RateLimit#NONE} for
         * no limit (benchmarks, load generators). Default {@link #DEFAULT_RATE_LIMIT}: 100 lines a second in bursts of
         * up to 500. A client beyond it is read more slowly, never cut. See {@link ServerConfig#rateLimit()}.
         */
        public Builder rateLimit(RateLimit limit) {
            this.rateLimit = limit;
            return this;
        }

        /** How long close() waits for goodbyes to be written, 0 to 10 minutes. Default 5 s. */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        /** The clock for TIME, event times and idle tracking. Default: the system clock and zone. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * LAN discovery: the UDP responder that answers {@link io.aurachat.discovery.DiscoveryClient}
         * probes, started after the TCP port is bound and stopped by {@link ChatServer#close()}. Default
         * {@link DiscoveryConfig#disabled()}: an embedding application opts in to opening a UDP port.
         */
        public Builder discovery(DiscoveryConfig discovery) {
            this.discovery = discovery;
            return this;
        }

        /**
         * Whether the server listens on its TCP port; {@code true} by default. {@code false} leaves it with
         * only the clients other transports {@linkplain ChatServer#attach attach} (an in-memory test
         * harness, say); discovery, which announces the TCP port, must then be disabled.
         */
        public Builder tcpEnabled(boolean enabled) {
            this.tcpEnabled = enabled;
            return this;
        }

        /**
         * A TLS port beside the plain one (see {@link #plainPort(boolean)} to switch that off); {@code null} (the
         * default) for none. See {@link TlsConfig}.
         */
        public Builder tls(TlsConfig tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Whether the plain (unencrypted) port listens; {@code true} by default. A server with a {@link #tls TLS
         * port} can switch it off, so that every client connects encrypted.
         */
        public Builder plainPort(boolean listens) {
            this.plainPort = listens;
            return this;
        }

        /** See {@link ServerConfig#maxConnectionsPerAddress()}: 0 to 1,000,000, 0 for no limit. */
        public Builder maxConnectionsPerAddress(int connections) {
            this.maxConnectionsPerAddress = connections;
            return this;
        }

        /**
         * The server's own rule for display names, on top of the built-in ones: which names it refuses
         * and which names count as the same. See {@link NameRule}.
         */
        public Builder nameRule(NameRule rule) {
            this.nameRule = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * Where the server keeps the messages it routes, for {@code HISTORY}: its ids continue above the highest the
         * store holds. The server opens the store when it starts and closes it when it closes, so a store serves one
         * server. Default ({@code null}): a {@link MemoryHistoryStore} with its defaults, made when the server
         * starts; {@link HistoryStore#NONE} for no history.
         */
        public Builder historyStore(HistoryStore store) {
            this.historyStore = store;
            return this;
        }

        /** Accounts: {@code OFF} (the default), {@code OPTIONAL} or {@code REQUIRED}; see docs/accounts.md. */
        public Builder accounts(AccountsMode mode) {
            this.accounts = mode;
            return this;
        }

        /**
         * Where accounts are kept. Default ({@code null}): a {@link MemoryAccountStore} of at most 100,000 accounts,
         * made when the server starts. The server never closes a store given here.
         */
        public Builder accountStore(AccountStore store) {
            this.accountStore = store;
            return this;
        }

        /** How passwords are hashed. Default ({@code null}): {@link PasswordHasher#pbkdf2()}. */
        public Builder passwordHasher(PasswordHasher hasher) {
            this.passwordHasher = hasher;
            return this;
        }

        /** Whether passwords are taken over connections that are not encrypted. Default {@code false}. */
        public Builder allowPlainLogin(boolean allow) {
            this.allowPlainLogin = allow;
            return this;
        }

        /** Time allowed before login when accounts are required, 1 ms to 1 hour. Default 30 seconds. */
        public Builder preJoinTimeout(Duration timeout) {
            this.preJoinTimeout = timeout;
            return this;
        }

        /** Login attempts per IP address and minute, 1 to 1,000,000. Default 20. */
        public Builder maxLoginAttemptsPerAddress(int attempts) {
            this.maxLoginAttemptsPerAddress = attempts;
            return this;
        }

        /** Login and password-change attempts per account name and minute, 1 to 1,000,000. Default 10. */
        public Builder maxLoginAttemptsPerAccount(int attempts) {
            this.maxLoginAttemptsPerAccount = attempts;
            return this;
        }

        /** Passwords hashed or checked at once, 1 to 256. Default 2. */
        public Builder maxConcurrentHashes(int hashes) {
            this.maxConcurrentHashes = hashes;
            return this;
        }

        /** Logins waiting for a turn to hash, 0 to 100,000. Default 32. */
        public Builder maxQueuedHashes(int waiting) {
            this.maxQueuedHashes = waiting;
            return this;
        }

        /**
         * Checks every value and makes the configuration.
         *
         * @throws IllegalArgumentException naming the first value out of range
         */
        public ServerConfig build() {
            check(port >= 0 && port <= 65535, "port must be 0 to 65535: " + port);
            check(serverName != null && !serverName.isBlank() && serverName.length() <= 64
                            && serverName.chars().noneMatch(Character::isISOControl),
                    "serverName must be 1 to 64 characters without control characters");
            check(idleTimeout != null && !idleTimeout.isNegative()
                            && (idleTimeout.isZero() || idleTimeout.compareTo(Duration.ofMillis(1)) >= 0)
                            && idleTimeout.compareTo(MAX_IDLE_TIMEOUT) <= 0,
                    "idleTimeout must be zero (never) or 1 ms to 30 days: " + idleTimeout);
            check(maxLineLength >= 64 && maxLineLength <= 1 << 20, "maxLineLength must be 64 to 1048576: " + maxLineLength);
            check(maxClients >= 1 && maxClients <= 1_000_000, "maxClients must be 1 to 1000000: " + maxClients);
            check(maxOutboundBytes >= 1024 && maxOutboundBytes <= 1 << 30,
                    "maxOutboundBytes must be 1024 to 1073741824: " + maxOutboundBytes);
            check(outboundSoftLimit == 0 || (outboundSoftLimit >= 256 && outboundSoftLimit <= maxOutboundBytes),
                    "outboundSoftLimit must be 0 (maxOutboundBytes / 16) or 256 to maxOutboundBytes ("
                            + maxOutboundBytes + "): " + outboundSoftLimit);
            check(outboundSoftTimeout != null && !outboundSoftTimeout.isNegative()
                            && outboundSoftTimeout.compareTo(Duration.ofMinutes(10)) <= 0,
                    "outboundSoftTimeout must be 0 to 10 minutes: " + outboundSoftTimeout);
            check(maxConsecutiveErrors >= 0 && maxConsecutiveErrors <= 1_000_000,
                    "maxConsecutiveErrors must be 0 to 1000000: " + maxConsecutiveErrors);
            check(ioThreads >= 1 && ioThreads <= 256, "ioThreads must be 1 to 256: " + ioThreads);
            check(presenceLimit >= 0 && presenceLimit <= 1_000_000,
                    "presenceLimit must be 0 to 1000000: " + presenceLimit);
            check(logQueueCapacity >= 16 && logQueueCapacity <= 1 << 24,
                    "logQueueCapacity must be 16 to 16777216: " + logQueueCapacity);
            check(shutdownTimeout != null && !shutdownTimeout.isNegative()
                            && shutdownTimeout.compareTo(Duration.ofMinutes(10)) <= 0,
                    "shutdownTimeout must be 0 to 10 minutes: " + shutdownTimeout);
            check(clock != null, "clock must not be null");
            check(resumeWindow != null && !resumeWindow.isNegative() && resumeWindow.compareTo(Duration.ofDays(1)) <= 0,
                    "resumeWindow must be 0 to 1 day: " + resumeWindow);
            check(maxResumeMessages >= 1 && maxResumeMessages <= 10_000_000,
                    "maxResumeMessages must be 1 to 10000000: " + maxResumeMessages);
            check(rateLimit != null, "rateLimit must not be null (use RateLimit.NONE)");
            check(accounts != null, "accounts must not be null (use AccountsMode.OFF)");
            check(preJoinTimeout != null && preJoinTimeout.compareTo(Duration.ofMillis(1)) >= 0
                            && preJoinTimeout.compareTo(Duration.ofHours(1)) <= 0,
                    "preJoinTimeout must be 1 ms to 1 hour: " + preJoinTimeout);
            check(maxLoginAttemptsPerAddress >= 1 && maxLoginAttemptsPerAddress <= 1_000_000,
                    "maxLoginAttemptsPerAddress must be 1 to 1000000: " + maxLoginAttemptsPerAddress);
            check(maxLoginAttemptsPerAccount >= 1 && maxLoginAttemptsPerAccount <= 1_000_000,
                    "maxLoginAttemptsPerAccount must be 1 to 1000000: " + maxLoginAttemptsPerAccount);
            check(maxConcurrentHashes >= 1 && maxConcurrentHashes <= 256,
                    "maxConcurrentHashes must be 1 to 256: " + maxConcurrentHashes);
            check(maxQueuedHashes >= 0 && maxQueuedHashes <= 100_000,
                    "maxQueuedHashes must be 0 to 100000: " + maxQueuedHashes);
            check(discovery != null, "discovery must not be null (use DiscoveryConfig.disabled())");
            check(tcpEnabled || !discovery.enabled(), "discovery announces the TCP port: it needs tcpEnabled");
            check(!tcpEnabled || plainPort || tls != null, "with the plain port off, a TLS port is needed");
            check(maxConnectionsPerAddress >= 0 && maxConnectionsPerAddress <= 1_000_000,
                    "maxConnectionsPerAddress must be 0 (no limit) to 1000000: " + maxConnectionsPerAddress);
            return new ServerConfig(this);
        }
    }
}
