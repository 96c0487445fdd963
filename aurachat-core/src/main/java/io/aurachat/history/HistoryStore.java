package io.aurachat.history;

import java.util.concurrent.CompletionStage;

/**
 * Where a server keeps the messages it routed, so that clients can page back through them ({@code HISTORY}). The
 * server calls {@link #append} for every message it routes, from its I/O threads, and {@link #query} for every
 * {@code HISTORY} command. Core has a bounded in-memory store ({@link MemoryHistoryStore}); {@code
 * aurachat-store-sqlite} keeps history in a file across restarts.
 *
 * <p>Rules for an implementation:
 * <ul>
 *   <li>{@link #append} never blocks and never throws for a reason of its own: it queues the message (a bounded
 *       queue) and counts what it had to drop; a failing store logs the failure once per interval with a count.
 *       Chat must go on whatever the store does.</li>
 *   <li>One message may be appended under several targets (a private message between accounts is kept under
 *       {@link StoredMessage#PRIVATE} and under the account target of each account involved): a store keeps a copy
 *       per target, and a message's id is unique within a target, not across targets.</li>
 *   <li>{@link #query} may take time; it answers on a thread of its own choosing. It completes exceptionally with
 *       {@link NoSuchMessageException} for an id it does not hold and {@link HistoryUnavailableException} when it
 *       cannot answer. A query sees every message appended before it (read your writes).</li>
 *   <li>Every bound (queue, retained messages, memory) has a documented default.</li>
 *   <li>Thread-safe.</li>
 * </ul>
 */
public interface HistoryStore extends AutoCloseable {

    /** A store that keeps nothing: {@code HISTORY} answers {@code history-unavailable}. For a server without history. */
    HistoryStore NONE = new HistoryStore() {
        @Override
        public long open() {
            return 0;
        }

        @Override
        public void append(StoredMessage message) {}

        @Override
        public CompletionStage<HistoryPage> query(HistoryQuery query) {
            return java.util.concurrent.CompletableFuture.failedFuture(
                    new HistoryUnavailableException("this server keeps no history"));
        }

        @Override
        public long lostUpTo(String target) {
            return Long.MAX_VALUE;
        }

        @Override
        public void close() {}

        @Override
        public String toString() {
            return "HistoryStore.NONE";
        }
    };

    /**
     * Opens the store and returns the highest message id it holds, or 0 if none: the server's ids continue above
     * it, so that they never repeat across restarts even if the clock was set back. Called once, before any other
     * method; may block.
     *
     * @throws HistoryUnavailableException if the store cannot be opened; the server does not start
     */
    long open();

    /** Keeps {@code message}; never blocks (see the class comment). */
    void append(StoredMessage message);

    /**
     * Answers a page of history, later, on a thread of the store's (see the class comment). A store honours every
     * filter of the query: {@link HistoryQuery#recipient} for a resume, {@link HistoryQuery#peer} for one
     * conversation (one that ignores the peer serves the whole account target where one conversation was asked for).
     */
    CompletionStage<HistoryPage> query(HistoryQuery query);

    /**
     * The highest id of a message of {@code target} this store has let go of since it was opened: removed by
     * retention (count, age, memory), dropped from a full queue, or lost in a failed write; 0 if none. A store may
     * answer higher than the truth (a bound it knows), never lower. The server's resume compares it with the id a
     * client saw last: a resume is complete only if nothing after that id is gone. Cheap and never blocks (kept in
     * memory: a resume does not outlive the server). The default, {@link Long#MAX_VALUE}, says nothing is known.
     */
    default long lostUpTo(String target) {
        return Long.MAX_VALUE;
    }

    /**
     * Deletes every message of {@code target}: the server calls it with an {@linkplain StoredMessage#accountTarget
     * account target} when the owner removes that account, so that an account made later with the same name does not
     * see the removed one's private messages. Never blocks (a store with a writer queues the deletion behind the appends
     * before it); what is forgotten is not counted by {@link #lostUpTo}. The default does nothing: a store that keeps
     * account targets must override it, or a removed account's messages stay until its retention takes them, and are
     * served to the next account of that name.
     */
    default void forget(String target) {}

    /** Writes what is queued and releases everything; idempotent. A clean stop loses nothing. */
    @Override
    void close();
}
