package io.aurachat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.discovery.DiscoveryClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The client configuration: its defaults, the builder's checks, and {@code toBuilder}. No sockets. */
class ClientConfigTest {

    private static ClientConfig.Builder builder() {
        return ClientConfig.builder();
    }

    @Test
    void defaultsAreThoseTheJavadocStates() {
        ClientConfig c = builder().build();
        assertEquals(Optional.empty(), c.server(), "discovery by default");
        assertNotNull(c.discovery());
        assertEquals(DiscoveryClient.DEFAULT_TIMEOUT, c.discoveryTimeout());
        assertEquals(Duration.ofSeconds(2), c.discoveryTimeout());
        assertEquals(Optional.empty(), c.name());
        assertEquals(Duration.ofSeconds(5), c.connectTimeout());
        assertEquals(ClientConfig.DEFAULT_CONNECT_TIMEOUT, c.connectTimeout());
        assertEquals(Duration.ofSeconds(10), c.callTimeout());
        assertEquals(ClientConfig.DEFAULT_CALL_TIMEOUT, c.callTimeout());
        assertSame(ReconnectPolicy.none(), c.reconnect());
        assertEquals(10_000, c.eventQueueCapacity());
        assertEquals(16 << 20, c.maxLineLength());
        assertNotNull(c.random());
    }

