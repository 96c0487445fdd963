package io.aurachat.client;

import io.aurachat.discovery.DiscoveryClient;
import java.net.InetSocketAddress;
import java.nio.CharBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * How a {@link ChatClient} connects and behaves. Immutable; make one with {@link #builder()}, and reuse it
 * for many clients.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.builder()
 *         .server("192.168.1.20", 5000)      // or .discover() to find a server on the LAN
 *         .name("Mario")                     // or .login("Mario", password): the account's name
 *         .reconnect(ReconnectPolicy.backoff(Duration.ofMillis(500), Duration.ofSeconds(30)))
 *         .build();
 * }</pre>
 */
public final class ClientConfig {

    /** How long a TCP connect and the server's {@code welcome} may take: 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a call waits for its reply: 10 seconds. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);
    /** Events that may wait for the listener before the client stops reading: 10,000. */
    public static final int DEFAULT_EVENT_QUEUE_CAPACITY = 10_000;
    /** The longest line the client accepts from the server: 16 MiB (a {@code LIST} of 10,000 clients is ~1 MB). */
    public static final int DEFAULT_MAX_LINE_LENGTH = 16 << 20;

    private final InetSocketAddress server;
    private final Supplier<DiscoveryClient> discovery;
    private final Duration discoveryTimeout;
    private final String name;
    private final Duration connectTimeout;
    private final Duration callTimeout;
    private final ReconnectPolicy reconnect;
    private final int eventQueueCapacity;
    private final int maxLineLength;
    private final RandomGenerator random;
    private final TlsTrust tls;
    private final boolean requireTls;
    private final String account;
    private final char[] password;
    private final boolean register;

    private ClientConfig(Builder b) {
        this.server = b.server;
        this.discovery = b.discovery;
        this.discoveryTimeout = b.discoveryTimeout;
        this.name = b.name;
        this.connectTimeout = b.connectTimeout;
        this.callTimeout = b.callTimeout;
        this.reconnect = b.reconnect;
        this.eventQueueCapacity = b.eventQueueCapacity;
        this.maxLineLength = b.maxLineLength;
        this.random = b.random;
        this.tls = b.tls;
        this.requireTls = b.requireTls;
        this.account = b.account;
        this.password = b.password == null ? null : b.password.clone();
        this.register = b.register;
    }

    /** A builder with the defaults: discovery, no name, no reconnection. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.server = server;
        b.discovery = discovery;
        b.discoveryTimeout = discoveryTimeout;
        b.name = name;
        b.connectTimeout = connectTimeout;
        b.callTimeout = callTimeout;
        b.reconnect = reconnect;
        b.eventQueueCapacity = eventQueueCapacity;
        b.maxLineLength = maxLineLength;
        b.random = random;
        b.tls = tls;
        b.requireTls = requireTls;
        b.account = account;
        b.password = password == null ? null : password.clone();
        b.register = register;
        return b;
    }

    /**
     * The server to connect to; empty when the client discovers one. An address given by host name is
     * resolved at every connection attempt.
     */
    public Optional<InetSocketAddress> server() {
        return Optional.ofNullable(server);
    }

    /** Makes the discovery client used when {@link #server()} is empty, once per connection attempt. */
    public Supplier<DiscoveryClient> discovery() {
        return discovery;
    }

    /** How long discovery waits for the first answer. */
    public Duration discoveryTimeout() {
        return discoveryTimeout;
    }

    /** The display name set on every connection; empty to keep the server's default (the id). */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** How long a TCP connect, and then the server's {@code welcome}, may each take. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long a call waits for its reply before it fails. */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** When the client reconnects after losing its connection. */
    public ReconnectPolicy reconnect() {
        return reconnect;
    }

    /** How many events may wait for the listener before the client stops reading from the server. */
    public int eventQueueCapacity() {
        return eventQueueCapacity;
    }

    /** The longest line, in bytes, accepted from the server; a longer one is a protocol error. */
    public int maxLineLength() {
        return maxLineLength;
    }

    /** The source of reconnection jitter. */
    public RandomGenerator random() {
        return random;
    }

    /** How the server's TLS certificate is trusted; empty for plain TCP (the default). */
    public Optional<TlsTrust> tls() {
        return Optional.ofNullable(tls);
    }

