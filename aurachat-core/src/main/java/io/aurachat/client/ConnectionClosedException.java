package io.aurachat.client;

import java.io.IOException;
import java.util.Objects;

/**
 * A call failed because the connection is gone, or ended before its reply came. {@link #reason()} says why
 * the connection ended.
 */
public class ConnectionClosedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final CloseReason reason;

    /**
     * @param message what happened, for people
     * @param reason why the connection ended
     * @param cause the I/O failure behind it, or {@code null}
     */
    public ConnectionClosedException(String message, CloseReason reason, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the connection ended. */
    public CloseReason reason() {
        return reason;
    }
}
