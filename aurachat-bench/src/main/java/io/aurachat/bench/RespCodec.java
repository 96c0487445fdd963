package io.aurachat.bench;

import java.nio.ByteBuffer;

/**
 * Just enough RESP3 for Redis pub/sub: {@code HELLO 3} (so that one connection may both subscribe and
 * publish, as an AuraChat client both receives and sends), {@code SUBSCRIBE}, {@code PUBLISH}, and
 * reading push messages, integers and the replies around them. Frames are checked complete before any
 * event is reported, so a frame split across reads is decoded once, whole.
 */
final class RespCodec implements Codec {

    /** The shared instance. */
    static final RespCodec INSTANCE = new RespCodec();

    /** The channel every fan-out receiver subscribes to. */
    static final byte[] EVERYONE = AuraChatCodec.ascii("all");

    private static final byte[] HELLO = AuraChatCodec.ascii("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n");
    private static final byte[] SUBSCRIBE = AuraChatCodec.ascii("*2\r\n$9\r\nSUBSCRIBE\r\n$");
    private static final byte[] PUBLISH = AuraChatCodec.ascii("*3\r\n$7\r\nPUBLISH\r\n$");
    private static final byte[] SETNAME = AuraChatCodec.ascii("*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$");
    private static final byte[] PAYLOAD_HEADER = AuraChatCodec.ascii("\r\n$64\r\n");
    private static final byte[] MESSAGE = AuraChatCodec.ascii("message");
    private static final byte[] SUBSCRIBE_KIND = AuraChatCodec.ascii("subscribe");
    private static final int INCOMPLETE = -1;

    private RespCodec() {}

    @Override
    public void handshake(Client client, ByteBuffer out) {
        out.put(HELLO);
        byte[] channel = client.subscription();
        if (channel != null) {
            out.put(SUBSCRIBE);
            decimal(out, channel.length);
            out.put((byte) '\r').put((byte) '\n').put(channel).put((byte) '\r').put((byte) '\n');
        }
    }

    /** {@code CLIENT SETNAME}: Redis keeps the name with the connection (CLIENT LIST shows it) and tells nobody. */
    @Override
    public void name(ByteBuffer out, Client client) {
        byte[] name = client.name();
        out.put(SETNAME);
        decimal(out, name.length);
        out.put((byte) '\r').put((byte) '\n').put(name).put((byte) '\r').put((byte) '\n');
    }

    @Override
    public int maxFrame() {
        return PUBLISH.length + 8 + 2 + 16 + PAYLOAD_HEADER.length + Payload.SIZE + 2;
    }

    @Override
    public void direct(ByteBuffer out, Client from, Client to, long sequence, long stampNanos) {
        publish(out, to.inbox());
        Payload.write(out, from.index(), to.index(), sequence, stampNanos);
        out.put((byte) '\r').put((byte) '\n');
    }

    @Override
    public void toEveryone(ByteBuffer out, Client from, long sequence, long stampNanos) {
        publish(out, EVERYONE);
        Payload.write(out, from.index(), Payload.EVERYONE, sequence, stampNanos);
        out.put((byte) '\r').put((byte) '\n');
    }

    private static void publish(ByteBuffer out, byte[] channel) {
        out.put(PUBLISH);
        decimal(out, channel.length);
        out.put((byte) '\r').put((byte) '\n').put(channel).put(PAYLOAD_HEADER);
    }

    private static void decimal(ByteBuffer out, int value) {
        if (value >= 10) {
            decimal(out, value / 10);
        }
        out.put((byte) ('0' + value % 10));
    }

    @Override
    public int decode(ByteBuffer in, int from, int to, Client client, Events events) {
        int at = from;
        while (at < to) {
            int next = frame(in, at, to, client, events);
            if (next == INCOMPLETE) {
                return at;
            }
            at = next;
        }
        return at;
    }

