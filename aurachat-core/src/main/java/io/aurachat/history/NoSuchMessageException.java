package io.aurachat.history;

/**
 * A query named an id that is not a message of its target in the store: never issued, another target's, or
 * already removed by the retention rules. The server answers {@code no-such-message}.
 */
public final class NoSuchMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** For the id {@code id} in {@code target}. */
    public NoSuchMessageException(String target, long id) {
        super("no message " + id + " in " + target + "'s history");
    }
}
