package io.aurachat.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.client.ChatClient;
import io.aurachat.client.KnownServers;
import io.aurachat.client.TlsInfo;
import io.aurachat.client.TlsTrust;
import io.aurachat.client.UntrustedServerException;
import io.aurachat.discovery.ServerInfo;
import io.aurachat.protocol.Fingerprint;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.RecordingListener;
import io.aurachat.testing.TestClients;
import io.aurachat.testing.TestServer;
import io.aurachat.testing.TestTls;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The TLS port: chat over it, what the handshake tolerates, trust on first use, and the per-address limit. */
class TlsTest {
    private static final TestTls.Identity SERVER = TestTls.identity("server-a");
    private static final TestTls.Identity IMPOSTOR = TestTls.identity("server-b");

    @RegisterExtension
    final TestServer server = new TestServer();

    @RegisterExtension
    final TestClients clients = new TestClients(server);

    @TempDir
    Path dir;

    private ChatServer startTls() {
        return server.start(b -> b.tls(SERVER.config().build()));
    }

    private RawClient tlsClient(ChatServer s, String protocol) {
        SSLSocket socket = TestTls.connect(TestTls.tlsAddress(s), List.of(protocol));
        return server.track(RawClient.over(socket));
    }

    @Test
    void clientsOnTheTlsPortAndThePlainPortChatWithEachOther() {
        ChatServer s = startTls();
        RawClient plain = server.join();
        RawClient tls = tlsClient(s, "TLSv1.3");
        Json welcome = tls.awaitWelcome();
        plain.takeType("join");
        tls.send("SAY over tls");
        Json got = plain.takeType("message");
        assertEquals("over tls", got.str("message"));
        assertEquals(welcome.str("id"), got.obj("from").str("id"));
        tls.takeType("ok");
        plain.send("CHAT " + welcome.str("id") + " back in plain text");
        assertEquals("back in plain text", tls.takeType("message").str("message"));
    }

    @Test
    void tls12WorksToo() {
        ChatServer s = startTls();
        RawClient tls = tlsClient(s, "TLSv1.2");
        tls.awaitWelcome();
        tls.send("PING");
        tls.takeType("pong");
    }

