package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal client with input from a pipe and output to a file, as in a script: JLine falls back to a
 * dumb terminal, and the client works line by line, without prompt, escape sequences or warnings.
 */
class PipedInputTest {

    @TempDir
    Path dir;

    @Test
    void linesFromAPipeAreSentAndAnswersArePlainText() throws Exception {
        try (ChatServer server = ChatServer.create(ServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress())
                        .port(0).discovery(DiscoveryConfig.disabled()).build()).start();
                LineClient luigi = LineClient.connect(server.port())) {
            luigi.send("NAME Luigi");
            luigi.take("\"name\":\"Luigi\"");
            String java = ProcessHandle.current().info().command().orElseThrow();
            Path out = dir.resolve("out.txt");
            Path err = dir.resolve("err.txt");
            Process client = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    ChatMain.class.getName(), "--port", Integer.toString(server.port()), "--name", "Bot"))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = client.getOutputStream()) {
                in.write("hello from a script!\n/msg Luigi psst\n/list\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(client.waitFor(30, TimeUnit.SECONDS), "the client ends at the end of its input");
            assertEquals(0, client.exitValue(), Files.readString(out) + Files.readString(err));

            luigi.take("\"type\":\"message\"", "\"to\":\"*\"", "\"message\":\"hello from a script!\"");
            luigi.take("\"type\":\"message\"", "\"to\":\"c1\"", "\"message\":\"psst\"");
            luigi.take("\"type\":\"leave\"", "\"reason\":\"exit\"");
            String shown = Files.readString(out);
            assertTrue(shown.contains("*** You are Bot.\n"), shown);
            assertTrue(shown.contains("you -> Luigi (private): psst\n"), shown);
            assertTrue(shown.contains("*** 2 clients connected:\n"), shown);
            assertTrue(shown.endsWith("*** Bye.\n"), shown);
            assertFalse(shown.contains("\u001b"), "no escape sequences in a file:\n" + shown);
            assertFalse(shown.contains("Bot> "), "no prompt without a terminal:\n" + shown);
            assertEquals("", Files.readString(err), "no warnings (JLine, native access)");
        }
    }
}
