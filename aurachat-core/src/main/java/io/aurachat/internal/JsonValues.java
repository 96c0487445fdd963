package io.aurachat.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads one server line into plain values with the streaming parser: {@link String}, {@link Long} (integers
 * that fit), {@link Double} (other numbers), {@link Boolean}, unmodifiable {@link List}s and {@link Map}s in
 * the order of the JSON, and a caller's stand-in for {@code null}. For the Java client and the test harness,
 * which read few enough lines that a tree per line costs nothing that matters.
 */
public final class JsonValues {

    /** How deep objects and arrays may nest. */
    public static final int MAX_DEPTH = 64;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private JsonValues() {}

    /**
     * The object on this line.
     *
     * @param nullValue what stands for a JSON {@code null}
     * @throws JacksonException if the line is not well-formed JSON or nests deeper than {@value #MAX_DEPTH}
     * @throws IllegalArgumentException if it is well-formed but not exactly one JSON object
     */
    public static Map<String, Object> object(byte[] line, int length, Object nullValue) {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), line, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            Map<String, Object> result = objectBody(p, nullValue);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("more than one JSON value on the line");
            }
            return result;
        }
    }

    private static Map<String, Object> objectBody(JsonParser p, Object nullValue) {
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            map.put(name, value(p, p.nextToken(), nullValue));
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalArgumentException("unterminated JSON object");
        }
        return Collections.unmodifiableMap(map);
    }

    private static Object value(JsonParser p, JsonToken t, Object nullValue) {
        return switch (t) {
            case START_OBJECT -> objectBody(p, nullValue);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(value(p, e, nullValue));
                }
                yield Collections.unmodifiableList(list);
            }
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT -> {
                // Not a conditional expression: it would promote the Long to a Double.
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    yield Double.valueOf(p.getDoubleValue());
                }
                yield Long.valueOf(p.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> nullValue;
            default -> throw new IllegalArgumentException("unexpected JSON token " + t);
        };
    }
}
