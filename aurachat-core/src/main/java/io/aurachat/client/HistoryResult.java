package io.aurachat.client;

import java.util.List;
import java.util.Objects;

/**
 * A page of earlier messages, as {@link ChatClient#history} got it.
 *
 * @param target whose messages: {@code *} for the messages to everyone
 * @param messages oldest first, each as it was delivered, with its id and time
 * @param more whether the server keeps more beyond the page in the query's direction (older ones for {@code LATEST}
 *     and {@code BEFORE}, newer ones for {@code AFTER} and {@code BETWEEN})
 */
public record HistoryResult(String target, List<ChatMessage> messages, boolean more) {
    /** Copies the list. */
    public HistoryResult {
        Objects.requireNonNull(target, "target");
        messages = List.copyOf(messages);
    }
}
