package io.aurachat.protocol;

/**
 * The field names of the lines a server sends (PROTOCOL.md), in one place for the server's encoder, the
 * Java client and the load generator.
 */
public final class Fields {
    /** Every line: its {@link LineTypes type}. */
    public static final String TYPE = "type";
    /** Replies: the upper-case verb of the command answered. */
    public static final String COMMAND = "command";

    /** {@code welcome} and client objects: the client id. */
    public static final String ID = "id";
    /** {@code welcome}, client objects and the {@code NAME} reply: the display name. */
    public static final String NAME = "name";
    /** Client objects: the client's IP address. */
    public static final String IP = "ip";
    /** Client objects in {@code LIST} replies: when the client connected. */
    public static final String CONNECTED_SINCE = "connectedSince";

    /** {@code welcome}: the server's name. */
    public static final String SERVER = "server";
    /** {@code welcome}: the protocol version. */
    public static final String PROTOCOL = "protocol";
    /** {@code welcome}: the idle timeout in whole seconds, 0 for none. */
    public static final String IDLE_TIMEOUT_SECONDS = "idleTimeoutSeconds";
    /** {@code welcome}: the longest line the server accepts, in bytes. */
    public static final String MAX_LINE_LENGTH = "maxLineLength";
    /** {@code welcome}: the most clients for which join and leave notices are sent. */
    public static final String PRESENCE_LIMIT = "presenceLimit";

    /** {@code message}: the sender, a client object. */
    public static final String FROM = "from";
    /** {@code message}: the recipient's id, or {@link Protocol#EVERYONE}; the {@code CHAT} reply: the recipient. */
    public static final String TO = "to";
    /**
     * A private {@code message} in a {@code HISTORY @} page: the recipient's display name when it was sent (the id in
     * {@link #TO} lasted one connection).
     */
    public static final String TO_NAME = "toName";
    /** A private {@code message} in a {@code HISTORY @} page: the recipient's account key; absent if it was anonymous. */
    public static final String TO_ACCOUNT = "toAccount";
    /** {@code message}: the text. {@code error}: the explanation for people. */
    public static final String MESSAGE = "message";
    /** {@code join}, {@code leave}, {@code rename}: the client concerned. */
    public static final String CLIENT = "client";
    /** {@code rename}: the name before. */
    public static final String PREVIOUS = "previous";
    /** {@code leave} and {@code bye}: a {@link LeaveReason}'s wire name. */
    public static final String REASON = "reason";
    /** {@code error}: an {@link ErrorCodes error code}. */
    public static final String CODE = "code";

    /** {@code TIME} reply: the time as ISO-8601 with offset. */
    public static final String TIME = "time";
    /** {@code TIME} reply: the time in milliseconds since the epoch. */
    public static final String EPOCH_MILLIS = "epochMillis";
    /** {@code TIME} reply: the server's time zone id. */
    public static final String ZONE = "zone";
    /** {@code SAY} reply: how many clients the message was queued for. */
    public static final String RECIPIENTS = "recipients";
    /** {@code LIST} reply: the client objects. */
    public static final String CLIENTS = "clients";
    /** {@code HELP} reply: the command objects. */
    public static final String COMMANDS = "commands";
    /** {@code HELP} command objects: the verb. */
    public static final String VERB = "verb";
    /** {@code HELP} command objects: how to call it. */
    public static final String USAGE = "usage";
    /** {@code HELP} command objects: what it does. */
    public static final String DESCRIPTION = "description";
    /** {@code Reply.ok(String)}: a short human-readable result. */
    public static final String TEXT = "text";
    /** {@code presence-missed}: how many notices were skipped. */
    public static final String SKIPPED = "skipped";
    /** The room a message, a notice or a reply is about. */
    public static final String ROOM = "room";
    /** {@code rooms}: the server's rooms, each with its name and member count. */
    public static final String ROOMS = "rooms";
    /** {@code members}: a room's members; in {@code rooms} and {@code JOIN}'s reply, how many there are. */
    public static final String MEMBERS = "members";
    /** {@code history}: the target whose messages these are ({@code *} for everyone). */
    public static final String TARGET = "target";
    /** {@code history}: the page's messages, oldest first, each as it was delivered. */
    public static final String MESSAGES = "messages";
    /** {@code history}: whether there are more messages beyond the page in the query's direction. */
    public static final String MORE = "more";
    /**
     * {@code conversations}: one object per account the asker's account has private messages with, the latest first,
     * each with its {@link #ACCOUNT} and {@link #LATEST} message.
     */
    public static final String CONVERSATIONS = "conversations";
    /** A conversation in {@code conversations}: its latest message, as a {@code HISTORY @} page has it. */
    public static final String LATEST = "latest";
    /** {@code session} and {@code resumed}: the token that {@code RESUME} names. */
    public static final String SESSION = "session";
    /** {@code session} and {@code resumed}: how long the server keeps the session after the connection breaks. */
    public static final String RESUME_WINDOW_SECONDS = "resumeWindowSeconds";
    /** {@code resumed}: whether every message the session missed was delivered before the reply. */
    public static final String RECOVERED = "recovered";
    /** {@code resumed}: how many missed messages were delivered before the reply. */
    public static final String MISSED = "missed";

    /**
     * Client objects, {@code welcome} and the {@code LOGIN} and {@code REGISTER} replies: the account the client is
     * logged into, by its name as registered ({@code Mario}, not its folded key); absent for an anonymous client.
     */
    public static final String ACCOUNT = "account";
    /** {@code hello} and {@code welcome}: the server's accounts mode, {@code optional} or {@code required}. */
    public static final String ACCOUNTS = "accounts";
    /** {@code hello}: whether this connection is encrypted (TLS); password logins need it unless the owner allows. */
    public static final String SECURE = "secure";
    /** {@code hello}: whether the server takes password logins over a connection that is not encrypted. */
    public static final String PLAIN_LOGIN = "plainLogin";
    /** {@code hello}: how long the connection may stay before login, in seconds. */
    public static final String LOGIN_TIMEOUT_SECONDS = "loginTimeoutSeconds";
    /** {@code too-many-attempts} errors: in how many seconds an attempt will be taken again. */
    public static final String RETRY_AFTER_SECONDS = "retryAfterSeconds";

    private Fields() {}
}
