package io.aurachat.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.LeaveReason;
import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.HarnessClient;
import io.aurachat.transport.Connection;
import io.aurachat.transport.Peer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client is reachable from the moment its {@code welcome} can be read: the hub registers it before the
 * welcome goes to its peer, and a message that arrives meanwhile waits for the welcome instead of failing.
 * Made deterministic with a peer that, as a fast transport could, lets the welcome out at once and has
 * another client answer it (a {@code CHAT} to the new id) before the join has finished.
 */
class JoinRaceTest {
    private ChatHarness chat;

    @AfterEach
    void close() {
        if (chat != null) {
            chat.close();
        }
    }

    @Test
    void aChatSentTheMomentTheWelcomeIsOutReachesTheNewClientAfterItsWelcome() throws Exception {
        chat = ChatHarness.start(ServerConfig.builder().tcpEnabled(false).presenceLimit(0).build());
        HarnessClient sender = chat.connect();
        sender.drain();
        AtomicReference<Thread> answer = new AtomicReference<>();
        EagerPeer fresh = new EagerPeer(id -> {
            Thread t = Thread.ofPlatform().start(() -> sender.send("CHAT " + id + " hello"));
            answer.set(t);
            // Give the other thread every chance to run its CHAT before the join goes on; if the client were not
            // registered yet, it would fail now with no-such-client. A registered one makes it wait for us.
            try {
                t.join(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Connection connection = chat.server().attach(fresh).orElseThrow();
        assertTrue(connection.join());
        answer.get().join(TimeUnit.SECONDS.toMillis(5));

        Map<String, Object> reply = sender.takeJson();
        assertEquals("ok", reply.get("type"), () -> "CHAT to a client whose welcome is out: " + reply);
        List<String> got = fresh.lines;
        assertEquals(2, got.size(), () -> "lines: " + got);
        assertTrue(got.get(0).startsWith("{\"type\":\"welcome\""), () -> "first line: " + got.get(0));
        assertTrue(got.get(1).startsWith("{\"type\":\"message\""), () -> "second line: " + got.get(1));
    }

    /** A peer that records lines and, on the welcome, runs {@code onWelcome} with the id it announces. */
    private static final class EagerPeer implements Peer {
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final java.util.function.Consumer<String> onWelcome;
        private final CountDownLatch welcomed = new CountDownLatch(1);

        EagerPeer(java.util.function.Consumer<String> onWelcome) {
            this.onWelcome = onWelcome;
        }

        @Override
        public String address() {
            return "192.0.2.77";
        }

        @Override
        public boolean send(byte[] line) {
            String text = new String(line, UTF_8);
            lines.add(text);
            if (text.startsWith("{\"type\":\"welcome\"") && welcomed.getCount() > 0) {
                welcomed.countDown();
                String id = HarnessClient.json(text).get("id").toString();
                onWelcome.accept(id);
            }
            return true;
        }

        @Override
        public void close(LeaveReason reason, byte[] lastLine) {}
    }
}
