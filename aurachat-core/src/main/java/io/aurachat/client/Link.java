package io.aurachat.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.aurachat.client.LineInput.ProtocolException;
import io.aurachat.internal.JsonValues;
import io.aurachat.internal.Threads;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.Fields;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.LineTypes;
import io.aurachat.protocol.Verbs;
import io.aurachat.protocol.Protocol;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One TCP connection of a {@link ChatClient}: writes command lines, reads the server's lines, matches
 * replies to calls in order and turns events into listener callbacks. A client that reconnects gets a new
 * link. Lines are read either by the connecting thread (during the handshake) or by the link's reader
 * thread, never by both.
 */
final class Link {

    /** A reply as the reader hands it to the waiting caller, who turns it into a result or an exception. */
    private record ErrorReply(String code, String command, String message, Duration retryAfter) {}

    /** A call waiting for its reply. */
    static final class Pending {
        final String verb;
        final CompletableFuture<Object> outcome = new CompletableFuture<>();

        Pending(String verb) {
            this.verb = verb;
        }
    }

    /** An event for the listener, applied on the event thread. */
    interface Event extends Consumer<ChatListener> {}

    private final ChatClient client;
    private final Socket socket;
    private final LineInput input;
    private final OutputStream out;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private volatile Session session;
    /** The server said this connection is not TLS and it takes no password over such a one: none is sent on it. */
    private volatile boolean refusesPasswords;
    private volatile Consumer<Event> events;
    private boolean closed; // guarded by writeLock
    private CloseReason byeReason; // reader only
    /** During a login before joining: takes the {@code welcome} the login brings. Reader only. */
    private Consumer<Map<String, Object>> welcomeSink;
    private volatile CloseReason localReason;
    private volatile Throwable localCause;
    private volatile Thread reader;
    // Written by the reader as it ends, read by onEnd on the same thread.
    private CloseReason endReason;
    private Throwable endCause;

    Link(ChatClient client, Socket socket, int maxLineLength) throws IOException {
        this.client = client;
        this.socket = socket;
        this.input = new LineInput(socket.getInputStream(), maxLineLength);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
    }

    /** The server's address, as the socket connected to it. */
    java.net.InetSocketAddress remote() {
        return (java.net.InetSocketAddress) socket.getRemoteSocketAddress();
    }

    /** Whether the server said it would refuse a password on this link ({@code "secure":false,"plainLogin":false}). */
    boolean refusesPasswords() {
        return refusesPasswords;
    }

    /** Reads {@code "secure"} and {@code "plainLogin"} from the link's first line, {@code hello} or {@code welcome}. */
    void firstLine(Map<String, Object> line) {
        refusesPasswords = Boolean.FALSE.equals(line.get(Fields.SECURE))
                && Boolean.FALSE.equals(line.get(Fields.PLAIN_LOGIN));
    }

    Session session() {
        return session;
    }

    void session(Session session) {
        this.session = session;
    }

    void events(Consumer<Event> sink) {
        this.events = sink;
    }

    Socket socket() {
        return socket;
    }

    /** Reads the {@code welcome} (or the {@code bye} of a server that refuses the connection). */
    Map<String, Object> readFirst() throws IOException {
        if (!input.next()) {
            throw new EOFException("the server closed the connection before its welcome");
        }
        try {
            return JsonValues.object(input.bytes(), input.length(), Response.NULL);
        } catch (RuntimeException e) {
            throw new ProtocolException("not an AuraChat server: its first line is not a JSON object: "
                    + preview(), e);
        }
    }

    /**
     * Takes the next {@code welcome} to {@code sink} instead of failing on it: a server that requires login sends it
     * after a successful {@code LOGIN} or {@code REGISTER}, before the reply. Only during the handshake.
     */
    void expectWelcome(Consumer<Map<String, Object>> sink) {
        this.welcomeSink = sink;
    }

    /** The reason of the {@code bye} this link has read, or {@code null}; for the thread that reads the link. */
    CloseReason byeReason() {
        return byeReason;
    }

