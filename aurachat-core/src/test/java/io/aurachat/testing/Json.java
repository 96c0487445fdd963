package io.aurachat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.aurachat.history.MessageIds;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * One JSON object the server sent, parsed strictly (RFC 8259, no duplicate keys, nothing after the
 * object) into maps, lists, {@link String}, {@link Long} (or {@link BigInteger}), {@link Double},
 * {@link Boolean} and {@code null}. The accessors fail the test with the raw line when a field is
 * missing or of another type, so a test reads {@code reply.str("code")} without ceremony.
 */
public final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final String raw;
    private final Map<String, Object> map;
    private final boolean nested;

    private Json(String raw, Map<String, Object> map, boolean nested) {
        this.raw = raw;
        this.map = map;
        this.nested = nested;
    }

    /**
     * Parses one line holding exactly one JSON object.
     *
     * @throws AssertionError if the line is not a well-formed JSON object
     */
    public static Json parse(String line) {
        Object value;
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), line)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new AssertionError("server line is not a JSON object: " + line);
            }
            value = read(p, first, line);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new AssertionError("server line has content after its JSON object: " + line);
            }
        } catch (JacksonException e) {
            throw new AssertionError("server line is not valid JSON (" + e.getOriginalMessage() + "): " + line, e);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        return new Json(line, map, false);
    }

    private static Object read(JsonParser p, JsonToken token, String line) {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                    if (t != JsonToken.PROPERTY_NAME) {
                        throw new AssertionError("unexpected token " + t + " in " + line);
                    }
                    String name = p.currentName();
                    if (m.containsKey(name)) {
                        throw new AssertionError("duplicate key '" + name + "' in server line: " + line);
                    }
                    m.put(name, read(p, p.nextToken(), line));
                }
                return Collections.unmodifiableMap(m);
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(read(p, t, line));
                }
                return Collections.unmodifiableList(list);
            }
            case VALUE_STRING -> {
                return p.getString();
            }
            case VALUE_NUMBER_INT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? p.getBigIntegerValue() : (Object) p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDoubleValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new AssertionError("unexpected token " + token + " in " + line);
        }
    }

    /** The line exactly as received, without its {@code \n} (for a nested object: its enclosing line). */
    public String raw() {
        return raw;
    }

    /** The whole object; unmodifiable, in the order the server wrote the fields. */
    public Map<String, Object> map() {
        return map;
    }

    /** The {@code type} field. */
    public String type() {
        return str("type");
    }

    /** Whether the object has this field (even if it is {@code null}). */
    public boolean has(String key) {
        return map.containsKey(key);
    }

    /** The raw value of a field, which must be present. */
    public Object get(String key) {
        if (!map.containsKey(key)) {
            fail("no field '" + key + "' in " + raw);
        }
        return map.get(key);
    }

    /** A string field. */
    public String str(String key) {
        return assertInstanceOf(String.class, get(key), () -> "field '" + key + "' is not a string in " + raw);
    }

    /** An integer field. */
    public long num(String key) {
        return assertInstanceOf(Long.class, get(key), () -> "field '" + key + "' is not an integer in " + raw);
    }

    /** A boolean field. */
    public boolean bool(String key) {
        return assertInstanceOf(Boolean.class, get(key), () -> "field '" + key + "' is not a boolean in " + raw);
    }

    /** A nested object field. */
    public Json obj(String key) {
        Map<String, Object> nested = asMap(get(key), key);
        return new Json(raw, nested, true);
    }

    /** An array field. */
    public List<Object> list(String key) {
        Object v = get(key);
        assertInstanceOf(List.class, v, () -> "field '" + key + "' is not an array in " + raw);
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) v;
        return list;
    }

    /** An array field whose items are all objects. */
    public List<Json> objs(String key) {
        List<Json> out = new ArrayList<>();
        for (Object item : list(key)) {
            out.add(new Json(raw, asMap(item, key + "[]"), true));
        }
        return out;
    }

    /** Asserts the type and returns this, for chaining. */
    public Json assertType(String expected) {
        assertEquals(expected, type(), () -> "unexpected server line: " + raw);
        return this;
    }

    /** Asserts that this is an {@code error} reply with this code and returns it. */
    public Json assertError(String command, String code) {
        assertType("error");
        assertEquals(code, str("code"), () -> "error code in " + raw);
        if (command == null) {
            assertFalse(has("command"), () -> "an error for a line without a verb has no 'command': " + raw);
        } else {
            assertEquals(command, str("command"), () -> "error command in " + raw);
        }
        assertFalse(str("message").isBlank(), () -> "an error has a message for people: " + raw);
        return this;
    }

    /**
     * Checks the server-assigned {@code id} of a {@code message} line (protocol 2): a decimal string that
     * {@link MessageIds#parse} accepts, and a {@code time} that is exactly the id's own millisecond
     * ({@link MessageIds#time}). Works on any parsed line map ({@link #map()}, {@code HarnessClient.json}).
     *
     * @return the id
     */
    public static long messageId(Map<String, ?> message) {
        assertEquals("message", message.get("type"), () -> "not a message line: " + message);
        long id = replyId(message);
        assertEquals(MessageIds.time(id), message.get("time"),
                () -> "a message's time is its id's millisecond, in UTC with three digits of milliseconds: " + message);
        return id;
    }

    /**
     * Checks the {@code id} a {@code CHAT} or {@code SAY} reply carries (protocol 2): a decimal string that
     * {@link MessageIds#parse} accepts.
     *
     * @return the id
     */
    public static long replyId(Map<String, ?> line) {
        Object value = line.get("id");
        String text = assertInstanceOf(String.class, value, () -> "no string field 'id' in " + line);
        long id = MessageIds.parse(text);
        if (id <= 0) {
            fail("'" + text + "' is not a message id (a positive decimal number) in " + line);
        }
        assertEquals(Long.toString(id), text, () -> "a message id is written without leading zeros: " + line);
        return id;
    }

    /**
     * The line without its {@code id} and {@code time} (checked apart, with {@link #messageId} or {@link #replyId}),
     * in the order the server wrote the rest: for comparing everything else as a whole.
     */
    public static Map<String, Object> withoutId(Map<String, ?> line) {
        Map<String, Object> rest = new LinkedHashMap<>(line);
        rest.remove("id");
        rest.remove("time");
        return rest;
    }

    /** {@link #messageId(Map)} of this line. */
    public long messageId() {
        return messageId(map);
    }

    /** {@link #replyId(Map)} of this line. */
    public long replyId() {
        return replyId(map);
    }

    /** {@link #withoutId(Map)} of this line. */
    public Map<String, Object> withoutId() {
        return withoutId(map);
    }

    private Map<String, Object> asMap(Object v, String key) {
        assertInstanceOf(Map.class, v, () -> "field '" + key + "' is not an object in " + raw);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    @Override
    public String toString() {
        return nested ? map + " (in " + raw + ")" : raw;
    }
}
