package io.aurachat.accounts;

import static io.aurachat.testing.Awaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.aurachat.testing.HarnessClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sender's account in {@code from}, for every target: {@code HISTORY} and a resume's replay give a logged-in
 * sender's message exactly as its recipients got it live (PROTOCOL.md, *Clients*, *History*, *Resume*).
 */
class SenderAccountTest extends AccountChatTest {
    @Test
    void historyGivesALoggedInSendersSayAndPostWithItsAccountAsTheLiveLineHadIt() {
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        HarnessClient anon = secure();
        HarnessClient reader = secure();
        for (HarnessClient c : List.of(mario, anon, reader)) {
            ok(c, "JOIN Lobby");
        }

        ok(mario, "SAY hi all");
        Map<String, Object> marioSay = reader.takeType("message");
        ok(anon, "SAY hi from anon");
        Map<String, Object> anonSay = reader.takeType("message");
        ok(mario, "POST Lobby hi room");
        Map<String, Object> marioPost = reader.takeType("message");
        ok(anon, "POST Lobby anon in the room");
        Map<String, Object> anonPost = reader.takeType("message");
        // The account's name as registered, not its key ("mario"): what client objects show.
        assertEquals("Mario", from(marioSay).get("account"), () -> "live: " + marioSay);
        assertEquals("Mario", from(marioPost).get("account"), () -> "live: " + marioPost);
        assertFalse(from(anonSay).containsKey("account"), () -> "live: " + anonSay);

        assertEquals(List.of(marioSay, anonSay), messages(reply(reader, "HISTORY * LATEST 5")));
        assertEquals(List.of(marioPost, anonPost), messages(reply(reader, "HISTORY lobby LATEST 5")));
    }

    @Test
    void aResumeReplaysTheSendersAccountForEveryTarget() {
        start();
        HarnessClient mario = loggedIn("REGISTER", "Mario");
        HarnessClient laptop = loggedIn("LOGIN", "Mario"); // gets a copy of what Mario's phone sends privately
        HarnessClient away = secure();
        ok(away, "JOIN Lobby");
        String token = (String) reply(away, "SESSION").get("session");
        away.disconnect();
        await().until(() -> chat.server().detachedSessions() == 1);
        HarnessClient reader = secure();
        ok(reader, "JOIN Lobby");
        ok(mario, "JOIN Lobby");

        ok(mario, "SAY while you were away");
        Map<String, Object> say = reader.takeType("message");
        ok(mario, "POST Lobby in the room meanwhile");
        Map<String, Object> post = reader.takeType("message");
        laptop.takeType("message"); // the SAY
        ok(mario, "CHAT " + away.id() + " a private one");
        Map<String, Object> privately = laptop.takeType("message");
        ok(reader, "SAY and one from an anonymous client");
        Map<String, Object> anonymous = mario.takeType("message");
        assertEquals("Mario", from(privately).get("account"), () -> "live: " + privately);

        HarnessClient back = secure();
        back.send("RESUME " + token + " 0");
        List<Map<String, Object>> replayed = new ArrayList<>();
        while (true) {
            Map<String, Object> next = back.takeJson();
            if ("resumed".equals(next.get("type"))) {
                assertEquals(true, next.get("recovered"), () -> "resumed: " + next);
                break;
            }
            if ("message".equals(next.get("type"))) {
                replayed.add(next);
            }
        }
        assertEquals(List.of(say, post, privately, anonymous), replayed);
    }
}
