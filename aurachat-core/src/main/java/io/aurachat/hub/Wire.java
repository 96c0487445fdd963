package io.aurachat.hub;

import io.aurachat.command.Reply;
import io.aurachat.history.MessageIds;
import io.aurachat.internal.ReplyValues;
import io.aurachat.protocol.ClientId;
import io.aurachat.accounts.AccountsMode;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.Fields;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.LineTypes;
import io.aurachat.protocol.Protocol;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;

/**
 * The one place where server-to-client lines are made: each method returns one complete JSON object
 * line, UTF-8, ended by {@code \n}, ready to be queued to any number of clients. Thread-safe.
 */
final class Wire {

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

    // The fixed parts of the fast writer's lines, spelled from the protocol's names.
    private static final String MESSAGE_START = "{" + q(Fields.TYPE) + ":" + q(LineTypes.MESSAGE) + ","
            + q(Fields.FROM) + ":{" + q(Fields.ID) + ":";
    private static final String NEXT_NAME = "," + q(Fields.NAME) + ":";
    private static final String NEXT_IP = "," + q(Fields.IP) + ":";
    private static final String NEXT_ACCOUNT = "," + q(Fields.ACCOUNT) + ":";
    private static final String FROM_END = "}";
    private static final String NEXT_TO = "," + q(Fields.TO) + ":";
    private static final String NEXT_ROOM = "," + q(Fields.ROOM) + ":";
    private static final String NEXT_MESSAGE = "," + q(Fields.MESSAGE) + ":";
    private static final String NEXT_ID = "," + q(Fields.ID) + ":\"";
    private static final String NEXT_TIME = "\"," + q(Fields.TIME) + ":\"";
    private static final String END_TIME = "\"";
    private static final String REPLY_START = "{" + q(Fields.TYPE) + ":";
    private static final String NEXT_COMMAND = "," + q(Fields.COMMAND) + ":";

    private Wire() {}