    @Test
    void everySettingIsKept() {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4321);
        ReconnectPolicy policy = ReconnectPolicy.backoff(Duration.ofMillis(10), Duration.ofSeconds(1)).maxAttempts(4);
        RandomGenerator random = new SplittableRandom(7);
        ClientConfig c = builder().server(address).name("Mario").discoveryTimeout(Duration.ofMillis(300))
                .connectTimeout(Duration.ofMillis(400)).callTimeout(Duration.ofMillis(500)).reconnect(policy)
                .eventQueueCapacity(3).maxLineLength(2048).random(random).build();
        assertEquals(Optional.of(address), c.server());
        assertEquals(Optional.of("Mario"), c.name());
        assertEquals(Duration.ofMillis(300), c.discoveryTimeout());
        assertEquals(Duration.ofMillis(400), c.connectTimeout());
        assertEquals(Duration.ofMillis(500), c.callTimeout());
        assertSame(policy, c.reconnect());
        assertEquals(3, c.eventQueueCapacity());
        assertEquals(2048, c.maxLineLength());
        assertSame(random, c.random());
    }

    @Test
    void aHostAndPortStayUnresolvedUntilEachAttempt() {
        ClientConfig c = builder().server("localhost", 5000).build();
        InetSocketAddress address = c.server().orElseThrow();
        assertTrue(address.isUnresolved(), address::toString);
        assertEquals("localhost", address.getHostString());
        assertEquals(5000, address.getPort());
    }

    @Test
    void portsOutsideOneTo65535AreRejected() {
        for (int port : new int[] {0, -1, 65_536, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> builder().server("127.0.0.1", port).build(), "port " + port);
        }
        assertEquals(1, builder().server("127.0.0.1", 1).build().server().orElseThrow().getPort());
        assertEquals(65_535, builder().server("127.0.0.1", 65_535).build().server().orElseThrow().getPort());
    }

    @Test
    void durationsMustBePositive() {
        List<Duration> bad = List.of(Duration.ZERO, Duration.ofNanos(-1), Duration.ofSeconds(-5));
        for (Duration d : bad) {
            assertThrows(IllegalArgumentException.class, () -> builder().discoveryTimeout(d).build(), "discoveryTimeout " + d);
            assertThrows(IllegalArgumentException.class, () -> builder().connectTimeout(d).build(), "connectTimeout " + d);
            assertThrows(IllegalArgumentException.class, () -> builder().callTimeout(d).build(), "callTimeout " + d);
        }
        Duration tiny = Duration.ofNanos(1);
        ClientConfig c = builder().discoveryTimeout(tiny).connectTimeout(tiny).callTimeout(tiny).build();
        assertEquals(tiny, c.discoveryTimeout());
        assertEquals(tiny, c.connectTimeout());
        assertEquals(tiny, c.callTimeout());
    }

    @Test
    void eventQueueCapacityIsOneToTenMillion() {
        for (int bad : new int[] {0, -1, 10_000_001, Integer.MIN_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> builder().eventQueueCapacity(bad).build(), "capacity " + bad);
        }
        assertEquals(1, builder().eventQueueCapacity(1).build().eventQueueCapacity());
        assertEquals(10_000_000, builder().eventQueueCapacity(10_000_000).build().eventQueueCapacity());
    }

    @Test
    void maxLineLengthIsOneKibToOneGib() {
        for (int bad : new int[] {1023, 0, -1, (1 << 30) + 1, Integer.MAX_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> builder().maxLineLength(bad).build(), "length " + bad);
        }
        assertEquals(1024, builder().maxLineLength(1024).build().maxLineLength());
        assertEquals(1 << 30, builder().maxLineLength(1 << 30).build().maxLineLength());
    }

    @Test
    void nullsAreRejected() {
        List<Executable> calls = List.of(
                () -> builder().server(null),
                () -> builder().server(null, 5000),
                () -> builder().discover(null),
                () -> builder().discoveryTimeout(null),
                () -> builder().name(null),
                () -> builder().connectTimeout(null),
                () -> builder().callTimeout(null),
                () -> builder().reconnect(null),
                () -> builder().random(null));
        for (Executable call : calls) {
            assertThrows(NullPointerException.class, call);
        }
    }

    @Test
    void discoverAndServerReplaceEachOther() {
        Supplier<DiscoveryClient> factory = () -> {
            throw new AssertionError("not called while building");
        };
        ClientConfig discovering = builder().server("127.0.0.1", 5000).discover(factory).build();
        assertEquals(Optional.empty(), discovering.server());
        assertSame(factory, discovering.discovery());

        ClientConfig direct = builder().discover(factory).server("127.0.0.1", 5000).build();
        assertTrue(direct.server().isPresent());

        ClientConfig defaultDiscovery = builder().server("127.0.0.1", 5000).discover().build();
        assertEquals(Optional.empty(), defaultDiscovery.server());
        assertNotNull(defaultDiscovery.discovery());
    }

    @Test
    void toBuilderRoundTripsEverySettingAndLeavesTheOriginalAlone() {
        Supplier<DiscoveryClient> factory = DiscoveryClient::create;
        ReconnectPolicy policy = ReconnectPolicy.backoff(Duration.ofMillis(20), Duration.ofMillis(80)).maxAttempts(2);
        RandomGenerator random = new SplittableRandom(1);
        ClientConfig original = builder().discover(factory).discoveryTimeout(Duration.ofMillis(123)).name("Luigi")
                .connectTimeout(Duration.ofMillis(234)).callTimeout(Duration.ofMillis(345)).reconnect(policy)
                .eventQueueCapacity(42).maxLineLength(4096).random(random).build();

        ClientConfig copy = original.toBuilder().build();
        assertEquals(original.server(), copy.server());
        assertSame(original.discovery(), copy.discovery());
        assertEquals(original.discoveryTimeout(), copy.discoveryTimeout());
        assertEquals(original.name(), copy.name());
        assertEquals(original.connectTimeout(), copy.connectTimeout());
        assertEquals(original.callTimeout(), copy.callTimeout());
        assertSame(original.reconnect(), copy.reconnect());
        assertEquals(original.eventQueueCapacity(), copy.eventQueueCapacity());
        assertEquals(original.maxLineLength(), copy.maxLineLength());
        assertSame(original.random(), copy.random());

        ClientConfig.Builder changed = original.toBuilder().server("127.0.0.1", 9).name("Peach").callTimeout(Duration.ofSeconds(1));
        ClientConfig other = changed.build();
        assertEquals(Optional.of("Peach"), other.name());
        assertTrue(other.server().isPresent());
        assertEquals(Optional.of("Luigi"), original.name(), "the original is immutable");
        assertEquals(Optional.empty(), original.server());
        assertEquals(Duration.ofMillis(345), original.callTimeout());
        assertFalse(other.toString().isBlank());
    }

    @Test
    void aBuilderCanBuildSeveralIndependentConfigurations() {
        ClientConfig.Builder b = builder().server("127.0.0.1", 5000).name("A");
        ClientConfig first = b.build();
        ClientConfig second = b.name("B").build();
        assertEquals(Optional.of("A"), first.name());
        assertEquals(Optional.of("B"), second.name());
    }

    @Test
    void aLoginKeepsACopyOfThePasswordAndNeverShowsIt() {
        char[] password = "s3cret-pass".toCharArray();
        ClientConfig.Builder b = builder().server("127.0.0.1", 5000).login("Mario", password);
        password[0] = 'X'; // the caller clears or reuses its array: the configuration has its own copy
        ClientConfig c = b.build();
        assertEquals(Optional.of("Mario"), c.account());
        assertFalse(c.registers());
        assertEquals("s3cret-pass", new String(c.password()));
        assertFalse(c.toString().contains("s3cret"), c.toString());
        assertTrue(c.toString().contains("login=Mario"), c.toString());

        ClientConfig r = c.toBuilder().register("Luigi", "an0ther-pass".toCharArray()).build();
        assertTrue(r.registers());
        assertEquals(Optional.of("Luigi"), r.account());
        assertFalse(r.toString().contains("an0ther"), r.toString());
        assertEquals("s3cret-pass", new String(c.password()), "toBuilder copies: the original is untouched");
        assertEquals(Optional.empty(), r.toBuilder().noLogin().build().account());
        assertEquals(Optional.empty(), builder().build().account(), "anonymous by default");
    }

    @Test
    void aLoginMustBeOneWordEachAndDoesNotGoWithAName() {
        for (String account : new String[] {"", "Mario Rossi", "Mario\n"}) {
            assertThrows(IllegalArgumentException.class, () -> builder().login(account, "s3cret-pass".toCharArray()),
                    account);
        }
        for (String password : new String[] {"", "two words", "line\nbreak", "tab\there", "no\u00a0break",
                "half\ud800"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> builder().register("Mario", password.toCharArray()));
            assertFalse(!password.isEmpty() && e.getMessage().contains(password), "the message does not show the password: " + e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> builder().login("Mario", null));
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> builder().name("Mario").login("Mario", "s3cret-pass".toCharArray()).build());
        assertTrue(both.getMessage().contains("account's name"), both.getMessage());
    }
}
