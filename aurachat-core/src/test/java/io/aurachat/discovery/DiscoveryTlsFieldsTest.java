package io.aurachat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The reply's {@code tlsPort} and {@code fingerprint}: written together, read only together and well-formed. */
class DiscoveryTlsFieldsTest {
    private static final String FP = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static final InetAddress FROM = InetAddress.getLoopbackAddress();

    private static ServerInfo parse(byte[] reply) {
        return DiscoveryWire.parseReply(reply, reply.length, FROM);
    }

    @Test
    void aReplyWithTlsCarriesItsPortAndFingerprint() {
        ServerInfo info = parse(DiscoveryWire.reply("i-1", "Office", 5000, 3, 5443, FP));
        assertTrue(info.hasTls());
        assertEquals(5443, info.tlsPort());
        assertEquals(FP, info.fingerprint());
        assertEquals(5000, info.tcpPort());
    }

    @Test
    void aTlsOnlyServerAnnouncesPortZeroForPlain() {
        ServerInfo info = parse(DiscoveryWire.reply("i-1", "Office", 0, 3, 5443, FP));
        assertEquals(0, info.tcpPort());
        assertEquals(5443, info.tlsSocketAddress().getPort());
    }

    @Test
    void aTlsPortWithoutAWellFormedFingerprintIsNotOffered() {
        assertFalse(parse(DiscoveryWire.reply("i-1", "Office", 5000, 3, 5443, "ABCD")).hasTls());
        assertFalse(parse(DiscoveryWire.reply("i-1", "Office", 5000, 3, 5443, FP.toUpperCase())).hasTls());
        assertNull(parse(DiscoveryWire.reply("i-1", "Office", 0, 3, 5443, "nope")), "nothing to connect to");
    }

    @Test
    void aReplyWithoutTlsIsAsBefore() {
        ServerInfo info = parse(DiscoveryWire.reply("i-1", "Office", 5000, 3));
        assertFalse(info.hasTls());
        assertNull(info.fingerprint());
        String json = new String(DiscoveryWire.reply("i-1", "Office", 5000, 3), java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(json.contains("tlsPort"), json);
    }
}
