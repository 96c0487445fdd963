package io.aurachat.internal;

import io.aurachat.command.Reply;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.Protocol;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;

/**
 * The one place where server-to-client lines are made: each method returns one complete JSON object
 * line, UTF-8, ended by {@code \n}, ready to be queued to any number of clients. Thread-safe.
 */
public final class Wire {

    /**
     * Lines are made mostly on the few I/O threads, so Jackson's per-thread buffer pool fits better
     * than its default shared pool, whose deque every encode would contend on. No root value
     * separator: each line's own newline separates it from the next.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.threadLocalPool()).rootValueSeparator((String) null).build();
    /**
     * Each thread's generator and scratch output, reused for every line it makes: setting up a
     * generator per line cost as much as writing the line. Only the finished line is a new array.
     */
    private static final ThreadLocal<Encoder> ENCODER = ThreadLocal.withInitial(Encoder::new);
    /** Each thread's writer for the lines of the per-message path. */
    private static final ThreadLocal<FastJson> FAST = ThreadLocal.withInitial(FastJson::new);

    private static final class Encoder {
        final Output out = new Output();
        final JsonGenerator generator = JSON.createGenerator(ObjectWriteContext.empty(), out);
    }

    /** A byte array output whose {@code reset} keeps its buffer. */
    private static final class Output extends ByteArrayOutputStream {
        Output() {
            super(256);
        }

        /** Drops a buffer that one huge line (a long LIST) made big, so it is not kept forever. */
        void recycle() {
            reset();
            if (buf.length > 64 * 1024) {
                buf = new byte[256];
            }
        }
    }

