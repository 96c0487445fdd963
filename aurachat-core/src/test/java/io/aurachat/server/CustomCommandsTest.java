package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.command.Command;
import io.aurachat.command.CommandException;
import io.aurachat.command.Reply;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Commands registered, replaced and removed on the builder, and handlers that misbehave. */
class CustomCommandsTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    private static List<String> helpVerbs(RawClient client) {
        client.send("HELP");
        return client.takeType("help").objs("commands").stream().map(j -> j.str("verb")).toList();
    }

    @Test
    void aCustomCommandRepliesAndReachesOthersThroughItsContext() {
        server.start(b -> b.command("ECHO", "ECHO <text>", "Send the text back.", ctx -> {
            ctx.send(ctx.sender().id(), "to myself: " + ctx.arguments());
            int reached = ctx.broadcast("echo " + ctx.arguments());
            return Reply.ok(Map.of("echo", ctx.arguments(), "reached", reached));
        }));
        List<RawClient> c = server.joinAll(3);

        c.get(0).send("echo hello  world");

        List<Json> mine = Stream.of(c.get(0).take(), c.get(0).take())
                .sorted(Comparator.comparing(Json::type)).toList();
        assertEquals("to myself: hello  world", mine.get(0).assertType("message").str("message"));
        assertEquals("c1", mine.get(0).str("to"));
        Json ok = mine.get(1).assertType("ok");
        assertEquals("ECHO", ok.str("command"));
        assertEquals("hello  world", ok.str("echo"));
        assertEquals(2, ok.num("reached"));
        for (RawClient other : c.subList(1, 3)) {
            Json message = other.takeType("message");
            assertEquals("*", message.str("to"));
            assertEquals("c1", message.obj("from").str("id"));
            assertEquals("echo hello  world", message.str("message"));
            other.assertNothingPending();
        }
        c.get(0).assertNothingPending();
    }

    @Test
    void aCustomCommandMayAnswerWithATypeOfItsOwn() {
        server.start(b -> b.command(Command.of("ROLL", "Roll a die.",
                ctx -> Reply.of("roll", Map.of("value", 4, "args", ctx.splitArguments(2))))));
        RawClient client = server.join();

        client.send("roll d6  twice please");

        Json roll = client.takeType("roll");
        assertEquals("ROLL", roll.str("command"));
        assertEquals(4, roll.num("value"));
        assertEquals(List.of("d6", "twice please"), roll.list("args"));
    }

    @Test
    void helpListsCustomCommandsSortedAmongTheBuiltInOnes() {
        server.start(b -> b
                .command("ZAP", "ZAP <id>", "Zap somebody.", ctx -> Reply.ok())
                .command("ECHO", "ECHO <text>", "Send the text back.", ctx -> Reply.ok()));
        RawClient client = server.join();

        client.send("HELP");

        List<Json> commands = client.takeType("help").objs("commands");
        assertEquals(List.of("CHAT", "ECHO", "EXIT", "HELP", "HISTORY", "JOIN", "LIST", "LOGIN", "MEMBERS", "NAME", "PART", "PASSWORD", "PING", "POST", "REGISTER", "RESUME", "ROOMS", "SAY", "SESSION", "TIME", "ZAP"),
                commands.stream().map(j -> j.str("verb")).toList());
        assertEquals(Map.of("verb", "ECHO", "usage", "ECHO <text>", "description", "Send the text back."),
                commands.get(1).map());
    }

    @Test
    void aHandlerThatThrowsGivesInternalErrorAndEverythingGoesOn() {
        server.start(b -> b.command(Command.of("BOOM", "Fail.", ctx -> {
            throw new IllegalStateException("a bug in a handler");
        })));
        List<RawClient> c = server.joinAll(2);

        c.get(0).send("BOOM");

        c.get(0).take().assertError("BOOM", "internal-error");
        c.get(0).send("SAY still here");
        assertEquals(1, c.get(0).takeType("ok").num("recipients"));
        assertEquals("still here", c.get(1).takeType("message").str("message"));
        assertEquals("c3", server.join().id());
    }

    @Test
    void aHandlerThatReturnsNullStillGivesExactlyOneReply() {
        server.start(b -> b.command(Command.of("NOTHING", "Return nothing.", ctx -> null)));
        RawClient client = server.join();

        client.sendAll(List.of("NOTHING", "TIME"));

        client.take().assertError("NOTHING", "internal-error");
        client.takeType("time");
    }

    @Test
    void aCommandExceptionGivesItsCodeAndMessage() {
        server.start(b -> b.command(Command.of("DENY", "Refuse.", ctx -> {
            throw new CommandException("not-allowed", "only on Sundays");
        })));
        RawClient client = server.join();

        client.send("deny");

        Json error = client.take().assertError("DENY", "not-allowed");
        assertEquals("only on Sundays", error.str("message"));
        client.send("PING");
        client.takeType("pong");
    }

    @Test
    void aBuiltInCommandCanBeReplaced() {
        server.start(b -> b.command("TIME", "TIME", "Tell the time, roughly.", ctx -> Reply.ok("tea time")));
        RawClient client = server.join();

        client.send("time");

        Json ok = client.takeType("ok");
        assertEquals("TIME", ok.str("command"));
        assertEquals("tea time", ok.str("text"));
        client.send("HELP");
        Json time = client.takeType("help").objs("commands").stream()
                .filter(j -> j.str("verb").equals("TIME")).findFirst().orElseThrow();
        assertEquals("Tell the time, roughly.", time.str("description"));
    }

    @Test
    void aBuiltInCommandCanBeRemoved() {
        server.start(b -> b.removeCommand("say"));
        List<RawClient> c = server.joinAll(2);

        c.get(0).send("SAY hello?");

        c.get(0).take().assertError("SAY", "unknown-command");
        c.get(1).assertNothingPending();
        assertFalse(helpVerbs(c.get(0)).contains("SAY"));
    }

    @Test
    void aHandlerThatBlocksDelaysOnlyItsOwnClient() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // One I/O thread serves both clients: a handler blocking it would stall c2 too.
        server.start(b -> b.ioThreads(1).command(Command.of("WAIT", "Wait for the test.", ctx -> {
            entered.countDown();
            try {
                if (!release.await(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new CommandException("not-released", "the test never released the handler");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.ok("done");
        })));
        List<RawClient> c = server.joinAll(2);
        try {
            c.get(0).sendAll(List.of("WAIT", "PING"));
            assertTrue(entered.await(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "the handler ran");

            // While c1's handler is stuck, c2 is served and c1 still receives events.
            c.get(1).send("SAY meanwhile");
            assertEquals(1, c.get(1).takeType("ok").num("recipients"));
            assertEquals("meanwhile", c.get(0).takeType("message").str("message"));
        } finally {
            release.countDown();
        }
        assertEquals("done", c.get(0).takeType("ok").str("text"));
        c.get(0).takeType("pong");
    }

    @Test
    void pipelinedCustomAndBuiltInCommandsAreAnsweredInOrder() {
        server.start(b -> b.ioThreads(1).command(Command.of("ECHO", "Echo the arguments.",
                ctx -> Reply.ok(ctx.arguments()))));
        RawClient client = server.join();
        List<String> lines = new java.util.ArrayList<>();
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            if (i % 3 == 0) {
                lines.add("PING");
                expected.add("pong");
            } else {
                lines.add("ECHO " + i);
                expected.add("ok:" + i);
            }
        }
        // Sent as one burst, so custom commands interrupt runs of lines that arrived in one read.
        client.sendRaw(String.join("\n", lines) + "\n");
        List<String> got = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Json reply = client.take();
            got.add(reply.type().equals("ok") ? "ok:" + reply.str("text") : reply.type());
        }
        assertEquals(expected, got);
        client.assertNothingPending();
    }
}
