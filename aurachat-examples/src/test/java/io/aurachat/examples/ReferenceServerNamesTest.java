package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.HarnessClient;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reference server's name rules (its configuration, driven through the in-memory harness). */
class ReferenceServerNamesTest {
    private ChatHarness chat;

    @AfterEach
    void close() {
        if (chat != null) {
            chat.close();
        }
    }

    private HarnessClient joined() {
        if (chat == null) {
            chat = ChatHarness.start(ServerMain.serverConfig(ServerSettings.defaults())
                    .tcpEnabled(false)
                    .discovery(DiscoveryConfig.disabled())
                    .build());
        }
        HarnessClient c = chat.connect();
        c.drain();
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u044112", "\u0421\u0031\u0032", "c\uFF11\uFF12", "cl2", "\u3164", "\u2800"})
    void namesThatPoseAsIdsOrRenderBlankAreRefused(String name) {
        HarnessClient me = joined();
        me.send("NAME " + name);
        Map<String, Object> reply = me.takeJson();
        assertEquals("error", reply.get("type"), () -> name + ": " + reply);
        assertEquals("bad-name", reply.get("code"), () -> name + ": " + reply);
    }

    @Test
    void aNameThatLooksLikeATakenOneIsTaken() {
        HarnessClient alice = joined();
        HarnessClient other = joined();
        alice.drain(); // the other's join
        alice.send("NAME Alice");
        assertEquals("ok", alice.takeJson().get("type"));
        other.drain();
        other.send("NAME \u0410lice"); // Cyrillic capital A
        assertEquals("name-taken", other.takeJson().get("code"));
        other.send("NAME Alicia");
        assertEquals("ok", other.takeJson().get("type"));
    }
}