    private Wire() {}

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g);
    }

    /** {@code welcome}: the first line of every connection. */
    public static byte[] welcome(ClientInfo client, String serverName, Duration idleTimeout, int maxLineLength,
            int presenceLimit) {
        return object("welcome", g -> {
            g.writeStringProperty("id", client.id().value());
            g.writeStringProperty("name", client.name());
            g.writeStringProperty("server", serverName);
            g.writeNumberProperty("protocol", Protocol.VERSION);
            g.writeNumberProperty("idleTimeoutSeconds", (idleTimeout.toMillis() + 999) / 1000);
            g.writeNumberProperty("maxLineLength", maxLineLength);
            g.writeNumberProperty("presenceLimit", presenceLimit);
        });
    }

    /** {@code message} from {@code from}; {@code to} is a client id or {@code null} for everyone. */
    public static byte[] message(ClientInfo from, ClientId to, String text) {
        return message(messagePrefix(from), from, to, text);
    }

    /**
     * The start of every {@code message} line from {@code from}, up to the value of {@code "to"}:
     * {@code {"type":"message","from":{"id":...,"name":...,"ip":...},"to":}. A connection keeps it while
     * its name stays the same, so that a message encodes only its recipient and text.
     *
     * @return the prefix, or {@code null} if {@code from} has something only Jackson writes
     */
    static byte[] messagePrefix(ClientInfo from) {
        try {
            return FAST.get().reset()
                    .raw("{\"type\":\"message\",\"from\":{\"id\":").string(from.id().value())
                    .raw(",\"name\":").string(from.name())
                    .raw(",\"ip\":").string(from.ip())
                    .raw("},\"to\":").fragment();
        } catch (FastJson.Unsupported e) {
            return null;
        }
    }

    /**
     * {@code message} from {@code from}, starting with {@code prefix} = {@link #messagePrefix}{@code (from)}
     * (or {@code null}, which takes the general way).
     */
    static byte[] message(byte[] prefix, ClientInfo from, ClientId to, String text) {
        if (prefix != null) {
            try {
                return FAST.get().reset().bytes(prefix)
                        .string(to == null ? "*" : to.value())
                        .raw(",\"message\":").string(text)
                        .raw("}").line();
            } catch (FastJson.Unsupported e) {
                // an unpaired surrogate in the text: below
            }
        }
        return messageByJackson(from, to, text);
    }

    /** {@link #message} the general way; for tests, and for text the fast writer does not take. */
    static byte[] messageByJackson(ClientInfo from, ClientId to, String text) {
        return object("message", g -> {
            g.writeName("from");
            client(g, from, false);
            g.writeStringProperty("to", to == null ? "*" : to.value());
            g.writeStringProperty("message", text);
        });
    }

    /** {@code join}: another client connected. */
    public static byte[] join(ClientInfo client) {
        return object("join", g -> {
            g.writeName("client");
            client(g, client, false);
        });
    }

    /** {@code leave}: another client left. */
    public static byte[] leave(ClientInfo client, LeaveReason reason) {
        return object("leave", g -> {
            g.writeName("client");
            client(g, client, false);
            g.writeStringProperty("reason", reason.wireName());
        });
    }

    /** {@code rename}: another client changed its display name. */
    public static byte[] rename(ClientInfo client, String previousName) {
        return object("rename", g -> {
            g.writeName("client");
            client(g, client, false);
            g.writeStringProperty("previous", previousName);
        });
    }

    /** {@code bye}: the server is closing the connection. */
    public static byte[] bye(LeaveReason reason) {
        return object("bye", g -> g.writeStringProperty("reason", reason.wireName()));
    }

    /** {@code error} reply; {@code command} may be {@code null} when the line had no verb. */
    public static byte[] error(String command, String code, String message) {
        return object("error", g -> {
            if (command != null) {
                g.writeStringProperty("command", command);
            }
            g.writeStringProperty("code", code);
            g.writeStringProperty("message", message);
        });
    }

    /** A command's reply. */
    public static byte[] reply(String command, Reply reply) {
        if (isFlat(reply)) {
            try {
                FastJson j = FAST.get().reset().raw("{\"type\":").string(reply.type())
                        .raw(",\"command\":").string(command);
                for (Map.Entry<String, Object> field : reply.fields().entrySet()) {
                    j.raw(",").string(field.getKey()).raw(":");
                    switch (field.getValue()) {
                        case String text -> j.string(text);
                        case ClientId id -> j.string(id.value());
                        case Integer n -> j.number(n);
                        case Long n -> j.number(n);
                        default -> throw new IllegalStateException("isFlat let through " + field.getValue());
                    }
                }
                return j.raw("}").line();
            } catch (FastJson.Unsupported e) {
                // the general way below
            }
        }
        return replyByJackson(command, reply);
    }

    /** Whether every field is a string, a client id or an int or long: what the fast writer takes. */
    private static boolean isFlat(Reply reply) {
        for (Object value : reply.fields().values()) {
            if (!(value instanceof String || value instanceof ClientId || value instanceof Integer
                    || value instanceof Long)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #reply} the general way; for tests, and for replies the fast writer does not take. */
    static byte[] replyByJackson(String command, Reply reply) {
        return object(reply.type(), g -> {
            g.writeStringProperty("command", command);
            for (Map.Entry<String, Object> field : reply.fields().entrySet()) {
                g.writeName(field.getKey());
                value(g, field.getValue());
            }
        });
    }

    private static byte[] object(String type, Body body) {
        Encoder encoder = ENCODER.get();
        Output out = encoder.out;
        try {
            JsonGenerator g = encoder.generator;
            g.writeStartObject();
            g.writeStringProperty("type", type);
            body.write(g);
            g.writeEndObject();
            g.flush();
            out.write('\n');
            return out.toByteArray();
        } catch (RuntimeException | Error e) {
            // A half-written object leaves the generator in the middle of it: start afresh.
            ENCODER.remove();
            throw e;
        } finally {
            out.recycle();
        }
    }

    private static void client(JsonGenerator g, ClientInfo client, boolean withSince) {
        g.writeStartObject();
        g.writeStringProperty("id", client.id().value());
        g.writeStringProperty("name", client.name());
        g.writeStringProperty("ip", client.ip());
        if (withSince) {
            g.writeStringProperty("connectedSince", client.connectedSince().toString());
        }
        g.writeEndObject();
    }

    private static void value(JsonGenerator g, Object value) {
        switch (value) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Short s -> g.writeNumber(s);
            case Byte b -> g.writeNumber(b);
            case Double d -> g.writeNumber(d);
            case Float f -> g.writeNumber(f);
            case BigInteger i -> g.writeNumber(i);
            case BigDecimal d -> g.writeNumber(d);
            case Instant t -> g.writeString(t.toString());
            case ClientId id -> g.writeString(id.value());
            case ClientInfo c -> client(g, c, true);
            case Map<?, ?> map -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    g.writeName((String) e.getKey());
                    value(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Collection<?> list -> {
                g.writeStartArray();
                for (Object item : list) {
                    value(g, item);
                }
                g.writeEndArray();
            }
            default -> throw new IllegalArgumentException("not a reply value: " + value.getClass());
        }
    }
}
