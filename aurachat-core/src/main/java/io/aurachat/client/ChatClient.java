package io.aurachat.client;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.List;

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

    private ChatClient() {}

    /**
     * Connects, waits for the server's {@code welcome}, sets the configured name, and returns the connected
     * client; {@link ChatListener#onConnected} is the listener's first callback. If the configuration has no
     * server address, the first server that discovery finds is used.
     *
     * @throws ServerNotFoundException if discovery found no server within its timeout
     * @throws ConnectionClosedException if the server refused the connection (for example
     *     {@link CloseReason#SERVER_FULL})
     * @throws ChatErrorException if the server refused the configured name; nothing stays open
     * @throws IOException if the server cannot be reached, does not speak AuraChat, or is too slow
     */
    public static ChatClient connect(ClientConfig config, ChatListener listener) throws IOException {
        throw new UnsupportedOperationException("in progress");
    }

    /** The configuration this client was made with. */
    public ClientConfig config() {
        throw new UnsupportedOperationException("in progress");
    }

    /** The current session, or the last one while the client reconnects or after it closed. */
    public Session session() {
        throw new UnsupportedOperationException("in progress");
    }

    /** This client's id in the current (or last) session. */
    public ClientId id() {
        return session().id();
    }

    /** This client's display name in the current (or last) session, as the server last confirmed it. */
    public String name() {
        return session().name();
    }

    /** Whether the client has a connection now (it may lose it at any time). */
    public boolean isConnected() {
        throw new UnsupportedOperationException("in progress");
    }

    /** Whether the client is closed for good ({@link ChatListener#onClosed} was or is being delivered). */
    public boolean isClosed() {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Sends a private message ({@code CHAT}). It may name this client's own id.
     *
     * @throws ChatErrorException {@code no-such-client} if nobody with that id is connected
     */
    public void chat(ClientId to, String text) throws IOException {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Sends a message to every other client ({@code SAY}).
     *
     * @return how many clients it was sent to
     */
    public int say(String text) throws IOException {
        throw new UnsupportedOperationException("in progress");
    }

    /** The server's clock and time zone ({@code TIME}). */
    public ZonedDateTime time() throws IOException {
        throw new UnsupportedOperationException("in progress");
    }

    /** Every connected client, this one included, in connection order ({@code LIST}). */
    public List<ClientInfo> list() throws IOException {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Sets this client's display name ({@code NAME}); it is set again after each reconnect.
     *
     * @return the name as the server accepted it
     * @throws ChatErrorException {@code bad-name} or {@code name-taken}
     */
    public String setName(String name) throws IOException {
        throw new UnsupportedOperationException("in progress");
    }

    /** The server's commands, sorted by verb ({@code HELP}). */
    public List<CommandInfo> help() throws IOException {
        throw new UnsupportedOperationException("in progress");
    }

    /** A round trip to the server ({@code PING}); it also counts as activity for the idle timeout. */
    public void ping() throws IOException {
        throw new UnsupportedOperationException("in progress");
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
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Leaves the server ({@code EXIT}): waits for its {@code bye} and closes the client for good, with
     * {@link CloseReason#EXIT}; no reconnection follows.
     *
     * @throws IOException if the client was not connected or the connection broke first; the client is
     *     closed anyway
     */
    public void exit() throws IOException {
        throw new UnsupportedOperationException("in progress");
    }

    /**
     * Closes the client for good: sends {@code EXIT} if it is connected (waiting at most the call timeout for
     * the {@code bye}), stops any reconnection, fails calls still waiting, and waits for the listener's
     * {@link ChatListener#onClosed onClosed} (unless called from a listener callback). Idempotent; never throws.
     */
    @Override
    public void close() {
        throw new UnsupportedOperationException("in progress");
    }
}
