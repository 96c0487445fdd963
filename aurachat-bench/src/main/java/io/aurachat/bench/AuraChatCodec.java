package io.aurachat.bench;

import io.aurachat.protocol.Fields;
import io.aurachat.protocol.LineTypes;
import io.aurachat.protocol.Verbs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The AuraChat protocol (PROTOCOL.md): commands out, one JSON object per line in. Lines are told apart
 * by the first letter of their {@code type} and a message's text is found by a byte comparison, so the
 * hot path builds no JSON tree and no string.
 */
final class AuraChatCodec implements Codec {

    /** The shared instance. */
    static final AuraChatCodec INSTANCE = new AuraChatCodec();

    // Spelled from the protocol's vocabulary, as the server's encoder and the Java client spell it.
    private static final byte[] CHAT = ascii(Verbs.CHAT + " ");
    private static final byte[] SAY = ascii(Verbs.SAY + " ");
    private static final byte[] NAME = ascii(Verbs.NAME + " ");
    private static final byte[] TYPE = ascii(quoted(Fields.TYPE) + ":\"");
    private static final byte[] TEXT = ascii("," + quoted(Fields.MESSAGE) + ":\"");
    private static final byte[] ID = ascii(quoted(Fields.ID) + ":\"");
    private static final byte[] PRESENCE_LIMIT = ascii(quoted(Fields.PRESENCE_LIMIT) + ":");
    /** Lines are told apart by the first letter of their type, which is different for every type a run sees. */
    private static final byte MESSAGE = first(LineTypes.MESSAGE);
    private static final byte JOIN = first(LineTypes.JOIN);
    private static final byte OK = first(LineTypes.OK);
    private static final byte PONG = first(LineTypes.PONG);
    private static final byte LEAVE = first(LineTypes.LEAVE);
    private static final byte RENAME = first(LineTypes.RENAME);
    private static final byte WELCOME = first(LineTypes.WELCOME);
    /** presence-missed shares its first letter with pong: the second tells them apart. */
    private static final byte PONG_SECOND = (byte) LineTypes.PONG.charAt(1);

    static {
        java.util.Set<Byte> distinct = new java.util.HashSet<>();
        for (String t : java.util.List.of(LineTypes.MESSAGE, LineTypes.JOIN, LineTypes.OK, LineTypes.PONG,
                LineTypes.LEAVE, LineTypes.RENAME, LineTypes.WELCOME, LineTypes.ERROR, LineTypes.BYE)) {
            if (!distinct.add(first(t))) {
                throw new ExceptionInInitializerError("two line types start with '" + t.charAt(0) + "'");
            }
        }
        if (first(LineTypes.PRESENCE_MISSED) != PONG || LineTypes.PRESENCE_MISSED.charAt(1) == PONG_SECOND) {
            throw new ExceptionInInitializerError("presence-missed and pong are no longer told apart by their second letter");
        }
    }

    private AuraChatCodec() {}

    private static String quoted(String name) {
        return '"' + name + '"';
    }