    /**
     * Writes one command line and returns the call waiting for its reply.
     *
     * @throws ConnectionClosedException if the link is closed
     */
    Pending send(String verb, String line) throws IOException {
        return send(verb, (line + "\n").getBytes(UTF_8));
    }

    /**
     * Writes one command line, given as UTF-8 bytes with its {@code \n} (a line holding a password is never a
     * {@code String}), and returns the call waiting for its reply. The caller may clear {@code bytes} afterwards.
     *
     * @throws ConnectionClosedException if the link is closed
     */
    Pending send(String verb, byte[] bytes) throws IOException {
        Pending p = new Pending(verb);
        writeLock.lock();
        try {
            if (closed) {
                throw closedException();
            }
            pending.add(p);
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            if (e instanceof ConnectionClosedException) {
                throw e;
            }
            // The reader sees the broken connection too and ends the link; this call has no reply coming.
            pending.remove(p);
            closeSocket();
            throw new ConnectionClosedException("could not send " + verb + ": " + e.getMessage(),
                    CloseReason.NETWORK_FAILURE, e);
        } finally {
            writeLock.unlock();
        }
        return p;
    }

    /**
     * Waits for a call's reply.
     *
     * @return the reply
     * @throws ChatErrorException if the reply is an error
     * @throws InterruptedIOException on timeout or interrupt
     * @throws ConnectionClosedException if the link ended first
     */
    static Response await(Pending p, Duration timeout) throws IOException {
        Object outcome;
        try {
            outcome = p.outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new InterruptedIOException("no reply to " + p.verb + " within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the reply to " + p.verb);
        } catch (ExecutionException e) {
            ConnectionClosedException c = (ConnectionClosedException) e.getCause();
            // A new exception, so that the stack trace shows the caller.
            throw new ConnectionClosedException(c.getMessage(), c.reason(), c.getCause());
        }
        if (outcome instanceof ErrorReply error) {
            throw new ChatErrorException(error.code(), error.command(), error.message(), error.retryAfter());
        }
        return (Response) outcome;
    }

    /**
     * Reads and handles one line (handshake: the connecting thread calls this until its call is answered).
     *
     * @return {@code false} at the end of the stream
     */
    boolean readOne() throws IOException {
        if (!input.next()) {
            return false;
        }
        handle();
        return true;
    }

    /** Starts the reader thread; {@code onEnd} runs on it once the link is over. */
    void startReader(String name, Runnable onEnd) {
        reader = Threads.virtual(name, () -> {
            Throwable cause = null;
            try {
                while (readOne()) {
                    // each line handled
                }
            } catch (IOException e) {
                cause = e;
            } catch (RuntimeException | Error e) {
                ChatClient.LOG.error("client reader failed", e);
                cause = e;
            } finally {
                end(cause);
                onEnd.run();
            }
        });
        reader.start();
    }

    Thread reader() {
        return reader;
    }

    /** Why the link ended; valid once the reader finished. */
    CloseReason endReason() {
        return endReason;
    }

    /** What broke the link, or {@code null}; valid once the reader finished. */
    Throwable endCause() {
        return endCause;
    }

    private void end(Throwable failure) {
        if (byeReason != null) {
            endReason = byeReason;
        } else if (localReason != null) {
            endReason = localReason;
            endCause = localCause;
        } else if (failure instanceof ProtocolException) {
            endReason = CloseReason.PROTOCOL_ERROR;
            endCause = failure;
        } else {
            endReason = CloseReason.NETWORK_FAILURE;
            endCause = failure != null ? failure
                    : new EOFException("the server closed the connection without a bye");
        }
        closeSocket();
        failPending(endReason, endCause);
    }

