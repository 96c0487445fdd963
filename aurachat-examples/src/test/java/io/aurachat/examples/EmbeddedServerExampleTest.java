package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.server.ChatServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's embedding example works as the README says, over a real socket. */
class EmbeddedServerExampleTest {

    @Test
    void rollAnswersWithTheValueAndTellsEveryoneElse() throws Exception {
        try (ChatServer server = ChatServer.create(EmbeddedServerExample.config()
                        .bindAddress(InetAddress.getLoopbackAddress()).port(0).build()).start();
                Socket roller = new Socket(InetAddress.getLoopbackAddress(), server.port());
                Socket watcher = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            roller.setSoTimeout(5000);
            watcher.setSoTimeout(5000);
            BufferedReader rollerIn = reader(roller);
            BufferedReader watcherIn = reader(watcher);
            assertTrue(rollerIn.readLine().contains("\"type\":\"welcome\""));
            assertTrue(watcherIn.readLine().contains("\"type\":\"welcome\""));
            assertTrue(rollerIn.readLine().contains("\"type\":\"join\""), "c1 sees c2 join");

            send(roller, "ROLL 20\nROLL banana\n");
            String reply = rollerIn.readLine();
            assertTrue(reply.matches("\\{\"type\":\"roll\",\"command\":\"ROLL\",\"sides\":20,\"value\":([1-9]|1[0-9]|20)}"),
                    reply);
            assertEquals("{\"type\":\"error\",\"command\":\"ROLL\",\"code\":\"bad-arguments\",\"message\":\"usage: ROLL [sides]\"}",
                    rollerIn.readLine());
            String seen = watcherIn.readLine();
            assertTrue(seen.contains("\"type\":\"message\"") && seen.contains("rolled") && seen.contains("\"to\":\"*\""), seen);
        }
    }

    private static BufferedReader reader(Socket socket) throws Exception {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void send(Socket socket, String text) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
