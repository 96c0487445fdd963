package io.aurachat.examples;

import io.aurachat.command.CommandException;
import io.aurachat.command.Reply;
import io.aurachat.log.LogEvent;
import io.aurachat.log.LogSink;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The embedding example from the README: a server with a custom {@code ROLL} command and a custom log
 * sink. Run it, then {@code nc 127.0.0.1 5000} and type {@code ROLL 20}.
 */
public final class EmbeddedServerExample {

    private EmbeddedServerExample() {}

    /** The README's configuration: built-ins plus ROLL, and a sink that prints who joins and leaves. */
    public static ServerConfig.Builder config() {
        return ServerConfig.builder()
                .port(5000)
                .command("ROLL", "ROLL [sides]", "Roll a die (default 6 sides).", ctx -> {
                    String arg = ctx.arguments().isEmpty() ? "6" : ctx.arguments();
                    int sides;
                    try {
                        sides = Integer.parseInt(arg);
                    } catch (NumberFormatException e) {
                        throw new CommandException("bad-arguments", "usage: ROLL [sides]");
                    }
                    if (sides < 2 || sides > 1000) {
                        throw new CommandException("bad-arguments", "a die has 2 to 1000 sides");
                    }
                    int value = ThreadLocalRandom.current().nextInt(1, sides + 1);
                    ctx.broadcast(ctx.sender().name() + " rolled " + value + " on a d" + sides);
                    return Reply.of("roll").with("sides", sides).with("value", value);
                })
                .logSink(LogSink.of(event -> {
                    if (event instanceof LogEvent.ClientConnected e) {
                        System.out.println(e.client().id() + " joined from " + e.client().ip());
                    } else if (event instanceof LogEvent.ClientDisconnected e) {
                        System.out.println(e.client().id() + " left: " + e.reason().wireName());
                    }
                }));
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        try (ChatServer server = ChatServer.create(config().build()).start()) {
            System.out.println("Listening on port " + server.port() + "; press Ctrl+C to stop");
            Thread.currentThread().join(); // until the JVM is stopped
        }
    }
}
