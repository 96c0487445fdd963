package io.aurachat.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.log.LogEvent;
import io.aurachat.server.ChatServer;
import io.aurachat.testing.Awaits;
import io.aurachat.testing.Json;
import io.aurachat.testing.RawClient;
import io.aurachat.testing.RecordingLogSink;
import io.aurachat.testing.TestServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Discovery end to end over loopback only: the client's targets are 127.0.0.1 and 127.255.255.255, and
 * the responders join multicast on {@code lo} at most. Nothing here sends to any other address.
 */
class LoopbackDiscoveryTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final InetAddress LOOPBACK_BROADCAST = literal("127.255.255.255");

    @RegisterExtension
    final TestServer server = new TestServer();

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A responder that joins no multicast group anywhere: safe outside a network namespace. */
    static DiscoveryConfig.Builder loopbackResponder(int port) {
        return DiscoveryConfig.builder().port(port).multicast(DiscoveryConfig.Multicast.NONE);
    }

    /** A client that probes loopback addresses only and no multicast group. */
    static DiscoveryClient.Builder loopbackClient(int port, InetAddress... targets) {
        return DiscoveryClient.builder().port(port).targets(List.of(targets)).multicastGroups(List.of())
                .probeInterval(Duration.ofMillis(50));
    }

    private DiscoveryClient client(DiscoveryClient.Builder builder) {
        return server.track(builder.build());
    }

    /** A UDP port free on every address right now, for servers that must share it. */
    private static int freeUdpPort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    private ChatServer startExtraServer(String name, DiscoveryConfig discovery) throws IOException {
        ChatServer extra = server.track(ChatServer.create(TestServer.defaults().serverName(name).discovery(discovery).build()));
        return extra.start();
    }

    @Test
    void oneServerIsFoundWithItsPortNameAndClients() throws Exception {
        RecordingLogSink log = new RecordingLogSink();
        ChatServer s = server.start(b -> b.serverName("Sala giochi").logSink(log).discovery(loopbackResponder(0).build()));
        RawClient someone = server.join();

        DiscoveryClient discovery = client(loopbackClient(s.discoveryPort(), LOOPBACK, LOOPBACK_BROADCAST));
        List<ServerInfo> found = discovery.discover(Duration.ofMillis(400));

        assertEquals(1, found.size(), found::toString);
        ServerInfo info = found.get(0);
        assertEquals(LOOPBACK, info.address());
        assertEquals(s.port(), info.tcpPort());
        assertEquals("Sala giochi", info.name());
        assertEquals(1, info.clients());
        assertEquals(1, info.protocolVersion());
        assertFalse(info.instanceId().isBlank());

        LogEvent.DiscoveryAnswered answered = log.await(LogEvent.DiscoveryAnswered.class, e -> true);
        assertEquals(512, answered.probeBytes());
        assertTrue(answered.replyBytes() > 0 && answered.replyBytes() <= answered.probeBytes(), answered::toString);
        assertEquals(LOOPBACK, answered.source().getAddress());

        // The address and port it reports are a working chat server.
        try (RawClient viaDiscovery = RawClient.connect(info.socketAddress())) {
            viaDiscovery.awaitWelcome();
            viaDiscovery.send("SAY found you");
            assertEquals("ok", viaDiscovery.takeType("ok").str("type"));
            someone.takeType("join");
            assertEquals("found you", someone.takeType("message").str("message"));
        }
    }

    @Test
    void theInstanceIdIsStableWhileTheServerRuns() throws Exception {
        ChatServer s = server.start(b -> b.discovery(loopbackResponder(0).build()));
        DiscoveryClient discovery = client(loopbackClient(s.discoveryPort(), LOOPBACK));
        ServerInfo first = discovery.discoverFirst(Duration.ofSeconds(5)).orElseThrow();
        server.join();
        ServerInfo second = discovery.discoverFirst(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(first.instanceId(), second.instanceId());
        assertEquals(0, first.clients());
        assertEquals(1, second.clients());
    }

    @Test
    void twoServersAnswerOneBroadcastProbe() throws Exception {
        int port = freeUdpPort();
        ChatServer a = server.start(b -> b.serverName("A").discovery(loopbackResponder(port).build()));
        ChatServer b = startExtraServer("B", loopbackResponder(port).build());
        assertEquals(port, a.discoveryPort());
        assertEquals(port, b.discoveryPort());

        // One round, one probe, one target: both answers come from the same datagram.
        DiscoveryClient discovery = client(loopbackClient(port, LOOPBACK_BROADCAST).probeRepeats(1));
        List<ServerInfo> found = discovery.discover(Duration.ofMillis(500));

        assertEquals(Set.of("A", "B"), found.stream().map(ServerInfo::name).collect(Collectors.toSet()), found::toString);
        assertEquals(Set.of(a.port(), b.port()), found.stream().map(ServerInfo::tcpPort).collect(Collectors.toSet()));
        assertNotEquals(found.get(0).instanceId(), found.get(1).instanceId());
    }

    @Test
    void repeatedAnswersOfOneServerAreReportedOnce() throws Exception {
        ChatServer s = server.start(b -> b.discovery(loopbackResponder(0).build()));
        List<ServerInfo> heard = new ArrayList<>();
        // Two targets reach the same server, three rounds: six answers, one server.
        DiscoveryClient discovery = client(loopbackClient(s.discoveryPort(), LOOPBACK, LOOPBACK_BROADCAST).probeRepeats(3));
        List<ServerInfo> found = discovery.discover(Duration.ofMillis(400), heard::add);
        assertEquals(1, found.size(), found::toString);
        assertEquals(found, heard);
    }

    @Test
    void withNoServerTheResultIsEmptyAfterTheTimeout() throws Exception {
        int port = freeUdpPort();
        DiscoveryClient discovery = client(loopbackClient(port, LOOPBACK, LOOPBACK_BROADCAST));
        long start = System.nanoTime();
        List<ServerInfo> found = discovery.discover(Duration.ofMillis(300));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(List.of(), found);
        assertTrue(elapsedMillis >= 300, "returned after " + elapsedMillis + " ms");
        assertTrue(elapsedMillis < 300 + Awaits.TIMEOUT.toMillis(), "returned after " + elapsedMillis + " ms");
        assertEquals(Optional.empty(), discovery.discoverFirst(Duration.ofMillis(50)));
    }

    @Test
    void discoverFirstReturnsAtTheFirstAnswer() throws Exception {
        ChatServer s = server.start(b -> b.discovery(loopbackResponder(0).build()));
        DiscoveryClient discovery = client(loopbackClient(s.discoveryPort(), LOOPBACK));
        long start = System.nanoTime();
        Optional<ServerInfo> first = discovery.discoverFirst(Duration.ofMinutes(5));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(s.port(), first.orElseThrow().tcpPort());
        assertTrue(elapsedMillis < Awaits.TIMEOUT.toMillis(), "took " + elapsedMillis + " ms");
    }

    @Test
    void garbageIsIgnoredAndLoggedWithoutAReply() throws Exception {
        RecordingLogSink log = new RecordingLogSink();
        ChatServer s = server.start(b -> b.logSink(log).discovery(loopbackResponder(0).build()));
        InetSocketAddress responder = new InetSocketAddress(LOOPBACK, s.discoveryPort());

        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            socket.setSoTimeout((int) Awaits.TIMEOUT.toMillis());
            List<byte[]> garbage = List.of(
                    "M-SEARCH * HTTP/1.1\r\n\r\n".getBytes(UTF_8),
                    new byte[] {0, 1, 2, (byte) 0xff},
                    "{\"type\":\"aurachat-server\",\"version\":1}".getBytes(UTF_8),
                    "{\"type\":\"aurachat-probe\",\"version\":1}".getBytes(UTF_8),
                    new byte[3000]);
            for (byte[] datagram : garbage) {
                socket.send(new DatagramPacket(datagram, datagram.length, responder));
            }
            byte[] probe = DiscoveryWire.probe();
            socket.send(new DatagramPacket(probe, probe.length, responder));

            // The responder reads datagrams in order, one thread per socket: had it answered any of the
            // garbage, that answer would arrive before the answer to the probe.
            DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
            socket.receive(packet);
            Json reply = Json.parse(new String(packet.getData(), 0, packet.getLength(), UTF_8));
            assertEquals("aurachat-server", reply.str("type"));
            assertEquals((long) s.port(), reply.map().get("port"));
        }
        log.await(LogEvent.DiscoveryAnswered.class, e -> true);
        List<String> reasons = log.events(LogEvent.DiscoveryIgnored.class).stream()
                .map(LogEvent.DiscoveryIgnored::reason).toList();
        assertEquals(List.of("malformed", "malformed", "foreign", "too-small", "too-large"), reasons);
        assertEquals(3000, log.events(LogEvent.DiscoveryIgnored.class).get(4).bytes());

        // And the responder still answers a real client.
        assertEquals(1, client(loopbackClient(s.discoveryPort(), LOOPBACK)).discover(Duration.ofMillis(200)).size());
    }

    @Test
    void aFloodingSourceIsRateLimitedAndReportedOncePerRun() throws Exception {
        RecordingLogSink log = new RecordingLogSink();
        ChatServer s = server.start(b -> b.logSink(log).discovery(loopbackResponder(0).rateLimit(1, 2).build()));
        InetSocketAddress responder = new InetSocketAddress(LOOPBACK, s.discoveryPort());
        byte[] probe = DiscoveryWire.probe();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            for (int i = 0; i < 20; i++) {
                socket.send(new DatagramPacket(probe, probe.length, responder));
            }
            byte[] marker = "end of flood".getBytes(UTF_8);
            socket.send(new DatagramPacket(marker, marker.length, responder));
        }
        log.await(LogEvent.DiscoveryIgnored.class, e -> e.reason().equals("malformed"));
        List<LogEvent.DiscoveryIgnored> limited = log.events(LogEvent.DiscoveryIgnored.class).stream()
                .filter(e -> e.reason().equals("rate-limited")).toList();
        int answered = log.events(LogEvent.DiscoveryAnswered.class).size();
        // 20 probes in well under a second at 1/s with a burst of 2: 2 answers (3 if the run was slow).
        assertTrue(answered >= 2 && answered <= 3, answered + " answers");
        assertTrue(limited.size() >= 1 && limited.size() <= answered - 1, limited.size() + " rate-limited events");
    }

    @Test
    void multicastOnLoopbackFindsTheServer() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(LOOPBACK);
        ChatServer s = server.start(b -> b.discovery(loopbackResponder(0)
                .multicast(DiscoveryConfig.Multicast.LOOPBACK_ONLY).ipv6Group(null).build()));
        DiscoveryClient discovery = client(DiscoveryClient.builder().port(s.discoveryPort()).targets(List.of())
                .multicastGroups(List.of(DiscoveryConfig.DEFAULT_IPV4_GROUP)).multicastInterfaces(List.of(lo))
                .probeInterval(Duration.ofMillis(50)));
        ServerInfo found = discovery.discoverFirst(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(s.port(), found.tcpPort());
    }

    @Test
    void aClosedServerNoLongerAnswers() throws Exception {
        ChatServer s = server.start(b -> b.discovery(loopbackResponder(0).build()));
        int port = s.discoveryPort();
        DiscoveryClient discovery = client(loopbackClient(port, LOOPBACK));
        assertEquals(1, discovery.discover(Duration.ofMillis(200)).size());
        s.close();
        assertEquals(List.of(), discovery.discover(Duration.ofMillis(200)));
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("aurachat-discovery-" + port) && t.isAlive()));
    }

    @Test
    void discoveryIsOffUnlessConfigured() {
        ChatServer s = server.start();
        assertEquals(Optional.empty(), s.discoveryAddress());
        assertThrows(IllegalStateException.class, s::discoveryPort);
        assertThrows(IllegalStateException.class,
                () -> ChatServer.create(TestServer.defaults().build()).discoveryAddress());
    }

    @Test
    void aBusyDiscoveryPortFailsTheStartAndFreesTheTcpPort() throws Exception {
        try (DatagramChannel squatter = DatagramChannel.open()) {
            squatter.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            squatter.bind(new InetSocketAddress(0));
            int busy = ((InetSocketAddress) squatter.getLocalAddress()).getPort();
            ChatServer s = server.track(ChatServer.create(TestServer.defaults().discovery(loopbackResponder(busy).build()).build()));
            assertThrows(IOException.class, s::start);
            assertFalse(s.isRunning());
        }
    }

    @Test
    void interruptingADiscoveryEndsItWithInterruptedException() throws Exception {
        DiscoveryClient discovery = client(loopbackClient(freeUdpPort(), LOOPBACK));
        AtomicReference<Thread> caller = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            caller.set(Thread.currentThread());
            started.countDown();
            try {
                discovery.discover(Duration.ofMinutes(5));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        }, "test-discover");
        t.start();
        assertTrue(started.await(5, TimeUnit.SECONDS));
        t.interrupt();
        assertTrue(outcome.get(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) instanceof InterruptedException);
    }

    @Test
    void closingTheClientEndsARunningDiscoveryAndLaterOnesFail() throws Exception {
        ChatServer s = server.start(b -> b.discovery(loopbackResponder(0).build()));
        DiscoveryClient discovery = client(loopbackClient(s.discoveryPort(), LOOPBACK));
        CountDownLatch heard = new CountDownLatch(1);
        CompletableFuture<List<ServerInfo>> running = CompletableFuture.supplyAsync(() -> {
            try {
                return discovery.discover(Duration.ofMinutes(5), info -> heard.countDown());
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(heard.await(5, TimeUnit.SECONDS));
        discovery.close();
        assertEquals(1, running.get(Awaits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size());
        assertThrows(IllegalStateException.class, () -> discovery.discover(Duration.ofMillis(10)));
    }

    @Test
    void withNothingToProbeTheCallFailsAtOnce() {
        DiscoveryClient discovery = client(DiscoveryClient.builder().targets(List.of()).multicastGroups(List.of()));
        DiscoveryUnavailableException e =
                assertThrows(DiscoveryUnavailableException.class, () -> discovery.discover(Duration.ofMinutes(5)));
        assertEquals("no discovery probe could be sent to UDP port 5001: nothing to probe (no target, no multicast "
                + "group)", e.getMessage());
        assertEquals(Map.of(), e.failures());
        assertEquals(5001, e.port());
    }

    @Test
    void theDefaultTargetsStartWithThisMachine() {
        // Computed only: nothing is sent.
        List<InetAddress> targets = DiscoveryClient.defaultTargets(DiscoveryClient.upInterfaces());
        assertEquals(List.of(LOOPBACK, LOOPBACK_BROADCAST), targets.subList(0, 2), targets::toString);
        assertEquals(literal("255.255.255.255"), targets.get(targets.size() - 1), targets::toString);
        assertEquals(targets.size(), Set.copyOf(targets).size(), "no target twice: " + targets);
    }
}
