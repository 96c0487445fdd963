package io.aurachat.log;

/**
 * Receives every event of a server. Register sinks with
 * {@link io.aurachat.server.ServerConfig.Builder#logSink(LogSink)}.
 *
 * <p>Each sink has its own bounded queue and its own thread (named {@code aurachat-log-N}); the server
 * only enqueues, so a slow sink never stalls message routing. {@link #log} is called on that thread
 * only, one event at a time, in the order the events were queued. The thread takes the events that
 * are waiting in runs (of at most {@value #MAX_BATCH}), calls {@link #log} for each and then
 * {@link #flush} once, so a sink that writes to a file can buffer in {@code log} and write a whole run
 * in one go. If the queue is full, events for
 * that sink are counted and dropped, the drop is logged through SLF4J, and the sink receives a
 * {@link LogEvent.EventsDropped} with the count once it catches up: no loss goes unreported.
 *
 * <p>An exception thrown by a sink is caught and logged; the sink keeps receiving events.
 */
public interface LogSink extends AutoCloseable {

    /** The most events delivered between two calls of {@link #flush}. */
    int MAX_BATCH = 1024;

    /** A sink that ignores everything. */
    LogSink NONE = new LogSink() {
        @Override
        public String toString() {
            return "LogSink.NONE";
        }
    };

    /**
     * A sink that passes each event to {@code consumer}: {@code LogSink.of(event -> ...)}.
     *
     * @param consumer called on the sink's thread with each event
     * @return the sink
     */
    static LogSink of(java.util.function.Consumer<? super LogEvent> consumer) {
        java.util.Objects.requireNonNull(consumer, "consumer");
        return new LogSink() {
            @Override
            public void log(LogEvent event) {
                consumer.accept(event);
            }

            @Override
            public String toString() {
                return "LogSink.of(" + consumer + ")";
            }
        };
    }

    /**
     * Handles one event. The default does nothing.
     *
     * @param event the event; never {@code null}
     */
    default void log(LogEvent event) {}

    /**
     * Whether this sink wants events of {@code kind}. The server asks once per kind when it starts, and
     * never builds or queues events that no sink wants, which saves work on every message. The default
     * accepts every kind. {@link LogEvent.ServerStopped} and {@link LogEvent.EventsDropped} are
     * delivered whatever this answers. Called on the thread that starts the server.
     *
     * @param kind one of the records that implement {@link LogEvent}
     * @return {@code true} to receive events of that kind
     */
    default boolean accepts(Class<? extends LogEvent> kind) {
        return true;
    }

    /**
     * Called on the sink's thread after each run of {@link #log} calls, before the thread waits for
     * more events, and before {@link #close()}: a sink that buffers makes what it has received durable
     * or visible here. It may block (e.g. on a file write); meanwhile new events queue up. The default
     * does nothing. An exception is caught and logged like one from {@link #log}.
     */
    default void flush() {}

    /**
     * Called once, on the sink's thread, after the last event ({@link LogEvent.ServerStopped}) when the
     * server closes: flush and release resources here. The default does nothing.
     */
    @Override
    default void close() {}
}
