package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.aurachat.testing.RawClient;
import io.aurachat.testing.TestServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What each bind address listens for (docs/configuration.md): an IPv4 address, 0.0.0.0 included, takes IPv4
 * clients only; {@code ::} (and no address at all) takes IPv4 and IPv6 clients; {@code ::1} only IPv6 ones.
 * Every connection goes to 127.0.0.1 or ::1; the wildcard binds use a free port of this test's.
 */
class BindAddressTest {

    private static final InetAddress V4_LOOPBACK = literal("127.0.0.1");
    private static final InetAddress V6_LOOPBACK = literal("::1");

    @RegisterExtension
    final TestServer server = new TestServer();

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Skips the whole class, cleanly, on a machine without an IPv6 loopback address (or an IPv4-only JVM). */
    @BeforeAll
    static void ipv6Loopback() {
        boolean ok;
        try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress(V6_LOOPBACK, 0));
            ok = true;
        } catch (IOException | UnsupportedOperationException e) {
            ok = false;
        }
        assumeTrue(ok, "this machine has no IPv6 loopback address (::1): nothing to compare IPv4 binds with");
    }

    private ChatServer bound(InetAddress address) {
        return server.start(b -> b.bindAddress(address));
    }

    /** Connects to {@code address} on the server's port, joins, and says which ip the server saw. */
    private String joinFrom(InetAddress address) {
        try (RawClient client = RawClient.connect(new InetSocketAddress(address, server.server().port()))) {
            String id = client.awaitWelcome().str("id");
            // Registered before its welcome was sent, so it is listed now.
            return server.server().clients().stream().filter(c -> c.id().value().equals(id)).findFirst()
                    .orElseThrow().ip();
        }
    }

    private void refusedAt(InetAddress address) {
        try (Socket socket = new Socket()) {
            assertThrows(ConnectException.class,
                    () -> socket.connect(new InetSocketAddress(address, server.server().port()), 5_000),
                    "a connection to " + address.getHostAddress() + " must be refused");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void ipv4LoopbackTakesIpv4OnlyAndRefusesTheIpv6Loopback() {
        ChatServer s = bound(V4_LOOPBACK);
        assertTrue(s.address().getAddress() instanceof Inet4Address, s.address()::toString);
        assertEquals("127.0.0.1", joinFrom(V4_LOOPBACK));
        refusedAt(V6_LOOPBACK);
    }

    @Test
    void everyIpv4InterfaceIsAnIpv4OnlySocket() {
        ChatServer s = bound(literal("0.0.0.0"));
        assertEquals(literal("0.0.0.0"), s.address().getAddress(), "the bound address is the IPv4 wildcard");
        assertEquals("127.0.0.1", joinFrom(V4_LOOPBACK));
        refusedAt(V6_LOOPBACK);
    }

    @Test
    void theIpv6WildcardIsDualStack() {
        ChatServer s = bound(literal("::"));
        assertTrue(s.address().getAddress() instanceof Inet6Address && s.address().getAddress().isAnyLocalAddress(),
                s.address()::toString);
        // An IPv4 client arrives as ::ffff:127.0.0.1, which Java (and so LIST) shows as 127.0.0.1.
        assertEquals("127.0.0.1", joinFrom(V4_LOOPBACK));
        assertEquals(V6_LOOPBACK, literal(joinFrom(V6_LOOPBACK)));
    }

    @Test
    void noAddressIsEveryInterfaceOfBothFamilies() {
        server.start(b -> b.bindAddress(null));
        assertEquals("127.0.0.1", joinFrom(V4_LOOPBACK));
        assertEquals(V6_LOOPBACK, literal(joinFrom(V6_LOOPBACK)));
    }

    @Test
    void ipv6LoopbackTakesIpv6OnlyAndRefusesTheIpv4Loopback() {
        ChatServer s = bound(V6_LOOPBACK);
        assertEquals(V6_LOOPBACK, s.address().getAddress());
        assertEquals(V6_LOOPBACK, literal(joinFrom(V6_LOOPBACK)));
        refusedAt(V4_LOOPBACK);
    }
}
