package io.aurachat.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first run (issue 13), on a machine with no network but loopback: the README's server command
 * and its client command, with no {@code --host}, in a network namespace whose only interface is {@code lo}.
 * The reference server uses its defaults (TCP 5000 on 0.0.0.0, discovery on UDP 5001 on every interface),
 * and the client its default discovery targets, which is safe only because nothing leaves the namespace.
 * Then the client where even {@code lo} is down. Skipped without root or namespaces, unless
 * {@code AURACHAT_REQUIRE_NETNS=1}.
 */
class FirstRunTest {

    private static final long TIMEOUT_SECONDS = 30;
    private static final String NS = "aurachat-fr-" + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private boolean created;

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        if (created) {
            Netns.delete(NS);
        }
    }

    private Process start(List<String> command, Path out, Path err) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile()).redirectError(err.toFile());
        if (out != null) {
            b.redirectOutput(out.toFile());
        }
        Process p = b.start();
        processes.add(p);
        return p;
    }

    private static LinkedBlockingQueue<String> lines(Process p) {
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    queue.offer(line);
                }
            } catch (IOException e) {
                queue.offer("READ FAILED " + e);
            }
        });
        return queue;
    }

    private static String next(LinkedBlockingQueue<String> lines, List<String> seen) throws InterruptedException {
        String line = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertTrue(line != null, "no line within " + TIMEOUT_SECONDS + " s after:\n" + String.join("\n", seen));
        seen.add(line);
        return line;
    }

    /** Runs the client with this input and waits for it to end; returns its exit status. */
    private int client(List<String> command, String input, Path out, Path err) throws Exception {
        Process client = start(command, out, err);
        try (OutputStream in = client.getOutputStream()) {
            in.write(input.getBytes(UTF_8));
        }
        assertTrue(client.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                "the client did not end:\n" + Files.readString(out) + Files.readString(err));
        return client.exitValue();
    }

    @Test
    void theReadmeCommandsFindEachOtherOnAMachineWithOnlyLoopback() throws Exception {
        Netns.create(NS);
        created = true;
        Path log = dir.resolve("log.xml");
        Path serverErr = dir.resolve("server.err");
        Process server = start(Netns.in(NS, Netns.java(ServerMain.class, "--port", "5000", "--log-file", log.toString())),
                null, serverErr);
        LinkedBlockingQueue<String> serverOut = lines(server);
        List<String> banner = new ArrayList<>();
        while (!next(serverOut, banner).startsWith("  Stop it:")) {
            // The banner ends with how to stop the server.
        }
        // One block, the bound addresses as bound, and nothing logged in or before it. The TLS certificate was made
        // at this first start, under util/ beside the history.
        String fingerprint = io.aurachat.protocol.Fingerprint.parse(io.aurachat.bouncycastle.ServerIdentity.load(
                dir.resolve("util/server.crt"), dir.resolve("util/server.key")).fingerprintSha256()).display();
        assertEquals(List.of(
                "AuraChat server 'AuraChat' is running.",
                "  Listening on:  0.0.0.0:5000 (TCP, every IPv4 interface)",
                "  TLS:           0.0.0.0:5443, certificate SHA256 " + fingerprint + " ("
                        + Path.of("util", "server.crt") + ", made now)",
                "  Discovery:     on, UDP port 5001: clients on this machine and the local network find it by themselves",
                "  Audit log:     " + log.toAbsolutePath(),
                "  History:       " + dir.resolve("util").resolve("history.db").toAbsolutePath()
                        + " (SQLite; 1000000 messages per target, 30 days)",
                "  Settings:      the defaults (there is no " + Path.of("util", "config.json") + ")",
                "  Chat with it:  the terminal client (README.md, Quick start), or  nc 127.0.0.1 5000  (then type HELP)",
                "  Console:       type help for the owner's commands (clients, accounts, remove-account, set-password, "
                        + "stop)",
                "  Stop it:       Ctrl+C or stop; every client gets a goodbye, then the audit log is closed."), banner);
        assertEquals("", Files.readString(serverErr), "no log line came with the banner");

        // The README's client command: no --host, so discovery with its defaults.
        Path out = dir.resolve("client.out");
        Path err = dir.resolve("client.err");
        List<String> command = new ArrayList<>(Netns.java(ChatMain.class, "--name", "Bot"));
        command.add(1, "-Duser.home=" + dir); // its known_servers goes there, not into the home of whoever runs the tests
        int status = client(Netns.in(NS, command), "/list\n", out, err);
        String shown = Files.readString(out);
        assertEquals(0, status, shown + Files.readString(err));
        assertTrue(shown.startsWith("*** Looking for an AuraChat server on the local network (UDP port 5001)...\n"
                + "*** Connected to 'AuraChat' at 127.0.0.1:5443 as c1."), shown);
        assertTrue(shown.contains("*** Encrypted (TLSv1.3). First connection to this server: its certificate fingerprint "
                + "SHA256 " + fingerprint + " is remembered now"), shown);
        assertTrue(Files.readString(dir.resolve(".aurachat/known_servers")).startsWith("127.0.0.1:5443 "));
        assertTrue(shown.contains("*** You are Bot.\n*** 1 client connected (you):\n"), shown);
        assertEquals("", Files.readString(err), "no warnings");

        server.toHandle().destroy(); // SIGTERM, as Ctrl+C would (Process.destroy would also close our end of its output)
        List<String> stopping = new ArrayList<>();
        assertEquals("Stopping: saying goodbye to 0 clients...", next(serverOut, stopping));
        assertEquals("Stopped. The audit log " + log + " is complete and closed.", next(serverOut, stopping));
        assertTrue(server.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        // The server's console log: the client's connection and departure, nothing about its own start or stop.
        List<String> logged = Files.readAllLines(serverErr);
        assertEquals(2, logged.size(), String.join("\n", logged));
        assertTrue(logged.get(0).endsWith(" INFO events - c1 connected from 127.0.0.1"), logged.get(0));
        assertTrue(logged.get(1).endsWith(" INFO events - c1 (Bot) disconnected: exit"), logged.get(1));
    }

    @Test
    void withNoNetworkAtAllTheClientSaysSoInOneLine() throws Exception {
        Netns.requireUnshare();
        Path out = dir.resolve("client.out");
        Path err = dir.resolve("client.err");
        // A namespace of its own, lo down: every probe fails, loopback included.
        int status = client(Netns.alone(Netns.java(ChatMain.class, "--name", "Bot")), "", out, err);
        String shown = Files.readString(out);
        assertEquals(1, status, shown);
        assertEquals("*** Looking for an AuraChat server on the local network (UDP port 5001)...\n"
                + "*** Cannot look for a server: no discovery probe could be sent (Network is unreachable; no interface to "
                + "send it through). Is this machine on a network? Give the server's address with --host HOST --port "
                + "PORT.\n", shown);
        assertEquals("", Files.readString(err), "no stack trace, no log line");
        assertFalse(shown.contains("see the log"), shown);
    }
}
