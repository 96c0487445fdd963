package io.aurachat.client;

import io.aurachat.protocol.LeaveReason;
import java.util.Optional;

/**
 * Why a {@link ChatClient}'s connection ended, as {@link ChatListener#onDisconnected} and
 * {@link ChatListener#onClosed} report it: one of the server's {@link LeaveReason}s that a {@code bye}
 * carries, or what the client saw itself.
 */
public enum CloseReason {
    /** This client sent {@code EXIT} ({@link ChatClient#exit()} or {@link ChatClient#close()}). */
    EXIT(LeaveReason.EXIT, false),
    /** The server closed the connection because this client sent no command for its idle timeout. */
    IDLE_TIMEOUT(LeaveReason.IDLE_TIMEOUT, false),
    /** The server is shutting down. */
    SERVER_SHUTDOWN(LeaveReason.SERVER_SHUTDOWN, true),
    /**
     * The server said it cut this client because it read too slowly. An AuraChat server cuts a slow
     * consumer without a {@code bye} (its queue is full), so a client usually sees {@link #NETWORK_FAILURE}.
     */
    SLOW_CONSUMER(LeaveReason.SLOW_CONSUMER, true),
    /** The server cut this client after too many lines that were not commands. */
    TOO_MANY_ERRORS(LeaveReason.TOO_MANY_ERRORS, false),
    /** The server already had as many clients as it accepts. */
    SERVER_FULL(LeaveReason.SERVER_FULL, true),
    /** The server already had as many connections from this client's IP address as it accepts from one. */
    TOO_MANY_CONNECTIONS(LeaveReason.TOO_MANY_CONNECTIONS, true),
    /**
     * Another connection took this client's session with {@code RESUME} (this program, or another that had its
     * session token); reconnecting would only take it back.
     */
    RESUMED(LeaveReason.RESUMED, false),
    /**
     * On a reconnect the server presented a TLS certificate other than the one trusted for it ({@link
     * UntrustedServerException} is the cause); the client does not try again.
     */
    UNTRUSTED_SERVER(null, false),
    /**
     * On a reconnect the server refused this client's login ({@link LoginFailedException} is the cause:
     * {@code bad-credentials} after the password was changed elsewhere, {@code insecure-connection}, ...); the client
     * does not try again, since the same password would only be refused again. A {@code too-many-attempts} or
     * {@code server-busy} refusal is retried instead.
     */
    LOGIN_FAILED(null, false),
    /** The server requires login and this client did not log in within its pre-join timeout. */
    LOGIN_TIMEOUT(LeaveReason.LOGIN_TIMEOUT, false),
    /** The server's owner removed the account this client was logged into. */
    ACCOUNT_REMOVED(LeaveReason.ACCOUNT_REMOVED, false),
    /** The server closed the connection with a reason this client does not know. */
    OTHER(null, true),
    /** The connection broke, or the server closed it without saying why. */
    NETWORK_FAILURE(null, true),
    /** The server sent something that is not the AuraChat protocol; the client closed the connection. */
    PROTOCOL_ERROR(null, false);

    private final LeaveReason leaveReason;
    private final boolean retriable;

    CloseReason(LeaveReason leaveReason, boolean retriable) {
        this.leaveReason = leaveReason;
        this.retriable = retriable;
    }

    /**
     * Whether a client with a {@link ReconnectPolicy} reconnects after this reason. It does after network
     * failures and after the server shut down, cut or refused it; it does not after {@code EXIT}, after an
     * idle timeout (the server asked it to go), after too many errors or a protocol error (it would only
     * happen again), nor when its login was refused, timed out or its account was removed.
     */
    public boolean isRetriable() {
        return retriable;
    }

    /** The server's reason this stands for, for the reasons a {@code bye} carries; empty for the others. */
    public Optional<LeaveReason> leaveReason() {
        return Optional.ofNullable(leaveReason);
    }

    /** The {@code reason} of a {@code bye} for reasons the server sends; {@code null} for the others. */
    public String wireName() {
        return leaveReason == null ? null : leaveReason.wireName();
    }

    /** The reason of a {@code bye} with this wire name; {@link #OTHER} if the name is not known. */
    static CloseReason fromBye(String wireName) {
        for (CloseReason reason : values()) {
            if (reason.leaveReason != null && reason.leaveReason.wireName().equals(wireName)) {
                return reason;
            }
        }
        return OTHER;
    }
}
