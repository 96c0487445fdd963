package io.aurachat.client;

/**
 * Why a {@link ChatClient}'s connection ended, as {@link ChatListener#onDisconnected} and
 * {@link ChatListener#onClosed} report it.
 */
public enum CloseReason {
    /** This client sent {@code EXIT} ({@link ChatClient#exit()} or {@link ChatClient#close()}). */
    EXIT("exit", false),
    /** The server closed the connection because this client sent no command for its idle timeout. */
    IDLE_TIMEOUT("idle-timeout", false),
    /** The server is shutting down. */
    SERVER_SHUTDOWN("server-shutdown", true),
    /**
     * The server said it cut this client because it read too slowly. An AuraChat server cuts a slow
     * consumer without a {@code bye} (its queue is full), so a client usually sees {@link #NETWORK_FAILURE}.
     */
    SLOW_CONSUMER("slow-consumer", true),
    /** The server cut this client after too many lines that were not commands. */
    TOO_MANY_ERRORS("too-many-errors", false),
    /** The server already had as many clients as it accepts. */
    SERVER_FULL("server-full", true),
    /** The server closed the connection with a reason this client does not know. */
    OTHER(null, true),
    /** The connection broke, or the server closed it without saying why. */
    NETWORK_FAILURE(null, true),
    /** The server sent something that is not the AuraChat protocol; the client closed the connection. */
    PROTOCOL_ERROR(null, false);

    private final String wireName;
    private final boolean retriable;

    CloseReason(String wireName, boolean retriable) {
        this.wireName = wireName;
        this.retriable = retriable;
    }

    /**
     * Whether a client with a {@link ReconnectPolicy} reconnects after this reason. It does after network
     * failures and after the server shut down, cut or refused it; it does not after {@code EXIT}, after an
     * idle timeout (the server asked it to go), after too many errors or a protocol error (it would only
     * happen again).
     */
    public boolean isRetriable() {
        return retriable;
    }

    /** The {@code reason} of a {@code bye} for reasons the server sends; {@code null} for the others. */
    public String wireName() {
        return wireName;
    }

    /** The reason of a {@code bye} with this wire name; {@link #OTHER} if the name is not known. */
    static CloseReason fromBye(String wireName) {
        for (CloseReason reason : values()) {
            if (wireName.equals(reason.wireName)) {
                return reason;
            }
        }
        return OTHER;
    }
}
