package io.aurachat.client;

import java.util.List;

/**
 * A page of the conversations of the account a client is logged into, as {@link ChatClient#conversations} got it.
 *
 * @param conversations the conversation with the latest message first
 * @param more whether there are more, with older latest messages: ask for them with {@link
 *     ChatClient#conversations(long, int)} and the id of the last one's latest message
 */
public record ConversationsResult(List<Conversation> conversations, boolean more) {
    /** Copies the list. */
    public ConversationsResult {
        conversations = List.copyOf(conversations);
    }
}
