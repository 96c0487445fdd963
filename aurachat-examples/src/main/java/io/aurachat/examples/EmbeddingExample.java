package io.aurachat.examples;

import io.aurachat.client.ChatClient;
import io.aurachat.client.ChatListener;
import io.aurachat.client.ChatMessage;
import io.aurachat.client.ClientConfig;
import io.aurachat.command.Reply;
import io.aurachat.log.LogEvent;
import io.aurachat.log.LogSink;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;

/**
 * The README's 15-line embedding example: a server with a custom command ({@code ECHO}) and a custom log
 * sink, and a {@link ChatClient} that calls the command, sends a private message to itself and leaves.
 * It listens on 127.0.0.1 and a free port, so it runs anywhere.
 */
public final class EmbeddingExample {

    private EmbeddingExample() {}

    /** Runs the example, printing to {@code out}. */
    public static void run(PrintStream out) throws IOException {
        ServerConfig config = ServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .command("ECHO", "ECHO <text>", "Send the text back.", ctx -> Reply.ok(ctx.arguments()))
                .logSink(LogSink.of(event -> {
                    if (event instanceof LogEvent.MessageSent m) {
                        out.println("log: " + m.from().name() + " sent \"" + m.text() + "\" to " + m.to());
                    }
                }))
                .build();
        ChatListener listener = new ChatListener() {
            @Override
            public void onMessage(ChatClient client, ChatMessage m) {
                out.println(m.from().name() + (m.isPrivate() ? " (private): " : ": ") + m.text());
            }
        };
        try (ChatServer server = ChatServer.create(config).start();
                ChatClient client = ChatClient.connect(
                        ClientConfig.builder().server("127.0.0.1", server.port()).name("Mario").build(), listener)) {
            out.println("ECHO replied: " + client.call("ECHO", "hello").string("text").orElseThrow());
            client.chat(client.id(), "a note to myself");
        }
    }

    /** Runs the example on standard output. */
    public static void main(String[] args) throws IOException {
        run(System.out);
    }
}
