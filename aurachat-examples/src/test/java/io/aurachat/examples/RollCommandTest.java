package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.HarnessClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's example of testing a command without sockets: {@link EmbeddedServerExample}'s {@code ROLL},
 * through the in-memory {@link ChatHarness}.
 */
class RollCommandTest {

    @Test
    void rollRepliesWithTheValueAndTellsEveryoneElse() {
        try (ChatHarness chat = ChatHarness.start(EmbeddedServerExample.config().build())) {
            HarnessClient mario = chat.connect();
            HarnessClient luigi = chat.connect();
            mario.takeType("welcome");
            luigi.takeType("welcome");

            mario.send("ROLL 20");

            Map<String, Object> reply = mario.takeType("roll"); // after luigi's join
            assertEquals(20L, reply.get("sides"));
            long value = (Long) reply.get("value");
            assertTrue(value >= 1 && value <= 20);
            Map<String, Object> told = luigi.takeType("message");
            assertEquals(mario.id().value() + " rolled " + value + " on a d20", told.get("message"));
        }
    }

    @Test
    void aDieWithOneSideIsABadArgument() {
        try (ChatHarness chat = ChatHarness.start(EmbeddedServerExample.config().build())) {
            HarnessClient mario = chat.connect();
            mario.takeType("welcome");

            mario.send("ROLL 1");

            Map<String, Object> error = mario.takeJson();
            assertEquals("error", error.get("type"));
            assertEquals("bad-arguments", error.get("code"));
        }
    }
}
