package io.aurachat.transport;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;

/**
 * The server's side of one attached {@link Peer}: the transport hands it every line the client sends, in
 * order, and tells it when the connection ends. Returned by {@link io.aurachat.server.ChatServer#attach}.
 *
 * <p>A connection starts in the <em>pre-join</em> state: it has an id and its lines are answered, but no
 * other client can see it (it is not in {@code LIST}, gets no messages and no presence notices, and before
 * joining only the commands that make sense there run: {@code PING}, {@code HELP}, {@code TIME},
 * {@code EXIT}; others are answered {@code not-joined}). {@link #join()} makes it a visible client: it
 * gets {@code welcome} and the others a {@code join} notice. A transport starts a connection with {@link #begin()}:
 * it joins at once, unless the server requires accounts; then the client gets {@code hello} and joins once it has
 * logged in ({@code LOGIN}, {@code REGISTER}: two more commands that run before joining), and until then every
 * other command is answered {@code login-required}.
 *
 * <p>Calls for one connection must come from one thread at a time, in the order the client sent the lines
 * (different connections may be driven concurrently).
 */
public interface Connection {

    /** The id the server gave this client. */
    ClientId id();

    /** The client as others see it now (its name changes with {@code NAME}). */
    ClientInfo info();

    /** Whether the client has joined and not left. */
    boolean isJoined();

    /** Whether the connection has not ended (joined or not). */
    boolean isOpen();

    /**
     * Makes the client visible: sends it {@code welcome}, registers it, tells the others.
     *
     * <p>The welcome is queued (through {@link Peer#send}) before the client is registered for messages to
     * everyone. A transport should write nothing of what is queued until this method returns (the TCP transport
     * holds the connection's output meanwhile): otherwise a client that has read its welcome may still miss a
     * {@code SAY} sent after it.
     *
     * @return {@code false} if it had already joined, or its connection has ended, or the server requires accounts
     *     and the client has not logged in
     */
    boolean join();

    /**
     * What a transport calls once it has attached a connection: {@link #join()} at once (returning what it returns),
     * or, on a server that requires accounts, sends the client {@code hello} and returns {@code false}: the client
     * joins when it logs in. The same care about holding output applies as for {@link #join()}.
     *
     * @return whether the client joined now
     */
    default boolean begin() {
        return join();
    }

    /**
     * One line from the client, without its terminator: runs its command on the calling thread and queues
     * exactly one reply to the peer (none for a blank line). A user's command may block, so this may block.
     */
    void line(String line);

    /**
     * The peer's queue, {@linkplain Peer#congested() congested} before, has drained (to half of its soft
     * limit, for the TCP transport). If presence notices were skipped meanwhile, the client is now told
     * {@code presence-missed}, after which it can {@code LIST}. Any thread; cheap when nothing was skipped.
     */
    void drained();

    /** The client sent a line longer than the server's {@code maxLineLength}; it was discarded. */
    void lineTooLong();

    /** The client sent a line that is not valid UTF-8; it was discarded. */
    void badEncoding();

    /**
     * The connection has ended, or started ending, for this reason: the client closed it, the network broke
     * it, the peer cut a slow client, or the peer is carrying out {@link Peer#close}. The server forgets the
     * client (others get a {@code leave} notice). Idempotent: only the first call counts.
     */
    void closed(LeaveReason reason);
}