    /** A name that needs no escaping, quoted. */
    private static String q(String name) {
        return '"' + name + '"';
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g);
    }

    /** {@code welcome}: the first line of every connection. */
    static byte[] welcome(ClientInfo client, String serverName, Duration idleTimeout, int maxLineLength,
            int presenceLimit) {
        return welcome(client, serverName, idleTimeout, maxLineLength, presenceLimit, AccountsMode.OFF, false, false);
    }

    /**
     * {@code welcome} on a server with this accounts mode: {@code "accounts"}, {@code "secure"} (whether this
     * connection is TLS) and {@code "plainLogin"} (whether the server takes a password over a connection that is not)
     * unless accounts are off, so that a client knows before it sends a password whether the server would refuse it;
     * {@code "account"} when the client is logged in.
     */
    static byte[] welcome(ClientInfo client, String serverName, Duration idleTimeout, int maxLineLength,
            int presenceLimit, AccountsMode accounts, boolean secure, boolean plainLogin) {
        return object(LineTypes.WELCOME, g -> {
            g.writeStringProperty(Fields.ID, client.id().value());
            g.writeStringProperty(Fields.NAME, client.name());
            if (client.account() != null) { // the account's name as registered: a logged-in client's name is it
                g.writeStringProperty(Fields.ACCOUNT, client.name());
            }
            g.writeStringProperty(Fields.SERVER, serverName);
            g.writeNumberProperty(Fields.PROTOCOL, Protocol.VERSION);
            g.writeNumberProperty(Fields.IDLE_TIMEOUT_SECONDS, (idleTimeout.toMillis() + 999) / 1000);
            g.writeNumberProperty(Fields.MAX_LINE_LENGTH, maxLineLength);
            g.writeNumberProperty(Fields.PRESENCE_LIMIT, presenceLimit);
            if (accounts != AccountsMode.OFF) {
                g.writeStringProperty(Fields.ACCOUNTS, accounts.wireName());
                g.writeBooleanProperty(Fields.SECURE, secure);
                g.writeBooleanProperty(Fields.PLAIN_LOGIN, plainLogin);
            }
        });
    }

    /**
     * {@code hello}: the first line of a connection to a server that requires login, before it has joined (no id yet
     * for others to see, so none is shown).
     */
    static byte[] hello(String serverName, AccountsMode accounts, boolean secure, boolean plainLogin,
            Duration loginTimeout, int maxLineLength) {
        return object(LineTypes.HELLO, g -> {
            g.writeStringProperty(Fields.SERVER, serverName);
            g.writeNumberProperty(Fields.PROTOCOL, Protocol.VERSION);
            g.writeStringProperty(Fields.ACCOUNTS, accounts.wireName());
            g.writeBooleanProperty(Fields.SECURE, secure);
            g.writeBooleanProperty(Fields.PLAIN_LOGIN, plainLogin);
            g.writeNumberProperty(Fields.LOGIN_TIMEOUT_SECONDS, (loginTimeout.toMillis() + 999) / 1000);
            g.writeNumberProperty(Fields.MAX_LINE_LENGTH, maxLineLength);
        });
    }

    /**
     * {@code message} from {@code from}; {@code to} is a client id or {@code null} for everyone; {@code id} is the
     * message's id, whose millisecond is its {@code time}.
     */
    static byte[] message(ClientInfo from, ClientId to, String text, long id) {
        return message(messagePrefix(from), from, to, null, text, id);
    }

    /**
     * The start of every {@code message} line from {@code from}, up to the end of {@code "from"}:
     * {@code {"type":"message","from":{"id":...,"name":...,"ip":...}}. A connection keeps it while
     * its name stays the same, so that a message encodes only its recipient and text.
     *
     * @return the prefix, or {@code null} if {@code from} has something only Jackson writes
     */
    static byte[] messagePrefix(ClientInfo from) {
        try {
            FastJson j = FAST.get().reset()
                    .raw(MESSAGE_START).string(from.id().value())
                    .raw(NEXT_NAME).string(from.name())
                    .raw(NEXT_IP).string(from.ip());
            if (from.account() != null) {
                j.raw(NEXT_ACCOUNT).string(from.name()); // the account's name, which is its display name
            }
            return j.raw(FROM_END).fragment();
        } catch (FastJson.Unsupported e) {
            return null;
        }
    }

    /**
     * {@code message} from {@code from}, starting with {@code prefix} = {@link #messagePrefix}{@code (from)}
     * (or {@code null}, which takes the general way): to {@code to}, to the members of {@code room} ({@code "room"}
     * in place of {@code "to"}), or, both {@code null}, to everyone.
     */
    static byte[] message(byte[] prefix, ClientInfo from, ClientId to, String room, String text, long id) {
        if (prefix != null) {
            try {
                FastJson j = FAST.get().reset().bytes(prefix);
                if (room != null) {
                    j.raw(NEXT_ROOM).string(room);
                } else {
                    j.raw(NEXT_TO).string(to == null ? Protocol.EVERYONE : to.value());
                }
                return j
                        .raw(NEXT_ID).number(id)
                        .raw(NEXT_TIME).bytes(Timestamps.format(MessageIds.epochMillis(id)))
                        .raw(END_TIME)
                        .raw(NEXT_MESSAGE).string(text)
                        .raw("}").line();
            } catch (FastJson.Unsupported e) {
                // an unpaired surrogate in the text: below
            }
        }
        return messageByJackson(from, to, room, text, id);
    }

    /** {@link #message} the general way; for tests, and for text the fast writer does not take. */
    static byte[] messageByJackson(ClientInfo from, ClientId to, String room, String text, long id) {
        return object(LineTypes.MESSAGE, g -> {
            g.writeName(Fields.FROM);
            ReplyValues.client(g, from, false);
            if (room != null) {
                g.writeStringProperty(Fields.ROOM, room);
            } else {
                g.writeStringProperty(Fields.TO, to == null ? Protocol.EVERYONE : to.value());
            }
            g.writeStringProperty(Fields.ID, Long.toString(id));
            g.writeStringProperty(Fields.TIME, Timestamps.string(MessageIds.epochMillis(id)));
            g.writeStringProperty(Fields.MESSAGE, text);
        });
    }

    /** {@link #messageByJackson} of a message to one client or to everyone. */
    static byte[] messageByJackson(ClientInfo from, ClientId to, String text, long id) {
        return messageByJackson(from, to, null, text, id);
    }

    /** {@code join} with {@code room}: a client entered a room this client is in. */
    static byte[] roomJoin(ClientInfo client, String room) {
        return object(LineTypes.JOIN, g -> {
            g.writeName(Fields.CLIENT);
            ReplyValues.client(g, client, false);
            g.writeStringProperty(Fields.ROOM, room);
        });
    }

    /** {@code leave} with {@code room}: a client left a room this client is in; {@code part} or why it left. */
    static byte[] roomLeave(ClientInfo client, String room, String reason) {
        return object(LineTypes.LEAVE, g -> {
            g.writeName(Fields.CLIENT);
            ReplyValues.client(g, client, false);
            g.writeStringProperty(Fields.ROOM, room);
            g.writeStringProperty(Fields.REASON, reason);
        });
    }

    /** {@code rename} with {@code room}: a member of a room this client is in changed its name. */
    static byte[] roomRename(ClientInfo client, String previousName, String room) {
        return object(LineTypes.RENAME, g -> {
            g.writeName(Fields.CLIENT);
            ReplyValues.client(g, client, false);
            g.writeStringProperty(Fields.PREVIOUS, previousName);
            g.writeStringProperty(Fields.ROOM, room);
        });
    }

    /** {@code join}: another client connected. */
    static byte[] join(ClientInfo client) {
        return object(LineTypes.JOIN, g -> {
            g.writeName(Fields.CLIENT);
            ReplyValues.client(g, client, false);
        });
    }

    /** {@code leave}: another client left. */
    static byte[] leave(ClientInfo client, LeaveReason reason) {
        return object(LineTypes.LEAVE, g -> {
            g.writeName(Fields.CLIENT);
            ReplyValues.client(g, client, false);
            g.writeStringProperty(Fields.REASON, reason.wireName());
        });
    }

    /** {@code rename}: another client changed its display name. */
    static byte[] rename(ClientInfo client, String previousName) {
        return object(LineTypes.RENAME, g -> {
            g.writeName(Fields.CLIENT);
            ReplyValues.client(g, client, false);
            g.writeStringProperty(Fields.PREVIOUS, previousName);
        });
    }

    /** {@code presence-missed}: this many presence notices were skipped while the client's queue was full. */
    static byte[] presenceMissed(long skipped) {
        return object(LineTypes.PRESENCE_MISSED, g -> g.writeNumberProperty(Fields.SKIPPED, skipped));
    }

    /** {@code bye}: the server is closing the connection. */
    private static final byte[] MESSAGE_TYPE = ("{" + q(Fields.TYPE) + ":" + q(LineTypes.MESSAGE) + ",")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] ID_VALUE = (q(Fields.ID) + ":\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The id of the {@code message} line {@code line} (as this class writes them: {@code "type"} first), or -1 if it
     * is another line. The message's id is the first {@code "id"} whose value starts with a digit: the sender's client
     * id, before it, starts with {@code c}, and inside a string a quote is always escaped, so no text can imitate it.
     */
    static long messageId(byte[] line) {
        if (!startsWith(line, MESSAGE_TYPE)) {
            return -1;
        }
        int n = line.length - ID_VALUE.length;
        for (int i = MESSAGE_TYPE.length; i < n; i++) {
            if (line[i] == '"' && regionMatches(line, i, ID_VALUE) && isDigit(line[i + ID_VALUE.length])) {
                long id = 0;
                for (int k = i + ID_VALUE.length; k < line.length && isDigit(line[k]); k++) {
                    int d = line[k] - '0';
                    if (id > (Long.MAX_VALUE - d) / 10) {
                        return -1;
                    }
                    id = id * 10 + d;
                }
                return id;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] line, byte[] prefix) {
        return line.length >= prefix.length && regionMatches(line, 0, prefix);
    }

    private static boolean regionMatches(byte[] line, int at, byte[] part) {
        return java.util.Arrays.equals(line, at, at + part.length, part, 0, part.length);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    static byte[] bye(LeaveReason reason) {
        return object(LineTypes.BYE, g -> g.writeStringProperty(Fields.REASON, reason.wireName()));
    }

    /** {@code error} reply; {@code command} may be {@code null} when the line had no verb. */
    static byte[] error(String command, String code, String message) {
        return object(LineTypes.ERROR, g -> {
            if (command != null) {
                g.writeStringProperty(Fields.COMMAND, command);
            }
            g.writeStringProperty(Fields.CODE, code);
            g.writeStringProperty(Fields.MESSAGE, message);
        });
    }

    /** {@code error} reply with fields of its own after {@code message} ({@code retryAfterSeconds}). */
    static byte[] error(String command, String code, String message, Map<String, Object> fields) {
        if (fields.isEmpty()) {
            return error(command, code, message);
        }
        return object(LineTypes.ERROR, g -> {
            if (command != null) {
                g.writeStringProperty(Fields.COMMAND, command);
            }
            g.writeStringProperty(Fields.CODE, code);
            g.writeStringProperty(Fields.MESSAGE, message);
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                g.writeName(field.getKey());
                ReplyValues.write(g, field.getValue());
            }
        });
    }

    /** A command's reply. */
    static byte[] reply(String command, Reply reply) {
        if (isFlat(reply)) {
            try {
                FastJson j = FAST.get().reset().raw(REPLY_START).string(reply.type())
                        .raw(NEXT_COMMAND).string(command);
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
            g.writeStringProperty(Fields.COMMAND, command);
            for (Map.Entry<String, Object> field : reply.fields().entrySet()) {
                g.writeName(field.getKey());
                ReplyValues.write(g, field.getValue());
            }
        });
    }

    private static byte[] object(String type, Body body) {
        Encoder encoder = ENCODER.get();
        Output out = encoder.out;
        try {
            JsonGenerator g = encoder.generator;
            g.writeStartObject();
            g.writeStringProperty(Fields.TYPE, type);
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
}
