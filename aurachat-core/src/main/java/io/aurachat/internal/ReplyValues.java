package io.aurachat.internal;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.Fields;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;

/**
 * The one list of what a command reply's field may hold, and how each is written: {@code Reply} checks and
 * copies values with {@link #copy}, the server's encoder writes them with {@link #write}. Adding a kind of
 * value means adding it to both switches here, and nowhere else.
 */
public final class ReplyValues {
    /** How deep maps and collections may nest in a reply. */
    public static final int MAX_DEPTH = 32;

    private ReplyValues() {}

    /**
     * An immutable copy of {@code value}, checked.
     *
     * @param depth how deep in the reply the value is (0 for the field map itself)
     * @throws IllegalArgumentException if it is not a reply value, is a non-finite number, has a key that is
     *     not a string, or nests deeper than {@link #MAX_DEPTH}
     */
    public static Object copy(Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("reply nested deeper than " + MAX_DEPTH + " levels");
        }
        return switch (value) {
            case null -> null;
            // The values of most replies first: the switch tries the cases in order.
            case String s -> s;
            case ClientId id -> id;
            case Integer i -> i;
            case Long l -> l;
            case Boolean b -> b;
            case Short s -> s;
            case Byte b -> b;
            case BigInteger i -> i;
            case BigDecimal d -> d;
            case Instant t -> t;
            case ClientInfo c -> c;
            case Double d -> requireFinite(d, d);
            case Float f -> requireFinite(f.doubleValue(), f);
            case Map<?, ?> map -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("reply object keys must be strings: " + e.getKey());
                    }
                    copy.put(key, copy(e.getValue(), depth + 1));
                }
                yield Collections.unmodifiableMap(copy);
            }
            case Collection<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                for (Object item : list) {
                    copy.add(copy(item, depth + 1));
                }
                yield Collections.unmodifiableList(copy);
            }
            default -> throw new IllegalArgumentException("cannot put a " + value.getClass().getName() + " in a reply");
        };
    }

    /** Writes a value that {@link #copy} made as JSON. */
    public static void write(JsonGenerator g, Object value) {
        switch (value) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Short s -> g.writeNumber(s);
            case Byte b -> g.writeNumber(b);
            case BigInteger i -> g.writeNumber(i);
            case BigDecimal d -> g.writeNumber(d);
            case Instant t -> g.writeString(t.toString());
            case ClientId id -> g.writeString(id.value());
            case ClientInfo c -> client(g, c, true);
            case Double d -> g.writeNumber(d);
            case Float f -> g.writeNumber(f);
            case Map<?, ?> map -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    g.writeName((String) e.getKey());
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Collection<?> list -> {
                g.writeStartArray();
                for (Object item : list) {
                    write(g, item);
                }
                g.writeEndArray();
            }
            default -> throw new IllegalArgumentException("not a reply value: " + value.getClass());
        }
    }

    /**
     * A client object: {@code {"id":..,"name":..,"ip":..}}, with {@code "connectedSince"} in replies (the
     * events leave it out).
     */
    public static void client(JsonGenerator g, ClientInfo client, boolean withSince) {
        g.writeStartObject();
        g.writeStringProperty(Fields.ID, client.id().value());
        g.writeStringProperty(Fields.NAME, client.name());
        g.writeStringProperty(Fields.IP, client.ip());
        if (client.account() != null) { // the account's name as registered (a logged-in client's display name)
            g.writeStringProperty(Fields.ACCOUNT, client.name());
        }
        if (withSince) {
            g.writeStringProperty(Fields.CONNECTED_SINCE, client.connectedSince().toString());
        }
        g.writeEndObject();
    }

    private static Object requireFinite(double d, Object value) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no NaN or infinity: " + d);
        }
        return value;
    }
}
