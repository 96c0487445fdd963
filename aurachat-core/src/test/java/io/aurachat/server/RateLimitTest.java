package io.aurachat.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.command.Reply;
import io.aurachat.log.LogEvent;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.HandClock;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.RecordingLogSink;
import io.aurachat.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-client rate limit (PROTOCOL.md, <em>Rate limit</em>): a client beyond it is read more slowly, never cut,
 * and loses nothing. Most tests run the server on a {@link HandClock} that stands still unless the test moves it, so
 * the bucket refills only when the test says: what arrives before a move is exactly what the bucket admitted.
 */
class RateLimitTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    /** Long enough for a loop that polls the clock every 10 ms to have looked many times. */
    private static final Duration QUIET = Duration.ofMillis(300);

    @RegisterExtension
    final TestServer server = new TestServer();

    private final HandClock clock = new HandClock(T0);

    /** A server on the hand clock with this limit, no idle timeout (the hand clock jumps), and {@code sink} if any. */
    private void start(RateLimit limit, RecordingLogSink sink) {
        server.start(b -> {
            b.clock(clock).idleTimeout(Duration.ZERO).rateLimit(limit);
            if (sink != null) {
                b.logSink(sink);
            }
        });
    }

    private static List<String> chats(String to, int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> "CHAT " + to + " n" + i).toList();
    }

    /** Takes {@code count} ok replies of the sender and as many messages of the receiver, numbered from {@code from}. */
    private static void takeChats(RawClient sender, RawClient receiver, int from, int count) {
        for (int i = from; i < from + count; i++) {
            assertEquals("CHAT", sender.takeType("ok").str("command"), "reply " + i);
            assertEquals("n" + i, receiver.takeType("message").str("message"), "message " + i + " in order");
        }
    }

    @Test
    void theBucketAdmitsItsBurstThenALinePerTokenAndEveryLineArrivesInOrder() {
        start(RateLimit.of(1, 20), null); // a token a second; the hand clock makes the seconds
        List<RawClient> c = server.joinAll(2);
        RawClient flooder = c.get(0);
        RawClient reader = c.get(1);
        flooder.sendAll(chats(reader.id(), 0, 200)); // ten times the burst, in one write

        takeChats(flooder, reader, 0, 20);
        flooder.expectNothing(QUIET); // the 21st waits for a token, not cut

        clock.millis += 1_000;
        takeChats(flooder, reader, 20, 1);
        flooder.expectNothing(QUIET);

        clock.millis += 5_000;
        takeChats(flooder, reader, 21, 5);
        flooder.expectNothing(QUIET);

        // However long the wait, the bucket holds at most its burst: 20 more at a time.
        for (int from = 26; from < 200; from += 20) {
            clock.millis += 3_600_000;
            takeChats(flooder, reader, from, Math.min(20, 200 - from));
        }
        clock.millis += 3_600_000;
        flooder.assertNothingPending();
        reader.assertNothingPending();
    }

    @Test
    void whileOneClientIsThrottledTheOthersChatAsUsual() {
        start(RateLimit.of(1, 10), null);
        List<RawClient> c = server.joinAll(3);
        RawClient flooder = c.get(0);
        c.get(0).sendAll(java.util.Collections.nCopies(100, "PING"));
        for (int i = 0; i < 10; i++) {
            flooder.takeType("pong");
        }

        // The clock stands still: the flooder stays throttled while the others talk (within their own buckets).
        for (int round = 0; round < 4; round++) {
            c.get(1).send("PING").takeType("pong");
            c.get(1).send("CHAT " + c.get(2).id() + " round " + round);
            assertEquals("CHAT", c.get(1).takeType("ok").str("command"));
            assertEquals("round " + round, c.get(2).takeType("message").str("message"));
            c.get(2).send("SAY hello " + round);
            c.get(2).takeType("ok");
            assertEquals("hello " + round, c.get(1).takeType("message").str("message"));
            assertEquals("hello " + round, flooder.takeType("message").str("message"), "it still receives");
        }
        assertEquals(3, server.server().clients().size(), "nobody was cut");

        for (int i = 10; i < 100; i += 10) {
            clock.millis += 10_000;
            for (int j = 0; j < 10; j++) {
                flooder.takeType("pong");
            }
        }
        clock.millis += 10_000;
        flooder.assertNothingPending();
    }

    @Test
    void withoutALimitNothingIsThrottled() {
        start(RateLimit.NONE, null);
        List<RawClient> c = server.joinAll(2);
        int n = 10 * ServerConfig.DEFAULT_RATE_LIMIT.burst();
        c.get(0).sendAll(chats(c.get(1).id(), 0, n));
        takeChats(c.get(0), c.get(1), 0, n); // the clock never moves: only an unlimited server gets through
        c.get(0).assertNothingPending();
    }

    @Test
    void linesThatAreNotCommandsTakeTokensAndBlankLinesDoNot() {
        start(RateLimit.of(1, 6), null);
        RawClient client = server.join();
        String tooLong = "SAY " + "x".repeat(ServerConfig.DEFAULT_MAX_LINE_LENGTH);
        client.sendRaw("\n  \n\t\nFOO\n" + tooLong + "\n");
        client.sendBytes(new byte[] {(byte) 0xC3, '\n'});
        client.sendRaw("\n\nPING\nPING\nPING\nPING\n");
        assertEquals("unknown-command", client.takeType("error").str("code"));
        assertEquals("line-too-long", client.takeType("error").str("code"));
        assertEquals("bad-encoding", client.takeType("error").str("code"));
        for (int i = 0; i < 3; i++) {
            client.takeType("pong"); // six tokens: three for the garbage, three for pongs; the blank lines took none
        }
        client.expectNothing(QUIET);
        clock.millis += 1_000;
        client.takeType("pong");
        client.expectNothing(QUIET);
        clock.millis += 1_000;
        client.assertNothingPending(); // its PING takes the next second's token
    }

    @Test
    void aCommandRunOffTheLoopObeysTheLimitToo() {
        // ECHO is not built in, so it and the lines after it run on a command thread.
        server.start(b -> b.clock(clock).idleTimeout(Duration.ZERO).rateLimit(RateLimit.of(1, 5))
                .command("ECHO", "ECHO <text>", "Send the text back.", ctx -> Reply.ok(Map.of("echo", ctx.arguments()))));
        RawClient client = server.join();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            lines.add(i % 3 == 0 ? "ECHO e" + i : "TIME");
        }
        client.sendAll(lines);
        for (int i = 0; i < 5; i++) {
            expectReply(client, i);
        }
        client.expectNothing(QUIET);
        for (int i = 5; i < 15; i++) {
            clock.millis += 1_000;
            expectReply(client, i);
        }
        clock.millis += 1_000;
        client.assertNothingPending();
    }

    private static void expectReply(RawClient client, int i) {
        Json reply = client.take();
        if (i % 3 == 0) {
            assertEquals("e" + i, reply.assertType("ok").str("echo"), "line " + i);
        } else {
            reply.assertType("time");
        }
    }

    @Test
    void aThrottlingEpisodeIsLoggedOnceAndANewOneAfterTheBucketWasFull() {
        RecordingLogSink sink = new RecordingLogSink();
        start(RateLimit.of(1, 5), sink);
        RawClient client = server.join();
        client.sendAll(java.util.Collections.nCopies(10, "PING"));
        for (int i = 0; i < 5; i++) {
            client.takeType("pong");
        }
        LogEvent.ClientThrottled first = sink.await(LogEvent.ClientThrottled.class, e -> true);
        assertEquals(client.id(), first.client().id().value());
        for (int i = 0; i < 5; i++) {
            clock.millis += 1_000; // a pause after every line: the same episode
            client.takeType("pong");
        }
        clock.millis += 60_000; // the bucket fills up: the episode is over
        client.assertNothingPending();
        assertEquals(1, sink.events(LogEvent.ClientThrottled.class).size());
        clock.millis += 60_000; // full again after the PING of that barrier
        client.sendAll(java.util.Collections.nCopies(7, "PING"));
        for (int i = 0; i < 5; i++) {
            client.takeType("pong");
        }
        Awaits.await("a second episode").until(() -> sink.events(LogEvent.ClientThrottled.class).size() == 2);
        clock.millis += 2_000;
        client.takeType("pong");
        client.takeType("pong");
        clock.millis += 1_000;
        client.send("EXIT");
        client.takeType("bye");
        client.awaitClosed();
        Awaits.await().until(() -> sink.events(LogEvent.ClientDisconnected.class).size() == 1);
        assertEquals(2, sink.events(LogEvent.ClientThrottled.class).size(), "one event per episode, not per pause");
    }

    @Test
    void aThrottledClientIsNotCutAsIdleWhileTheServerHoldsItsLines() {
        // A token every 20 s and an idle timeout of 10 s: the wait for a token is longer than the idle timeout.
        server.start(b -> b.clock(clock).idleTimeout(Duration.ofSeconds(10)).rateLimit(RateLimit.of(0.05, 2)));
        RawClient client = server.join();
        client.sendAll(List.of("PING", "PING", "PING"));
        client.takeType("pong");
        client.takeType("pong");
        clock.millis += 15_000; // idle for 15 s by its last command, but its third PING is waiting for us
        client.expectNothing(QUIET); // the idle sweep (every 250 ms) has looked: no bye
        clock.millis += 5_000;
        client.takeType("pong");
        // Its bucket is empty again, so reading pauses (and the idle clock stands) for 20 s more; idle 11 s after.
        clock.millis += 20_000;
        client.expectNothing(QUIET);
        clock.millis += 11_000;
        assertEquals("idle-timeout", client.takeType("bye").str("reason"));
        client.awaitClosed();
    }

    @Test
    void aThrottledSenderIsHeldBackByTcpAndTheServerReadsNoMoreThanItsBuffers() throws Exception {
        start(RateLimit.of(1, 10), null);
        List<RawClient> c = server.joinAll(2);
        RawClient flooder = c.get(0);
        long total = 256L << 20; // far beyond any socket buffer
        AtomicLong written = new AtomicLong();
        Thread writer = Thread.ofPlatform().daemon().name("test-rate-writer").start(() -> {
            byte[] chunk = "PING\n".repeat(13_107).getBytes(UTF_8); // 64 KiB
            try {
                OutputStream out = flooder.socket().getOutputStream();
                while (written.get() < total) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the test closed the socket
            }
        });
        for (int i = 0; i < 10; i++) {
            flooder.takeType("pong");
        }
        // The server stopped reading: the writer blocks once the kernel's buffers are full.
        long[] last = {-1};
        Awaits.await("the writer to block").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    long now = written.get();
                    boolean still = now == last[0];
                    last[0] = now;
                    return still;
                });
        assertTrue(written.get() < total, "the writer got everything through: " + written.get());
        assertTrue(writer.isAlive(), "the writer is blocked, not done");
        c.get(1).send("PING").takeType("pong");
        flooder.close();
        writer.join(Awaits.TIMEOUT.toMillis());
        assertFalse(writer.isAlive());
        // The server finds it gone when it reads or answers it again: once the bucket has tokens.
        Awaits.await("the flooder gone").until(() -> {
            clock.millis += 10_000;
            return server.server().clients().size() == 1;
        });
    }

    /**
     * The hostile case on the real clock with the default limit: a client floods 100,000 messages to everyone. The
     * others go on chatting while it floods and after it has gone, and the server's threads and heap come back to
     * where they were.
     */
    @Test
    void aFloodOf100000LinesLeavesTheOthersChattingAndNothingBehind() throws Exception {
        server.start(b -> b.idleTimeout(Duration.ZERO));
        List<RawClient> c = server.joinAll(3);
        RawClient flooder = c.get(0);
        RawClient alice = c.get(1);
        RawClient bob = c.get(2);
        List<String> threadsBefore = serverThreads();
        long heapBefore = usedHeapAfterGc();

        String text = "flood ".repeat(40);
        Thread writer = Thread.ofPlatform().daemon().name("test-flood-writer").start(() -> {
            try {
                OutputStream out = flooder.socket().getOutputStream();
                StringBuilder chunk = new StringBuilder();
                for (int i = 0; i < 100_000; i++) {
                    chunk.append("SAY ").append(text).append(i).append('\n');
                    if (chunk.length() > 60_000) {
                        out.write(chunk.toString().getBytes(UTF_8));
                        chunk.setLength(0);
                    }
                }
                out.write(chunk.toString().getBytes(UTF_8));
            } catch (IOException e) {
                // the test closed the socket
            }
        });

        // While it floods: round trips between the others, through the flood's messages.
        for (int round = 0; round < 20; round++) {
            chatRoundTrip(alice, bob, "during " + round);
            chatRoundTrip(bob, alice, "back " + round);
        }
        assertEquals(3, server.server().clients().size(), "nobody was cut");

        flooder.close();
        writer.join(Awaits.TIMEOUT.toMillis());
        Awaits.await("the flooder gone").until(() -> server.server().clients().size() == 2);
        for (int round = 0; round < 5; round++) {
            chatRoundTrip(alice, bob, "after " + round);
            chatRoundTrip(bob, alice, "after back " + round);
        }
        Awaits.await("the server's threads as before").until(() -> serverThreads().equals(threadsBefore));
        long heapAfter = usedHeapAfterGc();
        assertTrue(heapAfter - heapBefore < 16L << 20,
                "heap after the flood " + (heapAfter >> 10) + " KiB, before " + (heapBefore >> 10) + " KiB");
    }

    /** {@code from} sends {@code to} a private message; both get theirs, whatever flood messages come between. */
    private static void chatRoundTrip(RawClient from, RawClient to, String text) {
        from.send("CHAT " + to.id() + " " + text);
        assertEquals("CHAT", skipFlood(from).assertType("ok").str("command"));
        Json message = skipFlood(to).assertType("message");
        assertEquals(text, message.str("message"));
        assertEquals(from.id(), message.obj("from").str("id"));
    }

    /** The next line that is not part of the flood (its messages to everyone, its leave). */
    private static Json skipFlood(RawClient client) {
        while (true) {
            Json line = client.take();
            boolean flood = line.type().equals("message") && "*".equals(line.str("to"))
                    || line.type().equals("leave");
            if (!flood) {
                return line;
            }
        }
    }

    /** The server's threads ({@code aurachat-*}), platform and virtual, by name. */
    private static List<String> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith("aurachat-"))
                .sorted().toList();
    }

    private static long usedHeapAfterGc() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
