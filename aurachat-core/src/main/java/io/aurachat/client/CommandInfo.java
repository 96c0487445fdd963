package io.aurachat.client;

import java.util.Objects;

/**
 * One command of the server, as {@code HELP} lists it.
 *
 * @param verb the verb in upper case, e.g. {@code CHAT}
 * @param usage how to call it, e.g. {@code CHAT <id> <text>}
 * @param description one sentence for people
 */
public record CommandInfo(String verb, String usage, String description) {

    /** Checks that no component is {@code null}. */
    public CommandInfo {
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(description, "description");
    }
}
