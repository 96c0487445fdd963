package io.aurachat.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The server answered a call with an {@code error} reply. {@link #code()} is the server's stable code
 * ({@code no-such-client}, {@code name-taken}, ... see {@link io.aurachat.protocol.ErrorCodes}, or a code of
 * a server's own command); the connection is still usable.
 *
 * <p>Unchecked, like a failed precondition: a program decides per call which codes it expects (a
 * {@code CHAT} to someone who may have left) and lets the others propagate.
 */
public class ChatErrorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final String command;
    private final String serverMessage;
    private final Duration retryAfter;

    /**
     * @param code the error code of the reply
     * @param command the verb the reply names, or {@code null} if it names none ({@code line-too-long})
     * @param serverMessage the reply's human-readable message
     */
    public ChatErrorException(String code, String command, String serverMessage) {
        this(code, command, serverMessage, null);
    }

    /**
     * @param code the error code of the reply
     * @param command the verb the reply names, or {@code null} if it names none ({@code line-too-long})
     * @param serverMessage the reply's human-readable message
     * @param retryAfter the reply's {@code retryAfterSeconds} ({@code too-many-attempts}), or {@code null}
     */
    public ChatErrorException(String code, String command, String serverMessage, Duration retryAfter) {
        super((command == null ? "" : command + ": ") + code + ": " + serverMessage);
        this.code = Objects.requireNonNull(code, "code");
        this.command = command;
        this.serverMessage = Objects.requireNonNull(serverMessage, "serverMessage");
        this.retryAfter = retryAfter;
    }

    /** The stable error code, e.g. {@code no-such-client}. */
    public String code() {
        return code;
    }

    /** The upper-case verb of the command that failed; empty for errors that name no command. */
    public Optional<String> command() {
        return Optional.ofNullable(command);
    }

    /** The server's message for people; its wording may change between versions. */
    public String serverMessage() {
        return serverMessage;
    }

    /**
     * How long the server asks the client to wait before it tries again: the {@code retryAfterSeconds} of a
     * {@code too-many-attempts} error; empty for errors that carry none.
     */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
