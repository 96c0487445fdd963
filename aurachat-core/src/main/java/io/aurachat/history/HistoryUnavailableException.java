package io.aurachat.history;

/**
 * The store cannot answer (it failed, is closed, or is overloaded). The server answers {@code history-unavailable};
 * chat goes on.
 */
public final class HistoryUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With what went wrong. */
    public HistoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** With what went wrong. */
    public HistoryUnavailableException(String message) {
        super(message);
    }
}
