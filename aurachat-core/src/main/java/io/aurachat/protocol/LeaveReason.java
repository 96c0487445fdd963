package io.aurachat.protocol;

/**
 * Why a connection ended: the {@code reason} of {@code bye} and {@code leave} objects.
 */
public enum LeaveReason {
    /** The client sent {@code EXIT}. */
    EXIT("exit"),
    /** The client sent no command for the server's idle timeout. */
    IDLE_TIMEOUT("idle-timeout"),
    /** The connection was closed or broken by the client or the network. */
    DISCONNECTED("disconnected"),
    /** The client did not read fast enough and its outbound queue overflowed. */
    SLOW_CONSUMER("slow-consumer"),
    /** The server is shutting down. */
    SERVER_SHUTDOWN("server-shutdown"),
    /** The client sent too many bad lines in a row. */
    TOO_MANY_ERRORS("too-many-errors"),
    /** The server was at its client limit when the connection arrived; the client never joined. */
    SERVER_FULL("server-full"),
    /**
     * The connection's IP address already had as many open connections as the server allows one address; the client
     * never joined.
     */
    TOO_MANY_CONNECTIONS("too-many-connections"),
    /**
     * The connection took back an earlier session with {@code RESUME}: the id its {@code welcome} announced is given
     * up (a {@code leave} for that id), and the connection goes on as the resumed client.
     */
    RESUMED("resumed"),
    /** The connection did not log in within the server's pre-join timeout (a server that requires accounts). */
    LOGIN_TIMEOUT("login-timeout"),
    /** The server's owner removed the account this connection was logged into. */
    ACCOUNT_REMOVED("account-removed");

    private final String wireName;

    LeaveReason(String wireName) {
        this.wireName = wireName;
    }

    /** The reason as written on the wire, e.g. {@code idle-timeout}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Returns the reason with the given wire name.
     *
     * @throws IllegalArgumentException if no reason has that name
     */
    public static LeaveReason fromWireName(String name) {
        for (LeaveReason reason : values()) {
            if (reason.wireName.equals(name)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("unknown leave reason: " + name);
    }
}
