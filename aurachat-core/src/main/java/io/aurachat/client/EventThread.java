package io.aurachat.client;

import io.aurachat.internal.Threads;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The thread that runs one client's listener callbacks, in the order they were posted. Server events wait
 * in a queue of bounded size: posting one blocks while it is full, which stops the client reading from the
 * server. The few lifecycle events (connected, disconnected, reconnected, closed) never block, so that they
 * can be posted while holding the client's lock; at most a handful of them can be queued at once.
 */
final class EventThread {

    private static final Link.Event END = listener -> {};

    private final ChatListener listener;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Link.Event> queue = new ArrayDeque<>();
    private final Thread thread;
    private int serverEvents;
    /** The event thread is inside a blocking call of the client (guarded by lock). */
    private boolean inCall;

    EventThread(ChatListener listener, int capacity, String name) {
        this.listener = listener;
        this.capacity = capacity;
        this.thread = Threads.virtual(name, this::run);
    }

    void start() {
        thread.start();
    }

    boolean isCurrent() {
        return Thread.currentThread() == thread;
    }

    /** Queues a server event, waiting while the queue is full. */
    void post(Link.Event event) {
        lock.lock();
        try {
            boolean interrupted = false;
            // While a callback waits for a reply, the reply may be behind a full queue: the reader may then
            // go on to twice the capacity, so that the callback is not stuck until its call times out.
            while (serverEvents >= (inCall ? 2L * capacity : capacity)) {
                try {
                    notFull.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            serverEvents++;
            queue.add(new Counted(event));
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells that the event thread starts ({@code true}) or ends a blocking call; other threads' calls are
     * ignored.
     */
    void inCall(boolean calling) {
        if (!isCurrent()) {
            return;
        }
        lock.lock();
        try {
            inCall = calling;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a lifecycle event; never blocks. */
    void postLifecycle(Link.Event event) {
        lock.lock();
        try {
            queue.add(event);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the thread after everything posted so far has run; never blocks. */
    void end() {
        postLifecycle(END);
    }

    /** Waits until the thread has ended (at most {@code timeout}); returns at once on the thread itself. */
    boolean await(Duration timeout) {
        if (isCurrent()) {
            return false;
        }
        try {
            return thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void run() {
        while (true) {
            Link.Event event;
            lock.lock();
            try {
                while (queue.isEmpty()) {
                    notEmpty.awaitUninterruptibly();
                }
                event = queue.poll();
                if (event instanceof Counted) {
                    serverEvents--;
                    notFull.signal();
                }
            } finally {
                lock.unlock();
            }
            if (event == END) {
                return;
            }
            try {
                event.accept(listener);
            } catch (RuntimeException | Error e) {
                ChatClient.LOG.warn("the ChatListener threw; the client goes on", e);
            }
        }
    }

    private record Counted(Link.Event event) implements Link.Event {
        @Override
        public void accept(ChatListener listener) {
            event.accept(listener);
        }
    }
}
