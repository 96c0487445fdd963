package io.aurachat.protocol;

/** Constants of the wire protocol described in {@code PROTOCOL.md}. */
public final class Protocol {
    /** The protocol version the server announces in its {@code welcome} object. */
    public static final int VERSION = 2;
    /** The {@code to} of a message to everyone ({@code SAY}). */
    public static final String EVERYONE = "*";

    private Protocol() {}
}
