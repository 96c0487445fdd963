package io.aurachat.protocol;

import java.util.Objects;

/**
 * A server-assigned client id such as {@code c1}. Ids are handed out in connection order and are
 * never reused while a server runs.
 *
 * @param value the id as it appears on the wire: {@code c} followed by a positive decimal number
 *     (at most {@link Long#MAX_VALUE})
 */
public record ClientId(String value) implements Comparable<ClientId> {

    /** The largest id: its number is {@link Long#MAX_VALUE}. */
    private static final String MAX = "c" + Long.MAX_VALUE;

    /**
     * @throws IllegalArgumentException if {@code value} is not {@code c} followed by a positive
     *     decimal number up to {@link Long#MAX_VALUE} without leading zeros
     */
    public ClientId {
        Objects.requireNonNull(value, "value");
        if (!isValid(value)) {
            throw new IllegalArgumentException("not a client id: '" + value + "'");
        }
    }

    /** Returns the id of the {@code sequence}-th client, e.g. {@code of(3)} is {@code c3}. */
    public static ClientId of(long sequence) {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be positive: " + sequence);
        }
        return new ClientId("c" + sequence);
    }

    /**
     * Parses an id typed by a person or read from the wire; surrounding white space is not accepted.
     *
     * @throws IllegalArgumentException if the text is not a client id
     */
    public static ClientId parse(String text) {
        return new ClientId(text);
    }

    /** Whether {@code text} is a well-formed client id. */
    public static boolean isValid(String text) {
        int n = text.length();
        if (n < 2 || n > MAX.length() || text.charAt(0) != 'c' || text.charAt(1) == '0') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        // Same length, digits only: comparing the text compares the numbers.
        return n < MAX.length() || text.compareTo(MAX) <= 0;
    }

    /** The number after the {@code c}: ids compare in connection order. */
    public long sequence() {
        return Long.parseLong(value, 1, value.length(), 10);
    }

    @Override
    public int compareTo(ClientId other) {
        return Long.compare(sequence(), other.sequence());
    }

    @Override
    public String toString() {
        return value;
    }
}
