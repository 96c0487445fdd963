package io.aurachat.transport;

import io.aurachat.protocol.LeaveReason;

/**
 * One connected client as the server sees it, whatever carries its bytes: what a transport implements so
 * that its clients can join a {@link io.aurachat.server.ChatServer} ({@link
 * io.aurachat.server.ChatServer#attach}). The server's TCP connections are one implementation; a test
 * double ({@link io.aurachat.testing.ChatHarness}) is another; a WebSocket endpoint would be a third.
 *
 * <p>The server only ever hands a peer complete, already-encoded lines (one JSON object and its
 * {@code \n}); the same array may go to many peers at once and must not be changed. Every method may be
 * called from any thread, concurrently, and must not block.
 */
public interface Peer {

    /** The client's address as other clients see it ({@code ip} in client objects): an IP address as text. */
    String address();

    /**
     * Queues one line for the client, after every line queued before it.
     *
     * @param line a complete line, UTF-8, ending in {@code \n}; shared, not to be modified
     * @return {@code false} if the line was not queued: the peer is closing, or its output limit was
     *     reached (a peer that cuts a slow client reports {@link LeaveReason#SLOW_CONSUMER} through
     *     {@link Connection#closed})
     */
    boolean send(byte[] line);

    /**
     * Whether the client's queue is above the peer's soft limit (it is not keeping up for now). The hub skips
     * presence notices ({@code join}, {@code leave}, {@code rename}) for a congested peer and tells the client
     * {@code presence-missed} once its connection reports {@link Connection#drained()}. A peer without a
     * bounded queue is never congested.
     */
    default boolean congested() {
        return false;
    }

    /**
     * Whether the client's bytes travel encrypted and authenticated (TLS, or a WebSocket over HTTPS): a server
     * refuses password logins over a connection that is not, unless its owner allows them. Constant for the life
     * of the peer.
     */
    default boolean secure() {
        return false;
    }

    /**
     * Ends the connection: takes no more lines, writes {@code lastLine} (if not {@code null}) after what is
     * queued, then closes. The peer reports the end to its {@link Connection} with {@link
     * Connection#closed} (at once or when it happens), with this reason unless another ended it first.
     * Idempotent: only the first call counts. It may be called before {@link
     * io.aurachat.server.ChatServer#attach} has returned (the server is full), and then there is no
     * connection to report to.
     *
     * @param reason why
     * @param lastLine a {@code bye} line, or {@code null}
     */
    void close(LeaveReason reason, byte[] lastLine);
}
