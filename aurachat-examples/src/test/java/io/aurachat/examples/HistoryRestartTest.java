package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.history.MessageIds;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import io.aurachat.store.sqlite.SqliteHistoryStore;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference server's history across a restart: a server on the SQLite store is stopped and a new one opens the
 * same file; its HISTORY has the first run's messages, room messages included, and its ids continue above them.
 */
class HistoryRestartTest {
    private static final Pattern ID = Pattern.compile("\"id\":\"(\\d+)\"");

    @TempDir
    Path dir;

    private ChatServer start(Path file) throws Exception {
        return ChatServer.create(ServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .discovery(DiscoveryConfig.disabled()).historyStore(SqliteHistoryStore.builder(file).build())
                .build()).start();
    }

    private static long id(String line) {
        Matcher m = ID.matcher(line.substring(line.lastIndexOf("\"id\":")));
        assertTrue(m.find(), line);
        return MessageIds.parse(m.group(1));
    }

    @Test
    void historyAndIdsContinueAfterARestart() throws Exception {
        Path file = dir.resolve("util").resolve("history.db");
        long lastBefore;
        try (ChatServer first = start(file); LineClient a = LineClient.connect(first.port())) {
            a.send("SAY before the restart");
            a.take("\"SAY\"");
            a.send("JOIN lobby");
            a.take("\"JOIN\"");
            a.send("POST lobby in the room, before");
            lastBefore = id(a.take("\"POST\""));
        }
        try (ChatServer second = start(file); LineClient b = LineClient.connect(second.port())) {
            b.send("HISTORY * LATEST");
            String everyone = b.take("\"history\"");
            assertTrue(everyone.contains("\"message\":\"before the restart\""), everyone);
            b.send("JOIN Lobby");
            b.take("\"JOIN\"");
            b.send("HISTORY lobby LATEST");
            String room = b.take("\"history\"");
            assertTrue(room.contains("\"message\":\"in the room, before\""), room);
            assertEquals(lastBefore, id(room.substring(0, room.indexOf("\"message\":\"in the room"))),
                    "the page names the message by the id it had");
            b.send("SAY after");
            long after = id(b.take("\"SAY\""));
            assertTrue(after > lastBefore, "ids continue above the first run's: " + after + " after " + lastBefore);
        }
    }
}
