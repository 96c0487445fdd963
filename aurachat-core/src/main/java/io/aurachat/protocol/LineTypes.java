package io.aurachat.protocol;

import java.util.Set;

/**
 * The {@code type} of every line a server sends (PROTOCOL.md, "Server to client"): the server's encoder,
 * the Java client and the load generator all spell them from here.
 */
public final class LineTypes {
    /** The first line of every joined connection. */
    public static final String WELCOME = "welcome";
    /** A message from a client ({@code CHAT} or {@code SAY}). */
    public static final String MESSAGE = "message";
    /** Another client joined. */
    public static final String JOIN = "join";
    /** Another client left. */
    public static final String LEAVE = "leave";
    /** Another client changed its name. */
    public static final String RENAME = "rename";
    /** Event: presence notices were skipped while the client's queue was full; {@code LIST} tells who is here. */
    public static final String PRESENCE_MISSED = "presence-missed";
    /** The server is closing the connection; also the reply to {@code EXIT}. */
    public static final String BYE = "bye";
    /** A command failed; carries an {@link ErrorCodes error code}. */
    public static final String ERROR = "error";
    /** The plain success reply. */
    public static final String OK = "ok";
    /** The reply to {@code TIME}. */
    public static final String TIME = "time";
    /** The reply to {@code LIST}. */
    public static final String CLIENTS = "clients";
    /** The reply to {@code HELP}. */
    public static final String HELP = "help";
    /** The reply to {@code PING}. */
    public static final String PONG = "pong";
    /** {@code ROOMS}' reply: the rooms. */
    public static final String ROOMS = "rooms";
    /** {@code MEMBERS}' reply: a room's members. */
    public static final String MEMBERS = "members";
    /** {@code HISTORY}'s reply: a page of messages. */
    public static final String HISTORY = "history";
    /** {@code HISTORY @ CONVERSATIONS}' reply: the accounts the asker's account has private messages with. */
    public static final String CONVERSATIONS = "conversations";
    /** {@code SESSION}'s reply: the session token and the resume window. */
    public static final String SESSION = "session";
    /** {@code RESUME}'s reply, after the missed messages: who the client is again and whether it got everything. */
    public static final String RESUMED = "resumed";

    /** The first line of a connection to a server that requires login, in place of {@code welcome}. */
    public static final String HELLO = "hello";

    /** The types no command's reply may take: the events, and {@code error}. */
    public static final Set<String> RESERVED = Set.of(WELCOME, MESSAGE, JOIN, LEAVE, RENAME,
            PRESENCE_MISSED, BYE, ERROR, HELLO);

    private LineTypes() {}
}
