package io.aurachat.history;

import java.util.List;

/**
 * A page of history.
 *
 * @param messages oldest first
 * @param more whether the target holds more messages beyond the page in the query's direction ({@code LATEST} and
 *     {@code BEFORE}: older ones; {@code AFTER}, {@code BETWEEN} and {@code SINCE}: newer ones, within the bounds)
 */
public record HistoryPage(List<StoredMessage> messages, boolean more) {
    /** Copies the list. */
    public HistoryPage {
        messages = List.copyOf(messages);
    }
}
