package io.aurachat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.server.ServerConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Defaults and validation of the discovery settings, server and client side. */
class DiscoveryConfigTest {

    @Test
    void aServerHasDiscoveryOffUnlessItOptsIn() {
        assertSame(DiscoveryConfig.disabled(), ServerConfig.builder().build().discovery());
        assertFalse(DiscoveryConfig.disabled().enabled());
    }

    @Test
    void builderDefaultsMatchTheDocumentation() throws Exception {
        DiscoveryConfig config = DiscoveryConfig.builder().build();
        assertTrue(config.enabled());
        assertEquals(5001, config.port());
        assertNull(config.bindAddress());
        assertEquals(InetAddress.getByName("239.255.77.77"), config.ipv4Group());
        assertEquals(InetAddress.getByName("ff02::77:77"), config.ipv6Group());
        assertEquals(DiscoveryConfig.Multicast.ALL_INTERFACES, config.multicast());
        assertEquals(5, config.ratePerSecond());
        assertEquals(10, config.rateBurst());
        assertEquals(100, config.maxLogEventsPerSecond());
        assertEquals(config, config.toBuilder().build());
    }

    @Test
    void keepsEveryValueSet() throws Exception {
        DiscoveryConfig config = DiscoveryConfig.builder().port(0).bindAddress(InetAddress.getByName("127.0.0.1"))
                .ipv4Group(InetAddress.getByName("239.1.2.3")).ipv6Group(null)
                .multicast(DiscoveryConfig.Multicast.LOOPBACK_ONLY).rateLimit(1, 2).maxLogEventsPerSecond(7).build();
        assertEquals(0, config.port());
        assertEquals(InetAddress.getByName("127.0.0.1"), config.bindAddress());
        assertEquals(InetAddress.getByName("239.1.2.3"), config.ipv4Group());
        assertNull(config.ipv6Group());
        assertEquals(DiscoveryConfig.Multicast.LOOPBACK_ONLY, config.multicast());
        assertEquals(1, config.ratePerSecond());
        assertEquals(2, config.rateBurst());
        assertEquals(7, config.maxLogEventsPerSecond());
        assertEquals(config, ServerConfig.builder().discovery(config).build().toBuilder().build().discovery());
    }

    static Stream<Arguments> badServerValues() {
        return Stream.of(
                bad("discovery port", b -> b.port(-1)),
                bad("discovery port", b -> b.port(65536)),
                bad("bindAddress", b -> b.bindAddress(literal("::1"))),
                bad("ipv4Group", b -> b.ipv4Group(literal("10.0.0.1"))),
                bad("ipv4Group", b -> b.ipv4Group(literal("ff02::1"))),
                bad("ipv6Group", b -> b.ipv6Group(literal("239.255.77.77"))),
                bad("ipv6Group", b -> b.ipv6Group(literal("fe80::1"))),
                bad("multicast", b -> b.multicast(null)),
                bad("rate limit", b -> b.rateLimit(0, 1)),
                bad("burst", b -> b.rateLimit(1, 0)),
                bad("maxLogEventsPerSecond", b -> b.maxLogEventsPerSecond(0)));
    }

    private static Arguments bad(String name, UnaryOperator<DiscoveryConfig.Builder> change) {
        return Arguments.of(name, change);
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badServerValues")
    void badServerValuesAreRejectedByName(String name, UnaryOperator<DiscoveryConfig.Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(DiscoveryConfig.builder()).build());
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }

    @Test
    void aNullDiscoveryConfigIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().discovery(null).build());
    }

    @Test
    void badClientValuesAreRejectedByName() {
        assertClient("port", b -> b.port(0));
        assertClient("timeout", b -> b.timeout(Duration.ZERO));
        assertClient("probeRepeats", b -> b.probeRepeats(0));
        assertClient("probeInterval", b -> b.probeInterval(Duration.ZERO));
        assertClient("multicastGroups", b -> b.multicastGroups(List.of(literal("10.0.0.1"))));
        try (DiscoveryClient client = DiscoveryClient.builder().targets(List.of()).multicastGroups(List.of()).build()) {
            assertThrows(IllegalArgumentException.class, () -> client.discover(Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> client.discover(Duration.ofSeconds(-1)));
        }
    }

    private static void assertClient(String name, UnaryOperator<DiscoveryClient.Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(DiscoveryClient.builder()).build());
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }

    @Test
    void serverInfoChecksItsComponents() {
        InetAddress a = InetAddress.getLoopbackAddress();
        assertEquals(5000, new ServerInfo(a, 5000, "n", "i", 0, 1).socketAddress().getPort());
        assertThrows(IllegalArgumentException.class, () -> new ServerInfo(a, 0, "n", "i", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ServerInfo(a, 1, "n", "i", -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ServerInfo(a, 1, "n", "i", 0, 0));
        assertThrows(NullPointerException.class, () -> new ServerInfo(null, 1, "n", "i", 0, 1));
    }
}
