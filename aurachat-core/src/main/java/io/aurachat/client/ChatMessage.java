package io.aurachat.client;

import io.aurachat.protocol.ClientId;
import java.util.Objects;
import java.util.Optional;

/**
 * A message that reached this client: a private one ({@code CHAT} to this client's id) or one to
 * everyone ({@code SAY}).
 *
 * @param from who sent it
 * @param recipient this client's id for a private message; empty for a message to everyone
 * @param text the text as the server delivered it: what the sender wrote after the spaces that separate it
 *     from the command (PROTOCOL.md)
 */
public record ChatMessage(Peer from, Optional<ClientId> recipient, String text) {

    /** Checks that no component is {@code null}. */
    public ChatMessage {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(text, "text");
    }

    /** Whether the message was sent to this client alone ({@code CHAT}), not to everyone. */
    public boolean isPrivate() {
        return recipient.isPresent();
    }
}
