package io.aurachat.client;

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
 * Reads one server line into plain values (see {@link Response} for the types), with the streaming parser.
 * A client reads few enough lines that a tree per line costs nothing that matters.
 */
final class JsonValues {

    private static final int MAX_DEPTH = 64;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private JsonValues() {}

    /**
     * The object on this line.
     *
     * @throws JacksonException if the line is not exactly one JSON object
     */
    static Map<String, Object> object(byte[] line, int length) {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), line, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            Map<String, Object> result = objectBody(p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("more than one JSON value on the line");
            }
            return result;
        }
    }

    private static Map<String, Object> objectBody(JsonParser p) {
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            map.put(name, value(p, p.nextToken()));
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalArgumentException("unterminated JSON object");
        }
        return Collections.unmodifiableMap(map);
    }

    private static Object value(JsonParser p, JsonToken t) {
        return switch (t) {
            case START_OBJECT -> objectBody(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(value(p, e));
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
            case VALUE_NULL -> Response.NULL;
            default -> throw new IllegalArgumentException("unexpected JSON token " + t);
        };
    }
}
