package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aurachat.discovery.DiscoveryClient;
import io.aurachat.discovery.DiscoveryConfig;
import io.aurachat.log.LogEvent;
import io.aurachat.testing.RecordingLogSink;
import io.aurachat.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server answers discovery only where its chat port can be reached: the address a reply comes from must
 * be one its TCP listener takes (docs/discovery.md). The rule itself without sockets, then a server on ::1
 * that drops a probe from 127.0.0.1 (loopback only).
 */
class DiscoveryReachabilityTest {

    @RegisterExtension
    final TestServer server = new TestServer();

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aReplyMustLeadToAnAddressTheListenerTakes() {
        InetAddress loopback4 = ip("127.0.0.1");
        InetAddress loopback6 = ip("::1");
        InetAddress lan4 = ip("192.168.1.30");
        InetAddress lan6 = ip("fe80::30");
        List<InetAddress> sources = List.of(loopback4, lan4, loopback6, lan6);
        // listening on -> which of the sources above it answers
        record Row(String listening, List<Boolean> answers) {}
        List<Row> rows = List.of(
                new Row("::", List.of(true, true, true, true)),
                new Row("0.0.0.0", List.of(true, true, false, false)),
                new Row("127.0.0.1", List.of(true, false, false, false)),
                new Row("192.168.1.20", List.of(false, true, false, false)),
                new Row("::1", List.of(false, false, true, false)),
                new Row("2001:db8::20", List.of(false, false, false, true)));
        for (Row row : rows) {
            for (int i = 0; i < sources.size(); i++) {
                assertEquals(row.answers().get(i), ChatServer.reachable(ip(row.listening()), sources.get(i)),
                        "listening on " + row.listening() + ", a probe from " + sources.get(i).getHostAddress());
            }
        }
    }

    @Test
    void aServerOnIpv4JoinsNoIpv6Group() {
        DiscoveryConfig configured = DiscoveryConfig.builder().build();
        assertNull(ChatServer.discoveryFor(configured, ip("0.0.0.0")).ipv6Group());
        assertNull(ChatServer.discoveryFor(configured, ip("127.0.0.1")).ipv6Group());
        assertEquals(configured.toBuilder().ipv6Group(null).build(), ChatServer.discoveryFor(configured, ip("0.0.0.0")));
        assertSame(configured, ChatServer.discoveryFor(configured, ip("::")));
        assertSame(configured, ChatServer.discoveryFor(configured, ip("::1")));
    }

    @Test
    void aServerOnTheIpv6LoopbackDoesNotAnswerAProbeFromTheIpv4One() throws Exception {
        try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress(ip("::1"), 0));
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "this machine has no IPv6 loopback address (::1)");
        }
        RecordingLogSink log = new RecordingLogSink();
        ChatServer s = server.start(b -> b.bindAddress(ip("::1")).logSink(log)
                .discovery(DiscoveryConfig.builder().port(0).multicast(DiscoveryConfig.Multicast.NONE).build()));
        DiscoveryClient discovery = server.track(DiscoveryClient.builder().port(s.discoveryPort())
                .targets(List.of(ip("127.0.0.1"))).multicastGroups(List.of()).probeRepeats(1).build());

        // The reply would come from 127.0.0.1, where nothing listens: no answer, and the drop is logged.
        assertEquals(List.of(), discovery.discover(Duration.ofMillis(300)));
        LogEvent.DiscoveryIgnored ignored = log.await(LogEvent.DiscoveryIgnored.class, e -> true);
        assertEquals("unreachable", ignored.reason());
        assertEquals(ip("127.0.0.1"), ignored.source().getAddress());
        assertFalse(log.events().stream().anyMatch(e -> e instanceof LogEvent.DiscoveryAnswered));
        assertTrue(s.isRunning());
    }
}