    /** Whether a discovered server that offers no TLS is refused rather than connected to in plain text. */
    public boolean requireTls() {
        return requireTls;
    }

    /** The account the client logs into on every connection ({@link Builder#login}, {@link Builder#register}). */
    public Optional<String> account() {
        return Optional.ofNullable(account);
    }

    /** Whether the first connection makes the account ({@link Builder#register}) rather than only logging in. */
    public boolean registers() {
        return register;
    }

    /**
     * Checks that an account name and a password are one word each of a command line: not empty, no spaces, tabs or
     * line breaks, and (the password) whole UTF-16 text. The server checks its own rules.
     *
     * @throws IllegalArgumentException if not
     */
    static void checkLogin(String account, char[] password) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(password, "password");
        if (!isWord(account)) {
            throw new IllegalArgumentException("an account name must be one word, without spaces: '" + account + "'");
        }
        checkPassword(password);
    }

    /** As {@link #checkLogin}, for a password alone. */
    static void checkPassword(char[] password) {
        Objects.requireNonNull(password, "password");
        if (!isWord(CharBuffer.wrap(password))) {
            throw new IllegalArgumentException("a password must be one word: not empty, without spaces, tabs or "
                    + "line breaks");
        }
        for (int i = 0; i < password.length; i++) {
            char c = password[i];
            if (Character.isHighSurrogate(c) && i + 1 < password.length && Character.isLowSurrogate(password[i + 1])) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("a password must be text: it holds half of a character");
            }
        }
    }

    private static boolean isWord(CharSequence s) {
        return s.length() > 0 && s.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c));
    }

    /** The account's password (the configuration's own copy: callers must not change it); {@code null} if none. */
    char[] password() {
        return password;
    }

    /** The settings, with the account's name but never its password. */
    @Override
    public String toString() {
        return "ClientConfig[server=" + (server == null ? "discover within " + discoveryTimeout : server)
                + ", name=" + name + (account == null ? "" : (register ? ", register=" : ", login=") + account)
                + ", reconnect=" + reconnect + "]";
    }

    /** Collects settings; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private InetSocketAddress server;
        private Supplier<DiscoveryClient> discovery = DiscoveryClient::create;
        private Duration discoveryTimeout = DiscoveryClient.DEFAULT_TIMEOUT;
        private String name;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private ReconnectPolicy reconnect = ReconnectPolicy.none();
        private int eventQueueCapacity = DEFAULT_EVENT_QUEUE_CAPACITY;
        private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
        private RandomGenerator random = RandomGenerator.getDefault();
        private TlsTrust tls;
        private boolean requireTls;
        private String account;
        private char[] password;
        private boolean register;

        private Builder() {}

        /**
         * Logs into {@code account} with {@code password} on every connection: {@code LOGIN} before anything else,
         * also before a reconnect resumes the session (the server requires it for an account's session). On a server
         * that requires accounts the login is what joins; on one where they are optional the client joins anonymous
         * and logs in at once, and its display name becomes the account's (so {@link #name} does not go with a login);
         * on one without accounts the connect fails ({@code accounts-disabled}, the password unsent). A login the server
         * refuses makes {@link ChatClient#connect} throw {@link LoginFailedException}, and ends a
         * reconnecting client with {@link CloseReason#LOGIN_FAILED}.
         *
         * <p>The password is copied; the copy stays in memory as long as this builder, the configuration built from it
         * and the clients connected with that (each keeps its own copy until it is closed), since every reconnect logs
         * in again. Clear your own array when this returns. It is never part of {@link ClientConfig#toString()}.
         *
         * @param account the account's name (any case or compatibility form, as the server folds names)
         * @param password the password: the server's rules apply (8 to 1024 characters; see docs/accounts.md)
         * @throws IllegalArgumentException if either is empty or holds a space, a tab or a line break (it would not be
         *     one word of the command line)
         */
        public Builder login(String account, char[] password) {
            return credentials(account, password, false);
        }

        /**
         * As {@link #login}, but the first connection makes the account: it sends {@code REGISTER}, and if the server
         * answers {@code name-registered} (the account exists, as it does on every start of a program after its first),
         * {@code LOGIN} with the same password; a refused {@code LOGIN} then fails with the {@code name-registered} of
         * the {@code REGISTER} (the name is somebody else's, or the password is not its own). Reconnects log in.
         *
         * @throws IllegalArgumentException as {@link #login}
         */
        public Builder register(String account, char[] password) {
            return credentials(account, password, true);
        }

        /** Connects anonymously (the default): no login, no registration. */
        public Builder noLogin() {
            if (password != null) {
                java.util.Arrays.fill(password, '\0');
            }
            this.account = null;
            this.password = null;
            this.register = false;
            return this;
        }

        private Builder credentials(String account, char[] password, boolean register) {
            checkLogin(account, password);
            noLogin();
            this.account = account;
            this.password = password.clone();
            this.register = register;
            return this;
        }

        /**
         * Connects over TLS, trusting the server as {@code trust} says; {@code null} (the default) for plain TCP. With
         * {@link #server} the given port must be the server's TLS port. With discovery the client takes the TLS port a
         * server announces, and connects in plain text to one that offers no TLS unless {@link #requireTls} is set.
         */
        public Builder tls(TlsTrust trust) {
            this.tls = trust;
            return this;
        }

        /** With {@link #tls} and discovery: refuse a server that offers no TLS (default: connect in plain text). */
        public Builder requireTls(boolean require) {
            this.requireTls = require;
            return this;
        }

        /** Connects to this address (resolved now if it was given resolved, else at each attempt). */
        public Builder server(InetSocketAddress address) {
            this.server = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Connects to {@code host} (a name or an IP literal, resolved at each attempt) on {@code port}.
         *
         * @throws IllegalArgumentException if the port is not 1 to 65535
         */
        public Builder server(String host, int port) {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port must be 1 to 65535: " + port);
            }
            this.server = InetSocketAddress.createUnresolved(host, port);
            return this;
        }

        /** Finds the server with LAN discovery (the default) using {@link DiscoveryClient#create()}. */
        public Builder discover() {
            return discover(DiscoveryClient::create);
        }

        /**
         * Finds the server with LAN discovery, using discovery clients from {@code factory} (one per attempt,
         * closed after it), and connects to the first that answers.
         */
        public Builder discover(Supplier<DiscoveryClient> factory) {
            this.discovery = Objects.requireNonNull(factory, "factory");
            this.server = null;
            return this;
        }

        /** How long discovery waits for a first answer (default 2 s). */
        public Builder discoveryTimeout(Duration timeout) {
            this.discoveryTimeout = positive(timeout, "discoveryTimeout");
            return this;
        }

        /**
         * The display name to set after connecting, and again after each reconnect. The server checks it (see
         * PROTOCOL.md); a name it refuses makes the first connect fail with {@link ChatErrorException}.
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Timeout of the TCP connect and of the wait for {@code welcome} (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long a call waits for its reply (default 10 s). */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = positive(timeout, "callTimeout");
            return this;
        }

        /** When to reconnect after a lost connection (default {@link ReconnectPolicy#none()}). */
        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnect = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Events that may wait for the listener, 1 to 10,000,000 (default 10,000). */
        public Builder eventQueueCapacity(int events) {
            if (events < 1 || events > 10_000_000) {
                throw new IllegalArgumentException("eventQueueCapacity must be 1 to 10000000: " + events);
            }
            this.eventQueueCapacity = events;
            return this;
        }

        /** The longest line accepted from the server, 1 KiB to 1 GiB (default 16 MiB). */
        public Builder maxLineLength(int bytes) {
            if (bytes < 1024 || bytes > 1 << 30) {
                throw new IllegalArgumentException("maxLineLength must be 1024 to 1073741824: " + bytes);
            }
            this.maxLineLength = bytes;
            return this;
        }

        /** The source of reconnection jitter (tests pass a seeded one). */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * An immutable configuration with these settings.
         *
         * @throws IllegalArgumentException if both a {@link #name} and a {@link #login} are set: a logged-in client's
         *     display name is its account's
         */
        public ClientConfig build() {
            if (name != null && account != null) {
                throw new IllegalArgumentException("name and login do not go together: a client logged into an account "
                        + "has the account's name (" + account + ")");
            }
            return new ClientConfig(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}
