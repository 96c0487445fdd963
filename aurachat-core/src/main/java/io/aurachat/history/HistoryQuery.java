package io.aurachat.history;

import java.util.Objects;

/**
 * One page of a target's history, shaped like IRCv3 {@code CHATHISTORY}: the latest messages, those before or
 * after an id, or those between two ids. The ids named ({@code from}, {@code to}) must be messages of the target
 * the store still holds, but for {@code SINCE}'s; the messages returned never include them (they are bounds,
 * exclusive).
 *
 * @param target {@link StoredMessage#EVERYONE} or a room's name; the server turns a room's name into the key its
 *     messages are kept under ({@link StoredMessage#target}) before it asks the store
 * @param kind which page
 * @param from {@code BEFORE} and {@code AFTER}: the id; {@code BETWEEN}: the lower id; {@code SINCE}: the id, or 0;
 *     else 0
 * @param to {@code BETWEEN}: the upper id; else 0
 * @param limit the most messages in the page, at least 1
 * @param recipient {@code SINCE} only: if not {@code null}, only the messages whose {@link StoredMessage#to}
 *     is this client id (the private messages to one client, for its resume); else {@code null}
 * @param peer an {@linkplain StoredMessage#isAccountTarget account target}'s pages only ({@code LATEST}, {@code
 *     BEFORE}, {@code AFTER}, {@code BETWEEN}): if not {@code null}, only the conversation with the account of this
 *     key, the messages whose other side is that account (the recipient's account of a message the target's account
 *     sent, else the sender's; its own key for the messages between its own devices). The bounds named by {@code
 *     from} and {@code to} must still be messages of the target, of any conversation. Else {@code null}
 */
public record HistoryQuery(String target, Kind kind, long from, long to, int limit, String recipient, String peer) {
    /** Which page. */
    public enum Kind {
        /** The latest {@code limit} messages. */
        LATEST,
        /** The {@code limit} messages just before {@code from}. */
        BEFORE,
        /** The {@code limit} messages just after {@code from}. */
        AFTER,
        /** The first {@code limit} messages after {@code from} and before {@code to}. */
        BETWEEN,
        /**
         * The first {@code limit} messages whose id is above {@code from}, which need not be a message of the target
         * (0: from the oldest). What the server's resume reads; not a {@code HISTORY} page.
         */
        SINCE
    }

    /** A query without a recipient or a peer filter. */
    public HistoryQuery(String target, Kind kind, long from, long to, int limit) {
        this(target, kind, from, to, limit, null, null);
    }

    /** A query without a peer filter. */
    public HistoryQuery(String target, Kind kind, long from, long to, int limit, String recipient) {
        this(target, kind, from, to, limit, recipient, null);
    }

    /** Checks the combination. */
    public HistoryQuery {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(kind, "kind");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        boolean valid;
        if (kind == Kind.SINCE) {
            valid = from >= 0 && to == 0;
        } else {
            boolean needsFrom = kind != Kind.LATEST;
            valid = needsFrom == (from > 0) && (kind == Kind.BETWEEN) == (to > 0) && recipient == null;
        }
        if (!valid) {
            throw new IllegalArgumentException(kind + " with from=" + from + ", to=" + to + ", recipient=" + recipient);
        }
        if (peer != null && (kind == Kind.SINCE || peer.isEmpty() || !StoredMessage.isAccountTarget(target))) {
            throw new IllegalArgumentException("a peer filters an account target's pages only: " + target + ", "
                    + kind + ", peer '" + peer + "'");
        }
    }

    /** This query of {@code otherTarget}, with the same filters. */
    public HistoryQuery withTarget(String otherTarget) {
        return new HistoryQuery(otherTarget, kind, from, to, limit, recipient, peer);
    }

    /**
     * This query, of the conversation with the account {@code peerKey} only ({@link #peer}); {@code null} for every
     * conversation.
     */
    public HistoryQuery withPeer(String peerKey) {
        return new HistoryQuery(target, kind, from, to, limit, recipient, peerKey);
    }

    /** The latest {@code limit} messages of {@code target}. */
    public static HistoryQuery latest(String target, int limit) {
        return new HistoryQuery(target, Kind.LATEST, 0, 0, limit);
    }

    /** The {@code limit} messages of {@code target} before the one with id {@code id}. */
    public static HistoryQuery before(String target, long id, int limit) {
        return new HistoryQuery(target, Kind.BEFORE, id, 0, limit);
    }

    /** The {@code limit} messages of {@code target} after the one with id {@code id}. */
    public static HistoryQuery after(String target, long id, int limit) {
        return new HistoryQuery(target, Kind.AFTER, id, 0, limit);
    }

    /** The first {@code limit} messages of {@code target} strictly between two ids (in either order). */
    public static HistoryQuery between(String target, long a, long b, int limit) {
        return new HistoryQuery(target, Kind.BETWEEN, Math.min(a, b), Math.max(a, b), limit);
    }

    /**
     * The first {@code limit} messages of {@code target} whose id is above {@code id} (which the store need not hold);
     * with {@code recipient}, only those to that client id.
     */
    public static HistoryQuery since(String target, long id, String recipient, int limit) {
        return new HistoryQuery(target, Kind.SINCE, id, 0, limit, recipient);
    }
}