    @Test
    void longLinesAndManyLinesCrossTheTlsRecordBoundaries() {
        ChatServer s = server.start(b -> b.maxLineLength(60_000).rateLimit(RateLimit.NONE).tls(SERVER.config().build()));
        RawClient a = tlsClient(s, "TLSv1.3");
        String aId = a.awaitWelcome().str("id");
        RawClient b = tlsClient(s, "TLSv1.3");
        String bId = b.awaitWelcome().str("id");
        a.takeType("join");
        String big = "x".repeat(50_000);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            lines.add("CHAT " + bId + " line " + i + (i % 100 == 0 ? " " + big : ""));
        }
        a.sendAll(lines); // about 1.1 MB in one write: many records, many reads, pauses after each turn
        for (int i = 0; i < 2_000; i++) {
            Json m = b.takeType("message");
            assertEquals("line " + i + (i % 100 == 0 ? " " + big : ""), m.str("message"));
            assertEquals(aId, m.obj("from").str("id"));
        }
    }

    @Test
    void exitOverTlsSaysByeThenCloses() throws Exception {
        ChatServer s = startTls();
        RawClient tls = tlsClient(s, "TLSv1.3");
        tls.awaitWelcome();
        tls.send("EXIT");
        assertEquals("exit", tls.takeType("bye").str("reason"));
        tls.awaitClosed();
        Awaits.await("the client has left").until(() -> s.clients().isEmpty());
    }

    @Test
    void opensslSClientIsAWorkingClient() throws Exception {
        ChatServer s = startTls();
        RawClient plain = server.join();
        Process openssl = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + s.tlsPort(), "-quiet")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(openssl.getInputStream(), UTF_8));
            Json welcome = Json.parse(in.readLine());
            assertEquals("welcome", welcome.type());
            plain.takeType("join");
            OutputStream out = openssl.getOutputStream();
            out.write("SAY hello from openssl\n".getBytes(UTF_8));
            out.flush();
            assertEquals("hello from openssl", plain.takeType("message").str("message"));
            assertEquals("ok", Json.parse(in.readLine()).type());
            out.write("EXIT\n".getBytes(UTF_8));
            out.flush();
            assertEquals("bye", Json.parse(in.readLine()).type());
            assertTrue(openssl.waitFor(Awaits.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "openssl ends when the server closes");
        } finally {
            openssl.destroyForcibly();
        }
    }

    @Test
    void aHandshakeThatNeverEndsIsClosedAtItsTimeoutAndNobodySeesIt() throws Exception {
        ChatServer s = server.start(b -> b.tls(SERVER.config().handshakeTimeout(java.time.Duration.ofMillis(300)).build()));
        RawClient watcher = server.join();
        try (Socket silent = TestTls.raw(TestTls.tlsAddress(s))) {
            silent.setSoTimeout((int) Awaits.TIMEOUT.toMillis());
            assertEquals(-1, silent.getInputStream().read(), "closed by the server, after nothing");
        }
        try (Socket half = TestTls.raw(TestTls.tlsAddress(s))) {
            // The first bytes of a ClientHello, and no more: the handshake waits for the rest until its timeout.
            half.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            half.setSoTimeout((int) Awaits.TIMEOUT.toMillis());
            assertEquals(-1, half.getInputStream().read());
        }
        watcher.send("LIST");
        assertEquals(1, watcher.takeType("clients").list("clients").size(), "no half-open TLS client was ever listed");
        watcher.assertNothingPending();
    }

    @Test
    void garbageOnTheTlsPortGetsAnAlertAndAClosedConnection() throws Exception {
        ChatServer s = startTls();
        RawClient watcher = server.join();
        Random random = new Random(42);
        for (int round = 0; round < 5; round++) {
            try (Socket junk = TestTls.raw(TestTls.tlsAddress(s))) {
                byte[] bytes = new byte[4096];
                random.nextBytes(bytes);
                if (round == 0) {
                    bytes = "LIST\nSAY not tls\n".getBytes(UTF_8); // a plain client on the wrong port
                }
                junk.setSoTimeout((int) Awaits.TIMEOUT.toMillis());
                OutputStream out = junk.getOutputStream();
                try {
                    out.write(bytes);
                } catch (SocketException closedAlready) {
                    // the server may have closed after the first bytes
                }
                InputStream in = junk.getInputStream();
                try {
                    while (in.read() >= 0) {
                        // an alert, perhaps; then the end
                    }
                } catch (SocketException reset) {
                    // closed with our bytes unread: a reset is an end too
                }
            }
        }
        tlsClient(s, "TLSv1.3").awaitWelcome();
        watcher.takeType("join");
        watcher.assertNothingPending(); // the garbage produced no message
    }

    @Test
    void withThePlainPortOffOnlyTlsListens() {
        ChatServer s = server.start(b -> b.plainPort(false).tls(SERVER.config().build()));
        assertThrows(IllegalStateException.class, s::port);
        tlsClient(s, "TLSv1.3").awaitWelcome();
    }

    @Test
    void theChatClientRemembersAServerOnFirstUseAndKnowsItAgain() throws Exception {
        ChatServer s = startTls();
        Path known = dir.resolve("known_servers");
        TlsTrust trust = TlsTrust.knownServers(known);
        InetSocketAddress at = TestTls.tlsAddress(s);
        RecordingListener firstListener = new RecordingListener();
        ChatClient first = clients.connect(clients.config().server(at).tls(trust).build(), firstListener);
        TlsInfo info = first.tls().orElseThrow();
        assertTrue(info.firstContact());
        assertEquals(Fingerprint.of(SERVER.certificate()), info.fingerprint());
        assertEquals("TLSv1.3", info.protocol());
        String key = KnownServers.key(at.getHostString(), at.getPort());
        assertEquals(List.of(key + " " + info.fingerprint().hex()), Files.readAllLines(known));

        ChatClient again = clients.connect(clients.config().server(at).tls(trust).build(), new RecordingListener());
        assertFalse(again.tls().orElseThrow().firstContact());
        assertEquals(1, Files.readAllLines(known).size(), "nothing added for a server already known");
        again.say("encrypted");
        firstListener.awaitMessage("encrypted");
    }

    @Test
    void aChangedCertificateIsRefusedShowingBothFingerprints() throws Exception {
        Path known = dir.resolve("known_servers");
        int port;
        ChatServer original = ChatServer.create(TestServer.defaults().tls(SERVER.config().build()).build()).start();
        try {
            port = original.tlsPort();
            clients.connect(io.aurachat.client.ClientConfig.builder().server(new InetSocketAddress(TestServer.LOOPBACK, port))
                    .tls(TlsTrust.knownServers(known)).build(), new RecordingListener()).close();
        } finally {
            original.close();
        }
        List<String> remembered = Files.readAllLines(known);
        // Another server (another key) on the same address and port: a man in the middle, or a new certificate.
        ChatServer impostor = server.start(b -> b.tls(IMPOSTOR.config().port(port).build()));
        UntrustedServerException refused = assertThrows(UntrustedServerException.class, () -> ChatClient.connect(
                io.aurachat.client.ClientConfig.builder().server(new InetSocketAddress(TestServer.LOOPBACK, impostor.tlsPort()))
                        .tls(TlsTrust.knownServers(known)).build(), new RecordingListener()));
        assertEquals(Fingerprint.of(SERVER.certificate()), refused.expected());
        assertEquals(Fingerprint.of(IMPOSTOR.certificate()), refused.presented());
        assertTrue(refused.getMessage().contains(refused.expected().display()), refused.getMessage());
        assertTrue(refused.getMessage().contains(refused.presented().display()), refused.getMessage());
        assertTrue(refused.getMessage().contains(known.toString()), "says which file to edit: " + refused.getMessage());
        assertEquals(remembered, Files.readAllLines(known), "the remembered fingerprint is not replaced");
        Awaits.await("the refused client never joined").until(() -> impostor.clients().isEmpty());

        // Once the user removes the line, the new certificate is trusted on first use again.
        Files.writeString(known, "");
        ChatClient accepted = clients.connect(clients.config().server(new InetSocketAddress(TestServer.LOOPBACK,
                impostor.tlsPort())).tls(TlsTrust.knownServers(known)).build(), new RecordingListener());
        assertTrue(accepted.tls().orElseThrow().firstContact());
    }

    @Test
    void aPinnedFingerprintIsTheOnlyOneAccepted() throws Exception {
        ChatServer s = startTls();
        InetSocketAddress at = TestTls.tlsAddress(s);
        Fingerprint right = Fingerprint.parse(Fingerprint.of(SERVER.certificate()).display()); // as openssl prints it
        ChatClient ok = clients.connect(clients.config().server(at).tls(TlsTrust.pinned(right)).build(),
                new RecordingListener());
        assertEquals(right, ok.tls().orElseThrow().fingerprint());
        Fingerprint wrong = Fingerprint.of(IMPOSTOR.certificate());
        UntrustedServerException refused = assertThrows(UntrustedServerException.class, () -> ChatClient.connect(
                clients.config().server(at).tls(TlsTrust.pinned(wrong)).build(), new RecordingListener()));
        assertEquals(wrong, refused.expected());
        assertEquals(right, refused.presented());
    }

    @Test
    void aClientThatDiscoversTheServerConnectsOverTlsAndChecksTheAnnouncedFingerprint() throws Exception {
        ChatServer s = server.start(b -> b.tls(SERVER.config().build())
                .discovery(io.aurachat.discovery.DiscoveryConfig.builder().port(0)
                        .multicast(io.aurachat.discovery.DiscoveryConfig.Multicast.NONE).build()));
        ServerInfo found;
        try (io.aurachat.discovery.DiscoveryClient d = TestClients.loopbackDiscovery(s.discoveryPort()).get()) {
            found = d.discoverFirst(java.time.Duration.ofSeconds(5)).orElseThrow();
        }
        assertEquals(s.tlsPort(), found.tlsPort());
        assertEquals(Fingerprint.of(SERVER.certificate()).hex(), found.fingerprint());
        assertEquals(s.port(), found.tcpPort());
        ChatClient client = clients.connect(io.aurachat.client.ClientConfig.builder()
                .discover(TestClients.loopbackDiscovery(s.discoveryPort())).discoveryTimeout(java.time.Duration.ofSeconds(5))
                .tls(TlsTrust.knownServers(dir.resolve("known"))).build(), new RecordingListener());
        assertEquals(s.tlsPort(), client.session().server().getPort(), "the TLS port, not the plain one");
        assertTrue(client.tls().orElseThrow().firstContact());
    }

    @Test
    void connectionsFromOneAddressAreLimitedAndOtherAddressesAreNot() throws Exception {
        ChatServer s = server.start(b -> b.maxConnectionsPerAddress(3).tls(SERVER.config().build()));
        List<RawClient> three = server.joinAll(3);
        RawClient fourth = server.connect();
        Json bye = fourth.takeType("bye");
        assertEquals("too-many-connections", bye.str("reason"));
        fourth.awaitClosed();
        try (Socket tls = TestTls.raw(TestTls.tlsAddress(s))) { // the TLS port counts too: closed before any handshake
            tls.setSoTimeout((int) Awaits.TIMEOUT.toMillis());
            assertEquals(-1, tls.getInputStream().read());
        }
        // Another machine (another loopback address) is not affected.
        RawClient other = server.connect(socket -> socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0)));
        other.awaitWelcome();
        // One of the three goes: its address may connect again, once the server has closed that socket.
        three.get(0).close();
        Awaits.await("a connection from 127.0.0.1 is taken again").until(() -> {
            RawClient again = server.connect();
            if ("welcome".equals(again.take().type())) {
                return true;
            }
            again.close();
            return false;
        });
    }
    /**
     * openssl s_client's interactive commands (not with -quiet or -ign_eof, which turn them off): K sends a TLS 1.3
     * key update and asks for the server's, R starts a TLS 1.2 renegotiation. s_client reads what it is given as
     * commands only at the start of a read, so the command goes alone and the lines after it are written until one
     * gets its answer.
     *
     * @return the JSON lines the server sent after the welcome, until it closed or the client said EXIT
     */
    private static List<String> afterOpensslCommand(ChatServer s, String version, String command) throws Exception {
        Process openssl = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + s.tlsPort(), version)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            java.util.concurrent.LinkedBlockingQueue<String> json = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(openssl.getInputStream(), UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("{")) {
                            json.add(line);
                        }
                    }
                } catch (java.io.IOException e) {
                    // ended
                } finally {
                    ended.countDown();
                }
            });
            assertTrue(json.poll(Awaits.TIMEOUT.toSeconds(), TimeUnit.SECONDS).contains("\"welcome\""));
            OutputStream out = openssl.getOutputStream();
            out.write((command + "\n").getBytes(UTF_8));
            out.flush();
            List<String> got = new ArrayList<>();
            Awaits.await("an answer to PING, or the end of the connection").until(() -> {
                if (ended.getCount() == 0) {
                    json.drainTo(got);
                    return true;
                }
                try {
                    out.write("PING\n".getBytes(UTF_8));
                    out.flush();
                } catch (java.io.IOException closed) {
                    // s_client ended
                }
                String line = json.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    got.add(line);
                }
                return line != null && line.contains("\"pong\"");
            });
            if (ended.getCount() > 0) {
                out.write("EXIT\n".getBytes(UTF_8));
                out.flush();
                assertTrue(ended.await(Awaits.TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the server closes after EXIT");
                json.drainTo(got);
            }
            return got;
        } finally {
            openssl.destroyForcibly();
        }
    }

    @Test
    void aTls13KeyUpdateFromTheClientKeepsTheConnectionWorking() throws Exception {
        List<String> lines = afterOpensslCommand(startTls(), "-tls1_3", "K");
        assertTrue(lines.stream().noneMatch(l -> l.contains("unknown-command")), "K was a command, not a line: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"pong\"")), lines.toString());
        assertTrue(lines.get(lines.size() - 1).contains("\"bye\""), lines.toString());
    }

    @Test
    void aTls12RenegotiationIsRefusedByClosingTheConnection() throws Exception {
        ChatServer s = startTls();
        RawClient watcher = server.join();
        List<String> lines = afterOpensslCommand(s, "-tls1_2", "R");
        assertTrue(lines.stream().noneMatch(l -> l.contains("\"pong\"") || l.contains("unknown-command")),
                "nothing after the renegotiation: " + lines);
        watcher.takeType("join");
        assertEquals("disconnected", watcher.takeType("leave").str("reason"));
    }
    @Test
    void aTlsClientThatDoesNotReadIsCutAsASlowConsumerAndTheSenderGoesOn() throws Exception {
        ChatServer s = server.start(b -> b.rateLimit(RateLimit.NONE).maxOutboundBytes(64 * 1024).outboundSoftTimeout(java.time.Duration.ofMillis(200))
                .tls(SERVER.config().build()));
        RawClient flooder = server.join();
        SSLSocket deaf = TestTls.connect(TestTls.tlsAddress(s), List.of("TLSv1.3"));
        server.track(deaf);
        deaf.setReceiveBufferSize(4096);
        String deafId = flooder.takeType("join").obj("client").str("id");
        String payload = "z".repeat(1000);
        String reason = null;
        for (int round = 0; reason == null && round < 2_000; round++) {
            flooder.sendAll(java.util.Collections.nCopies(50, "CHAT " + deafId + " " + payload));
            for (int replies = 0; replies < 50 && reason == null; ) {
                Json j = flooder.take();
                switch (j.type()) {
                    case "ok" -> replies++;
                    case "error" -> replies++; // no-such-client once it is gone
                    case "leave" -> reason = j.str("reason");
                    default -> { }
                }
            }
        }
        assertEquals("slow-consumer", reason, "the deaf TLS client was cut");
        flooder.send("PING");
        while (!"pong".equals(flooder.take().type())) {
            // the rest of the last batch's replies
        }
    }
}