    /** Closes the socket and fails every waiting call with {@code reason}. */
    void failPending(CloseReason reason, Throwable cause) {
        writeLock.lock();
        try {
            closed = true;
            if (localReason == null) {
                localReason = reason;
                localCause = cause;
            }
        } finally {
            writeLock.unlock();
        }
        Pending p;
        while ((p = pending.poll()) != null) {
            p.outcome.completeExceptionally(new ConnectionClosedException(
                    "the connection ended before the reply to " + p.verb + " (" + describe(reason) + ")",
                    reason, cause));
        }
    }

    /** Ends the link from this side (protocol error, or a close that could not wait for {@code bye}). */
    void abort(CloseReason reason, Throwable cause) {
        if (localReason == null) {
            localReason = reason;
            localCause = cause;
        }
        closeSocket();
    }

    void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private ConnectionClosedException closedException() {
        CloseReason reason = localReason != null ? localReason : CloseReason.NETWORK_FAILURE;
        return new ConnectionClosedException("not connected (" + describe(reason) + ")", reason, localCause);
    }

    static String describe(CloseReason reason) {
        return reason.wireName() != null ? reason.wireName() : reason.name().toLowerCase().replace('_', '-');
    }

    private void handle() throws ProtocolException {
        Map<String, Object> obj;
        try {
            obj = JsonValues.object(input.bytes(), input.length(), Response.NULL);
        } catch (RuntimeException e) {
            throw new ProtocolException("the server sent a line that is not a JSON object: " + preview(), e);
        }
        Object type = obj.get(Fields.TYPE);
        if (!(type instanceof String t)) {
            throw new ProtocolException("the server sent an object without a type: " + preview());
        }
        Object command = obj.get(Fields.COMMAND);
        try {
            if (command instanceof String verb) {
                reply(t, verb, obj);
                return;
            }
            switch (t) {
                case LineTypes.ERROR -> reply(t, null, obj);
                case LineTypes.MESSAGE -> {
                    ChatMessage m = message(obj);
                    m.id().ifPresent(client::sawMessageId);
                    post(l -> l.onMessage(client, m));
                }
                case LineTypes.JOIN -> {
                    Peer p = peer(obj.get(Fields.CLIENT));
                    String room = room(obj);
                    if (room != null) {
                        post(l -> l.onRoomJoin(client, room, p));
                    } else {
                        post(l -> l.onJoin(client, p));
                    }
                }
                case LineTypes.LEAVE -> {
                    Peer p = peer(obj.get(Fields.CLIENT));
                    String room = room(obj);
                    String wire = text(obj, Fields.REASON);
                    if (room != null) {
                        // "part", or the reason the member's connection ended: passed on as sent.
                        post(l -> l.onRoomLeave(client, room, p, wire));
                    } else {
                        LeaveReason reason = leaveReason(wire);
                        post(l -> l.onLeave(client, p, reason));
                    }
                }
                case LineTypes.RENAME -> {
                    Peer p = peer(obj.get(Fields.CLIENT));
                    String previous = text(obj, Fields.PREVIOUS);
                    String room = room(obj);
                    if (room != null) {
                        post(l -> l.onRoomRename(client, room, p, previous));
                    } else {
                        post(l -> l.onRename(client, p, previous));
                    }
                }
                case LineTypes.PRESENCE_MISSED -> {
                    if (!(obj.get(Fields.SKIPPED) instanceof Number n)) {
                        throw new IllegalArgumentException("no count");
                    }
                    long skipped = n.longValue();
                    post(l -> l.onPresenceMissed(client, skipped));
                }
                case LineTypes.BYE -> byeReason = CloseReason.fromBye(text(obj, Fields.REASON));
                case LineTypes.WELCOME -> {
                    Consumer<Map<String, Object>> sink = welcomeSink;
                    if (sink == null) {
                        throw new ProtocolException("the server sent a second welcome");
                    }
                    welcomeSink = null;
                    sink.accept(obj);
                }
                default -> ChatClient.LOG.debug("ignoring an event of unknown type {}", t);
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ProtocolException("the server sent a malformed " + t + ": " + preview(), e);
        }
    }

    private void reply(String type, String verb, Map<String, Object> obj) throws ProtocolException {
        Pending p = pending.poll();
        if (p == null) {
            throw new ProtocolException("the server sent a reply to no command: " + preview());
        }
        if (LineTypes.ERROR.equals(type)) {
            Object code = obj.get(Fields.CODE);
            Object message = obj.get(Fields.MESSAGE);
            Duration retryAfter = obj.get(Fields.RETRY_AFTER_SECONDS) instanceof Long seconds && seconds >= 0
                    ? Duration.ofSeconds(seconds) : null;
            p.outcome.complete(new ErrorReply(code instanceof String c ? c : "unknown", verb,
                    message instanceof String m ? m : "", retryAfter));
            return;
        }
        if (LineTypes.BYE.equals(type)) {
            byeReason = CloseReason.fromBye(text(obj, Fields.REASON));
        }
        if (obj.get(Fields.ID) instanceof String id && (Verbs.CHAT.equals(verb) || Verbs.SAY.equals(verb)
                || Verbs.POST.equals(verb))) {
            client.sawMessageId(id); // its own message: a resume need not send it back
        }
        Map<String, Object> fields = new LinkedHashMap<>(obj);
        fields.remove(Fields.TYPE);
        fields.remove(Fields.COMMAND);
        p.outcome.complete(new Response(type, verb, Collections.unmodifiableMap(fields),
                new String(input.bytes(), 0, input.length(), UTF_8)));
    }

    private void post(Event event) {
        events.accept(event);
    }

    /** A {@code message} object (an event, or an entry of a {@code history} page): with {@code to}, or {@code room}. */
    static ChatMessage message(Map<?, ?> obj) {
        Peer from = peer(obj.get(Fields.FROM));
        if (!(obj.get(Fields.MESSAGE) instanceof String message)) {
            throw new IllegalArgumentException("a message without its message field");
        }
        Optional<String> id = Optional.ofNullable(obj.get(Fields.ID) instanceof String i ? i : null);
        Optional<java.time.Instant> time = Optional.ofNullable(obj.get(Fields.TIME) instanceof String t ? instant(t) : null);
        if (obj.get(Fields.ROOM) instanceof String room) {
            return new ChatMessage(from, Optional.empty(), message, id, time, Optional.of(room));
        }
        if (!(obj.get(Fields.TO) instanceof String to)) {
            throw new IllegalArgumentException("a message without its to or room field");
        }
        return new ChatMessage(from,
                Protocol.EVERYONE.equals(to) ? Optional.empty() : Optional.of(ClientId.parse(to)), message, id, time);
    }

    /** The {@code room} of a notice, or {@code null} for a server-wide one. */
    private static String room(Map<String, Object> obj) {
        Object room = obj.get(Fields.ROOM);
        if (room == null || room == Response.NULL) {
            return null;
        }
        if (room instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new IllegalArgumentException("a room that is not a name");
    }

    static Peer peer(Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("not a client object");
        }
        return new Peer(ClientId.parse((String) m.get(Fields.ID)), (String) m.get(Fields.NAME), (String) m.get(Fields.IP));
    }

    private static String text(Map<String, Object> obj, String field) {
        if (obj.get(field) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("missing " + field);
    }

    private static LeaveReason leaveReason(String wire) {
        try {
            return LeaveReason.fromWireName(wire);
        } catch (IllegalArgumentException e) {
            return LeaveReason.DISCONNECTED;
        }
    }

    private String preview() {
        int n = Math.min(input.length(), 200);
        return new String(input.bytes(), 0, n, UTF_8) + (input.length() > n ? "..." : "");
    }

    static List<Object> list(Response r, String field) throws ProtocolException {
        if (r.fields().get(field) instanceof List<?> l) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) l;
            return list;
        }
        throw new ProtocolException("the " + r.type() + " reply to " + r.command() + " has no list " + field);
    }

    /** A message's {@code time}, or {@code null} if it is not an ISO instant (a newer or odd server: not fatal). */
    private static java.time.Instant instant(String text) {
        try {
            return java.time.Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
