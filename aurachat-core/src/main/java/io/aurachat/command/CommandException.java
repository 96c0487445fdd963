package io.aurachat.command;

import io.aurachat.protocol.ErrorCodes;
import java.util.Objects;

/**
 * Thrown by a {@link CommandHandler} to answer with an {@code error} reply carrying a stable code,
 * such as {@link ErrorCodes#BAD_ARGUMENTS}. Cheap to throw: it records no stack trace.
 */
public class CommandException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;

    /**
     * @param code the error code: lower-case letters, digits and dashes, starting with a letter
     * @param message a human-readable explanation, sent to the client as is
     * @throws IllegalArgumentException if the code is malformed
     */
    public CommandException(String code, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        if (!ErrorCodes.isValid(Objects.requireNonNull(code, "code"))) {
            throw new IllegalArgumentException("malformed error code: '" + code + "'");
        }
        this.code = code;
    }

    /** The error code sent to the client. */
    public String code() {
        return code;
    }
}
