package io.aurachat.client;

import io.aurachat.accounts.AccountsMode;
import io.aurachat.client.LineInput.ProtocolException;
import io.aurachat.discovery.DiscoveryClient;
import io.aurachat.discovery.DiscoveryUnavailableException;
import io.aurachat.discovery.ServerInfo;
import io.aurachat.internal.Threads;
import io.aurachat.history.HistoryQuery;
import io.aurachat.history.MessageIds;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.Fields;
import io.aurachat.protocol.LineTypes;
import io.aurachat.protocol.Verbs;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.NameRule;
import io.aurachat.protocol.RoomInfo;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import io.aurachat.protocol.Fingerprint;
import io.aurachat.server.TlsConfig;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to an AuraChat server, for Java programs: typed calls for the built-in commands, a generic
 * {@link #call} for a server's own commands, and a {@link ChatListener} for what arrives.
 *
 * <pre>{@code
 * try (ChatClient client = ChatClient.connect(ClientConfig.builder().server("127.0.0.1", 5000).name("Mario").build(),
 *         new ChatListener() {
 *             public void onMessage(ChatClient c, ChatMessage m) { System.out.println(m.from().name() + ": " + m.text()); }
 *         })) {
 *     client.say("Ciao a tutti");
 * }
 * }</pre>
 *
 * <p><b>Calls block</b> the calling thread until the server's reply arrives, at most the
 * {@linkplain ClientConfig#callTimeout() call timeout}. Blocking is cheap on virtual threads and keeps the
 * caller's stack trace on every failure. Calls from many threads are pipelined on the one connection: each
 * is written at once and matched to its reply in order, so throughput does not depend on the round trip.
 * A call may be made from a listener callback.
 *
 * <p><b>Accounts:</b> with {@link ClientConfig.Builder#login} every connection logs in before anything else (a
 * reconnect too, before it resumes); {@link #login}, {@link #register} and {@link #changePassword} work on a connected
 * client. A refused login is a {@link LoginFailedException}; on a reconnect it ends the client with
 * {@link CloseReason#LOGIN_FAILED}.
 *
 * <p><b>Failures:</b> an {@code error} reply throws {@link ChatErrorException} with the server's code, and
 * the connection goes on. A call that cannot complete because the connection is gone or ends before the
 * reply throws {@link ConnectionClosedException} (an {@link IOException}); a call that times out throws
 * {@link java.io.InterruptedIOException}, and its late reply is discarded. A call on a closed client throws
 * {@link IllegalStateException}. Text containing a line break throws {@link IllegalArgumentException}: it
 * would be read as two commands.
 *
 * <p>Thread-safe. {@link #close()} sends {@code EXIT}, waits for the server's {@code bye} and returns after
 * the listener's {@link ChatListener#onClosed onClosed} has run (unless called from a callback).
 */
public final class ChatClient implements AutoCloseable {

    static final Logger LOG = LoggerFactory.getLogger(ChatClient.class);
    private static final AtomicLong COUNTER = new AtomicLong();

    private enum State { CONNECTED, RECONNECTING, CLOSING, CLOSED }

    /** A link whose handshake is done, with the events that arrived during it. */
    private record Opened(Link link, List<Link.Event> early) {}

    /**
     * What every connection logs in with: the account, this client's own copy of its password (cleared when the client
     * closes), and whether the next login makes the account ({@code REGISTER}, until one login succeeded).
     */
    private record Credentials(String account, char[] password, boolean register) {
        /** The verb of this login's first attempt. */
        String verb() {
            return register ? Verbs.REGISTER : Verbs.LOGIN;
        }

        void clear() {
            Arrays.fill(password, '\0');
        }

        @Override
        public String toString() {
            return "Credentials[" + account + "]";
        }
    }

    private final ClientConfig config;
    private final long number;
    private final EventThread events;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stateChanged = lock.newCondition();
    // guarded by lock
    private State state = State.CONNECTED;
    private Link link;
    private Thread reconnecter;
    /** Why the last connection ended, while reconnecting. */
    private CloseReason lostReason;
    private Throwable lostCause;
    private volatile Session session;
    private volatile String desiredName;
    /** The login of every new connection ({@link ClientConfig.Builder#login}, {@link #login}); {@code null}: none. */
    private volatile Credentials credentials;
    /**
     * The rooms this client is in, by folded name, in the order joined: joined again after a reconnect, as the
     * name is set again. Guarded by {@link #lock}.
     */
    private final Map<String, String> rooms = new LinkedHashMap<>();
    /**
     * The current connection's session token when the server made it resumable ({@code SESSION}, or the last
     * {@code RESUME}): what the next reconnect resumes. Only with a {@link ReconnectPolicy}.
     */
    private volatile String resumeToken;
    /** The current connection's TLS facts, or {@code null} for plain TCP. */
    private volatile TlsInfo tlsInfo;
    /** The highest message id this client has received: a message, or the reply to its own CHAT, SAY or POST. */
    private final AtomicLong lastMessageId = new AtomicLong();
    /** During a resume's handshake, how many missed messages this client holds before it hands them on. */
    static final int MAX_RESUMED_EVENTS = 100_000;

    private ChatClient(ClientConfig config, ChatListener listener) {
        this.config = config;
        this.number = COUNTER.incrementAndGet();
        this.events = new EventThread(listener, config.eventQueueCapacity(), "aurachat-client-events-" + number);
        this.desiredName = config.name().orElse(null);
        this.credentials = config.account().isEmpty() ? null
                : new Credentials(config.account().get(), config.password().clone(), config.registers());
    }

    /**
     * Connects, waits for the server's {@code welcome}, sets the configured name, and returns the connected
     * client; {@link ChatListener#onConnected} is the listener's first callback. If the configuration has no
     * server address, the first server that discovery finds is used.
     *
     * @throws ServerNotFoundException if discovery found no server within its timeout
     * @throws DiscoveryUnavailableException if discovery could not send a single probe
     *     (no network, not even loopback): the server has to be given by address
     * @throws ConnectionClosedException if the server refused the connection (for example
     *     {@link CloseReason#SERVER_FULL})
     * @throws ChatErrorException if the server refused the configured name; nothing stays open
     * @throws LoginFailedException if the client could not log into the configured account (see its codes), or the
     *     server requires an account and none is configured ({@code login-required}); nothing stays open
     * @throws IOException if the server cannot be reached, does not speak AuraChat, or is too slow
     */
    public static ChatClient connect(ClientConfig config, ChatListener listener) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listener, "listener");
        ChatClient client = new ChatClient(config, listener);
        Opened opened;
        try {
            opened = client.open(true);
        } catch (IOException | RuntimeException e) {
            client.forgetPassword();
            throw e;
        }
        Session first = opened.link().session();
        client.session = first;
        client.link = opened.link();
        client.events.start();
        client.events.postLifecycle(l -> l.onConnected(client, first));
        client.begin(opened);
        return client;
    }

    /** The configuration this client was made with. */
    public ClientConfig config() {
        return config;
    }

    /** The current session, or the last one while the client reconnects or after it closed. */
    public Session session() {
        return session;
    }

    /** This client's id in the current (or last) session. */
    public ClientId id() {
        return session().id();
    }

    /** This client's display name in the current (or last) session, as the server last confirmed it. */
    public String name() {
        return session().name();
    }

    /**
     * The account this client is logged into in the current (or last) session, as the server names it (its spelling at
     * registration: {@code Mario} for a {@code LOGIN mario}); empty while anonymous. Does not block.
     */
    public Optional<String> account() {
        return session().account();
    }

    /**
     * Whether the server said it would refuse a password on the current (or last) connection: it is not TLS and the
     * server takes passwords only over TLS ({@code "secure":false,"plainLogin":false} in its {@code hello} or
     * {@code welcome}). {@link #login}, {@link #register} and {@link #changePassword} then throw {@code
     * insecure-connection} without sending anything; a user interface can say so before it asks for a password. False
     * when the server said nothing (no accounts, or an older server), and once the client is closed. Does not wait for
     * the network.
     */
    public boolean refusesPasswords() {
        lock.lock();
        try {
            return link != null && link.refusesPasswords();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the client has a connection now (it may lose it at any time). */
    public boolean isConnected() {
        lock.lock();
        try {
            return state == State.CONNECTED;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the client is closed for good ({@link ChatListener#onClosed} was or is being delivered). */
    public boolean isClosed() {
        lock.lock();
        try {
            return state == State.CLOSED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a private message ({@code CHAT}). It may name this client's own id.
     *
     * @throws ChatErrorException {@code no-such-client} if nobody with that id is connected
     */
    public void chat(ClientId to, String text) throws IOException {
        Objects.requireNonNull(to, "to");
        request("CHAT", to.value() + " " + text(text));
    }

    /**
     * Sends a message to every other client ({@code SAY}).
     *
     * @return how many clients it was sent to
     */
    public int say(String text) throws IOException {
        Response r = request("SAY", text(text));
        return (int) number(r, Fields.RECIPIENTS);
    }

    /** The server's clock and time zone ({@code TIME}). */
    public ZonedDateTime time() throws IOException {
        Response r = request("TIME", "");
        try {
            return Instant.ofEpochMilli(number(r, Fields.EPOCH_MILLIS)).atZone(ZoneId.of(string(r, Fields.ZONE)));
        } catch (DateTimeException e) {
            throw new ProtocolException("the server sent a time with a bad zone: " + r.json(), e);
        }
    }

    /** Every connected client, this one included, in connection order ({@code LIST}). */
    public List<ClientInfo> list() throws IOException {
        Response r = request("LIST", "");
        try {
            return clients(Link.list(r, Fields.CLIENTS));
        } catch (RuntimeException e) {
            throw new ProtocolException("the server sent a malformed client list: " + r.json(), e);
        }
    }

    /** {@code CLIENT} objects of a reply, with their {@code connectedSince} ({@code LIST}, {@code MEMBERS}). */
    private static List<ClientInfo> clients(List<Object> objects) {
        List<ClientInfo> clients = new ArrayList<>();
        for (Object o : objects) {
            Map<?, ?> m = (Map<?, ?>) o;
            Peer p = Link.peer(m);
            clients.add(new ClientInfo(p.id(), p.name(), p.ip(), Instant.parse((String) m.get(Fields.CONNECTED_SINCE))));
        }
        return List.copyOf(clients);
    }

    /**
     * Sets this client's display name ({@code NAME}); it is set again after each reconnect.
     *
     * @return the name as the server accepted it
     * @throws ChatErrorException {@code bad-name} or {@code name-taken}
     */
    public String setName(String name) throws IOException {
        Response r = request("NAME", text(name));
        String accepted = string(r, Fields.NAME);
        desiredName = accepted;
        Session s = session;
        session = s.withName(accepted);
        return accepted;
    }

    /**
     * Logs this connected, anonymous client into an account ({@code LOGIN}), on a server where accounts are optional:
     * its display name becomes the account's (the others get a {@code rename}). Every reconnect from now on logs in
     * again with this password, before it resumes the session; the client keeps a copy of the password in memory for
     * that until it is closed (clear your own array when this returns).
     *
     * @param account the account's name, in any case or compatibility form
     * @return the account's name as the server names it
     * @throws LoginFailedException (a {@link ChatErrorException}) {@code bad-credentials}, {@code insecure-connection}
     *     (the server takes passwords only over TLS), {@code too-many-attempts} (see
     *     {@link ChatErrorException#retryAfter()}), {@code already-logged-in}, {@code accounts-disabled}, ...; the client
     *     stays as it was
     * @throws IllegalArgumentException if the name or the password is empty or holds a space or a line break
     */
    public String login(String account, char[] password) throws IOException {
        return authenticate(Verbs.LOGIN, account, password);
    }

    /**
     * Makes an account and logs this connected, anonymous client into it ({@code REGISTER}), on a server where accounts
     * are optional; as {@link #login} otherwise (reconnects log in with this password).
     *
     * @param account the new account's name (the display-name rules, and no spaces); the client may have it as its
     *     name now, but nobody else
     * @return the account's name as the server names it
     * @throws LoginFailedException {@code name-registered}, {@code name-taken}, {@code bad-name}, {@code weak-password}
     *     (8 to 1024 characters, not the name), {@code insecure-connection}, {@code too-many-attempts}, ...
     * @throws IllegalArgumentException if the name or the password is empty or holds a space or a line break
     */
    public String register(String account, char[] password) throws IOException {
        return authenticate(Verbs.REGISTER, account, password);
    }

    private String authenticate(String verb, String account, char[] password) throws IOException {
        ClientConfig.checkLogin(account, password);
        Credentials c = new Credentials(account, password.clone(), false);
        Response r;
        try {
            r = requestSecret(verb, verb + " " + account, c.password());
        } catch (ChatErrorException e) {
            c.clear();
            throw LoginFailedException.of(e);
        } catch (IOException | RuntimeException e) {
            c.clear();
            throw e;
        }
        Session s = loggedIn(session, r);
        String named = s.account().orElseThrow();
        desiredName = s.name();
        session = s;
        // The earlier credentials are not cleared: a reconnect may be reading them. The GC takes them.
        credentials = new Credentials(named, c.password(), false);
        return named;
    }

    /**
     * Changes the logged-in account's password ({@code PASSWORD}); the account's other devices stay logged in, and this
     * client's reconnects use the new password.
     *
     * @throws ChatErrorException {@code login-required} (not logged in), {@code bad-credentials} ({@code oldPassword} is
     *     wrong), {@code weak-password}, {@code too-many-attempts}, ...
     * @throws IllegalArgumentException if a password is empty or holds a space or a line break
     */
    public void changePassword(char[] oldPassword, char[] newPassword) throws IOException {
        ClientConfig.checkPassword(oldPassword);
        ClientConfig.checkPassword(newPassword);
        requestSecret(Verbs.PASSWORD, Verbs.PASSWORD, oldPassword, newPassword);
        Credentials c = credentials;
        if (c != null) {
            credentials = new Credentials(c.account(), newPassword.clone(), false);
        }
    }

    /** The server's commands, sorted by verb ({@code HELP}). */
    public List<CommandInfo> help() throws IOException {
        Response r = request("HELP", "");
        List<CommandInfo> commands = new ArrayList<>();
        try {
            for (Object o : Link.list(r, Fields.COMMANDS)) {
                Map<?, ?> m = (Map<?, ?>) o;
                commands.add(new CommandInfo((String) m.get(Fields.VERB), (String) m.get(Fields.USAGE),
                        (String) m.get(Fields.DESCRIPTION)));
            }
        } catch (RuntimeException e) {
            throw new ProtocolException("the server sent a malformed command list: " + r.json(), e);
        }
        return List.copyOf(commands);
    }

    /**
     * A page of earlier messages ({@code HISTORY}): {@code HistoryQuery.latest("*", 50)} for the latest messages to
     * everyone, {@code HistoryQuery.before("*", MessageIds.parse(oldest.id().orElseThrow()), 50)} to page back; a
     * room's name for its messages, {@code "@"} for the private messages of the account this client is logged into,
     * {@code "@Luigi"} for those with the account {@code Luigi} only. A limit above the server's maximum (200) gets a
     * page of the maximum.
     *
     * @return the messages, oldest first, each as it was delivered (with its id and time)
     * @throws ChatErrorException {@code no-such-message} for an id the server does not keep, {@code no-such-room},
     *     {@code history-unavailable} when the server keeps no history or its store failed, {@code login-required} for
     *     {@code "@"} and {@code "@name"} when not logged in
     * @throws IllegalArgumentException for a {@code SINCE} query, or one with a {@link HistoryQuery#peer} or {@link
     *     HistoryQuery#recipient} (filters of a store's, which the server sets itself)
     */
    public HistoryResult history(HistoryQuery query) throws IOException {
        Objects.requireNonNull(query, "query");
        if (query.peer() != null || query.recipient() != null) {
            throw new IllegalArgumentException("a store's filter, not a HISTORY page: name a conversation as the target"
                    + " (\"@Luigi\")");
        }
        String arguments = switch (query.kind()) {
            case LATEST -> query.target() + " LATEST " + query.limit();
            case BEFORE -> query.target() + " BEFORE " + query.from() + " " + query.limit();
            case AFTER -> query.target() + " AFTER " + query.from() + " " + query.limit();
            case BETWEEN -> query.target() + " BETWEEN " + query.from() + " " + query.to() + " " + query.limit();
            case SINCE -> throw new IllegalArgumentException("SINCE is what a resume reads, not a HISTORY page");
        };
        Response r = request("HISTORY", arguments);
        List<ChatMessage> messages = new ArrayList<>();
        try {
            for (Object o : Link.list(r, Fields.MESSAGES)) {
                messages.add(Link.message((Map<?, ?>) o));
            }
            Object more = r.fields().get(Fields.MORE);
            return new HistoryResult(string(r, Fields.TARGET), messages, Boolean.TRUE.equals(more));
        } catch (RuntimeException e) {
            throw new ProtocolException("the server sent a malformed history page: " + r.json(), e);
        }
    }

    /**
     * The conversations of the account this client is logged into ({@code HISTORY @ CONVERSATIONS}): the accounts it
     * has private messages with in the server's history, each with the latest of them, the latest first. Messages with
     * clients that were not logged in are in no conversation. A limit above the server's maximum (200) gets a page of
     * the maximum.
     *
     * @param limit the most conversations, at least 1
     * @return a page of conversations; {@link ConversationsResult#more} says whether there are older ones
     * @throws ChatErrorException {@code login-required} when not logged in, {@code history-unavailable} when the
     *     server keeps no history or its store failed
     * @throws IllegalArgumentException if {@code limit} is below 1
     */
    public ConversationsResult conversations(int limit) throws IOException {
        return conversations(0, limit);
    }

    /**
     * The next page of {@link #conversations(int)}: those whose latest message is older than the message {@code
     * beforeId} (the id of the latest message of the last conversation of the page before).
     *
     * @param beforeId a message id ({@link io.aurachat.history.MessageIds#parse} of a {@link ChatMessage#id}), or 0
     *     for the first page
     * @param limit the most conversations, at least 1
     * @throws IllegalArgumentException if {@code limit} is below 1 or {@code beforeId} is negative
     * @see #conversations(int)
     */
    public ConversationsResult conversations(long beforeId, int limit) throws IOException {
        if (limit < 1 || beforeId < 0) {
            throw new IllegalArgumentException("limit must be at least 1 and beforeId not negative: " + limit + ", "
                    + beforeId);
        }
        Response r = request("HISTORY", "@ CONVERSATIONS " + (beforeId > 0 ? "BEFORE " + beforeId + " " : "") + limit);
        List<Conversation> conversations = new ArrayList<>();
        try {
            for (Object o : Link.list(r, Fields.CONVERSATIONS)) {
                Map<?, ?> c = (Map<?, ?>) o;
                conversations.add(new Conversation((String) c.get(Fields.ACCOUNT),
                        Link.message((Map<?, ?>) c.get(Fields.LATEST))));
            }
            return new ConversationsResult(conversations, Boolean.TRUE.equals(r.fields().get(Fields.MORE)));
        } catch (RuntimeException e) {
            throw new ProtocolException("the server sent a malformed conversation list: " + r.json(), e);
        }
    }

    /**
     * Joins a room ({@code JOIN}), making it if it does not exist; joining a room this client is in changes nothing.
     * The client joins it again after each reconnect (see {@link #joinedRooms()}).
     *
     * @param room the room's name: 1 to 32 letters, digits, {@code -}, {@code _} or {@code .}; rooms are told apart
     *     ignoring case
     * @return the room as the server names it (spelled as its first {@code JOIN} spelled it) and its member count,
     *     this client included
     * @throws ChatErrorException {@code bad-room-name}, or {@code too-many-rooms}
     * @throws IllegalArgumentException if {@code room} is empty or holds a space or a line break
     */
    public RoomInfo join(String room) throws IOException {
        Response r = request("JOIN", room(room));
        RoomInfo info = new RoomInfo(string(r, Fields.ROOM), (int) number(r, Fields.MEMBERS));
        lock.lock();
        try {
            rooms.putIfAbsent(fold(info.name()), info.name());
        } finally {
            lock.unlock();
        }
        return info;
    }

    /**
     * Leaves a room ({@code PART}); the other members get {@link ChatListener#onRoomLeave} with reason
     * {@code part}. The client no longer joins it after a reconnect, also when the server answers
     * {@code not-in-room}.
     *
     * @throws ChatErrorException {@code bad-room-name}, or {@code not-in-room}
     * @throws IllegalArgumentException if {@code room} is empty or holds a space or a line break
     */
    public void part(String room) throws IOException {
        String name = room(room);
        try {
            request("PART", name);
        } catch (ChatErrorException e) {
            if (ErrorCodes.NOT_IN_ROOM.equals(e.code())) {
                forget(name);
            }
            throw e;
        }
        forget(name);
    }

    /**
     * Posts a message to a room this client is in ({@code POST}). The sender does not get it back.
     *
     * @return how many other members it was sent to
     * @throws ChatErrorException {@code not-in-room}, {@code bad-room-name}, or {@code bad-arguments} for an empty text
     * @throws IllegalArgumentException if {@code room} is empty or holds a space or a line break
     */
    public int post(String room, String text) throws IOException {
        Response r = request("POST", room(room) + " " + text(text));
        return (int) number(r, Fields.RECIPIENTS);
    }

    /** The server's rooms, sorted by name, with their member counts ({@code ROOMS}). */
    public List<RoomInfo> rooms() throws IOException {
        Response r = request("ROOMS", "");
        List<RoomInfo> list = new ArrayList<>();
        try {
            for (Object o : Link.list(r, Fields.ROOMS)) {
                Map<?, ?> m = (Map<?, ?>) o;
                list.add(new RoomInfo((String) m.get(Fields.NAME), ((Number) m.get(Fields.MEMBERS)).intValue()));
            }
        } catch (RuntimeException e) {
            throw new ProtocolException("the server sent a malformed room list: " + r.json(), e);
        }
        return List.copyOf(list);
    }

    /**
     * The members of a room, in connection order ({@code MEMBERS}).
     *
     * @throws ChatErrorException {@code no-such-room}, or {@code bad-room-name}
     * @throws IllegalArgumentException if {@code room} is empty or holds a space or a line break
     */
    public List<ClientInfo> members(String room) throws IOException {
        Response r = request("MEMBERS", room(room));
        try {
            return clients(Link.list(r, Fields.MEMBERS));
        } catch (RuntimeException e) {
            throw new ProtocolException("the server sent a malformed member list: " + r.json(), e);
        }
    }

    /**
     * The rooms this client joined with {@link #join} and has not {@linkplain #part parted}, in the order joined,
     * as the server named them: the rooms it joins again after a reconnect. A room that could not be joined again
     * after a reconnect (the server refused it) is logged as a warning (SLF4J, {@code io.aurachat.client}) and
     * dropped from this list. Does not block.
     */
    public List<String> joinedRooms() {
        lock.lock();
        try {
            return List.copyOf(rooms.values());
        } finally {
            lock.unlock();
        }
    }

    /** A round trip to the server ({@code PING}); it also counts as activity for the idle timeout. */
    public void ping() throws IOException {
        request("PING", "");
    }

    /**
     * Sends any command and returns its successful reply: the way to call a server's own commands.
     *
     * @param verb the command's verb (letters, digits, {@code -} and {@code _}; case does not matter)
     * @param arguments what follows the verb; empty for none
     * @throws ChatErrorException if the server answers with an error (for example {@code unknown-command})
     * @throws IllegalArgumentException if the verb is malformed, or the line would hold a line break or be
     *     longer than the server accepts
     */
    public Response call(String verb, String arguments) throws IOException {
        Objects.requireNonNull(verb, "verb");
        String normalized = Verbs.normalize(verb);
        if (!Verbs.isValid(normalized)) {
            throw new IllegalArgumentException(Verbs.problem(verb));
        }
        return request(normalized, text(arguments));
    }

    /**
     * Leaves the server ({@code EXIT}): waits for its {@code bye} and closes the client for good, with
     * {@link CloseReason#EXIT}; no reconnection follows.
     *
     * @throws IOException if the client was not connected or the connection broke first; the client is
     *     closed anyway
     */
    public void exit() throws IOException {
        Link current;
        lock.lock();
        try {
            if (state == State.CLOSED || state == State.CLOSING) {
                throw new IllegalStateException("the client is closed");
            }
            current = state == State.CONNECTED ? link : null;
            state = State.CLOSING;
            stateChanged.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (current == null) {
                throw new ConnectionClosedException("not connected: the client was reconnecting; it is closed now",
                        CloseReason.EXIT, null);
            }
            sendExit(current);
        } finally {
            finishClose(current);
        }
    }

    /**
     * Closes the client for good: sends {@code EXIT} if it is connected (waiting at most the call timeout for
     * the {@code bye}), stops any reconnection, fails calls still waiting, and waits for the listener's
     * {@link ChatListener#onClosed onClosed} (unless called from a listener callback). Idempotent; never throws.
     */
    @Override
    public void close() {
        Link current;
        lock.lock();
        try {
            if (state == State.CLOSED || state == State.CLOSING) {
                current = null;
            } else {
                current = state == State.CONNECTED ? link : null;
                state = State.CLOSING;
                stateChanged.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (current != null) {
            try {
                sendExit(current);
            } catch (IOException | RuntimeException e) {
                LOG.debug("EXIT failed while closing; closing the connection anyway", e);
            }
        }
        finishClose(current);
    }

    // ---- connection lifecycle

    /** Finds the server, connects, reads the welcome and sets the name. Throws with nothing left open. */
    private Opened open(boolean first) throws IOException {
        Target t = target();
        InetSocketAddress target = t.address();
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, config.connectTimeout().toMillis()));
            socket.connect(target, timeout);
            socket.setSoTimeout(timeout);
            if (t.trust() != null) {
                socket = handshake(socket, t, timeout);
            } else {
                tlsInfo = null;
            }
            Link l = new Link(this, socket, config.maxLineLength());
            Map<String, Object> hello = l.readFirst();
            if (LineTypes.BYE.equals(hello.get(Fields.TYPE))) {
                CloseReason reason = CloseReason.fromBye(String.valueOf(hello.get(Fields.REASON)));
                throw new ConnectionClosedException("the server at " + target + " refused the connection: "
                        + Link.describe(reason), reason, null);
            }
            List<Link.Event> early = new ArrayList<>();
            // A resume's missed messages arrive during the handshake: they are held until the listener has been
            // told onReconnected, up to a bound.
            int handshakeEvents = first ? config.eventQueueCapacity()
                    : Math.max(config.eventQueueCapacity(), MAX_RESUMED_EVENTS);
            l.events(event -> {
                if (early.size() >= handshakeEvents) {
                    throw new IllegalStateException("too many events during the handshake");
                }
                early.add(event);
            });
            Credentials login = credentials;
            Session s;
            l.firstLine(hello);
            if (LineTypes.HELLO.equals(hello.get(Fields.TYPE))) {
                s = joinByLogin(l, target, hello, login);
            } else {
                s = welcome(target, hello);
                l.session(s);
                if (login != null) {
                    s = logInAfterWelcome(l, s, login);
                }
            }
            l.session(s);
            String token = resumeToken;
            if (!first && token != null) {
                resumeToken = null; // good for one resume, whatever happens now
                if (resume(l, s, token, early)) {
                    socket.setSoTimeout(0);
                    return new Opened(l, early);
                }
                s = l.session();
            } else if (!first) {
                early.add(listener -> listener.onResumed(this, false, 0, false)); // the server keeps no sessions
            }
            String name = desiredName;
            if (name != null && !name.equals(s.name())) {
                Link.Pending p = l.send("NAME", "NAME " + text(name));
                readUntil(l, p, "while the name was set");
                try {
                    l.session(s.withName(string(Link.await(p, config.callTimeout()), Fields.NAME)));
                } catch (ChatErrorException e) {
                    if (first) {
                        throw e;
                    }
                    LOG.warn("could not set the name {} again after reconnecting: {}", name, e.getMessage());
                }
            }
            if (!first) {
                rejoin(l);
            }
            askForSession(l);
            socket.setSoTimeout(0);
            return new Opened(l, early);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new SocketTimeoutException("no welcome from " + target + " within " + config.connectTimeout()
                    + " (is it an AuraChat server?)");
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /**
     * The first line was {@code hello}: the server requires an account. Logs in, which joins, and returns the session
     * the {@code welcome} that the login brings describes (it comes before the reply).
     *
     * @throws LoginFailedException if no login is configured, the server takes no password over this connection, or it
     *     refused the login
     */
    private Session joinByLogin(Link l, InetSocketAddress target, Map<String, Object> hello, Credentials login)
            throws IOException {
        if (login == null) {
            throw new LoginFailedException(ErrorCodes.LOGIN_REQUIRED, null, "the server at " + target
                    + " requires an account: log in with ClientConfig.Builder.login (or make one with register)", null);
        }
        AtomicReference<Map<String, Object>> welcome = new AtomicReference<>();
        l.expectWelcome(welcome::set);
        Response ok = logIn(l, login);
        l.expectWelcome(null);
        if (welcome.get() == null) {
            throw new ProtocolException("the server answered " + ok.command() + " without a welcome: " + ok.json());
        }
        Session s = welcome(target, welcome.get());
        return s.account().isEmpty() ? loggedIn(s, ok) : s;
    }

    /**
     * The client joined anonymous and has a login: logs in now (the server renames it to the account's name).
     *
     * @throws LoginFailedException if the server has no accounts, takes no password over this connection, or refused
     *     the login
     */
    private Session logInAfterWelcome(Link l, Session s, Credentials login) throws IOException {
        if (s.accounts() == AccountsMode.OFF) {
            throw new LoginFailedException(ErrorCodes.ACCOUNTS_DISABLED, login.verb(),
                    "the server at " + s.server() + " has no accounts: connect without a login", null);
        }
        return loggedIn(s, logIn(l, login));
    }

    /** {@code s} logged into the account a successful {@code LOGIN} or {@code REGISTER} reply names. */
    private static Session loggedIn(Session s, Response ok) throws ProtocolException {
        String name = string(ok, Fields.NAME);
        return s.withAccount(name, ok.string(Fields.ACCOUNT).orElse(name));
    }

    private static String insecure(InetSocketAddress target) {
        return "the server at " + target + " takes passwords only over an encrypted connection, and this one is not:"
                + " connect to its TLS port (ClientConfig.Builder.tls)";
    }

    /**
     * Logs in during the handshake: {@code LOGIN}, or for a login that makes the account {@code REGISTER}, then
     * {@code LOGIN} if the name is registered (see {@link ClientConfig.Builder#register}). Once one succeeded, the
     * client's logins are {@code LOGIN}s.
     *
     * @return the successful reply
     * @throws LoginFailedException if the server refused it
     */
    private Response logIn(Link l, Credentials login) throws IOException {
        Response ok;
        if (!login.register()) {
            ok = sendLogin(l, Verbs.LOGIN, login);
        } else {
            try {
                ok = sendLogin(l, Verbs.REGISTER, login);
            } catch (LoginFailedException e) {
                if (!ErrorCodes.NAME_REGISTERED.equals(e.code())) {
                    throw e;
                }
                try {
                    ok = sendLogin(l, Verbs.LOGIN, login);
                } catch (LoginFailedException again) {
                    throw ErrorCodes.BAD_CREDENTIALS.equals(again.code()) ? e : again;
                }
            }
            if (credentials == login) {
                credentials = new Credentials(ok.string(Fields.ACCOUNT).orElse(login.account()), login.password(), false);
            }
        }
        desiredName = null; // the account's name is the display name
        return ok;
    }

    /** Sends {@code LOGIN} or {@code REGISTER} on a link during its handshake and reads up to its reply. */
    private Response sendLogin(Link l, String verb, Credentials login) throws IOException {
        Link.Pending p = sendSecret(l, verb, verb + " " + login.account(), login.password());
        // Checking a password takes the server a while (and waits behind others' under load): the call timeout.
        int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(config.connectTimeout().toMillis(),
                config.callTimeout().toMillis()));
        l.socket().setSoTimeout(timeout);
        try {
            readUntil(l, p, "while logging in");
        } catch (SocketTimeoutException e) {
            throw new InterruptedIOException("no reply to " + verb + " within " + timeout + " ms");
        }
        try {
            return Link.await(p, config.callTimeout());
        } catch (ChatErrorException e) {
            throw LoginFailedException.of(e);
        }
    }

    /**
     * Sends {@code RESUME} on a new link during its handshake and reads up to its reply: the missed messages land in
     * {@code early}, then the outcome for {@link ChatListener#onResumed}.
     *
     * @return whether the server gave the session back (then the name and rooms are the session's, and the link
     *     is resumable again); {@code false}: the link is the new client its welcome announced
     */
    private boolean resume(Link l, Session fresh, String token, List<Link.Event> early) throws IOException {
        Link.Pending p = l.send("RESUME", "RESUME " + token + " " + lastMessageId.get());
        readUntil(l, p, "while the session was resumed");
        Response r;
        try {
            r = Link.await(p, config.callTimeout());
        } catch (ChatErrorException e) {
            LOG.info("could not resume the session ({}): messages sent meanwhile are lost", e.getMessage());
            early.add(listener -> listener.onResumed(this, false, 0, false));
            return false;
        }
        boolean recovered;
        int missed;
        try {
            Session resumed = fresh.resumed(ClientId.parse(string(r, Fields.ID)), string(r, Fields.NAME));
            List<Object> names = Link.list(r, Fields.ROOMS);
            lock.lock();
            try {
                rooms.clear();
                for (Object o : names) {
                    rooms.put(fold((String) o), (String) o);
                }
            } finally {
                lock.unlock();
            }
            missed = (int) number(r, Fields.MISSED);
            recovered = Boolean.TRUE.equals(r.fields().get(Fields.RECOVERED));
            resumeToken = string(r, Fields.SESSION);
            l.session(resumed);
        } catch (RuntimeException e) {
            throw new ProtocolException("the server sent a malformed resumed reply: " + r.json(), e);
        }
        early.add(listener -> listener.onResumed(this, true, missed, recovered));
        return true;
    }

    /**
     * With a reconnect policy: makes the new link resumable ({@code SESSION}). The reply is not waited for (the
     * handshake does not get longer); it sets the token when the reader gets it. A server that keeps no sessions
     * answers an error, and a reconnect then does not try to resume.
     */
    private void askForSession(Link l) throws IOException {
        if (!config.reconnect().isEnabled()) {
            return;
        }
        Link.Pending p = l.send("SESSION", "SESSION");
        p.outcome.thenAccept(outcome -> {
            if (outcome instanceof Response r && r.string(Fields.SESSION).isPresent()) {
                resumeToken = r.string(Fields.SESSION).get();
            } else {
                LOG.debug("the server keeps no sessions ({}): a reconnect will not resume", outcome);
            }
        });
    }

    /** Reads the link during the handshake until {@code p} has its reply. */
    private static void readUntil(Link l, Link.Pending p, String what) throws IOException {
        while (!p.outcome.isDone()) {
            if (!l.readOne()) {
                CloseReason bye = l.byeReason();
                if (bye != null) {
                    throw new ConnectionClosedException("the server closed the connection " + what + ": "
                            + Link.describe(bye), bye, null);
                }
                throw new EOFException("the server closed the connection " + what);
            }
        }
    }

    /**
     * Joins the rooms this client was in again, on a new link during its handshake: the JOINs are pipelined, then
     * their replies read in order. A room the server refuses is logged and dropped from {@link #joinedRooms()}.
     */
    private void rejoin(Link l) throws IOException {
        List<String> names = joinedRooms();
        if (names.isEmpty()) {
            return;
        }
        List<Link.Pending> calls = new ArrayList<>();
        for (String name : names) {
            calls.add(l.send("JOIN", "JOIN " + name));
        }
        readUntil(l, calls.get(calls.size() - 1), "while the rooms were joined again");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            try {
                Link.await(calls.get(i), config.callTimeout());
            } catch (ChatErrorException e) {
                LOG.warn("could not join the room {} again after reconnecting: {}", name, e.getMessage());
                forget(name);
            }
        }
    }

    /**
     * Where to connect and how.
     *
     * @param trust how to trust its certificate, or {@code null} for plain TCP
     * @param name the server as the known-servers file names it ({@code host:port})
     * @param announced the fingerprint discovery announced, or {@code null}
     */
    private record Target(InetSocketAddress address, TlsTrust trust, String name, Fingerprint announced) {}

    /**
     * Turns a connected socket into a TLS one and runs the handshake, trusting the server as configured.
     *
     * @throws UntrustedServerException if its certificate is not the one trusted
     */
    private Socket handshake(Socket plain, Target t, int timeout) throws IOException {
        FingerprintTrustManager trust = new FingerprintTrustManager(t.name(), t.trust(), t.announced());
        SSLSocket tls;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            tls = (SSLSocket) context.getSocketFactory().createSocket(plain, t.address().getHostString(),
                    t.address().getPort(), true);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is not available in this JVM", e);
        }
        tls.setEnabledProtocols(TlsConfig.DEFAULT_PROTOCOLS.stream()
                .filter(List.of(tls.getSupportedProtocols())::contains).toArray(String[]::new));
        tls.setSoTimeout(timeout);
        try {
            tls.startHandshake();
        } catch (SSLException e) {
            closeQuietly(tls);
            if (trust.refusal != null) {
                throw trust.refusal;
            }
            throw new SSLException("TLS handshake with " + t.name() + " failed (is it the server's TLS port?): "
                    + e.getMessage(), e);
        }
        SSLSession session = tls.getSession();
        tlsInfo = new TlsInfo(trust.presented, trust.firstContact, session.getProtocol(), session.getCipherSuite());
        return tls;
    }

    /**
     * What this client's current connection knows of the server's TLS certificate and session.
     *
     * @return empty while not connected over TLS
     */
    public Optional<TlsInfo> tls() {
        return Optional.ofNullable(tlsInfo);
    }

    private Target target() throws IOException {
        TlsTrust trust = config.tls().orElse(null);
        Optional<InetSocketAddress> configured = config.server();
        if (configured.isPresent()) {
            InetSocketAddress a = configured.get();
            if (a.isUnresolved()) {
                a = new InetSocketAddress(a.getHostString(), a.getPort());
                if (a.isUnresolved()) {
                    throw new UnknownHostException(configured.get().getHostString());
                }
            }
            return new Target(a, trust, KnownServers.key(configured.get().getHostString(), a.getPort()), null);
        }
        try (DiscoveryClient discovery = config.discovery().get()) {
            Optional<ServerInfo> found = discovery.discoverFirst(config.discoveryTimeout());
            if (found.isEmpty()) {
                throw new ServerNotFoundException("no AuraChat server answered discovery within "
                        + config.discoveryTimeout() + " (" + discovery + ")");
            }
            ServerInfo server = found.get();
            String host = server.address().getHostAddress();
            if (trust != null && server.hasTls()) {
                return new Target(server.tlsSocketAddress(), trust, KnownServers.key(host, server.tlsPort()),
                        Fingerprint.parse(server.fingerprint()));
            }
            if (server.tcpPort() == 0) {
                throw new ServerNotFoundException("the server " + server.name() + " at " + host
                        + " takes TLS connections only, and this client has no TLS trust configured");
            }
            if (trust != null && config.requireTls()) {
                throw new ServerNotFoundException("the server " + server.name() + " at " + host
                        + " offers no TLS, and this client requires it");
            }
            return new Target(server.socketAddress(), null, KnownServers.key(host, server.tcpPort()), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while discovering a server");
        }
    }

    private static Session welcome(InetSocketAddress target, Map<String, Object> hello) throws IOException {
        try {
            if (!LineTypes.WELCOME.equals(hello.get(Fields.TYPE))) {
                throw new IllegalArgumentException("first line is not a welcome");
            }
            long idle = (Long) hello.get(Fields.IDLE_TIMEOUT_SECONDS);
            long maxLine = (Long) hello.get(Fields.MAX_LINE_LENGTH);
            long protocol = (Long) hello.get(Fields.PROTOCOL);
            Object account = hello.get(Fields.ACCOUNT);
            return new Session(target, ClientId.parse((String) hello.get(Fields.ID)), (String) hello.get(Fields.NAME),
                    (String) hello.get(Fields.SERVER), (int) protocol, Duration.ofSeconds(idle),
                    (int) Math.min(Integer.MAX_VALUE, maxLine),
                    Optional.ofNullable(account instanceof String a ? a : null), accountsMode(hello.get(Fields.ACCOUNTS)));
        } catch (RuntimeException e) {
            throw new ProtocolException("not an AuraChat server at " + target + ": " + hello, e);
        }
    }

    /** A {@code welcome}'s {@code "accounts"}: {@link AccountsMode#OFF} when absent (or a mode this client does not know). */
    private static AccountsMode accountsMode(Object wire) {
        for (AccountsMode mode : AccountsMode.values()) {
            if (mode.wireName().equals(wire)) {
                return mode;
            }
        }
        if (wire != null) {
            LOG.debug("the server has accounts of a kind this client does not know: {}", wire);
        }
        return AccountsMode.OFF;
    }

    /** Hands a fresh link to its reader: the handshake's events first, then whatever follows. */
    private void begin(Opened opened) {
        Link l = opened.link();
        for (Link.Event e : opened.early()) {
            events.post(e);
        }
        l.events(events::post);
        l.startReader("aurachat-client-reader-" + number, () -> ended(l));
    }

    /** The reader of {@code l} has finished: close for good, or reconnect. Runs on that reader. */
    private void ended(Link l) {
        CloseReason reason = l.endReason();
        Throwable cause = l.endCause();
        lock.lock();
        try {
            if (link != l) {
                return;
            }
            link = null;
            if (state == State.CONNECTED && reason.isRetriable() && config.reconnect().isEnabled()) {
                state = State.RECONNECTING;
                lostReason = reason;
                lostCause = cause;
                events.postLifecycle(listener -> listener.onDisconnected(this, reason, cause));
                reconnecter = Threads.virtual("aurachat-client-reconnect-" + number, () -> reconnect(reason, cause));
                reconnecter.start();
                return;
            }
            finish(reason, cause);
        } finally {
            lock.unlock();
        }
    }

    /** Must hold the lock. Delivers {@code onClosed} and ends the event thread. */
    private void finish(CloseReason reason, Throwable cause) {
        forgetPassword();
        state = State.CLOSED;
        stateChanged.signalAll();
        events.postLifecycle(listener -> listener.onClosed(this, reason, cause));
        events.end();
    }

    /** Clears this client's copy of its password: it will not connect again. */
    private void forgetPassword() {
        Credentials c = credentials;
        credentials = null;
        if (c != null) {
            c.clear();
        }
    }

    private void reconnect(CloseReason lost, Throwable lostCause) {
        ReconnectPolicy policy = config.reconnect();
        Duration retryAfter = Duration.ZERO; // what a too-many-attempts asked for
        for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
            long wait = Math.max(policy.delay(attempt, config.random()).toNanos(), retryAfter.toNanos());
            retryAfter = Duration.ZERO;
            lock.lock();
            try {
                while (state == State.RECONNECTING && wait > 0) {
                    wait = stateChanged.awaitNanos(wait);
                }
                if (state != State.RECONNECTING) {
                    finish(lost, lostCause);
                    return;
                }
            } catch (InterruptedException e) {
                finish(lost, lostCause);
                return;
            } finally {
                lock.unlock();
            }
            Opened opened;
            try {
                opened = open(false);
            } catch (UntrustedServerException e) {
                // Only the user can decide whether the new certificate is the server's: never retry it.
                LOG.warn("reconnect refused: {}", e.getMessage());
                lock.lock();
                try {
                    finish(CloseReason.UNTRUSTED_SERVER, e);
                } finally {
                    lock.unlock();
                }
                return;
            } catch (LoginFailedException e) {
                if (e.isTransient()) {
                    LOG.info("reconnect attempt {} could not log in yet: {}", attempt, e.getMessage());
                    retryAfter = e.retryAfter().orElse(Duration.ZERO);
                    continue;
                }
                // The same password would only be refused again (changed elsewhere, the account removed, ...).
                LOG.warn("reconnect refused: could not log in again: {}", e.getMessage());
                lock.lock();
                try {
                    finish(CloseReason.LOGIN_FAILED, e);
                } finally {
                    lock.unlock();
                }
                return;
            } catch (IOException | RuntimeException e) {
                LOG.info("reconnect attempt {} failed: {}", attempt, e.toString());
                continue;
            }
            lock.lock();
            try {
                if (state != State.RECONNECTING) {
                    opened.link().closeSocket();
                    finish(lost, lostCause);
                    return;
                }
                state = State.CONNECTED;
                link = opened.link();
                Session s = opened.link().session();
                session = s;
                events.postLifecycle(listener -> listener.onReconnected(this, s));
            } finally {
                lock.unlock();
            }
            begin(opened);
            return;
        }
        lock.lock();
        try {
            LOG.info("giving up reconnecting after {} attempts", policy.maxAttempts());
            if (state == State.RECONNECTING || state == State.CLOSING) {
                // onDisconnected was told when the connection was lost; onClosed ends it.
                finish(lost, lostCause);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends EXIT on {@code l} and waits for the {@code bye}. */
    private void sendExit(Link l) throws IOException {
        try {
            Link.await(l.send("EXIT", "EXIT"), config.callTimeout());
        } catch (IOException | RuntimeException e) {
            l.abort(CloseReason.EXIT, null);
            throw e;
        }
    }

    /** After {@code state = CLOSING}: waits for the link (or the reconnecter) to end, then for the listener. */
    private void finishClose(Link l) {
        Duration timeout = config.callTimeout();
        Thread r;
        lock.lock();
        try {
            r = reconnecter;
        } finally {
            lock.unlock();
        }
        if (l != null) {
            Thread reader = l.reader();
            if (!join(reader, timeout)) {
                l.abort(CloseReason.EXIT, null);
                join(reader, timeout);
            }
        } else if (r != null) {
            join(r, timeout);
        }
        lock.lock();
        try {
            if (state != State.CLOSED && link == null && (r == null || !r.isAlive())) {
                finish(CloseReason.EXIT, null);
            }
        } finally {
            lock.unlock();
        }
        if (!events.await(timeout) && !events.isCurrent()) {
            LOG.warn("the ChatListener did not finish within {}; close() returns without it", timeout);
        }
    }

    private static boolean join(Thread t, Duration timeout) {
        if (t == null || t == Thread.currentThread()) {
            return true;
        }
        try {
            return t.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- calls

    /**
     * The link calls go to now.
     *
     * @throws IllegalStateException if the client is closed
     * @throws ConnectionClosedException while it reconnects
     */
    private Link current() throws ConnectionClosedException {
        lock.lock();
        try {
            switch (state) {
                case CLOSED, CLOSING -> throw new IllegalStateException("the client is closed");
                case RECONNECTING -> throw new ConnectionClosedException("not connected: reconnecting to the server"
                        + " after the connection ended (" + Link.describe(lostReason) + ")", lostReason, lostCause);
                case CONNECTED -> { }
            }
            return link;
        } finally {
            lock.unlock();
        }
    }

    private Response request(String verb, String arguments) throws IOException {
        Link l = current();
        String line = arguments.isEmpty() ? verb : verb + " " + arguments;
        int max = l.session().maxLineLength();
        if (line.length() > max / 3 && line.getBytes(StandardCharsets.UTF_8).length > max) {
            throw new IllegalArgumentException("the " + verb + " line is longer than the server accepts ("
                    + max + " bytes)");
        }
        events.inCall(true);
        try {
            return Link.await(l.send(verb, line), config.callTimeout());
        } finally {
            events.inCall(false);
        }
    }

    /** A call whose line ends with passwords: {@code head}, then each of {@code secrets} after a space. */
    private Response requestSecret(String verb, String head, char[]... secrets) throws IOException {
        Link.Pending p = sendSecret(current(), verb, head, secrets);
        events.inCall(true);
        try {
            return Link.await(p, config.callTimeout());
        } finally {
            events.inCall(false);
        }
    }

    /**
     * Writes {@code head secret...} on {@code l} ({@link #secretLine}) and clears the line's bytes; nothing at all if the
     * server said it would refuse a password on this link.
     *
     * @throws LoginFailedException {@code insecure-connection}, when the server said so
     */
    private static Link.Pending sendSecret(Link l, String verb, String head, char[]... secrets) throws IOException {
        if (l.refusesPasswords()) { // it would answer insecure-connection: the password is not sent at all
            throw new LoginFailedException(ErrorCodes.INSECURE_CONNECTION, verb, insecure(l.remote()), null);
        }
        byte[] line = secretLine(head, secrets);
        try {
            return l.send(verb, line);
        } finally {
            Arrays.fill(line, (byte) 0);
        }
    }

    /**
     * {@code head secret...\n} in UTF-8, made without a {@code String} that holds a secret (a string cannot be cleared);
     * the caller clears the array once it is written.
     */
    static byte[] secretLine(String head, char[]... secrets) {
        int n = head.length() + 1;
        for (char[] secret : secrets) {
            n += 1 + secret.length;
        }
        char[] chars = new char[n];
        head.getChars(0, head.length(), chars, 0);
        int at = head.length();
        for (char[] secret : secrets) {
            chars[at++] = ' ';
            System.arraycopy(secret, 0, chars, at, secret.length);
            at += secret.length;
        }
        chars[at] = '\n';
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(chars));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a password must be text", e);
        } finally {
            Arrays.fill(chars, '\0');
        }
        byte[] line = Arrays.copyOfRange(encoded.array(), encoded.arrayOffset(), encoded.arrayOffset() + encoded.limit());
        Arrays.fill(encoded.array(), (byte) 0);
        return line;
    }

    private static String text(String text) {
        Objects.requireNonNull(text, "text");
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("text may not contain a line break");
        }
        return text;
    }

    /** Checks a room name enough that it stays one argument; the server checks the rest. */
    private static String room(String room) {
        Objects.requireNonNull(room, "room");
        if (room.isEmpty() || room.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("not a room name: '" + room + "'");
        }
        return room;
    }

    /** Called by the link's reader for every message id it sees ({@code message} lines, the client's own sends). */
    void sawMessageId(String id) {
        long v = MessageIds.parse(id);
        if (v > 0) {
            lastMessageId.accumulateAndGet(v, Math::max);
        }
    }

    /**
     * The id of the newest message this client has received, or of its own newest {@code CHAT}, {@code SAY} or
     * {@code POST}: what a resume asks the server for the messages after. 0 before any.
     */
    public long lastMessageId() {
        return lastMessageId.get();
    }

    /** A room's name as rooms are told apart: ignoring case and compatibility forms (PROTOCOL.md, Rooms). */
    private static String fold(String room) {
        return NameRule.standardKey(room);
    }

    private void forget(String room) {
        lock.lock();
        try {
            rooms.remove(fold(room));
        } finally {
            lock.unlock();
        }
    }

    private static long number(Response r, String field) throws ProtocolException {
        return r.integer(field).orElseThrow(() -> new ProtocolException(
                "the " + r.type() + " reply to " + r.command() + " has no integer " + field + ": " + r.json()));
    }

    private static String string(Response r, String field) throws ProtocolException {
        return r.string(field).orElseThrow(() -> new ProtocolException(
                "the " + r.type() + " reply to " + r.command() + " has no text " + field + ": " + r.json()));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public String toString() {
        Session s = session;
        return "ChatClient[" + (s == null ? "connecting" : s.id() + " " + s.name() + " at " + s.server()) + "]";
    }
}
