package io.aurachat.command;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.LeaveReason;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one reply a {@link CommandHandler} returns. On the wire it becomes one JSON object:
 * {@code {"type":TYPE,"command":VERB, ...fields}}.
 *
 * <p>Field values may be {@code null}, {@link String}, {@link Boolean}, {@link Integer}, {@link Long},
 * {@link Short}, {@link Byte}, {@link Double}, {@link Float}, {@link BigInteger}, {@link BigDecimal},
 * {@link Instant} (written as ISO-8601 text), {@link ClientId} (its text), {@link ClientInfo} (an
 * object with {@code id}, {@code name}, {@code ip}, {@code connectedSince}), a {@link Collection} of
 * such values (a JSON array) or a {@code Map<String, ?>} of them (a JSON object). They are checked
 * and copied when the reply is made (at most 32 levels deep), so a reply is immutable and encoding it
 * cannot fail.
 */
public final class Reply {

    /** Types that the protocol uses for events or for its own replies; a user reply may not take them. */
    private static final Set<String> RESERVED_TYPES =
            Set.of("welcome", "message", "join", "leave", "rename", "bye", "error");
    private static final Set<String> RESERVED_FIELDS = Set.of("type", "command");
    private static final Reply OK = new Reply("ok", Map.of(), false);
    private static final Reply EXIT = new Reply("bye", Map.of("reason", LeaveReason.EXIT.wireName()), true);

    private final String type;
    private final Map<String, Object> fields;
    private final boolean closesConnection;

    private Reply(String type, Map<String, Object> fields, boolean closesConnection) {
        this.type = type;
        this.fields = fields;
        this.closesConnection = closesConnection;
    }

    /** {@code {"type":"ok","command":VERB}}. */
    public static Reply ok() {
        return OK;
    }

    /** {@code {"type":"ok","command":VERB,"text":TEXT}}: a short human-readable result. */
    public static Reply ok(String text) {
        return of("ok", Map.of("text", Objects.requireNonNull(text, "text")));
    }

    /** {@code {"type":"ok","command":VERB, ...fields}}. */
    public static Reply ok(Map<String, ?> fields) {
        return of("ok", fields);
    }

    /**
     * A reply of a type of the handler's choosing, e.g. {@code of("roll", Map.of("value", 4))}.
     *
     * @param type 1 to 64 lower-case letters, digits and dashes, starting with a letter; not one of the types
     *     the protocol reserves ({@code welcome message join leave rename bye error})
     * @param fields the other fields, in the map's iteration order (use {@link #with} or a
     *     {@link LinkedHashMap} when the order matters to you); not {@code type} or {@code command}
     * @throws IllegalArgumentException if the type is reserved or malformed, or a field name or value
     *     is not allowed
     */
    public static Reply of(String type, Map<String, ?> fields) {
        Objects.requireNonNull(type, "type");
        if (!ErrorCodes.isValid(type) || RESERVED_TYPES.contains(type)) {
            throw new IllegalArgumentException("reply type not allowed: '" + type + "'");
        }
        Objects.requireNonNull(fields, "fields");
        for (Object name : ((Map<?, ?>) fields).keySet()) {
            if (!(name instanceof String)) {
                throw new IllegalArgumentException("reply field names must be strings: " + name);
            }
            if (RESERVED_FIELDS.contains(name)) {
                throw new IllegalArgumentException("field name reserved by the protocol: '" + name + "'");
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) copyValue(fields, 0);
        return new Reply(type, copy, false);
    }

    /**
     * A reply of a type of the handler's choosing with no fields yet; add them in order with
     * {@link #with}: {@code Reply.of("roll").with("sides", 20).with("value", 17)}.
     *
     * @throws IllegalArgumentException if the type is reserved or malformed, as for {@link #of(String, Map)}
     */
    public static Reply of(String type) {
        return of(type, Map.of());
    }

    /**
     * A copy of this reply with one more field, after the existing ones (or replacing the field of
     * that name in place). Fields keep the order they were added in.
     *
     * @throws IllegalArgumentException if the name is {@code type} or {@code command}, or the value is
     *     not allowed
     */
    public Reply with(String name, Object value) {
        Objects.requireNonNull(name, "name");
        if (RESERVED_FIELDS.contains(name)) {
            throw new IllegalArgumentException("field name reserved by the protocol: '" + name + "'");
        }
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.put(name, copyValue(value, 1));
        return new Reply(type, Collections.unmodifiableMap(copy), closesConnection);
    }

    /**
     * {@code {"type":"bye","reason":"exit"}}; after sending it the server closes the connection, as for
     * the built-in {@code EXIT}.
     */
    public static Reply exit() {
        return EXIT;
    }

    /** The reply's {@code type}. */
    public String type() {
        return type;
    }

    /** The reply's fields besides {@code type} and {@code command}, in order; unmodifiable. */
    public Map<String, Object> fields() {
        return fields;
    }

    /** Whether the server closes the connection after sending this reply. */
    public boolean closesConnection() {
        return closesConnection;
    }

    private static Object copyValue(Object value, int depth) {
        if (depth > 32) {
            throw new IllegalArgumentException("reply nested deeper than 32 levels");
        }
        if (value == null
                || value instanceof String
                || value instanceof Boolean
                || value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte
                || value instanceof BigInteger
                || value instanceof BigDecimal
                || value instanceof Instant
                || value instanceof ClientId
                || value instanceof ClientInfo) {
            return value;
        }
        if (value instanceof Double d) {
            requireFinite(d);
            return d;
        }
        if (value instanceof Float f) {
            requireFinite(f.doubleValue());
            return f;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("reply object keys must be strings: " + e.getKey());
                }
                copy.put(key, copyValue(e.getValue(), depth + 1));
            }
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof Collection<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(copyValue(item, depth + 1));
            }
            return Collections.unmodifiableList(copy);
        }
        throw new IllegalArgumentException("cannot put a " + value.getClass().getName() + " in a reply");
    }

    private static void requireFinite(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no NaN or infinity: " + d);
        }
    }

    @Override
    public String toString() {
        return "Reply[" + type + " " + fields + (closesConnection ? ", closes" : "") + "]";
    }
}
