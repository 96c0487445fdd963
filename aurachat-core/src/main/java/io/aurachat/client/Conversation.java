package io.aurachat.client;

import java.util.Objects;

/**
 * One of the conversations of the account a client is logged into, as {@link ChatClient#conversations} lists them:
 * the private messages between it and one other account (or, {@code account} being its own, between its own
 * devices).
 *
 * @param account the other account, by its name as registered ({@code HISTORY @account} pages through the
 *     conversation)
 * @param latest the conversation's latest private message, sent or received, as it was delivered (with its id and
 *     time)
 */
public record Conversation(String account, ChatMessage latest) {
    /** Checks that neither is {@code null}. */
    public Conversation {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(latest, "latest");
    }
}
