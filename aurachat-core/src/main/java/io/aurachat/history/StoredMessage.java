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
 * @param fromAccount the key of the account the sender was logged into, or {@code null}; the server gives it for every
 *     target (what a message's {@code from.account} comes from), and a store keeps it with the message
 * @param toName the recipient's display name then, for a private message under an {@linkplain #accountTarget account
 *     target}, else {@code null}
 * @param toAccount the key of the account the recipient was logged into, under an account target, or {@code null}
 */
public record StoredMessage(long id, String target, String from, String fromName, String fromIp, String to,
        String text, String fromAccount, String toName, String toAccount) {
    /** The target of messages to everyone ({@code SAY}), as history queries name it. */
    public static final String EVERYONE = "*";
    /**
     * The target of every private message ({@code CHAT}), with its recipient's client id: what a resume of an
     * anonymous client reads. Never served by {@code HISTORY} as such: {@code HISTORY @} is the asking account's
     * {@linkplain #accountTarget account target}.
     */
    public static final String PRIVATE = "@";

    /**
     * The target under which the private messages an account sent or received are kept, besides {@link #PRIVATE}:
     * {@code "@"} and the account's key. Room keys never start with {@code @} (a room name has only letters, digits,
     * {@code -}, {@code _} and {@code .}), so these never meet a room.
     *
     * @throws IllegalArgumentException if {@code accountKey} is empty
     */
    public static String accountTarget(String accountKey) {
        if (accountKey.isEmpty()) {
            throw new IllegalArgumentException("an account key is never empty");
        }
        return PRIVATE + accountKey;
    }

    /** Whether {@code target} is an {@linkplain #accountTarget account target} (not {@link #PRIVATE} itself). */
    public static boolean isAccountTarget(String target) {
        return target.length() > 1 && target.charAt(0) == '@';
    }

    /** A message without account fields: its sender was not logged into an account, nor is it an account target's. */
    public StoredMessage(long id, String target, String from, String fromName, String fromIp, String to, String text) {
        this(id, target, from, fromName, fromIp, to, text, null, null, null);
    }

    /** This message kept under another target, with the same fields. */
    public StoredMessage withTarget(String otherTarget) {
        return new StoredMessage(id, otherTarget, from, fromName, fromIp, to, text, fromAccount, toName, toAccount);
    }

    /** Whether any of the account fields is set. */
    public boolean hasAccountFields() {
        return fromAccount != null || toName != null || toAccount != null;
    }

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
                + (to == null ? 0 : to.length()) + text.length() + length(fromAccount) + length(toName)
                + length(toAccount));
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }
}
