package io.aurachat.bench;

/** What a run measures; see docs/performance.md. */
public enum Workload {
    /** N clients, each keeping a window of private messages in flight to random other clients: messages/s. */
    DIRECT,
    /** One sender, N receivers of every message, with a window of messages in flight: deliveries/s. */
    FANOUT,
    /** A fixed offered rate of private messages among N clients: one-way latency percentiles. */
    LATENCY,
    /**
     * The latency workload among N clients, plus one more client sending private messages to itself with a
     * large window in flight, as fast as the server lets it: the others' one-way latency and the flooder's messages/s.
     */
    FLOOD,
    /**
     * K idle connections, each of which sets a name once it is in ({@code NAME} after the welcome, as the terminal
     * client does; Redis: {@code CLIENT SETNAME}) and waits for the reply: server memory per connection once the
     * server has gone quiet, how long that took, and the connect rate.
     */
    IDLE,
    /** {@link #IDLE} without the names: connected once welcomed (Redis: subscribed). */
    IDLE_UNNAMED;

    /** The lower-case name used on the command line and in results ({@code idle-unnamed}). */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Whether this is one of the idle workloads (no messages: memory and connects). */
    public boolean idle() {
        return this == IDLE || this == IDLE_UNNAMED;
    }
}
