package io.aurachat.client;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A successful reply to a command, as {@link ChatClient#call} returns it: its {@code type}, the verb it
 * answers, and its other fields.
 *
 * <p>Field values are what the JSON held: {@link String}, {@link Long} (integers that fit), {@link Double}
 * (other numbers), {@link Boolean}, {@link java.util.List} and {@link Map} (unmodifiable, in the order of
 * the JSON) of such values, or {@link #NULL} for a JSON {@code null}.
 *
 * @param type the reply's {@code type}, e.g. {@code ok} or a custom command's own type
 * @param command the upper-case verb the reply answers
 * @param fields every field but {@code type} and {@code command}, unmodifiable, in the order received
 * @param json the reply line exactly as received, without its line terminator
 */
public record Response(String type, String command, Map<String, Object> fields, String json) {

    /** The value that stands for a JSON {@code null}. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** Checks that no component is {@code null}. */
    public Response {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(json, "json");
    }

    /** The field as text, if it is present and a string. */
    public Optional<String> string(String field) {
        return fields.get(field) instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /** The field as a number, if it is present and an integer that fits a {@code long}. */
    public Optional<Long> integer(String field) {
        return fields.get(field) instanceof Long n ? Optional.of(n) : Optional.empty();
    }
}
