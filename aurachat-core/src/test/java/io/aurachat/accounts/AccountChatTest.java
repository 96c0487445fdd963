package io.aurachat.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aurachat.history.MemoryHistoryStore;
import io.aurachat.server.ServerConfig;
import io.aurachat.testing.ChatHarness;
import io.aurachat.testing.HarnessClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * What the tests of accounts and their messages share: a server in memory with optional accounts, the fast hasher
 * and a memory history store, and clients over connections that count as encrypted.
 */
abstract class AccountChatTest {
    /** The server's store; a test may set another before {@link #start()}. */
    MemoryHistoryStore store = MemoryHistoryStore.create();
    ChatHarness chat;
    private int address;

    @AfterEach
    void close() {
        if (chat != null) {
            chat.close();
        }
    }

    void start() {
        chat = ChatHarness.start(ServerConfig.builder().accounts(AccountsMode.OPTIONAL)
                .passwordHasher(AccountsTest.FAST).historyStore(store).build());
    }

    /** A joined client from an address of its own, over a connection that counts as encrypted; its welcome taken. */
    HarnessClient secure() {
        HarnessClient c = chat.connect("192.0.2." + (++address), true);
        c.takeType("welcome");
        return c;
    }

    /** A client logged in with {@code verb} ({@code REGISTER} or {@code LOGIN}) as {@code name}. */
    HarnessClient loggedIn(String verb, String name) {
        HarnessClient c = secure();
        ok(c, verb + " " + name + " s3cret-pass");
        return c;
    }

    /** Sends a line and takes its reply, passing over the events before it. */
    static Map<String, Object> reply(HarnessClient c, String line) {
        c.send(line);
        while (true) {
            Map<String, Object> next = c.takeJson();
            if (next.containsKey("command")) {
                return next;
            }
        }
    }

    /** {@link #reply}, which must be {@code ok}. */
    static Map<String, Object> ok(HarnessClient c, String line) {
        Map<String, Object> reply = reply(c, line);
        assertEquals("ok", reply.get("type"), () -> line + ": " + reply);
        return reply;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> messages(Map<String, Object> page) {
        assertEquals("history", page.get("type"), () -> "not a page: " + page);
        return (List<Map<String, Object>>) page.get("messages");
    }

    static Map<?, ?> from(Map<String, Object> message) {
        return (Map<?, ?>) message.get("from");
    }
}
