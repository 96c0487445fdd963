package io.aurachat.client;

import io.aurachat.protocol.ClientId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A message that reached this client: a private one ({@code CHAT} to this client's id), one to everyone
 * ({@code SAY}), or one to a room this client is in ({@code POST}).
 *
 * @param from who sent it
 * @param recipient this client's id for a private message; empty for a message to everyone or to a room
 * @param text the text as the server delivered it: what the sender wrote after the spaces that separate it
 *     from the command (PROTOCOL.md)
 * @param id the server's id of the message (an opaque, ordered token: what {@code HISTORY} names); empty from a
 *     server of protocol 1, which gave none
 * @param time when the server routed it, to the millisecond; empty from a server of protocol 1
 * @param room the room it was posted to, as the server names it; empty for a private message or one to everyone
 */
public record ChatMessage(Peer from, Optional<ClientId> recipient, String text, Optional<String> id,
        Optional<Instant> time, Optional<String> room) {

    /**
     * Checks that no component is {@code null}, and that a message is not both private and to a room.
     *
     * @throws IllegalArgumentException if both {@code recipient} and {@code room} are present
     */
    public ChatMessage {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(room, "room");
        if (recipient.isPresent() && room.isPresent()) {
            throw new IllegalArgumentException("a message goes to one client or to a room, not both");
        }
    }

    /** A private message or one to everyone, with its id and time. */
    public ChatMessage(Peer from, Optional<ClientId> recipient, String text, Optional<String> id,
            Optional<Instant> time) {
        this(from, recipient, text, id, time, Optional.empty());
    }

    /** A message without an id or time (from a server of protocol 1). */
    public ChatMessage(Peer from, Optional<ClientId> recipient, String text) {
        this(from, recipient, text, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Whether the message was sent to this client alone ({@code CHAT}), not to everyone or to a room. */
    public boolean isPrivate() {
        return recipient.isPresent();
    }

    /** Whether the message was posted to a room ({@code POST}); {@link #room()} names it. */
    public boolean isRoomMessage() {
        return room.isPresent();
    }
}
