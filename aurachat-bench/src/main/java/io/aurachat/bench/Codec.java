package io.aurachat.bench;

import java.nio.ByteBuffer;

/**
 * One server's wire format, as the generator needs it: what a client writes after connecting, how it
 * sends a private message and a message to everyone, and how it splits what arrives into events.
 * Implementations are stateless and thread-safe; every method runs on the calling event-loop thread,
 * never blocks and allocates only for rare events (a welcome, an error).
 */
sealed interface Codec permits AuraChatCodec, RespCodec {

    /** What {@link #decode} reports; called on the thread that decodes. */
    interface Events {
        /** The client may now take part: welcomed (AuraChat) or subscribed / greeted (Redis). */
        void ready(Client client);

        /** AuraChat told the client that another client joined. */
        void joined(Client client);

        /** AuraChat told the client of another presence change: a leave, a rename, or notices it skipped. */
        void notice(Client client, Notice kind);

        /** A message for {@code client}; its {@link Payload} starts at absolute index {@code at} of {@code in}. */
        void message(Client client, ByteBuffer in, int at);

        /** A reply to one command ({@code ok}, {@code pong}, or a RESP integer {@code value}). */
        void reply(Client client, long value);

        /** Something the workload never expects (an error reply, a goodbye, a malformed line). */
        void failure(Client client, String what);
    }

    /** The presence notices other than {@code join}, which the idle workloads count. */
    enum Notice {
        /** Another client left. */
        LEAVE,
        /** Another client set its name. */
        RENAME,
        /** The server skipped presence notices for this client while its queue was full. */
        PRESENCE_MISSED
    }

    /** Bytes that {@code client} writes right after its connection is established (may be none). */
    void handshake(Client client, ByteBuffer out);

    /**
     * Writes the command that gives {@code client} its {@link Client#name() name} (AuraChat {@code NAME}, Redis
     * {@code CLIENT SETNAME}), whose reply is then reported as a {@link Events#reply}. At most 128 bytes.
     */
    void name(ByteBuffer out, Client client);

    /** Most bytes one {@link #direct} or {@link #toEveryone} call writes, for sizing buffers. */
    int maxFrame();

    /**
     * Writes a private message from {@code from} to {@code to}.
     *
     * @throws java.nio.BufferOverflowException if fewer than {@link #maxFrame()} bytes remain in {@code out}
     */
    void direct(ByteBuffer out, Client from, Client to, long sequence, long stampNanos);

    /** Writes a message from {@code from} to everyone (AuraChat {@code SAY}, Redis {@code PUBLISH} to the common channel). */
    void toEveryone(ByteBuffer out, Client from, long sequence, long stampNanos);

    /**
     * Reports every complete frame in {@code in} between absolute indexes {@code from} and {@code to}.
     *
     * @return the absolute index of the first byte of the first incomplete frame ({@code to} if none)
     */
    int decode(ByteBuffer in, int from, int to, Client client, Events events);
}
