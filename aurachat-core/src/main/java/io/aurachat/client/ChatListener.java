package io.aurachat.client;

import io.aurachat.protocol.LeaveReason;

/**
 * What happens to a {@link ChatClient}, told in a fixed order:
 *
 * <pre>
 * onConnected
 * (onMessage | onJoin | onLeave | onRename | onRoomJoin | onRoomLeave | onRoomRename | onPresenceMissed)*
 * (onDisconnected onReconnected onMessage* onResumed (onMessage | onJoin | ... | onPresenceMissed)*)*
 * [onDisconnected]
 * onClosed
 * </pre>
 *
 * Each callback happens exactly once per event, in the order the server sent the events. The last
 * {@code onDisconnected} appears only when a {@link ReconnectPolicy} was trying and gave up or the client was
 * closed while it waited; {@code onClosed} always comes last, exactly once, also after {@link ChatClient#close()}.
 *
 * <p><b>Thread:</b> every callback of one client runs on that client's own event thread (a virtual thread
 * named {@code aurachat-client-events-N}), one at a time. A callback may call the client, including its
 * blocking calls. While a callback runs, further events wait in a bounded queue
 * ({@link ClientConfig.Builder#eventQueueCapacity}); when it is full the client stops reading from the
 * server, and a server whose queue for this client then overflows cuts it (as a slow consumer, which the
 * client sees as {@link CloseReason#NETWORK_FAILURE}: the server sends no {@code bye} then).
 * A callback that blocks for long therefore delays its own client's events. While a callback waits for the
 * reply to a call, the queue may grow to twice its capacity, so that the reply can arrive behind a full queue;
 * beyond that the call waits until its {@linkplain ClientConfig.Builder#callTimeout call timeout}.
 *
 * <p>An exception thrown by a callback is logged (SLF4J, {@code io.aurachat.client}) and does not stop the
 * client or the later callbacks. Every method has an empty default.
 */
public interface ChatListener {

    /** A listener that ignores everything. */
    ChatListener NONE = new ChatListener() {};

    /** The first connection is ready: the {@code welcome} arrived and the configured name was set. */
    default void onConnected(ChatClient client, Session session) {}

    /**
     * A message arrived, sent to this client ({@link ChatMessage#isPrivate()}), to everyone, or to a room this
     * client is in ({@link ChatMessage#room()} names it).
     */
    default void onMessage(ChatClient client, ChatMessage message) {}

    /** Another client connected (the server sends this only while it has few enough clients). */
    default void onJoin(ChatClient client, Peer peer) {}

    /**
     * Another client left. A reason this client does not know is reported as
     * {@link LeaveReason#DISCONNECTED}.
     */
    default void onLeave(ChatClient client, Peer peer, LeaveReason reason) {}

    /** Another client changed its display name; {@code peer.name()} is the new one. */
    default void onRename(ChatClient client, Peer peer, String previousName) {}

    /**
     * Another client joined {@code room}, a room this client is in ({@code join} with {@code "room"}). The server
     * sends it only while the room has few enough members (its {@code presenceLimit}).
     *
     * @param room the room's name as the server shows it
     */
    default void onRoomJoin(ChatClient client, String room, Peer peer) {}

    /**
     * Another client left {@code room}, a room this client is in ({@code leave} with {@code "room"}); sent like
     * {@link #onRoomJoin}.
     *
     * @param room the room's name as the server shows it
     * @param reason {@code part} when it sent {@code PART}, otherwise the reason its connection ended as the
     *     server wrote it ({@code disconnected}, {@code exit}, ...; see {@link LeaveReason#wireName()}), passed on
     *     unchanged, also when this client does not know it
     */
    default void onRoomLeave(ChatClient client, String room, Peer peer, String reason) {}

    /**
     * A member of {@code room} changed its display name; {@code peer.name()} is the new one. A server with many
     * clients sends this per room instead of {@link #onRename} (PROTOCOL.md, <i>Rooms</i>).
     *
     * @param room the room's name as the server shows it
     */
    default void onRoomRename(ChatClient client, String room, Peer peer, String previousName) {}

    /**
     * The server skipped {@code skipped} join, leave and rename notices while this client was not keeping up
     * ({@code presence-missed}, PROTOCOL.md); {@link ChatClient#list()} tells who is here now.
     */
    default void onPresenceMissed(ChatClient client, long skipped) {}

    /**
     * The connection ended and the {@link ReconnectPolicy} will try to connect again; calls fail with an
     * {@link java.io.IOException} until {@link #onReconnected}.
     *
     * @param cause what broke the connection for {@link CloseReason#NETWORK_FAILURE} and
     *     {@link CloseReason#PROTOCOL_ERROR}; {@code null} when the server said why
     */
    default void onDisconnected(ChatClient client, CloseReason reason, Throwable cause) {}

    /**
     * A new connection is ready after {@link #onDisconnected}: with the same id, name and rooms if the session was
     * resumed ({@link #onResumed} follows the missed messages), else with a new session and a new id.
     */
    default void onReconnected(ChatClient client, Session session) {}

    /**
     * After every {@link #onReconnected}: whether the client got its session back ({@code RESUME}: a client with a
     * {@link ReconnectPolicy} asks for a resumable session when it connects, and resumes it by itself).
     *
     * @param resumed whether the server gave the session back: the same id, name and rooms. {@code false}: the
     *     session had expired (the server's resume window passed, or it restarted) or the server keeps no
     *     sessions; the client is a new one, and whatever was said meanwhile is lost to it
     * @param missed how many missed messages were delivered, as {@link #onMessage}, just before this call
     * @param recovered whether those were every message it missed; {@code false} when the server no longer had
     *     some (its history retention, or no history at all), or when it was not resumed.
     *     {@link ChatClient#history} can page back for what is still kept
     */
    default void onResumed(ChatClient client, boolean resumed, int missed, boolean recovered) {}

    /**
     * The client is closed for good; nothing follows. After a reconnect policy gave up, {@code reason} and
     * {@code cause} are those of the connection that was lost.
     *
     * @param cause what broke the connection for {@link CloseReason#NETWORK_FAILURE} and
     *     {@link CloseReason#PROTOCOL_ERROR}; {@code null} otherwise
     */
    default void onClosed(ChatClient client, CloseReason reason, Throwable cause) {}
}
