package io.aurachat.hub;

import io.aurachat.accounts.AccountStore;
import io.aurachat.accounts.AccountsMode;
import io.aurachat.accounts.PasswordHasher;
import io.aurachat.command.BuiltinCommands;
import io.aurachat.command.Command;
import io.aurachat.command.CommandException;
import io.aurachat.command.ResumeResult;
import io.aurachat.history.HistoryPage;
import io.aurachat.history.HistoryQuery;
import io.aurachat.history.HistoryStore;
import io.aurachat.history.HistoryUnavailableException;
import io.aurachat.history.MessageIds;
import io.aurachat.history.StoredMessage;
import io.aurachat.log.LogEvent;
import io.aurachat.log.LogSink;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.NameRule;
import io.aurachat.protocol.RoomInfo;
import io.aurachat.transport.Peer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transport-neutral heart of a server: the registry of clients, their names, presence notices,
 * routing with encode-once, command dispatch, the idle rule and the log events. It talks to connected
 * clients only through {@link Peer}: a TCP connection is one kind of peer, an in-memory test double
 * another. It opens no socket and starts no thread but the log sinks'.
 *
 * <p>Life of a client: a transport {@link #attach attaches} a peer and gets its {@link Client}, which is
 * in the pre-join state: it has an id and its lines are answered, but nobody sees it (no {@code LIST}
 * entry, no presence, no messages for it). {@link Client#join()} makes it visible: {@code welcome},
 * registration, a {@code join} notice. When the connection ends, for whatever reason, the peer reports
 * it once through {@link Client#closed}, and the hub forgets the client.
 *
 * <p>Thread-safe: transports call in from their own threads (I/O threads, command threads, the timer).
 */
public final class Hub {
    private final Settings settings;
    private final Clock clock;
    private final LogBus log;
    final Dispatcher dispatcher;
    private final Semaphore permits;
    private final byte[] serverFullBye = Wire.bye(LeaveReason.SERVER_FULL);
    private final byte[] idleBye = Wire.bye(LeaveReason.IDLE_TIMEOUT);
    private final byte[] shutdownBye = Wire.bye(LeaveReason.SERVER_SHUTDOWN);
    private final byte[] loginTimeoutBye = Wire.bye(LeaveReason.LOGIN_TIMEOUT);

    private final AtomicLong nextId = new AtomicLong();
    private final HistoryStore history;
    private final Rooms rooms;
    /** Made in {@link #start}, once the history store has said which id its messages end at. */
    private volatile MessageIdGenerator messageIds;
    /** Clients that have joined and not left, by id. */
    private final ConcurrentHashMap<ClientId, Client> clients = new ConcurrentHashMap<>();
    /**
     * The same clients' peers: what a message to everyone goes through. Kept beside {@link #clients} so that
     * a broadcast reaches each peer without first loading each client (one cache miss per recipient less,
     * which a 1,000-client fan-out measured as about a tenth of its time).
     */
    private final ConcurrentHashMap<ClientId, Peer> peers = new ConcurrentHashMap<>();
    /** Every attached client that has not left, joined or not: the idle rule and shutdown go through them. */
    private final Set<Client> attached = ConcurrentHashMap.newKeySet();
    /** Chosen display names, lower-cased, and who has them. */
    /**
     * Chosen display names by key ({@link NameRule#key}), and who has them: a {@link ClientId} for an anonymous client,
     * an {@link Accounts.Owner} for the devices of an account, which share its name.
     */
    final ConcurrentHashMap<String, Object> names = new ConcurrentHashMap<>();
    /** Registering, logging in, and the devices of each account. */
    final Accounts accounts;
    private volatile boolean closing;
    /** Whether any log sink wants {@link LogEvent.MessageSent}: sinks say so once, at start. */
    private final boolean logMessages;

    /**
     * What a hub is configured with: the parts of {@code ServerConfig} that are not about a transport.
     *
     * @param serverName announced in {@code welcome}
     * @param idleTimeout clients that send no command for this long are closed; zero for never
     * @param maxLineLength announced in {@code welcome} (transports enforce it)
     * @param maxClients the most attached clients, joined or not
     * @param presenceLimit join, leave and rename notices go out while at most this many clients are joined
     * @param maxConsecutiveErrors lines in a row that are not commands before the client is cut; 0 for never
     * @param commands the commands by upper-case verb
     * @param logSinks where events go
     * @param logQueueCapacity each sink's queue, in events
     * @param clock the server clock
     * @param nameRule the server's own name rule, after the built-in ones
     * @param history where routed messages are kept for {@code HISTORY}; the hub opens it in {@link #start} and
     *     does not close it (its owner does, after the transports have stopped)
     * @param resumeWindow how long the session of a resumable client whose connection broke waits for a
     *     {@code RESUME}; zero turns sessions off
     * @param maxResumeMessages the most missed messages one {@code RESUME} replays
     */
    public record Settings(String serverName, Duration idleTimeout, int maxLineLength, int maxClients,
            int presenceLimit, int maxConsecutiveErrors, Map<String, Command> commands, List<LogSink> logSinks,
            int logQueueCapacity, Clock clock, NameRule nameRule, HistoryStore history, Duration resumeWindow,
            int maxResumeMessages, AccountSettings accounts) {

        /** Copies the collections. */
        public Settings {
            Objects.requireNonNull(accounts, "accounts");
            Objects.requireNonNull(serverName, "serverName");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(nameRule, "nameRule");
            Objects.requireNonNull(history, "history");
            Objects.requireNonNull(resumeWindow, "resumeWindow");
            commands = Map.copyOf(commands);
            logSinks = List.copyOf(logSinks);
        }

        /** Settings with sessions off. */
        public Settings(String serverName, Duration idleTimeout, int maxLineLength, int maxClients,
                int presenceLimit, int maxConsecutiveErrors, Map<String, Command> commands, List<LogSink> logSinks,
                int logQueueCapacity, Clock clock, NameRule nameRule, HistoryStore history) {
            this(serverName, idleTimeout, maxLineLength, maxClients, presenceLimit, maxConsecutiveErrors, commands,
                    logSinks, logQueueCapacity, clock, nameRule, history, Duration.ZERO, 0, AccountSettings.off());
        }

        /** Settings without accounts. */
        public Settings(String serverName, Duration idleTimeout, int maxLineLength, int maxClients,
                int presenceLimit, int maxConsecutiveErrors, Map<String, Command> commands, List<LogSink> logSinks,
                int logQueueCapacity, Clock clock, NameRule nameRule, HistoryStore history, Duration resumeWindow,
                int maxResumeMessages) {
            this(serverName, idleTimeout, maxLineLength, maxClients, presenceLimit, maxConsecutiveErrors, commands,
                    logSinks, logQueueCapacity, clock, nameRule, history, resumeWindow, maxResumeMessages,
                    AccountSettings.off());
        }
    }

    /**
     * What a hub is configured with for accounts.
     *
     * @param mode off, optional or required
     * @param store where accounts are kept
     * @param hasher how passwords are hashed
     * @param allowPlainLogin whether passwords are taken over connections that are not encrypted
     * @param preJoinTimeout how long a connection may stay before login when accounts are required
     * @param perAddress login attempts per address and minute
     * @param perAccount login attempts per account name and minute
     * @param maxConcurrentHashes passwords hashed at once
     * @param maxQueuedHashes logins waiting for a turn to hash
     */
    public record AccountSettings(AccountsMode mode, AccountStore store, PasswordHasher hasher, boolean allowPlainLogin,
            Duration preJoinTimeout, int perAddress, int perAccount, int maxConcurrentHashes, int maxQueuedHashes) {
        /** Checks the store and hasher are given when accounts are on. */
        public AccountSettings {
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(preJoinTimeout, "preJoinTimeout");
            if (mode != AccountsMode.OFF) {
                Objects.requireNonNull(store, "store");
                Objects.requireNonNull(hasher, "hasher");
            }
        }

        /** No accounts. */
        public static AccountSettings off() {
            return new AccountSettings(AccountsMode.OFF, null, null, false, Duration.ofSeconds(30), 20, 10, 2, 32);
        }
    }

    /** A hub with these settings; nothing runs until {@link #start}. */
    public Hub(Settings settings) {
        this.settings = settings;
        this.clock = settings.clock();
        this.permits = new Semaphore(settings.maxClients());
        this.log = new LogBus(settings.logSinks(), settings.logQueueCapacity(), clock);
        this.logMessages = log.wants(LogEvent.MessageSent.class);
        this.history = settings.history();
        this.rooms = new Rooms(settings.presenceLimit());
        this.accounts = new Accounts(this, settings.accounts());
        this.dispatcher = new Dispatcher(this, settings.commands(), settings.maxConsecutiveErrors(),
                loopCommands(settings.commands().values(), accounts.enabled()));
    }

    /** The built-in commands never block, so they may run on a transport's I/O threads. */
    private static Set<Command> loopCommands(Collection<Command> registered, boolean accounts) {
        Set<Command> builtin = Collections.newSetFromMap(new IdentityHashMap<>());
        builtin.addAll(BuiltinCommands.all());
        builtin.remove(BuiltinCommands.HISTORY); // it waits for the history store
        builtin.remove(BuiltinCommands.RESUME); // so does it, and for the client to read what it missed
        builtin.remove(BuiltinCommands.REGISTER); // they hash passwords and ask the account store
        builtin.remove(BuiltinCommands.LOGIN);
        builtin.remove(BuiltinCommands.PASSWORD);
        if (accounts) {
            builtin.remove(BuiltinCommands.NAME); // it asks the account store whether the name is registered
        }
        Set<Command> onLoop = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Command c : registered) {
            if (builtin.contains(c)) {
                onLoop.add(c);
            }
        }
        return onLoop;
    }

    Settings settings() {
        return settings;
    }

    /** The server clock. */
    public Clock clock() {
        return clock;
    }

    LogBus log() {
        return log;
    }

    /**
     * The log sinks as one sink, for events from outside the hub (discovery's): it accepts what any sink
     * accepts and queues each event for those sinks. Never blocks.
     */
    public LogSink events() {
        return new LogSink() {
            @Override
            public boolean accepts(Class<? extends LogEvent> kind) {
                return log.wants(kind);
            }

            @Override
            public void log(LogEvent event) {
                log.emit(event);
            }

            @Override
            public String toString() {
                return "the log sinks of " + Hub.this;
            }
        };
    }

    /**
     * Starts delivering events to the log sinks (their threads start now); first {@link
     * LogEvent.ServerStarted} if a TCP transport listens at {@code address}.
     *
     * @param address where the server listens, or {@code null} if it has no TCP listener
     */
    public void start(InetSocketAddress address) {
        messageIds = new MessageIdGenerator(clock, 0, history.open());
        if (address != null && log.wants(LogEvent.ServerStarted.class)) {
            log.emit(new LogEvent.ServerStarted(clock.instant(), settings.serverName(), address));
        }
        log.start();
    }

    // ---------------------------------------------------------------- attaching and joining

    /**
     * A new connection: gives it an id and returns its client, in the pre-join state. Over the client
     * limit, it tells the peer {@code bye server-full} through {@link Peer#close}, logs a
     * {@link LogEvent.ConnectionRejected} and returns {@code null}; during shutdown it tells it {@code bye
     * server-shutdown} and returns {@code null}.
     */
    public Client attach(Peer peer) {
        Objects.requireNonNull(peer, "peer");
        if (closing) {
            peer.close(LeaveReason.SERVER_SHUTDOWN, shutdownBye);
            return null;
        }
        if (!permits.tryAcquire()) {
            peer.close(LeaveReason.SERVER_FULL, serverFullBye);
            if (log.wants(LogEvent.ConnectionRejected.class)) {
                log.emit(new LogEvent.ConnectionRejected(clock.instant(), peer.address(), LeaveReason.SERVER_FULL));
            }
            return null;
        }
        ClientId id = ClientId.of(nextId.incrementAndGet());
        Client client = new Client(this, peer,
                new ClientInfo(id, id.value(), peer.address(), clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        attached.add(client);
        if (closing) {
            // The shutdown may have gone through the attached clients before this one was among them. Its
            // peer cannot report back yet (attach has not returned): the client leaves here.
            client.close(LeaveReason.SERVER_SHUTDOWN, shutdownBye);
            client.closed(LeaveReason.SERVER_SHUTDOWN);
        }
        return client;
    }

    /**
     * A transport refused a connection before attaching it (for {@code reason}, e.g. {@link
     * LeaveReason#TOO_MANY_CONNECTIONS}): logs a {@link LogEvent.ConnectionRejected}.
     *
     * @return the {@code bye} line to tell the client, if the transport can
     */
    public byte[] refused(String address, LeaveReason reason) {
        if (log.wants(LogEvent.ConnectionRejected.class)) {
            log.emit(new LogEvent.ConnectionRejected(clock.instant(), address, reason));
        }
        return Wire.bye(reason);
    }

    /**
     * {@link Client#begin()}: how a transport starts a connection. It joins at once, or, on a server that requires
     * accounts, is sent {@code hello} and joins when it logs in.
     */
    boolean begin(Client client) {
        if (accounts.required()) {
            AccountSettings a = settings.accounts();
            client.send(Wire.hello(settings.serverName(), a.mode(), client.peer.secure(), a.allowPlainLogin(),
                    a.preJoinTimeout(), settings.maxLineLength()));
            return false;
        }
        return join(client);
    }

    /** Whether connections log in before they join. */
    boolean requiresLogin() {
        return accounts.required();
    }

    /**
     * {@link Client#join()}: welcome, register, tell the others. On a server that requires accounts, only a client
     * that has logged in joins.
     */
    boolean join(Client client) {
        if (accounts.required() && client.info().account() == null) {
            return false;
        }
        if (!client.startJoining()) {
            return false;
        }
        ClientInfo info = client.info();
        // Logged before anyone can see the client, so that its ClientDisconnected always comes after.
        if (log.wants(LogEvent.ClientConnected.class)) {
            log.emit(new LogEvent.ClientConnected(clock.instant(), info));
        }
        byte[] welcome = Wire.welcome(info, settings.serverName(), settings.idleTimeout(), settings.maxLineLength(),
                settings.presenceLimit(), settings.accounts().mode(), client.peer.secure(),
                settings.accounts().allowPlainLogin());
        // Joined by a login on a command thread, the connection's output is not held as the TCP transport holds it
        // while it joins on its accept thread: hold it here, so that the welcome is written only once the client is
        // registered for broadcasts too.
        HoldingPeer hold = null;
        if (client.info().account() != null) {
            hold = new HoldingPeer(client.peer);
            client.peer = hold;
        }
        // Registered before the welcome is queued, so that a CHAT to the id the welcome announces finds the
        // client (a transport may write the welcome before this method returns). A sender that finds the
        // client registered but not yet welcomed waits the few instructions until it is (sendMessage), so
        // that the welcome stays the client's first line. Broadcasts go through the peers, registered after.
        clients.put(info.id(), client);
        try {
            client.send(welcome);
        } finally {
            client.welcomed = true;
        }
        peers.put(info.id(), hold != null ? hold.real() : client.peer);
        if (hold != null) {
            hold.release();
            if (client.peer == hold) {
                client.peer = hold.real();
            }
        }
        long mark = messageIds.mark();
        client.joinedAfterId = mark;
        client.sessionStartId = mark;
        if (!client.finishJoining()) {
            // It left while joining (cut as a slow consumer by a storm of notices, or by the shutdown), and
            // its leaving found it not yet joined: undo the registration here. Nobody saw its join.
            clients.remove(info.id(), client);
            peers.remove(info.id(), client.peer);
            forgetName(client.info());
            logDisconnected(client.info(), client.closeReason());
            return false;
        }
        if (clients.size() <= settings.presenceLimit()) {
            presence(Wire.join(info), client);
        }
        return true;
    }

    /**
     * Called once per client when its connection ends, with how far it had got. A resumable client whose connection
     * broke is not forgotten: its session waits for a {@code RESUME} (see {@link #resume}). One that never began to
     * join (on a server that requires accounts, it never logged in) is logged as disconnected all the same, so that
     * the audit log tells how the connection of its commands ended (it has no {@code client-connected}).
     *
     * @param neverJoined whether it left before it began to join (a client that left while joining is {@link
     *     #join}'s to log)
     */
    void left(Client client, LeaveReason reason, boolean wasJoined, boolean neverJoined) {
        attached.remove(client);
        if (!wasJoined) {
            accounts.removeDevice(client, client.info()); // logged in before joining (a required login joins after)
        }
        // Under the client's session lock, like a resume's claim of its session: one of the two decides what happens.
        client.sessionLock.lock();
        try {
            if (client.takenOver) {
                permits.release(); // a resume took its identity, which lives on in the resuming connection
                return;
            }
            if (wasJoined && reason == LeaveReason.DISCONNECTED && client.sessionToken != null && !closing
                    && !settings.resumeWindow().isZero() && clients.get(client.id) == client && reserveDetached(client)) {
                detach(client);
                return; // it keeps its permit, id, name and rooms until it is resumed or its window passes
            }
            String token = client.sessionToken;
            if (token != null) {
                sessions.remove(token, client);
            }
            permits.release();
            if (wasJoined) { // never joined, or joining (forget finds it unregistered): join() finishes the job
                forget(client, reason);
            } else if (neverJoined) {
                logDisconnected(client.info(), reason);
            }
        } finally {
            client.sessionLock.unlock();
        }
    }

    /** A joined client is gone for good: out of the registry, its rooms and its name; the others are told. */
    private void forget(Client client, LeaveReason reason) {
        if (!clients.remove(client.id, client)) {
            return;
        }
        peers.remove(client.id, client.peer);
        rooms.left(client, reason);
        ClientInfo info = client.info();
        forgetName(info);
        accounts.removeDevice(client, info);
        logDisconnected(info, reason);
        // The leaver counts: the notice goes out if the server had at most presenceLimit clients with it.
        if (reason != LeaveReason.SERVER_SHUTDOWN && clients.size() < settings.presenceLimit()) {
            presence(Wire.leave(info, reason), client);
        }
    }

    private void forgetName(ClientInfo info) {
        names.remove(nameKey(info.name()), info.id());
    }

    String nameKey(String name) {
        return settings.nameRule().key(name);
    }

    /** Why {@code name} breaks the built-in rules or the server's own, or {@code null}. */
    String nameProblem(String name) {
        String problem = Names.problem(name);
        return problem != null ? problem : settings.nameRule().problem(name);
    }

    private void logDisconnected(ClientInfo info, LeaveReason reason) {
        if (log.wants(LogEvent.ClientDisconnected.class)) {
            log.emit(new LogEvent.ClientDisconnected(clock.instant(), info, reason));
        }
    }

    // ---------------------------------------------------------------- who is here

    /** The joined clients in connection order (a snapshot). */
    public List<ClientInfo> clients() {
        List<ClientInfo> list = new ArrayList<>(clients.size());
        for (Client c : clients.values()) {
            list.add(c.info());
        }
        list.sort(Comparator.comparing(ClientInfo::id));
        return list;
    }

    /** How many clients have joined and not left; cheap. */
    public int clientCount() {
        return clients.size();
    }

    Optional<ClientInfo> client(ClientId id) {
        Client c = clients.get(id);
        return c == null ? Optional.empty() : Optional.of(c.info());
    }

    List<Command> commands() {
        return dispatcher.sortedCommands();
    }

    // ---------------------------------------------------------------- routing

    /**
     * Routes a private message from {@code from}.
     *
     * @return the recipient, or {@code null} if no client with that id has joined
     */
    Client sendMessage(Client from, ClientId to, String text) {
        Client target = clients.get(to);
        if (target == null) {
            return null;
        }
        while (!target.welcomed) {
            Thread.yield(); // joining: registered, its welcome being queued (see join); no lock to pin a thread on
        }
        ClientInfo sender = from.info();
        long id = messageIds.next();
        byte[] line = from.messageLine(sender, to, null, text, id);
        String account = target.info().account();
        int recipients = 1;
        if (account == null) {
            target.send(line);
        } else {
            recipients = toDevices(account, target, null, line); // every device of the account gets it
        }
        String own = sender.account();
        if (own != null && !own.equals(account)) {
            toDevices(own, null, from, line); // the sender's other devices get a copy
        }
        // The @ copy serves one thing, a resume of the recipient's session: kept only for an anonymous recipient that
        // has one (an account's are kept below). Read after the line was queued: a SESSION that made the recipient
        // resumable after this read queued its reply after this line, so a client that holds a token got the line.
        boolean resumable = account == null && target.sessionToken != null;
        routed(from, sender, id, resumable ? StoredMessage.PRIVATE : null, to, null, text, recipients);
        if (own != null || account != null) {
            // Kept for each account involved as well (its devices' HISTORY @, a resume of one of them); an anonymous
            // side has no target of its own. One more store write per account: docs/history.md, "Cost".
            StoredMessage kept = new StoredMessage(id, StoredMessage.PRIVATE, sender.id().value(), sender.name(),
                    sender.ip(), to.value(), text, own, target.info().name(), account);
            if (own != null) {
                append(kept.withTarget(StoredMessage.accountTarget(own)));
            }
            if (account != null && !account.equals(own)) {
                append(kept.withTarget(StoredMessage.accountTarget(account)));
            }
        }
        return target;
    }

    /** The message id generator's mark: every id given after this call is above it. */
    long messageMark() {
        return messageIds.mark();
    }

    /** Deletes the private history of the account {@code key} (the owner removed it). */
    void forgetPrivateHistory(String key) {
        try {
            history.forget(StoredMessage.accountTarget(key));
        } catch (RuntimeException e) {
            historyFailures.report(e);
        }
    }

    /** Keeps {@code m} in the history store; a failing store is reported, chat goes on. */
    private void append(StoredMessage m) {
        try {
            history.append(m);
        } catch (RuntimeException e) {
            historyFailures.report(e);
        }
    }

    /** Sends {@code line} to the joined devices of {@code account} but {@code except}; {@code first} before the rest. */
    private int toDevices(String account, Client first, Client except, byte[] line) {
        int n = 0;
        if (first != null && first.send(line)) {
            n++;
        }
        for (Client d : accounts.devices(account)) {
            if (d != first && d != except && d.welcomed && d.isJoined() && d.send(line)) {
                n++;
            }
        }
        return n;
    }

    /** Routes a message from {@code from} to every other joined client; encoded once. */
    int broadcastMessage(Client from, String text) {
        ClientInfo sender = from.info();
        long id = messageIds.next();
        int recipients = broadcast(from.messageLine(sender, null, null, text, id), from);
        routed(from, sender, id, StoredMessage.EVERYONE, null, null, text, recipients);
        return recipients;
    }

    // ---------------------------------------------------------------- rooms

    RoomInfo joinRoom(Client client, String name) throws CommandException {
        Rooms.Room room = rooms.join(client, name);
        if (log.wants(LogEvent.RoomJoined.class)) {
            log.emit(new LogEvent.RoomJoined(clock.instant(), client.info(), room.name));
        }
        return new RoomInfo(room.name, room.members.size());
    }

    void partRoom(Client client, String name) throws CommandException {
        Rooms.Room room = rooms.membership(client, name);
        if (rooms.leave(client, room, PART) && log.wants(LogEvent.RoomLeft.class)) {
            log.emit(new LogEvent.RoomLeft(clock.instant(), client.info(), room.name, PART));
        }
    }

    /** The reason of a room's {@code leave} notice when a member left the room, not the server. */
    static final String PART = "part";

    /** Routes a message from {@code from} to the other members of a room it is in; encoded once. */
    int post(Client from, String name, String text) throws CommandException {
        Rooms.Room room = rooms.membership(from, name);
        ClientInfo sender = from.info();
        long id = messageIds.next();
        byte[] line = from.messageLine(sender, null, room.name, text, id);
        int n = 0;
        for (Client c : room.members.values()) {
            if (c != from && c.send(line)) {
                n++;
            }
        }
        routed(from, sender, id, room.key, null, room.name, text, n);
        return n;
    }

    List<RoomInfo> rooms() {
        List<RoomInfo> list = new ArrayList<>();
        for (Rooms.Room r : rooms.all()) {
            int members = r.members.size();
            if (members > 0) {
                list.add(new RoomInfo(r.name, members));
            }
        }
        return list;
    }

    List<ClientInfo> members(String name) throws CommandException {
        return Rooms.members(rooms.existing(name));
    }

    RoomInfo room(Client client, String name) throws CommandException {
        Rooms.Room room = rooms.membership(client, name);
        return new RoomInfo(room.name, room.members.size());
    }

    /**
     * What follows the routing of every message: the sender's reply learns its id, the history store keeps it (a
     * failing store is reported, chat goes on), and the log gets it, timed at the id's millisecond. The stored message
     * has the sender's account, as its live line has {@code from.account}, so that {@code HISTORY} and a resume give
     * it back the same.
     *
     * @param target the store's target: everyone, private, or the room's key; {@code null}: not kept
     */
    private void routed(Client from, ClientInfo sender, long id, String target, ClientId to, String room, String text,
            int recipients) {
        from.lastMessageId = id;
        if (target != null) {
            try {
                history.append(new StoredMessage(id, target, sender.id().value(), sender.name(), sender.ip(),
                        to == null ? null : to.value(), text, sender.account(), null, null));
            } catch (RuntimeException e) {
                historyFailures.report(e);
            }
        }
        if (logMessages) {
            log.emit(new LogEvent.MessageSent(Instant.ofEpochMilli(MessageIds.epochMillis(id)), sender, to, text,
                    recipients, id, room));
        }
    }

    /**
     * Queries the history store for {@code asking}: a command thread calls it (it may wait on the store). A room is
     * named as typed; its messages are kept under its key (its name folded, so that {@code Lobby} and {@code lobby}
     * share them). {@code @} is the private messages of the account {@code asking} is logged into, never anyone
     * else's, and {@code @name} the conversation of that account with the account {@code name} (its key, so named as
     * the name rule folds it): a filter of the same messages. For an anonymous client the stage fails with {@link
     * HistoryUnavailableException} (the built-in {@code HISTORY} answers {@code login-required} before it asks); for
     * an {@code @} followed by what cannot be a name, with {@link IllegalArgumentException}.
     */
    CompletionStage<HistoryPage> history(Client asking, HistoryQuery query) {
        try {
            String target = query.target();
            HistoryQuery asked;
            if (target.equals(StoredMessage.EVERYONE)) {
                asked = query;
            } else if (target.startsWith(StoredMessage.PRIVATE)) {
                String account = asking.info().account();
                if (account == null) {
                    return CompletableFuture.failedFuture(new HistoryUnavailableException(
                            "private messages are served to a client logged into an account only"));
                }
                asked = query.withTarget(StoredMessage.accountTarget(account));
                if (target.length() > 1) {
                    String peer = target.substring(1);
                    String problem = nameProblem(peer);
                    if (problem != null) {
                        return CompletableFuture.failedFuture(new IllegalArgumentException(
                                "it names no account: " + problem));
                    }
                    asked = asked.withPeer(nameKey(peer));
                }
            } else {
                asked = query.withTarget(Rooms.key(target));
            }
            return history.query(asked);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private final FailureReport historyFailures = new FailureReport("the history store failed to take a message");
    private final FailureReport resumeFailures = new FailureReport("the history store failed a resume's query");

    /** Queues one encoded line to every joined client but {@code except}. */
    private int broadcast(byte[] line, Client except) {
        Peer skip = except.peer;
        int n = 0;
        for (Peer p : peers.values()) {
            if (p != skip && p.send(line)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Queues a presence notice to every joined client but {@code except}, skipping those whose peer is
     * congested (they are told {@code presence-missed} later): notices may be lost, messages never are.
     */
    private void presence(byte[] line, Client except) {
        for (Client c : clients.values()) {
            // Not yet welcomed (registered, its welcome being queued: see join): the notice would come before the
            // welcome, and it tells of a change to what that client has not been shown yet.
            if (c != except && c.welcomed) {
                c.sendPresence(line);
            }
        }
    }

    ClientInfo rename(Client client, String name) throws CommandException {
        String problem = nameProblem(name);
        if (problem != null) {
            throw new CommandException(ErrorCodes.BAD_NAME, problem);
        }
        ClientInfo before = client.info();
        if (before.name().equals(name)) {
            return before;
        }
        if (before.account() != null) {
            throw new CommandException(ErrorCodes.BAD_NAME,
                    "a client logged into an account has the account's name, '" + before.name() + "'");
        }
        String key = nameKey(name);
        Object holder = names.putIfAbsent(key, client.id);
        if (holder instanceof Accounts.Owner) {
            throw new CommandException(ErrorCodes.NAME_REGISTERED, "the name '" + name + "' belongs to an account");
        }
        if (holder != null && !holder.equals(client.id)) {
            throw new CommandException(ErrorCodes.NAME_TAKEN, "the name '" + name + "' is in use");
        }
        if (holder == null && accounts.enabled()) {
            // Held now, so that a registration of it meanwhile finds it taken; then the accounts are asked.
            boolean registered;
            try {
                registered = accounts.isRegistered(key);
            } catch (CommandException e) {
                names.remove(key, client.id);
                throw e;
            }
            if (registered) {
                names.remove(key, client.id);
                throw new CommandException(ErrorCodes.NAME_REGISTERED, "the name '" + name + "' belongs to an account");
            }
        }
        String oldKey = nameKey(before.name());
        if (!oldKey.equals(key)) {
            names.remove(oldKey, client.id);
        }
        ClientInfo after = before.withName(name);
        client.info(after);
        if (!client.isOpen()) {
            names.remove(key, client.id); // left while renaming
            return after;
        }
        renamed(client, after, before.name());
        return after;
    }

    /** Tells the others a joined client's new name (or new account), within the presence rules. */
    void renamed(Client client, ClientInfo after, String previous) {
        // The same limit as join and leave: in a mass connect where every client names itself (as the terminal
        // client does), a rename for everyone per client would be N² notices.
        if (client.isJoined() && clients.size() <= settings.presenceLimit()) {
            presence(Wire.rename(after, previous), client);
        } else if (client.isJoined()) {
            rooms.renamed(client, after, previous); // the server-wide notice is off: each room's members still hear
        }
    }

    // ---------------------------------------------------------------- sessions and resume

    /** Resumable clients by session token: joined ones and detached ones (their connection broke). */
    private final ConcurrentHashMap<String, Client> sessions = new ConcurrentHashMap<>();
    /** The clients whose connection broke and whose session waits for a resume, until its window passes. */
    private final Set<Client> detached = ConcurrentHashMap.newKeySet();
    private final java.security.SecureRandom random = new java.security.SecureRandom();
    private final byte[] resumedBye = Wire.bye(LeaveReason.RESUMED);
    /** How many stored messages a resume reads from the store at a time, per target. */
    private static final int RESUME_PAGE = 500;
    /** How long a resume waits for one page from the store, or for the client to read what it was sent. */
    static final Duration RESUME_WAIT = Duration.ofSeconds(10);

    /**
     * {@code SESSION}: makes the client resumable and returns its session token (the same one if asked again). If its
     * connection then breaks ({@code disconnected}: not {@code EXIT}, not a cut by the server), its session waits for
     * a {@code RESUME} for the resume window.
     */
    String session(Client client) throws CommandException {
        requireSessions();
        client.sessionLock.lock();
        try {
            String token = client.sessionToken;
            if (token == null && client.isOpen()) {
                token = newToken();
                client.sessionToken = token;
                sessions.put(token, client);
            }
            return token;
        } finally {
            client.sessionLock.unlock();
        }
    }

    /** The resume window in whole seconds, as {@code session} and {@code resumed} tell it. */
    long resumeWindowSeconds() {
        return (settings.resumeWindow().toMillis() + 999) / 1000;
    }

    private void requireSessions() throws CommandException {
        if (settings.resumeWindow().isZero()) {
            throw new CommandException(ErrorCodes.RESUME_DISABLED, "this server keeps no sessions (resume window 0)");
        }
    }

    /** 128 random bits, base64url without padding: 22 characters. */
    private String newToken() {
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** Must hold the client's session lock. Its connection broke: its session waits, and nobody is told yet. */
    /**
     * Waiting sessions by the address of their connection, so that one address cannot fill {@code maxClients} with
     * sessions it made and left (each holds a client's place for the resume window); see {@link
     * #maxDetachedPerAddress}.
     */
    private final ConcurrentHashMap<String, Integer> detachedByAddress = new ConcurrentHashMap<>();
    /** The most waiting sessions of one address; 0: no limit. */
    private volatile int maxDetachedPerAddress;

    /**
     * Bounds the sessions one address may leave waiting, at most {@code n} (0: no limit); the server sets it to its
     * connections per address. A resumable client whose address has that many waiting leaves for good instead.
     */
    public void maxDetachedPerAddress(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("must not be negative: " + n);
        }
        maxDetachedPerAddress = n;
    }

    /** Counts a session about to wait for {@code client}'s address; {@code false} (not counted) if it has its most. */
    private boolean reserveDetached(Client client) {
        int max = maxDetachedPerAddress;
        boolean[] reserved = {false};
        detachedByAddress.compute(client.info().ip(), (ip, n) -> {
            int count = n == null ? 0 : n;
            if (max > 0 && count >= max) {
                return n;
            }
            reserved[0] = true;
            return count + 1;
        });
        return reserved[0];
    }

    /** A waiting session of {@code client}'s address has ended or been resumed. */
    private void releaseDetached(Client client) {
        detachedByAddress.computeIfPresent(client.info().ip(), (ip, n) -> n <= 1 ? null : n - 1);
    }

    private void detach(Client client) {
        client.detachedAtMillis = Math.max(1, clock.millis());
        detached.add(client);
        peers.remove(client.id, client.peer);
        if (log.wants(LogEvent.SessionDetached.class)) {
            log.emit(new LogEvent.SessionDetached(clock.instant(), client.info()));
        }
    }

    /** Ends the sessions whose window has passed: their clients leave ({@code disconnected}) as if just now. */
    private void expireSessions(long nowMillis) {
        if (detached.isEmpty()) {
            return;
        }
        long window = settings.resumeWindow().toMillis();
        for (Client c : detached) {
            if (nowMillis - c.detachedAtMillis >= window) {
                endSession(c, LeaveReason.DISCONNECTED);
            }
        }
    }

    private void endSession(Client client, LeaveReason reason) {
        client.sessionLock.lock();
        try {
            if (client.takenOver || !detached.remove(client)) {
                return; // resumed meanwhile
            }
            releaseDetached(client);
            sessions.remove(client.sessionToken, client);
            permits.release();
            forget(client, reason);
        } finally {
            client.sessionLock.unlock();
        }
    }

    /** Ends the waiting sessions of an account's devices (the owner removed it); how many there were. */
    int endSessionsOf(String account, LeaveReason reason) {
        int n = 0;
        for (Client c : detached) {
            if (account.equals(c.info().account())) {
                endSession(c, reason);
                n++;
            }
        }
        return n;
    }

    /** The owner's operations on the accounts. */
    public io.aurachat.accounts.AccountAdmin accountAdmin() {
        return accounts.admin;
    }

    /** How many keys the login attempt limits track now (bounded); for tests. */
    public int trackedAttemptKeys() {
        return accounts.trackedAttemptKeys();
    }

    /** How many sessions wait for a resume now. */
    public int detachedCount() {
        return detached.size();
    }

    /**
     * {@code RESUME}: the connection of {@code client} (new, and with nothing done of its own yet) takes back the
     * session {@code token} names: that session's id, name and rooms, and every message it missed after {@code lastId},
     * in order, sent before this returns. On a command thread: it waits for the store and for the client to read.
     *
     * <p>The live messages to the resumed client go to a {@link HoldingPeer} from the moment it has its identity back,
     * and reach it after the replay; a stored message whose live copy is held is not replayed. The recovery is
     * complete unless the store let go of something after {@code lastId} ({@link HistoryStore#lostUpTo}), failed or was
     * too slow, or the replay reached {@link Settings#maxResumeMessages}.
     *
     * @param lastId the id of the last message the client saw (0 if none)
     * @throws CommandException {@code resume-disabled}, {@code resume-refused}, {@code no-such-session}
     */
    ResumeResult resume(Client client, String token, long lastId) throws CommandException {
        requireSessions();
        if (client.hasActed()) {
            throw new CommandException(ErrorCodes.RESUME_REFUSED,
                    "RESUME must come before anything else on a connection (a name, a room, a message, SESSION)");
        }
        Client old = sessions.get(token);
        if (old == null || old == client) {
            throw noSuchSession(client);
        }
        if (!Objects.equals(old.info().account(), client.info().account())) {
            // A session of an account is resumed by a connection logged into it, and only so.
            throw old.info().account() == null ? new CommandException(ErrorCodes.RESUME_REFUSED,
                    "this connection is logged into an account; that session was not")
                    : new CommandException(ErrorCodes.LOGIN_REQUIRED,
                    "that session belongs to an account: LOGIN to it first, then RESUME");
        }
        HoldingPeer hold;
        List<Rooms.Room> moved;
        String renewed;
        long joinedAfter;
        long from;
        ClientId connection = client.id;
        client.sessionLock.lock();
        try {
            if (!client.isJoined()) {
                throw new CommandException(ErrorCodes.RESUME_REFUSED, "this connection is ending");
            }
            boolean wasDetached;
            old.sessionLock.lock();
            try {
                if (old.takenOver || !sessions.remove(token, old)) {
                    throw noSuchSession(client);
                }
                old.takenOver = true;
                wasDetached = detached.remove(old);
                if (wasDetached) {
                    releaseDetached(old);
                }
            } finally {
                old.sessionLock.unlock();
            }
            if (wasDetached) {
                permits.release(); // the session's; the connection holds its own
            } else {
                old.close(LeaveReason.RESUMED, resumedBye); // a connection the server still thought open
            }
            // From here on every line to this connection is held until the replay is out, whichever registry entry
            // (its fresh id's or the session's) a sender finds: none is missed, and one sent through both is held once.
            ClientInfo fresh = client.info();
            Peer real = client.peer;
            hold = new HoldingPeer(real);
            client.peer = hold;
            peers.replace(fresh.id(), real, hold);
            joinedAfter = client.joinedAfterId;
            // Nothing before the session began was missed (a client that saw nothing sends 0).
            from = Math.max(lastId, old.sessionStartId);
            client.sessionStartId = old.sessionStartId;
            // Take the session's identity, under which the others still know it: no notice.
            ClientInfo was = old.info();
            client.id = was.id();
            client.info(new ClientInfo(was.id(), was.name(), real.address(), was.connectedSince(), was.account()));
            accounts.replaceDevice(old, client, was.account());
            client.forgetReplyMemo();
            moved = rooms.transfer(old, client);
            clients.put(client.id, client);
            peers.put(client.id, hold);
            // Give up the id the welcome announced: nobody can have messaged it but by LIST, and it did nothing.
            clients.remove(fresh.id(), client);
            peers.remove(fresh.id(), hold);
            logDisconnected(fresh, LeaveReason.RESUMED);
            if (clients.size() < settings.presenceLimit()) {
                presence(Wire.leave(fresh, LeaveReason.RESUMED), client);
            }
            renewed = newToken();
            client.sessionToken = renewed;
            sessions.put(renewed, client);
        } finally {
            client.sessionLock.unlock();
        }
        Replayed replayed = replay(client, hold, moved, from, joinedAfter);
        client.sessionLock.lock();
        try {
            hold.release();
            if (client.peer == hold) {
                client.peer = hold.real();
                peers.replace(client.id, hold, hold.real());
            }
        } finally {
            client.sessionLock.unlock();
        }
        List<String> names = new ArrayList<>(moved.size());
        for (Rooms.Room r : moved) {
            names.add(r.name);
        }
        if (log.wants(LogEvent.SessionResumed.class)) {
            log.emit(new LogEvent.SessionResumed(clock.instant(), client.info(), connection, replayed.missed(),
                    replayed.recovered()));
        }
        return new ResumeResult(client.info(), names, renewed, replayed.missed(), replayed.recovered());
    }

    private CommandException noSuchSession(Client client) {
        return new CommandException(ErrorCodes.NO_SUCH_SESSION, "no session with that token: it was never given, was "
                + "resumed already, or its window (" + resumeWindowSeconds() + " s) passed; you go on as "
                + client.id + ", and what the old session missed is lost");
    }

    /** One target's stored messages above an id, read a page at a time. */
    private final class Cursor {
        final String target;
        final String recipient;
        /** The room's name for a room's messages, else {@code null}. */
        final String room;
        private List<StoredMessage> page = List.of();
        private int next;
        private boolean more = true;
        private long after;
        /** The highest id to replay: the messages above it reached the connection live. */
        private final long upTo;

        Cursor(String target, String recipient, String room, long after, long upTo) {
            this.target = target;
            this.recipient = recipient;
            this.room = room;
            this.after = after;
            this.upTo = upTo;
        }

        /** The next message, or {@code null} when there is none. */
        StoredMessage peek() throws Exception {
            if (next == page.size()) {
                if (!more) {
                    return null;
                }
                HistoryPage p = history.query(HistoryQuery.since(target, after, recipient, RESUME_PAGE))
                        .toCompletableFuture().get(RESUME_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                page = p.messages();
                next = 0;
                more = p.more() && !page.isEmpty();
                if (page.isEmpty()) {
                    return null;
                }
                after = page.get(page.size() - 1).id();
            }
            StoredMessage m = page.get(next);
            if (m.id() > upTo) {
                next = page.size();
                more = false;
                return null;
            }
            return m;
        }

        void skip() {
            next++;
        }

        /** Asks the store again from the last message read: for what was appended while the replay ran. */
        void again() {
            if (after < upTo) {
                more = true;
            }
        }
    }

    /** What a replay sent: how many missed messages, and whether that was all of them. */
    private record Replayed(int missed, boolean recovered) {}

    /**
     * Sends {@code client} the stored messages after {@code lastId} of everyone, of each of its rooms, and the private
     * ones to it (for a device of an account: its account's, sent or received by any device), merged in id order, leaving out its own, those {@code hold} has the live copy of, and the messages to
     * everyone after {@code joinedAfter}, which the connection got live before it resumed.
     */
    private Replayed replay(Client client, HoldingPeer hold, List<Rooms.Room> roomList, long lastId, long joinedAfter) {
        String self = client.id.value();
        List<Cursor> cursors = new ArrayList<>(roomList.size() + 2);
        // Messages to everyone after the connection's own join reached it under the id its welcome announced.
        cursors.add(new Cursor(StoredMessage.EVERYONE, null, null, lastId, joinedAfter));
        for (Rooms.Room r : roomList) {
            cursors.add(new Cursor(r.key, null, r.name, lastId, Long.MAX_VALUE));
        }
        String account = client.info().account();
        // A device of an account reads its account's private messages, those its other devices sent and received
        // meanwhile too (they reached it live while it was connected): its own are left out below like any. Those
        // after this connection became a device of the account (and joined) reached it live already.
        cursors.add(account == null ? new Cursor(StoredMessage.PRIVATE, self, null, lastId, Long.MAX_VALUE)
                : new Cursor(StoredMessage.accountTarget(account), null, null, lastId,
                        Math.max(client.loggedInAfterId, joinedAfter)));
        Peer real = hold.real();
        int max = settings.maxResumeMessages();
        boolean lastPass = false;
        int missed = 0;
        try {
            while (true) {
                Cursor first = null;
                StoredMessage m = null;
                for (Cursor c : cursors) {
                    StoredMessage head = c.peek();
                    if (head != null && (m == null || head.id() < m.id())) {
                        first = c;
                        m = head;
                    }
                }
                if (first == null && !lastPass) {
                    // A sender that found the old client registered just before the resume took its place sent to the
                    // old connection, and appends to the store a moment later: read every target once more.
                    lastPass = true;
                    cursors.forEach(Cursor::again);
                    continue;
                }
                if (first == null) {
                    // Asked after the reads: retention that ran between the two is caught.
                    for (Cursor c : cursors) {
                        if (history.lostUpTo(c.target) > lastId) {
                            // retention, a full queue or a failure took something after what it saw
                            return new Replayed(missed, false);
                        }
                    }
                    return new Replayed(missed, true);
                }
                first.skip();
                if ((first.recipient == null && m.from().equals(self)) || hold.holds(m.id())) {
                    continue; // its own (it sent it), or live and held: it comes after the replay
                }
                if (missed >= max || !paced(client, real) || !real.send(replayLine(m, first.room))) {
                    return new Replayed(missed, false);
                }
                missed++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Replayed(missed, false);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ee && ee.getCause() != null
                    ? ee.getCause() : e;
            if (!(cause instanceof HistoryUnavailableException)) {
                resumeFailures.report(cause); // a store that keeps nothing (or is closing) is no failure to report
            }
            return new Replayed(missed, false);
        }
    }

    /** A stored message as its recipient first got it (with the sender's account where the store kept it). */
    private static byte[] replayLine(StoredMessage m, String room) {
        ClientInfo from = new ClientInfo(new ClientId(m.from()), m.fromName(), m.fromIp(), Instant.EPOCH,
                m.fromAccount());
        ClientId to = room != null || m.to() == null ? null : new ClientId(m.to());
        return Wire.message(Wire.messagePrefix(from), from, to, room, m.text(), m.id());
    }

    /** Waits while the client's queue is above its soft limit: a replay must not overflow it. */
    private static boolean paced(Client client, Peer real) throws InterruptedException {
        while (real.congested()) {
            java.util.concurrent.CountDownLatch drained = new java.util.concurrent.CountDownLatch(1);
            client.drainLatch = drained;
            if (real.congested() && !drained.await(RESUME_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                return false;
            }
            if (!client.isOpen()) {
                return false;
            }
        }
        client.drainLatch = null;
        return true;
    }

    // ---------------------------------------------------------------- time and shutdown

    /**
     * Closes every client that has sent no command for the idle timeout ({@code bye idle-timeout}), and ends the
     * sessions whose resume window has passed. Called by the server's timer.
     */
    public void closeIdle() {
        long now = clock.millis();
        expireSessions(now);
        if (accounts.required()) {
            long allowed = settings.accounts().preJoinTimeout().toMillis();
            for (Client c : attached) {
                if (!c.isJoined() && now - c.info().connectedSince().toEpochMilli() >= allowed) {
                    c.close(LeaveReason.LOGIN_TIMEOUT, loginTimeoutBye);
                }
            }
        }
        long idleMillis = settings.idleTimeout().toMillis();
        if (idleMillis <= 0) {
            return;
        }
        for (Client c : attached) {
            if (now - c.lastActivityMillis >= idleMillis) {
                c.close(LeaveReason.IDLE_TIMEOUT, idleBye);
            }
        }
    }

    /** Called by the server's timer with the idle rule: notices log sinks that have stalled. */
    public void checkLog() {
        log.checkStalled(System.nanoTime());
    }

    /**
     * Starts the shutdown: no client attaches any more, and every attached one is told {@code bye
     * server-shutdown} (no leave notices: everyone gets the bye). Transports then wait for their
     * connections to flush and close.
     */
    public void shutdown() {
        closing = true;
        for (Client c : attached) {
            c.close(LeaveReason.SERVER_SHUTDOWN, shutdownBye);
        }
        for (Client c : detached) {
            endSession(c, LeaveReason.SERVER_SHUTDOWN);
        }
    }

    /** Delivers {@link LogEvent.ServerStopped} after everything queued and closes the log sinks. */
    public void closeLog(Duration timeout) {
        log.close(new LogEvent.ServerStopped(clock.instant()), timeout);
    }

    @Override
    public String toString() {
        return "Hub[" + settings.serverName() + ", " + clients.size() + " clients]";
    }
}