    private static byte first(String type) {
        return (byte) type.charAt(0);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void handshake(Client client, ByteBuffer out) {
        // The server speaks first (welcome).
    }

    @Override
    public void name(ByteBuffer out, Client client) {
        out.put(NAME).put(client.name()).put((byte) '\n');
    }

    @Override
    public int maxFrame() {
        return CHAT.length + 16 + 1 + Payload.SIZE + 1;
    }

    @Override
    public void direct(ByteBuffer out, Client from, Client to, long sequence, long stampNanos) {
        out.put(CHAT).put(to.serverId()).put((byte) ' ');
        Payload.write(out, from.index(), to.index(), sequence, stampNanos);
        out.put((byte) '\n');
    }

    @Override
    public void toEveryone(ByteBuffer out, Client from, long sequence, long stampNanos) {
        out.put(SAY);
        Payload.write(out, from.index(), Payload.EVERYONE, sequence, stampNanos);
        out.put((byte) '\n');
    }

    @Override
    public int decode(ByteBuffer in, int from, int to, Client client, Events events) {
        int start = from;
        int newline;
        while ((newline = indexOfNewline(in, start, to)) >= 0) {
            line(in, start, newline, client, events);
            start = newline + 1;
        }
        return start;
    }

    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

    /**
     * The index of the first {@code \n} in {@code [from, to)}, or -1. Eight bytes at a time: every received
     * byte passes through here, and a JSON line, unlike a RESP frame, has no length to skip by. The test
     * for a zero byte is the exact one (no false positives from borrows), so the first match wins.
     */
    static int indexOfNewline(ByteBuffer in, int from, int to) {
        int i = from;
        boolean bigEndian = in.order() == java.nio.ByteOrder.BIG_ENDIAN;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = in.getLong(i) ^ NEWLINES;
            long zeros = ~(((x & LOW7) + LOW7) | x | LOW7);
            if (zeros != 0) {
                return i + ((bigEndian ? Long.numberOfLeadingZeros(zeros) : Long.numberOfTrailingZeros(zeros)) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (in.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** One line, {@code end} is the index of its {@code \n}. */
    private static void line(ByteBuffer in, int start, int end, Client client, Events events) {
        int type = start + 1 + TYPE.length; // Wire writes "type" first: {"type":"...
        if (!matches(in, start + 1, end, TYPE)) {
            int at = indexOf(in, start, end, TYPE);
            if (at < 0) {
                events.failure(client, "line without a type: " + text(in, start, end));
                return;
            }
            type = at + TYPE.length;
        }
        if (type >= end) {
            events.failure(client, "truncated line: " + text(in, start, end));
            return;
        }
        byte t = in.get(type);
        if (t == MESSAGE) {
            message(in, start, end, client, events);
        } else if (t == JOIN) {
            events.joined(client);
        } else if (t == OK || (t == PONG && type + 1 < end && in.get(type + 1) == PONG_SECOND)) {
            events.reply(client, 0);
        } else if (t == WELCOME) {
            welcome(in, start, end, client, events);
        } else if (t == LEAVE) { // leave, rename: other clients' business, counted
            events.notice(client, Notice.LEAVE);
        } else if (t == RENAME) {
            events.notice(client, Notice.RENAME);
        } else if (t == PONG) {
            events.notice(client, Notice.PRESENCE_MISSED);
        } else {
            events.failure(client, text(in, start, end)); // error, bye, or anything unasked for
        }
    }

    private static void message(ByteBuffer in, int start, int end, Client client, Events events) {
        // Fast path: Wire writes the text last, so the line ends with ,"message":"<payload>"}
        int at = end - 2 - Payload.SIZE;
        if (at - TEXT.length < start || !matches(in, at - TEXT.length, end, TEXT)
                || in.get(end - 1) != '}' || in.get(end - 2) != '"') {
            int field = indexOf(in, start, end, TEXT);
            at = field < 0 ? -1 : field + TEXT.length;
        }
        if (at < 0 || at + Payload.SIZE >= end || in.get(at + Payload.SIZE) != '"' || !Payload.isValid(in, at)) {
            events.failure(client, "message without a benchmark payload: " + text(in, start, end));
            return;
        }
        events.message(client, in, at);
    }

    private static void welcome(ByteBuffer in, int start, int end, Client client, Events events) {
        int at = indexOf(in, start, end, ID);
        int close = at < 0 ? -1 : indexOf(in, at + ID.length, end, new byte[] {'"'});
        if (close < 0) {
            events.failure(client, "welcome without an id: " + text(in, start, end));
            return;
        }
        byte[] id = new byte[close - at - ID.length];
        in.get(at + ID.length, id);
        client.serverId(id);
        client.presenceLimit(number(in, indexOf(in, start, end, PRESENCE_LIMIT), end, PRESENCE_LIMIT.length));
        events.ready(client);
    }

    /**
     * The non-negative integer after {@code skip} bytes at {@code at}, or {@link Long#MAX_VALUE} when the
     * field is missing ({@code at < 0}): a server that does not announce a presence limit has none.
     */
    static long number(ByteBuffer in, int at, int end, int skip) {
        if (at < 0) {
            return Long.MAX_VALUE;
        }
        long value = 0;
        for (int i = at + skip; i < end && in.get(i) >= '0' && in.get(i) <= '9'; i++) {
            value = value * 10 + (in.get(i) - '0');
        }
        return value;
    }

    static boolean matches(ByteBuffer in, int at, int end, byte[] pattern) {
        if (at < 0 || at + pattern.length > end) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            if (in.get(at + i) != pattern[i]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(ByteBuffer in, int from, int end, byte[] pattern) {
        for (int i = from; i + pattern.length <= end; i++) {
            if (matches(in, i, end, pattern)) {
                return i;
            }
        }
        return -1;
    }

    static String text(ByteBuffer in, int start, int end) {
        byte[] bytes = new byte[Math.min(end - start, 300)];
        in.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
