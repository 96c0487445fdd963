package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.command.BuiltinCommands;
import io.aurachat.command.Command;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built-in {@code CHAT} runs on the I/O threads and its reply line is kept per recipient (it is on every
 * message's path); a {@code CHAT} a server registers itself runs on a command thread and is encoded each time.
 * Replies and deliveries must be byte for byte the same both ways: here, the very same handler under a new
 * {@link Command}. (The class name is from when the built-in CHAT had a code path of its own.)
 */
class ChatFastPathTest {

    @RegisterExtension
    final TestServer builtIn = new TestServer();


    private static final List<String> LINES = List.of(
            "CHAT c2 hello", "CHAT  c2   spaced   text  ", "CHAT\tc2\ttabbed", "chat c2 lower-case verb",
            "CHAT c1 to myself", "CHAT c2 \"quotes\" and \\ backslash \u0001 control", "CHAT c2 perché 李 😀", " CHAT c2 leading space", "Chat\tc2 mixed", "CHATc2 no space",
            "CHAT c9 nobody", "CHAT c2", "CHAT c2   ", "CHAT", "CHAT   ", "CHAT x2 text", "CHAT c02 text",
            "CHAT c99999999999999999999 text", "CHAT C2 upper-case id", "NAME Mario", "CHAT c2 after a rename",
            "NAME Luigi", "CHAT c2 after another rename");

    @Test
    void builtInChatAnswersAndDeliversExactlyLikeTheGeneralPath() {
        Command same = BuiltinCommands.CHAT;
        List<String> expected;
        // One server at a time: the extension checks for leftover server threads after the test.
        try (ChatServer general = ChatServer.create(TestServer.defaults()
                        .command(new Command(same.verb(), same.usage(), same.description(), same.handler())).build())
                .start();
                RawClient sender = RawClient.connect(general.address());
                RawClient recipient = RawClient.connect(general.address())) {
            sender.awaitWelcome();
            recipient.awaitWelcome();
            sender.takeType("join");
            expected = transcript(sender, recipient);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        builtIn.start();
        List<RawClient> clients = builtIn.joinAll(2);

        assertEquals(expected, transcript(clients.get(0), clients.get(1)));
    }

    /**
     * What both clients got, line by line, with each message id and time written as {@code ID} and {@code TIME}
     * (they come from the clock, so they differ between the two servers): checked here instead. Each CHAT that
     * succeeds makes one id, which its reply and its message carry, with its time; the ids grow.
     */
    private static List<String> transcript(RawClient sender, RawClient recipient) {
        List<String> lines = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (String line : LINES) {
            sender.send(line);
            List<Long> these = new ArrayList<>();
            for (Json got : sender.sync()) { // the reply, and a message to itself before it
                lines.add("sender: " + masked(got, these));
            }
            for (Json delivered : recipient.sync()) {
                lines.add("recipient: " + masked(delivered, these));
            }
            if (!these.isEmpty()) {
                assertEquals(2, these.size(), () -> line + ": a reply and a message, each with the id: " + these);
                assertEquals(these.get(0), these.get(1), () -> line + ": the reply names the message's id");
                ids.add(these.get(0));
            }
        }
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i - 1) < ids.get(i), () -> "ids grow: " + ids);
        }
        return lines;
    }

    /** The raw line with its message id and time (checked, and added to {@code ids}) as ID and TIME. */
    private static String masked(Json line, List<Long> ids) {
        String raw = line.raw();
        if (line.type().equals("message")) {
            long id = line.messageId();
            ids.add(id);
            return raw.replace("\"id\":\"" + id + "\",\"time\":\"" + line.str("time") + "\"", "\"id\":\"ID\",\"time\":\"TIME\"");
        }
        if (line.type().equals("ok") && line.has("id")) {
            long id = line.replyId();
            ids.add(id);
            return raw.replace("\"id\":\"" + id + "\"", "\"id\":\"ID\"");
        }
        return raw;
    }
}
