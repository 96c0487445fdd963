package io.aurachat.internal;

import io.aurachat.command.BuiltinCommands;
import io.aurachat.command.Command;
import io.aurachat.command.CommandException;
import io.aurachat.log.LogEvent;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.server.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running server: the accept loop, the registry of connected clients, routing, names, the idle and
 * linger timer, and shutdown. {@link io.aurachat.server.ChatServer} is its public face.
 */
public final class ServerCore {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCore.class);
    /** How long a closing connection may take to flush its goodbye and see the client close. */
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final int BACKLOG = 1024;

    private final ServerConfig config;
    private final Clock clock;
    private final LogBus log;
    private final ServerSocketChannel acceptor;
    private final InetSocketAddress address;
    private final Thread acceptThread;
    private final ScheduledExecutorService timer;
    private final Semaphore permits;
    private final EventLoop[] loops;
    private int nextLoop;
    /** Built-in commands never block, so they run on the I/O threads; others get a virtual thread. */
    private final Set<Command> loopCommands = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private final List<Command> sortedCommands;
    private final byte[] serverFullBye = Wire.bye(LeaveReason.SERVER_FULL);

    private final AtomicLong nextId = new AtomicLong();
    /** Clients that have joined and not left, by id. */
    private final ConcurrentHashMap<ClientId, Connection> clients = new ConcurrentHashMap<>();
    /** Every connection whose socket is still open, joined or not. */
    private final Set<Connection> live = ConcurrentHashMap.newKeySet();
    /** Chosen display names, lower-cased, and who has them. */
    private final ConcurrentHashMap<String, ClientId> names = new ConcurrentHashMap<>();

    private volatile boolean closing;
    private final ReentrantLock closeLock = new ReentrantLock();
    private final Condition allClosed = closeLock.newCondition();

    private ServerCore(ServerConfig config, ServerSocketChannel acceptor) throws IOException {
        this.config = config;
        this.clock = config.clock();
        this.acceptor = acceptor;
        this.address = (InetSocketAddress) acceptor.getLocalAddress();
        this.permits = new Semaphore(config.maxClients());
        this.sortedCommands = config.commands().values().stream()
                .sorted(Comparator.comparing(Command::verb)).toList();
        this.log = new LogBus(config.logSinks(), config.logQueueCapacity(), clock);
        this.loopCommands.addAll(BuiltinCommands.all());
        this.loops = new EventLoop[config.ioThreads()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new EventLoop(address.getPort(), i, clock);
        }
        this.acceptThread = Threads.acceptThread(this::acceptLoop, address.getPort());
        this.timer = Threads.timer(address.getPort());
    }

    /** Binds, starts accepting and returns the running server. */
    public static ServerCore start(ServerConfig config) throws IOException {
        ServerSocketChannel acceptor = ServerSocketChannel.open();
        try {
            acceptor.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            acceptor.bind(new InetSocketAddress(config.bindAddress(), config.port()), BACKLOG);
        } catch (IOException | RuntimeException e) {
            acceptor.close();
            throw e;
        }
        ServerCore core = new ServerCore(config, acceptor);
        long period = sweepPeriodMillis(config.idleTimeout());
        core.timer.scheduleWithFixedDelay(core::sweep, period, period, TimeUnit.MILLISECONDS);
        for (EventLoop loop : core.loops) {
            loop.start();
        }
        core.acceptThread.start();
        if (core.log.wants(LogEvent.ServerStarted.class)) {
            core.log.emit(new LogEvent.ServerStarted(core.clock.instant(), config.serverName(), core.address));
        }
        return core;
    }

    private static long sweepPeriodMillis(Duration idleTimeout) {
        if (idleTimeout.isZero()) {
            return 250;
        }
        return Math.max(5, Math.min(250, idleTimeout.toMillis() / 10));
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return address;
    }

    ServerConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    LogBus log() {
        return log;
    }

    /** Whether {@code command} may run on an I/O thread: true for the built-in ones, which never block. */
    boolean runsOnLoop(Command command) {
        return loopCommands.contains(command);
    }

    /** Whether {@code CHAT} is the built-in one (not replaced or removed by the server's owner). */
    boolean hasBuiltinChat() {
        return config.commands().get("CHAT") == BuiltinCommands.CHAT
                && runsOnLoop(BuiltinCommands.CHAT);
    }

    boolean isClosing() {
        return closing;
    }

    long lingerNanos() {
        return closing ? config.shutdownTimeout().toNanos() : LINGER.toNanos();
    }

    Command command(String verb) {
        return config.commands().get(verb);
    }

    List<Command> commands() {
        return sortedCommands;
    }

    /** The connected clients in connection order. */
    public List<ClientInfo> clients() {
        List<ClientInfo> list = new ArrayList<>(clients.size());
        for (Connection c : clients.values()) {
            list.add(c.info());
        }
        list.sort(Comparator.comparing(ClientInfo::id));
        return list;
    }

    /** How many clients have joined and not left; cheap, for the discovery responder. */
    int clientCount() {
        return clients.size();
    }

    Optional<ClientInfo> client(ClientId id) {
        Connection c = clients.get(id);
        return c == null ? Optional.empty() : Optional.of(c.info());
    }

    // ---------------------------------------------------------------- accepting

    private void acceptLoop() {
        long failures = 0;
        long lastWarning = 0;
        while (!closing) {
            SocketChannel channel;
            try {
                channel = acceptor.accept();
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (closing) {
                    break;
                }
                // Typically out of file descriptors: back off instead of spinning on the error, and
                // warn at most every 10 s so that the log does not flood while it lasts.
                failures++;
                long now = System.nanoTime();
                if (lastWarning == 0 || now - lastWarning > TimeUnit.SECONDS.toNanos(10)) {
                    LOG.warn("accept failed on {} ({} times since the last warning): {}", address, failures, e.toString());
                    lastWarning = now;
                    failures = 0;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                continue;
            }
            try {
                accepted(channel);
            } catch (IOException | RuntimeException e) {
                LOG.debug("could not set up a new connection", e);
                closeQuietly(channel);
            } catch (StackOverflowError | OutOfMemoryError e) {
                // Whatever went wrong with this connection, the server must keep accepting the next.
                LOG.error("could not set up a new connection", e);
                closeQuietly(channel);
            }
        }
    }

    private void accepted(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        String ip = ((InetSocketAddress) channel.getRemoteAddress()).getAddress().getHostAddress();
        if (!permits.tryAcquire()) {
            reject(channel, ip);
            return;
        }
        ClientId id = ClientId.of(nextId.incrementAndGet());
        EventLoop loop = loops[nextLoop];
        nextLoop = (nextLoop + 1) % loops.length;
        Connection connection = new Connection(this, channel, loop,
                new ClientInfo(id, id.value(), ip, clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        live.add(connection);
        try {
            // Joining here, on the one accept thread, makes join order equal id order: every client
            // sees the join of every client that connected after it.
            join(connection);
            connection.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.warn("could not start connection {}", id, e);
            connection.abort(LeaveReason.DISCONNECTED);
        }
    }

    /** Over the client limit: a goodbye if the socket takes it without waiting, then close. */
    private void reject(SocketChannel channel, String ip) {
        try {
            channel.write(ByteBuffer.wrap(serverFullBye));
        } catch (IOException e) {
            LOG.debug("could not tell {} the server is full", ip, e);
        }
        closeQuietly(channel);
        if (log.wants(LogEvent.ConnectionRejected.class)) {
            log.emit(new LogEvent.ConnectionRejected(clock.instant(), ip, LeaveReason.SERVER_FULL));
        }
    }

    // ---------------------------------------------------------------- membership

    /** Called on the accept thread: welcome, register, tell the others. */
    void join(Connection connection) {
        ClientInfo info = connection.info();
        connection.send(Wire.welcome(info, config.serverName(), config.idleTimeout(), config.maxLineLength(),
                config.presenceLimit()));
        // Logged before anyone can see the client, so that its ClientDisconnected always comes after.
        if (log.wants(LogEvent.ClientConnected.class)) {
            log.emit(new LogEvent.ClientConnected(clock.instant(), info));
        }
        clients.put(info.id(), connection);
        if (closing) {
            // The shutdown may have gone through the clients before this one was among them.
            connection.closeGracefully(LeaveReason.SERVER_SHUTDOWN, Wire.bye(LeaveReason.SERVER_SHUTDOWN));
        }
        if (!connection.isOpen()) {
            // Closed while joining: cut as a slow consumer by a storm of notices, or by the shutdown. Its
            // left() may have run before the put above and found nothing to remove; run it again (the
            // removal makes it happen once). If the reason is not written yet, its closer is about to
            // call left() itself and will find the client.
            LeaveReason reason = connection.closeReason();
            if (reason != null) {
                left(connection, reason);
            }
            return;
        }
        if (clients.size() <= config.presenceLimit()) {
            broadcast(Wire.join(info), connection);
        }
    }

    /** Called once per connection when it starts closing, for whatever reason. */
    void left(Connection connection, LeaveReason reason) {
        releasePermit(connection);
        if (!clients.remove(connection.id, connection)) {
            return; // never joined
        }
        ClientInfo info = connection.info();
        names.remove(info.name().toLowerCase(Locale.ROOT), info.id());
        if (log.wants(LogEvent.ClientDisconnected.class)) {
            log.emit(new LogEvent.ClientDisconnected(clock.instant(), info, reason));
        }
        // The leaver counts: the notice goes out if the server had at most presenceLimit clients with it.
        if (reason != LeaveReason.SERVER_SHUTDOWN && clients.size() < config.presenceLimit()) {
            broadcast(Wire.leave(info, reason), connection);
        }
    }

    /** Called once per connection when its socket is closed. */
    void closed(Connection connection) {
        releasePermit(connection);
        if (live.remove(connection)) {
            if (closing && live.isEmpty()) {
                closeLock.lock();
                try {
                    allClosed.signalAll();
                } finally {
                    closeLock.unlock();
                }
            }
        }
    }

    /**
     * A client stops counting against maxClients as soon as it leaves, though its socket may linger a
     * little longer while its goodbye is flushed.
     */
    private void releasePermit(Connection connection) {
        if (connection.releasePermit()) {
            permits.release();
        }
    }

    // ---------------------------------------------------------------- routing

    /**
     * Routes a private message from {@code from}'s client.
     *
     * @return the recipient's connection, or {@code null} if no client with that id is connected
     */
    Connection sendMessage(Connection from, ClientId to, String text) {
        Connection target = clients.get(to);
        if (target == null) {
            return null;
        }
        ClientInfo sender = from.info();
        target.send(from.messageLine(sender, to, text));
        if (log.wants(LogEvent.MessageSent.class)) {
            log.emit(new LogEvent.MessageSent(clock.instant(), sender, to, text, 1));
        }
        return target;
    }

    int broadcastMessage(Connection from, String text) {
        ClientInfo sender = from.info();
        int recipients = broadcast(from.messageLine(sender, null, text), from);
        if (log.wants(LogEvent.MessageSent.class)) {
            log.emit(new LogEvent.MessageSent(clock.instant(), sender, null, text, recipients));
        }
        return recipients;
    }

    /** Queues one encoded line to every joined client but {@code except}. */
    private int broadcast(byte[] line, Connection except) {
        int n = 0;
        for (Connection c : clients.values()) {
            if (c != except && c.send(line)) {
                n++;
            }
        }
        return n;
    }

    ClientInfo rename(Connection connection, String name) throws CommandException {
        String problem = Names.problem(name);
        if (problem != null) {
            throw new CommandException(ErrorCodes.BAD_NAME, problem);
        }
        ClientInfo before = connection.info();
        if (before.name().equals(name)) {
            return before;
        }
        String key = name.toLowerCase(Locale.ROOT);
        ClientId holder = names.putIfAbsent(key, connection.id);
        if (holder != null && !holder.equals(connection.id)) {
            throw new CommandException(ErrorCodes.NAME_TAKEN, "the name '" + name + "' is in use");
        }
        String oldKey = before.name().toLowerCase(Locale.ROOT);
        if (!oldKey.equals(key)) {
            names.remove(oldKey, connection.id);
        }
        ClientInfo after = before.withName(name);
        connection.info(after);
        if (!connection.isOpen()) {
            names.remove(key, connection.id); // left while renaming
            return after;
        }
        broadcast(Wire.rename(after, before.name()), connection);
        return after;
    }

    // ---------------------------------------------------------------- timer

    private void sweep() {
        try {
            long idleMillis = config.idleTimeout().toMillis();
            long now = clock.millis();
            long nowNanos = System.nanoTime();
            for (Connection c : live) {
                if (c.isOpen()) {
                    if (idleMillis > 0 && now - c.lastActivityMillis >= idleMillis) {
                        c.closeGracefully(LeaveReason.IDLE_TIMEOUT, Wire.bye(LeaveReason.IDLE_TIMEOUT));
                    }
                } else {
                    c.checkLinger(nowNanos);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("idle check failed", e);
        }
    }

    // ---------------------------------------------------------------- shutdown

    /** Graceful shutdown; see {@link io.aurachat.server.ChatServer#close()}. */
    public void close() {
        closing = true;
        closeQuietly(acceptor);
        joinQuietly(acceptThread);
        byte[] bye = Wire.bye(LeaveReason.SERVER_SHUTDOWN);
        for (Connection c : live) {
            if (c.isOpen()) {
                c.closeGracefully(LeaveReason.SERVER_SHUTDOWN, bye);
            } else if (c.isOutputDone()) {
                c.closeChannel(); // already said goodbye and lingering: no need to wait for the client
            }
        }
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        closeLock.lock();
        try {
            while (!live.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                allClosed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeLock.unlock();
        }
        for (Connection c : live) {
            c.abort(LeaveReason.SERVER_SHUTDOWN);
        }
        timer.shutdownNow();
        for (EventLoop loop : loops) {
            loop.shutdown(TimeUnit.SECONDS.toMillis(5));
        }
        log.close(new LogEvent.ServerStopped(clock.instant()), config.shutdownTimeout());
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.debug("close failed", e);
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ServerCore[" + address + ", " + clients.size() + " clients]";
    }
}
