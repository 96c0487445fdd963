package io.aurachat.hub;

import io.aurachat.internal.Threads;
import io.aurachat.log.LogEvent;
import io.aurachat.log.LogSink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans server events out to the log sinks. Each sink has a bounded queue and a thread of its own, so
 * the server only ever enqueues: a slow or failing sink cannot stall routing or the other sinks. When
 * a queue is full the event is dropped and counted, and the sink is told the count.
 *
 * <p>A sink's thread takes whatever is queued in runs of up to {@link LogSink#MAX_BATCH} events and
 * calls {@link LogSink#flush()} after each run: a file sink then pays one write per run instead of one
 * per event, which is what lets it keep up with routing at full speed.
 *
 * <p>While events keep coming, a sink's thread does not wait on its queue: it looks every
 * {@link #POLL_NANOS}, so the server threads that enqueue never have to wake it (waking a thread per
 * event cost more than the rest of the routing of a message did). Only after
 * {@link #HOT_POLLS} empty looks in a row does it block, and then the next event wakes it. Events
 * thus reach a sink at most about {@link #POLL_NANOS} late. A look costs the thread a timed wake-up and the sink a
 * flush (a {@code write} for the file sink) whatever it finds: at 1 ms that was about half of the XML log's CPU at
 * 7,500 messages a second (fan-out over TLS, 2026-12-03); at 5 ms it is a fifth as many looks. A queue that holds
 * more than one batch is taken batch after batch without a pause, so the interval bounds the delay, not the rate.
 */
final class LogBus {
    private static final Logger LOG = LoggerFactory.getLogger(LogBus.class);
    /** How long a busy sink thread pauses between looks at its queue: 5 ms. */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Empty looks in a row (about 50 ms) before a sink thread blocks until the next event. */
    static final int HOT_POLLS = 10;

    private final Clock clock;
    private final int highWatermark;
    private final int lowWatermark;
    /** Whether some sink's queue went above the high watermark and has not drained to the low one. */
    private volatile boolean backlogged;
    /** What to run when the queues have drained: transports resuming the clients they stopped reading. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> waiters =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final List<SinkThread> sinkThreads = new ArrayList<>();
    /** For each kind of event, the sinkThreads of the sinks that accept it (asked once, at start). */
    private final Map<Class<?>, SinkThread[]> byKind = new HashMap<>();

    LogBus(List<LogSink> sinks, int capacity, Clock clock) {
        this.clock = clock;
        this.highWatermark = Math.min(capacity / 2, BACKLOG_EVENTS);
        this.lowWatermark = highWatermark / 2;
        int n = 0;
        for (LogSink sink : sinks) {
            if (sink != LogSink.NONE) {
                sinkThreads.add(new SinkThread(sink, capacity, ++n));
            }
        }
        for (Class<?> kind : LogEvent.class.getPermittedSubclasses()) {
            byKind.put(kind, sinkThreads.stream().filter(d -> d.accepts(kind)).toArray(SinkThread[]::new));
        }
    }

    /** Starts the sinks' threads; events emitted before wait in their queues. */
    void start() {
        sinkThreads.forEach(d -> d.thread.start());
    }

    /** Whether any sink accepts events of this kind: when not, callers skip building them. */
    boolean wants(Class<? extends LogEvent> kind) {
        return byKind.get(kind).length > 0;
    }

    /** Whether every sink that accepts events of kind {@code a} also accepts kind {@code b}. */
    boolean implies(Class<? extends LogEvent> a, Class<? extends LogEvent> b) {
        List<SinkThread> takesB = List.of(byKind.get(b));
        for (SinkThread d : byKind.get(a)) {
            if (!takesB.contains(d)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a sink's queue is longer than {@link #BACKLOG_EVENTS} or half its capacity (and has not yet drained
     * to half of that): transports stop
     * reading the clients whose lines make events until it has, so that one client flooding at full speed
     * costs the audit log nothing. Events are then dropped only if a sink stalls (a disk that hangs) while
     * other events keep coming.
     */
    boolean backlogged() {
        return backlogged;
    }

    /** Runs {@code wake} when the queues have drained; at once if they have. */
    void await(Runnable wake) {
        waiters.add(wake);
        if (!backlogged) {
            wakeWaiters();
        }
    }

    private void wakeWaiters() {
        Runnable r;
        while ((r = waiters.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.error("waking a client after the log drained failed", e);
            }
        }
    }

    /**
     * A sink queue longer than this (or than half its capacity) holds back clients that pipeline: long enough
     * to absorb any burst of a client sending a line at a time, short enough that what it keeps alive in the
     * heap stays small (a full queue of 262,144 events kept G1 busy for hundreds of milliseconds).
     */
    static final int BACKLOG_EVENTS = 16_384;

    /** A sink that has taken no batch for this long while backlogged is stalled: it no longer holds clients back. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Called by the server's timer: a sink that has not taken a batch for {@link #STALL_NANOS} while its queue is
     * over the watermark is stalled (a hung disk). Clients are not held back for it any more, and its events are
     * dropped and counted as before, until it takes a batch again.
     */
    void checkStalled(long nowNanos) {
        if (!backlogged) {
            return;
        }
        for (SinkThread d : sinkThreads) {
            if (!d.stalled && d.queue.size() > lowWatermark && nowNanos - d.lastBatchNanos > STALL_NANOS) {
                d.stalled = true;
                LOG.warn("log sink {} has taken no event for {} ms: clients are no longer held back for it, and "
                        + "what does not fit in its queue is dropped", d.sink, TimeUnit.NANOSECONDS.toMillis(STALL_NANOS));
            }
        }
        // Also the backstop for a backlog flag raised after the sink had already emptied its queue (see SinkThread.run).
        checkDrained();
    }

    /** A sink thread took a batch: if every queue is at most at the low watermark, the backlog is over. */
    private void checkDrained() {
        for (SinkThread d : sinkThreads) {
            if (!d.stalled && d.queue.size() > lowWatermark) {
                return;
            }
        }
        backlogged = false;
        wakeWaiters();
    }

    /** Queues {@code event} for every sink that accepts its kind. */
    void emit(LogEvent event) {
        for (SinkThread d : byKind.get(event.getClass())) {
            d.offer(event);
        }
    }

    /**
     * Delivers {@code last} (ServerStopped) after everything queued, closes every sink and waits up to
     * {@code timeout} for each to finish; a sink still stuck after that is abandoned with a warning.
     */
    void close(LogEvent last, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (SinkThread d : sinkThreads) {
            d.finish(last);
        }
        for (SinkThread d : sinkThreads) {
            try {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                d.thread.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (d.thread.isAlive()) {
                LOG.warn("log sink {} did not finish within {}; abandoning it", d.sink, timeout);
                d.thread.interrupt();
            }
        }
    }

    private final class SinkThread implements Runnable {
        private final LogSink sink;
        private final EventQueue queue;
        private final AtomicLong dropped = new AtomicLong();
        private final Thread thread;
        private volatile LogEvent last;
        /** When this sink last took a batch ({@link System#nanoTime}). */
        volatile long lastBatchNanos = System.nanoTime();
        /** It took no batch for a long time while backlogged: see {@link #checkStalled}. */
        volatile boolean stalled;

        SinkThread(LogSink sink, int capacity, int index) {
            this.sink = sink;
            this.queue = new EventQueue(capacity);
            this.thread = Threads.daemon("aurachat-log-" + index, this);
        }

        boolean accepts(Class<?> kind) {
            if (kind == LogEvent.ServerStopped.class || kind == LogEvent.EventsDropped.class) {
                return true;
            }
            try {
                return sink.accepts(kind.asSubclass(LogEvent.class));
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("log sink {} failed to say whether it accepts {}; it gets them", sink, kind.getSimpleName(), e);
                return true;
            }
        }

        void offer(LogEvent event) {
            if (!queue.offer(event) && dropped.getAndIncrement() == 0) {
                LOG.warn("log sink {} is falling behind: its queue is full and events are being dropped", sink);
            }
            if (!backlogged && !stalled && queue.size() > highWatermark) {
                backlogged = true;
            }
        }

        void finish(LogEvent lastEvent) {
            last = lastEvent;
            queue.offerLast(lastEvent); // beyond the bound if need be: it is the last one
        }

        @Override
        public void run() {
            try {
                boolean finished = false;
                int emptyPolls = 0;
                while (!finished) {
                    LogEvent first = queue.poll();
                    if (first == null && backlogged) {
                        // An emitter that saw the queue over the watermark may raise the flag only after this thread
                        // emptied it and checked: with no event to come, nothing else would lower it, and the clients
                        // held back for the log would wait for ever.
                        checkDrained();
                    }
                    if (first == null) {
                        if (emptyPolls++ < HOT_POLLS) {
                            LockSupport.parkNanos(this, POLL_NANOS);
                            if (Thread.interrupted()) {
                                throw new InterruptedException();
                            }
                            continue;
                        }
                        first = queue.take(thread);
                    }
                    emptyPolls = 0;
                    lastBatchNanos = System.nanoTime();
                    if (stalled) {
                        stalled = false;
                    }
                    // A new list for every run (at most MAX_BATCH events): a list kept for the thread's life would be in
                    // the old generation, and storing each young event into it costs G1 a card mark; profiling the
                    // XML log under load found that the largest cost left on this thread.
                    // As many as are queued now, so the list never grows: sized by a count read while events kept
                    // coming, it grew from a few slots up to a thousand, 16% of this thread's samples (JFR).
                    int more = Math.min(queue.size(), LogSink.MAX_BATCH - 1);
                    List<LogEvent> batch = new ArrayList<>(more + 1);
                    batch.add(first);
                    queue.drainTo(batch, more);
                    long lost = dropped.getAndSet(0);
                    if (lost > 0) {
                        deliver(new LogEvent.EventsDropped(clock.instant(), lost));
                    }
                    for (LogEvent event : batch) {
                        deliver(event);
                        if (event == last) {
                            finished = true;
                            break;
                        }
                    }
                    flushSink();
                    if (backlogged) {
                        checkDrained();
                    }
                }
            } catch (InterruptedException e) {
                long lost = dropped.get() + queue.size();
                if (lost > 0) {
                    LOG.warn("log sink {} was stopped with {} events undelivered", sink, lost);
                }
            } finally {
                try {
                    sink.close();
                } catch (Exception | LinkageError e) {
                    LOG.warn("log sink {} failed to close", sink, e);
                }
            }
        }

        private void flushSink() {
            try {
                sink.flush();
            } catch (Exception | LinkageError | AssertionError e) {
                LOG.warn("log sink {} failed to flush", sink, e);
            }
        }

        private void deliver(LogEvent event) {
            try {
                sink.log(event);
            } catch (Exception | LinkageError | AssertionError e) {
                LOG.warn("log sink {} failed on {}", sink, event.getClass().getSimpleName(), e);
            }
        }
    }

    /**
     * A sink's queue: bounded, never blocks whoever offers, one consumer (the sink's thread). Lock-free (a
     * {@link ConcurrentLinkedQueue} and a count) rather than a {@code LinkedBlockingQueue}: that one's offer takes a
     * lock that the sink's drain also takes, and an I/O thread that met the drain there was parked, which showed in
     * the latency of the messages it was routing.
     */
    private static final class EventQueue {
        private final ConcurrentLinkedQueue<LogEvent> events = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();
        private final int capacity;
        /** The consumer while it is parked in {@link #take}, else {@code null}. */
        private volatile Thread parked;

        EventQueue(int capacity) {
            this.capacity = capacity;
        }

        /** Queues {@code e} unless the queue holds {@code capacity} events; never blocks. */
        boolean offer(LogEvent e) {
            if (size.incrementAndGet() > capacity) {
                size.decrementAndGet();
                return false;
            }
            add(e);
            return true;
        }

        /** Queues {@code e} whatever the bound: for the one last event. */
        void offerLast(LogEvent e) {
            size.incrementAndGet();
            add(e);
        }

        private void add(LogEvent e) {
            events.add(e);
            // Written the queue, then read the flag; take() writes the flag, then reads the queue: one sees the other.
            Thread t = parked;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        int size() {
            return size.get();
        }

        /** The next event, or {@code null}; consumer only. */
        LogEvent poll() {
            LogEvent e = events.poll();
            if (e != null) {
                size.decrementAndGet();
            }
            return e;
        }

        /** Moves up to {@code max} events to {@code to}; consumer only. */
        void drainTo(List<LogEvent> to, int max) {
            int n = 0;
            LogEvent e;
            while (n < max && (e = events.poll()) != null) {
                to.add(e);
                n++;
            }
            if (n > 0) {
                size.addAndGet(-n);
            }
        }

        /** Waits for the next event; consumer only, on its own thread {@code self}. */
        LogEvent take(Thread self) throws InterruptedException {
            while (true) {
                LogEvent e = poll();
                if (e != null) {
                    return e;
                }
                parked = self;
                e = poll();
                if (e != null) {
                    parked = null;
                    return e;
                }
                LockSupport.park(this);
                parked = null;
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }
    }
}
