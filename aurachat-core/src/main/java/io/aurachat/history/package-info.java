/**
 * Message ids and history: the layout of the ids every routed message carries, the {@link
 * io.aurachat.history.HistoryStore} extension point that keeps routed messages for {@code HISTORY}, and its bounded
 * in-memory default.
 */
package io.aurachat.history;