    /** Decodes the top-level frame at {@code at}; returns the index after it, or {@link #INCOMPLETE}. */
    private static int frame(ByteBuffer in, int at, int to, Client client, Events events) {
        byte type = in.get(at);
        switch (type) {
            case ':' -> {
                int eol = lineEnd(in, at + 1, to);
                if (eol == INCOMPLETE) {
                    return INCOMPLETE;
                }
                events.reply(client, number(in, at + 1, eol));
                return eol + 2;
            }
            case '>' -> {
                return push(in, at, to, client, events);
            }
            case '-', '!' -> {
                int end = skip(in, at, to);
                if (end != INCOMPLETE) {
                    events.failure(client, "redis error: " + AuraChatCodec.text(in, at, end));
                }
                return end;
            }
            case '%' -> { // the HELLO reply
                int end = skip(in, at, to);
                if (end != INCOMPLETE && client.subscription() == null) {
                    events.ready(client);
                }
                return end;
            }
            default -> {
                int end = skip(in, at, to);
                if (end != INCOMPLETE) {
                    events.reply(client, 0);
                }
                return end;
            }
        }
    }

    private static int push(ByteBuffer in, int at, int to, Client client, Events events) {
        int eol = lineEnd(in, at + 1, to);
        if (eol == INCOMPLETE) {
            return INCOMPLETE;
        }
        long count = number(in, at + 1, eol);
        int end = eol + 2;
        int kindAt = -1;
        int kindLength = -1;
        int lastAt = -1;
        int lastLength = -1;
        for (long i = 0; i < count; i++) {
            if (end >= to) {
                return INCOMPLETE;
            }
            int elementEnd = skip(in, end, to);
            if (elementEnd == INCOMPLETE) {
                return INCOMPLETE;
            }
            if (in.get(end) == '$') {
                int header = lineEnd(in, end + 1, to);
                int length = (int) number(in, end + 1, header);
                if (i == 0) {
                    kindAt = header + 2;
                    kindLength = length;
                }
                lastAt = header + 2;
                lastLength = length;
            }
            end = elementEnd;
        }
        if (count == 3 && kindLength == MESSAGE.length && AuraChatCodec.matches(in, kindAt, to, MESSAGE)) {
            if (lastLength == Payload.SIZE && Payload.isValid(in, lastAt)) {
                events.message(client, in, lastAt);
            } else {
                events.failure(client, "message without a benchmark payload: " + AuraChatCodec.text(in, at, end));
            }
        } else if (kindLength == SUBSCRIBE_KIND.length && AuraChatCodec.matches(in, kindAt, to, SUBSCRIBE_KIND)) {
            events.ready(client);
        }
        return end;
    }

    /** Skips one complete value of any RESP3 type; returns the index after it, or {@link #INCOMPLETE}. */
    static int skip(ByteBuffer in, int at, int to) {
        if (at >= to) {
            return INCOMPLETE;
        }
        int eol = lineEnd(in, at + 1, to);
        if (eol == INCOMPLETE) {
            return INCOMPLETE;
        }
        byte type = in.get(at);
        switch (type) {
            case '$', '=', '!' -> {
                long length = number(in, at + 1, eol);
                if (length < 0) {
                    return eol + 2; // null bulk string
                }
                long end = eol + 2 + length + 2;
                return end > to ? INCOMPLETE : (int) end;
            }
            case '*', '~', '>', '%', '|' -> {
                long count = number(in, at + 1, eol);
                if (type == '%' || type == '|') {
                    count *= 2;
                }
                int end = eol + 2;
                for (long i = 0; i < count; i++) {
                    end = skip(in, end, to);
                    if (end == INCOMPLETE) {
                        return INCOMPLETE;
                    }
                }
                if (type == '|') {
                    return skip(in, end, to); // an attribute precedes the value it describes
                }
                return end;
            }
            default -> {
                return eol + 2; // + - : _ # , ( and anything line-shaped
            }
        }
    }

    /** The index of the {@code \r} of the {@code \r\n} that ends the line starting at {@code at}. */
    private static int lineEnd(ByteBuffer in, int at, int to) {
        for (int i = at; i + 1 < to; i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
                return i;
            }
        }
        return INCOMPLETE;
    }

    private static long number(ByteBuffer in, int at, int end) {
        boolean negative = at < end && in.get(at) == '-';
        long value = 0;
        for (int i = negative ? at + 1 : at; i < end; i++) {
            value = value * 10 + (in.get(i) - '0');
        }
        return negative ? -value : value;
    }
}
