package io.aurachat.command;

import io.aurachat.internal.ReplyValues;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.Fields;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.LineTypes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
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

    /** Fields every reply line has; a handler's fields may not take their names. */
    private static final Set<String> RESERVED_FIELDS = Set.of(Fields.TYPE, Fields.COMMAND);
    private static final Reply OK = new Reply(LineTypes.OK, Map.of(), false);
    private static final Reply EXIT = new Reply(LineTypes.BYE, Map.of(Fields.REASON, LeaveReason.EXIT.wireName()), true);

    private final String type;
    private final Map<String, Object> fields;
    private final boolean closesConnection;
    /** The name and value of the only field, for a reply with exactly one (non-null): cheap to compare. */
    private final String onlyName;
    private final Object onlyValue;

    private Reply(String type, Map<String, Object> fields, boolean closesConnection) {
        this.type = type;
        this.fields = fields;
        this.closesConnection = closesConnection;
        Map.Entry<String, Object> only = fields.size() == 1 ? fields.entrySet().iterator().next() : null;
        boolean single = only != null && only.getValue() != null;
        this.onlyName = single ? only.getKey() : null;
        this.onlyValue = single ? only.getValue() : null;
    }

    private Reply(String type, String name, Object value) {
        this.type = type;
        this.fields = Map.of(name, value);
        this.closesConnection = false;
        this.onlyName = name;
        this.onlyValue = value;
    }

    /** {@code {"type":"ok","command":VERB}}. */
    public static Reply ok() {
        return OK;
    }

    /** {@code {"type":"ok","command":VERB,"text":TEXT}}: a short human-readable result. */
    public static Reply ok(String text) {
        return of(LineTypes.OK, Map.of(Fields.TEXT, Objects.requireNonNull(text, "text")));
    }

    /** {@code {"type":"ok","command":VERB, ...fields}}. */
    public static Reply ok(Map<String, ?> fields) {
        return of(LineTypes.OK, fields);
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
        // LineTypes.OK is the type of most replies (ok() passes that very string): no need to check it.
        if (type != LineTypes.OK && (!ErrorCodes.isValid(type) || LineTypes.RESERVED.contains(type))) {
            throw new IllegalArgumentException("reply type not allowed: '" + type + "'");
        }
        Objects.requireNonNull(fields, "fields");
        for (Object name : ((Map<?, ?>) fields).keySet()) {
            checkName(name);
        }
        Map.Entry<String, ?> only = fields.size() == 1 ? fields.entrySet().iterator().next() : null;
        if (only != null && only.getValue() != null) {
            // The common reply of one field (CHAT's "to", SAY's "recipients") without a LinkedHashMap.
            return new Reply(type, only.getKey(), ReplyValues.copy(only.getValue(), 1));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) ReplyValues.copy(fields, 0);
        return new Reply(type, copy, false);
    }

    private static void checkName(Object name) {
        if (!(name instanceof String)) {
            throw new IllegalArgumentException("reply field names must be strings: " + name);
        }
        if (RESERVED_FIELDS.contains(name)) {
            throw new IllegalArgumentException("field name reserved by the protocol: '" + name + "'");
        }
    }

    /**
     * {@code {"type":"ok","command":VERB,NAME:VALUE}} for the built-in commands, whose field names are the
     * protocol's own and whose values are single immutable values (a string, a number, a client id): no
     * checks and no copy, as this is on every message's path.
     */
    static Reply ok(String name, Object value) {
        return new Reply(LineTypes.OK, name, value);
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
        Object copied = ReplyValues.copy(value, 1);
        if (onlyName != null && !onlyName.equals(name)) {
            // One field and a second, as CHAT's reply gets its message's id: two entries, no hash table (copying
            // the one field into a LinkedHashMap took 15% of the I/O thread's samples under direct load).
            return new Reply(type, new TwoFields(onlyName, onlyValue, name, copied), closesConnection);
        }
        Map<String, Object> copy = LinkedHashMap.newLinkedHashMap(fields.size() + 1);
        copy.putAll(fields);
        copy.put(name, copied);
        return new Reply(type, Collections.unmodifiableMap(copy), closesConnection);
    }

    /** The fields of a reply of exactly two, in order; unmodifiable. */
    private static final class TwoFields extends AbstractMap<String, Object> {
        private final Map.Entry<String, Object> first;
        private final Map.Entry<String, Object> second;

        TwoFields(String name1, Object value1, String name2, Object value2) {
            first = new AbstractMap.SimpleImmutableEntry<>(name1, value1);
            second = new AbstractMap.SimpleImmutableEntry<>(name2, value2);
        }

        @Override
        public int size() {
            return 2;
        }

        @Override
        public Object get(Object key) {
            return first.getKey().equals(key) ? first.getValue() : second.getKey().equals(key) ? second.getValue() : null;
        }

        @Override
        public boolean containsKey(Object key) {
            return first.getKey().equals(key) || second.getKey().equals(key);
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return 2;
                }

                @Override
                public Iterator<Map.Entry<String, Object>> iterator() {
                    return List.of(first, second).iterator();
                }
            };
        }
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

    /**
     * Replies are values: equal when their type, fields (in order-insensitive {@link Map#equals} terms) and
     * whether they close the connection are equal. The server relies on it to encode a reply that repeats
     * only once.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Reply r) || closesConnection != r.closesConnection || !type.equals(r.type)) {
            return false;
        }
        if (onlyName != null && r.onlyName != null) {
            return onlyName.equals(r.onlyName) && onlyValue.equals(r.onlyValue);
        }
        return fields.equals(r.fields);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + fields.hashCode() + (closesConnection ? 1 : 0);
    }

    @Override
    public String toString() {
        return "Reply[" + type + " " + fields + (closesConnection ? ", closes" : "") + "]";
    }
}
