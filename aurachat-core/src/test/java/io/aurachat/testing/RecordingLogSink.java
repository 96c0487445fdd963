package io.aurachat.testing;

import io.aurachat.log.LogEvent;
import io.aurachat.log.LogSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A {@link LogSink} that keeps every event it receives, in order, and counts its {@link #close()}
 * calls. Thread-safe: the server's log thread records, the test thread reads and waits.
 */
public final class RecordingLogSink implements LogSink {

    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> threadNames = new CopyOnWriteArrayList<>();
    private final AtomicInteger closes = new AtomicInteger();
    private volatile int eventsBeforeClose = -1;

    @Override
    public void log(LogEvent event) {
        events.add(event);
        threadNames.add(Thread.currentThread().getName());
    }

    @Override
    public void close() {
        if (closes.incrementAndGet() == 1) {
            eventsBeforeClose = events.size();
        }
    }

    /** A snapshot of the events received so far, in order. */
    public List<LogEvent> events() {
        return List.copyOf(events);
    }

    /** The events of one type received so far, in order. */
    public <T extends LogEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The names of the threads {@link #log} ran on, one per event. */
    public List<String> threadNames() {
        return List.copyOf(threadNames);
    }

    /** How many times {@link #close()} was called. */
    public int closeCount() {
        return closes.get();
    }

    /** How many events had arrived when {@link #close()} was first called; -1 if it was not. */
    public int eventsBeforeClose() {
        return eventsBeforeClose;
    }

    /** Waits (bounded by {@link Awaits#TIMEOUT}) for an event that matches, and returns the first one. */
    public LogEvent await(Predicate<? super LogEvent> matches) {
        return await(LogEvent.class, matches);
    }

    /** Waits (bounded by {@link Awaits#TIMEOUT}) for an event of this type that matches, and returns it. */
    public <T extends LogEvent> T await(Class<T> type, Predicate<? super T> matches) {
        try {
            return Awaits.await("a matching " + type.getSimpleName() + " event")
                    .until(() -> events(type).stream().filter(matches).findFirst().orElse(null),
                            found -> found != null);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no matching " + type.getSimpleName() + " event within "
                    + Awaits.TIMEOUT.toMillis() + " ms; received: " + events, e);
        }
    }
}
