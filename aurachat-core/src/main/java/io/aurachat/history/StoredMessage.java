package io.aurachat.history;

import java.util.Objects;

/**
 * A message as the server routed it, as a {@link HistoryStore} keeps it.
 *
 * @param id the message's id ({@link MessageIds}); its time is {@link MessageIds#epochMillis}{@code (id)}
 * @param target where it went: {@link #EVERYONE} for a message to everyone, {@link #PRIVATE} for a private one (then
 *     {@code to} says to whom), else a room's key (its name after NFKC and lower case: {@code Lobby} is
 *     {@code lobby})
 * @param from the sender's client id as it was then (ids are per server run)
 * @param fromName the sender's display name then
 * @param fromIp the sender's address then
 * @param to the recipient's client id for a private message, else {@code null}
 * @param text the text, exactly as routed
 */
public record StoredMessage(long id, String target, String from, String fromName, String fromIp, String to,
        String text) {
    /** The target of messages to everyone ({@code SAY}), as history queries name it. */
    public static final String EVERYONE = "*";
    /**
     * The target of private messages ({@code CHAT}). They are stored but not served: serving them needs identities
     * that outlive a connection (accounts), which a later version adds.
     */
    public static final String PRIVATE = "@";

    /** Checks that nothing required is {@code null} and that the id is positive. */
    public StoredMessage {
        if (id <= 0) {
            throw new IllegalArgumentException("id must be positive: " + id);
        }
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(fromName, "fromName");
        Objects.requireNonNull(fromIp, "fromIp");
        Objects.requireNonNull(text, "text");
    }

    /** The epoch millisecond the message was routed in. */
    public long epochMillis() {
        return MessageIds.epochMillis(id);
    }

    /** About how much heap it holds, for byte bounds: the strings' characters and the record. */
    public long approximateBytes() {
        return 64 + 2L * (target.length() + from.length() + fromName.length() + fromIp.length()
                + (to == null ? 0 : to.length()) + text.length());
    }
}
