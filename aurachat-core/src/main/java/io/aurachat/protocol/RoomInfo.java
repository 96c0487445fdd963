package io.aurachat.protocol;

import java.util.Objects;

/**
 * A room as {@code ROOMS} and {@code JOIN} describe it.
 *
 * @param name the room's name as it was first given (rooms are told apart ignoring case)
 * @param members how many clients are in it
 */
public record RoomInfo(String name, int members) {
    /** Checks the components. */
    public RoomInfo {
        Objects.requireNonNull(name, "name");
        if (members < 0) {
            throw new IllegalArgumentException("members must not be negative: " + members);
        }
    }
}
