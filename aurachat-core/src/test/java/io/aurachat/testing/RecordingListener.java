package io.aurachat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.aurachat.client.ChatClient;
import io.aurachat.client.ChatListener;
import io.aurachat.client.ChatMessage;
import io.aurachat.client.CloseReason;
import io.aurachat.client.Peer;
import io.aurachat.client.Session;
import io.aurachat.protocol.LeaveReason;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A {@link ChatListener} that records every callback, in order, with the thread it ran on, and checks the
 * listener contract as it goes: the callbacks of one client never overlap, they all name the same client,
 * and nothing comes after {@code onClosed}. Waits are bounded by {@link Awaits#TIMEOUT}.
 *
 * <p>A {@link Reaction} may be given to act on events (answer a message, throw); it runs on the event
 * thread after the event is recorded, so what it throws is what the callback throws.
 *
 * <p>Thread-safe: the client's event thread records, the test thread reads and waits.
 */
public final class RecordingListener implements ChatListener {

    /** The name every client event thread has. */
    public static final Pattern EVENT_THREAD_NAME = Pattern.compile("aurachat-client-events-\\d+");

    /** One callback, as recorded. */
    public sealed interface Event {}

    /** {@code onConnected}. */
    public record Connected(Session session) implements Event {}

    /** {@code onMessage}. */
    public record Message(ChatMessage message) implements Event {}

    /** {@code onJoin}. */
    public record Join(Peer peer) implements Event {}

    /** {@code onLeave}. */
    public record Leave(Peer peer, LeaveReason reason) implements Event {}

    /** {@code onRename}. */
    public record Rename(Peer peer, String previousName) implements Event {}

    /** {@code onRoomJoin}. */
    public record RoomJoin(String room, Peer peer) implements Event {}

    /** {@code onRoomLeave}. */
    public record RoomLeave(String room, Peer peer, String reason) implements Event {}

    /** {@code onRoomRename}. */
    public record RoomRename(String room, Peer peer, String previousName) implements Event {}

    /** {@code onPresenceMissed}. */
    public record PresenceMissed(long skipped) implements Event {}

    /** {@code onDisconnected}. */
    public record Disconnected(CloseReason reason, Throwable cause) implements Event {}

    /** {@code onReconnected}. */
    public record Reconnected(Session session) implements Event {}

    /** {@code onResumed}. */
    public record Resumed(boolean resumed, int missed, boolean recovered) implements Event {}

    /** {@code onClosed}. */
    public record Closed(CloseReason reason, Throwable cause) implements Event {}

    /** What a test does on an event, on the event thread, after it was recorded. */
    @FunctionalInterface
    public interface Reaction {
        /** Reacts; may throw, which is then what the callback throws. */
        void react(ChatClient client, Event event) throws Exception;
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Reaction reaction;
    private volatile ChatClient client;

    /** A listener that only records. */
    public RecordingListener() {
        this((c, e) -> {});
    }

    /** A listener that records, then runs {@code reaction}. */
    public RecordingListener(Reaction reaction) {
        this.reaction = Objects.requireNonNull(reaction, "reaction");
    }

    // ---- the callbacks -------------------------------------------------------------------------

    @Override
    public void onConnected(ChatClient client, Session session) {
        record(client, new Connected(session));
    }

    @Override
    public void onMessage(ChatClient client, ChatMessage message) {
        record(client, new Message(message));
    }

    @Override
    public void onJoin(ChatClient client, Peer peer) {
        record(client, new Join(peer));
    }

    @Override
    public void onLeave(ChatClient client, Peer peer, LeaveReason reason) {
        record(client, new Leave(peer, reason));
    }

    @Override
    public void onRename(ChatClient client, Peer peer, String previousName) {
        record(client, new Rename(peer, previousName));
    }

    @Override
    public void onRoomJoin(ChatClient client, String room, Peer peer) {
        record(client, new RoomJoin(room, peer));
    }

    @Override
    public void onRoomLeave(ChatClient client, String room, Peer peer, String reason) {
        record(client, new RoomLeave(room, peer, reason));
    }

    @Override
    public void onRoomRename(ChatClient client, String room, Peer peer, String previousName) {
        record(client, new RoomRename(room, peer, previousName));
    }

    @Override
    public void onPresenceMissed(ChatClient client, long skipped) {
        record(client, new PresenceMissed(skipped));
    }

    @Override
    public void onDisconnected(ChatClient client, CloseReason reason, Throwable cause) {
        record(client, new Disconnected(reason, cause));
    }

    @Override
    public void onReconnected(ChatClient client, Session session) {
        record(client, new Reconnected(session));
    }

    @Override
    public void onResumed(ChatClient client, boolean resumed, int missed, boolean recovered) {
        record(client, new Resumed(resumed, missed, recovered));
    }

    @Override
    public void onClosed(ChatClient client, CloseReason reason, Throwable cause) {
        record(client, new Closed(reason, cause));
    }

    private void record(ChatClient c, Event event) {
        if (running.incrementAndGet() != 1) {
            violations.add("callback " + event + " overlapped another callback of the same client");
        }
        try {
            if (c == null) {
                violations.add("callback " + event + " got a null client");
            } else if (client == null) {
                client = c;
            } else if (client != c) {
                violations.add("callback " + event + " named another client than the earlier callbacks");
            }
            if (!events.isEmpty() && events.get(events.size() - 1) instanceof Closed) {
                violations.add("callback " + event + " came after onClosed");
            }
            events.add(event);
            threads.add(Thread.currentThread());
            if (event instanceof Closed) {
                closed.countDown();
            }
            reaction.react(c, event);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new RuntimeException(e);
        } finally {
            running.decrementAndGet();
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    /** Every event so far, in order. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The events of one kind so far, in order. */
    public <T extends Event> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The messages so far, in order. */
    public List<ChatMessage> messages() {
        return events(Message.class).stream().map(Message::message).toList();
    }

    /** The texts of the messages so far, in order. */
    public List<String> texts() {
        return messages().stream().map(ChatMessage::text).toList();
    }

    /** The threads the callbacks ran on, one per event. */
    public List<Thread> threads() {
        return List.copyOf(threads);
    }

    /** The client the callbacks were given, or {@code null} before the first one. */
    public ChatClient client() {
        return client;
    }

    /** How many {@code onClosed} callbacks there were. */
    public int closedCount() {
        return events(Closed.class).size();
    }

    // ---- waiting -------------------------------------------------------------------------------

    /** Waits for an event of this kind that matches, and returns the first one. */
    public <T extends Event> T await(Class<T> type, Predicate<? super T> matches) {
        try {
            return Awaits.await("a matching " + type.getSimpleName() + " callback")
                    .until(() -> events(type).stream().filter(matches).findFirst().orElse(null), Objects::nonNull);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no matching " + type.getSimpleName() + " callback within "
                    + Awaits.TIMEOUT.toMillis() + " ms; received: " + events, e);
        }
    }

    /** Waits for the first event of this kind. */
    public <T extends Event> T await(Class<T> type) {
        return await(type, e -> true);
    }

    /** Waits for a message with this text and returns it. */
    public ChatMessage awaitMessage(String text) {
        return await(Message.class, m -> m.message().text().equals(text)).message();
    }

    /** Waits until {@code count} messages have arrived, and returns them. */
    public List<ChatMessage> awaitMessages(int count) {
        try {
            Awaits.await(count + " messages").until(() -> events(Message.class).size() >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("expected " + count + " messages within " + Awaits.TIMEOUT.toMillis()
                    + " ms; received: " + events, e);
        }
        return messages();
    }

    /** Waits for {@code onClosed} and returns it. */
    public Closed awaitClosed() {
        if (!closedWithin(Awaits.TIMEOUT)) {
            fail("no onClosed within " + Awaits.TIMEOUT.toMillis() + " ms; received: " + events);
        }
        return events(Closed.class).get(0);
    }

    /** Whether {@code onClosed} comes within {@code timeout}; for tests where time passing is the point. */
    public boolean closedWithin(Duration timeout) {
        try {
            return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    // ---- checking ------------------------------------------------------------------------------

    /** Asserts that no callback broke the contract while it ran (overlap, another client, after onClosed). */
    public void assertNoViolations() {
        assertEquals(List.of(), violations, "listener contract violations");
    }

    /**
     * Asserts the whole contract for a client that has closed: the callbacks follow the grammar of
     * {@link ChatListener} (onConnected first, onDisconnected/onReconnected alternating, onClosed once and
     * last), they ran one at a time on one virtual thread named {@code aurachat-client-events-N}, and that
     * thread has ended (bounded wait).
     */
    public void assertClosedCleanly() {
        assertNoViolations();
        assertGrammar(true);
        Thread thread = thread();
        try {
            assertTrue(thread.join(Awaits.TIMEOUT), () -> "the event thread " + thread + " is still alive after onClosed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The one thread every callback ran on, after checking that there is one and that it is named right. */
    public Thread thread() {
        List<Thread> all = threads();
        assertTrue(!all.isEmpty(), "no callback ran");
        Thread first = all.get(0);
        for (Thread t : all) {
            assertTrue(t == first, () -> "callbacks ran on several threads: " + all.stream().map(Thread::toString).distinct().toList());
        }
        assertTrue(EVENT_THREAD_NAME.matcher(first.getName()).matches(), () -> "event thread name: " + first.getName());
        assertTrue(first.isVirtual(), () -> "event thread is not virtual: " + first);
        return first;
    }

    /**
     * Asserts that the callbacks so far follow the grammar of {@link ChatListener}; with {@code complete},
     * also that {@code onClosed} came.
     */
    public void assertGrammar(boolean complete) {
        List<Event> all = events();
        int state = 0; // 0 start, 1 connected, 2 disconnected, 3 closed, 4 reconnected (until onResumed)
        for (int i = 0; i < all.size(); i++) {
            Event e = all.get(i);
            int at = i;
            state = switch (state) {
                case 0 -> e instanceof Connected ? 1 : fail("callback " + at + " is not onConnected: " + all);
                case 1 -> switch (e) {
                    case Message m -> 1;
                    case Join j -> 1;
                    case Leave l -> 1;
                    case Rename r -> 1;
                    case RoomJoin j -> 1;
                    case RoomLeave l -> 1;
                    case RoomRename r -> 1;
                    case PresenceMissed p -> 1;
                    case Disconnected d -> 2;
                    case Closed c -> 3;
                    default -> fail("callback " + at + " out of order: " + all);
                };
                case 2 -> switch (e) {
                    case Reconnected r -> 4;
                    case Closed c -> 3;
                    default -> fail("callback " + at + " out of order after onDisconnected: " + all);
                };
                case 4 -> switch (e) {
                    case Message m -> 4; // what a resume replays
                    case Resumed r -> 1;
                    default -> fail("callback " + at + " out of order after onReconnected (onResumed first): " + all);
                };
                default -> fail("callback " + at + " after onClosed: " + all);
            };
        }
        if (complete) {
            assertEquals(3, state, () -> "onClosed was not the last callback: " + all);
        }
    }

    @Override
    public String toString() {
        return "RecordingListener" + events;
    }
}
