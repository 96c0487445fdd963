package io.aurachat.internal;

/** Argument checks of the builders, which all report bad configuration the same way. */
public final class Checks {
    private Checks() {}

    /**
     * @throws IllegalArgumentException with {@code message} unless {@code ok}
     */
    public static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
