package io.aurachat.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.log.LogEvent;
import io.aurachat.log.LogSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The log dispatch on its own: order, the bound and its count, the backlog and its waiters, waking a parked sink. */
class LogBusTest {
    private static final Instant T0 = Instant.parse("2026-12-02T08:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    /** Records every event; while {@link #gate} is closed, its thread waits in {@code log}. */
    static final class Sink implements LogSink {
        final List<LogEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate = new CountDownLatch(0);
        final CountDownLatch closed = new CountDownLatch(1);
        volatile Thread thread;

        @Override
        public void log(LogEvent event) {
            thread = Thread.currentThread();
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.add(event);
        }

        @Override
        public void close() {
            closed.countDown();
        }

        long count(Class<? extends LogEvent> kind) {
            return events.stream().filter(kind::isInstance).count();
        }
    }

    private final List<LogBus> buses = new ArrayList<>();

    private LogBus bus(Sink sink, int capacity) {
        LogBus bus = new LogBus(List.of(sink), capacity, CLOCK);
        buses.add(bus);
        bus.start();
        return bus;
    }

    @AfterEach
    void closeAll() {
        for (LogBus b : buses) {
            b.close(new LogEvent.ServerStopped(T0), Duration.ofSeconds(10));
        }
    }

    private static LogEvent.EventsDropped numbered(long n) {
        return new LogEvent.EventsDropped(T0, n); // a cheap event that carries a number
    }

    @Test
    void everyEventOfEveryThreadArrivesInItsThreadsOrder() throws Exception {
        Sink sink = new Sink();
        LogBus bus = bus(sink, 1 << 20);
        int threads = 4;
        int each = 50_000;
        List<Thread> emitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = (long) t * each;
            emitters.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    bus.emit(numbered(base + i));
                }
            }));
        }
        for (Thread t : emitters) {
            t.join();
        }
        bus.close(new LogEvent.ServerStopped(T0), Duration.ofSeconds(30));
        assertTrue(sink.closed.await(10, TimeUnit.SECONDS));
        assertInstanceOf(LogEvent.ServerStopped.class, sink.events.getLast(), "the last event is the last delivered");
        long[] next = new long[threads];
        for (int t = 0; t < threads; t++) {
            next[t] = (long) t * each;
        }
        for (LogEvent e : sink.events) {
            if (e instanceof LogEvent.EventsDropped d) {
                int t = (int) (d.count() / each);
                assertEquals(next[t]++, d.count(), "thread " + t + "'s events in order");
            }
        }
        for (int t = 0; t < threads; t++) {
            assertEquals((long) (t + 1) * each, next[t], "every event of thread " + t);
        }
    }

    @Test
    void aFullQueueDropsAndCountsAndTheSinkIsToldHowMany() throws Exception {
        Sink sink = new Sink();
        sink.gate = new CountDownLatch(1);
        LogBus bus = bus(sink, 8);
        bus.emit(new LogEvent.ServerStopped(T0)); // taken by the sink's thread, which then waits in log()
        assertTrue(sink.entered.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 8 + 5; i++) {
            bus.emit(new LogEvent.ServerStopped(T0)); // 8 fit, 5 do not
        }
        sink.gate.countDown();
        bus.close(new LogEvent.ServerStopped(T0), Duration.ofSeconds(10));
        List<Long> drops = sink.events.stream().filter(e -> e instanceof LogEvent.EventsDropped)
                .map(e -> ((LogEvent.EventsDropped) e).count()).toList();
        assertEquals(List.of(5L), drops);
        assertEquals(1 + 8 + 1, sink.count(LogEvent.ServerStopped.class), "the first, the 8 that fit, the last");
    }

    @Test
    void aBacklogHoldsItsWaitersUntilTheQueueDrains() throws Exception {
        Sink sink = new Sink();
        sink.gate = new CountDownLatch(1);
        LogBus bus = bus(sink, 8); // high watermark 4, low 2
        bus.emit(numbered(0));
        assertTrue(sink.entered.await(10, TimeUnit.SECONDS));
        for (int i = 1; i <= 5; i++) {
            bus.emit(numbered(i));
        }
        assertTrue(bus.backlogged());
        CountDownLatch woken = new CountDownLatch(1);
        bus.await(woken::countDown);
        bus.checkStalled(System.nanoTime()); // not stalled yet: the timer's look changes nothing
        assertEquals(1, woken.getCount(), "a waiter waits while the queue is over the low watermark");
        sink.gate.countDown();
        assertTrue(woken.await(10, TimeUnit.SECONDS), "woken once the sink drained the queue");
        assertFalse(bus.backlogged());
        CountDownLatch again = new CountDownLatch(1);
        bus.await(again::countDown);
        assertEquals(0, again.getCount(), "no backlog: a waiter runs at once");
    }

    @Test
    void aSinkThreadParkedOnAnEmptyQueueIsWokenByTheNextEvent() throws Exception {
        Sink sink = new Sink();
        LogBus bus = bus(sink, 64);
        bus.emit(numbered(1));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.size() == 1);
        // After HOT_POLLS empty looks the sink's thread parks until an event comes: wait until it has.
        Thread sinkThread = sink.thread;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> sinkThread.getState() == Thread.State.WAITING);
        bus.emit(numbered(2));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sink.events.size() == 2);
        assertEquals(2L, ((LogEvent.EventsDropped) sink.events.get(1)).count());
    }
}
