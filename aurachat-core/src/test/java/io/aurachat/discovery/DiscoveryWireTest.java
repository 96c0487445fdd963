package io.aurachat.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.discovery.DiscoveryWire.ProbeCheck;
import io.aurachat.testing.Json;
import java.net.InetAddress;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The discovery probe and reply codec, without sockets. */
class DiscoveryWireTest {

    private static final InetAddress SOURCE = InetAddress.getLoopbackAddress();

    private static ProbeCheck check(String datagram) {
        byte[] bytes = datagram.getBytes(UTF_8);
        return DiscoveryWire.checkProbe(bytes, bytes.length);
    }

    private static ServerInfo parse(String datagram) {
        byte[] bytes = datagram.getBytes(UTF_8);
        return DiscoveryWire.parseReply(bytes, bytes.length, SOURCE);
    }

    @Test
    void theProbeIsPaddedToItsFixedSizeAndIsAProbe() {
        byte[] probe = DiscoveryWire.probe();
        assertEquals(DiscoveryWire.PROBE_SIZE, probe.length);
        Json json = Json.parse(new String(probe, UTF_8));
        assertEquals("aurachat-probe", json.str("type"));
        assertEquals(1L, json.map().get("version"));
        assertEquals(ProbeCheck.PROBE, DiscoveryWire.checkProbe(probe, probe.length));
    }

    @Test
    void probesToleratesUnknownFieldsAndLaterVersions() {
        assertEquals(ProbeCheck.PROBE, check("{\"type\":\"aurachat-probe\",\"version\":1}"));
        assertEquals(ProbeCheck.PROBE,
                check("{\"future\":{\"a\":[1,2,{\"b\":null}]},\"version\":2,\"type\":\"aurachat-probe\",\"x\":true}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"aurachat-server\",\"version\":1}", // a reply is not a probe: no reply loops
        "{\"version\":1}",
        "{\"type\":\"AURACHAT-PROBE\",\"version\":1}",
        "{\"type\":7,\"version\":1}",
        "{\"type\":\"ssdp\"}",
    })
    void objectsThatAreNotProbesAreForeign(String datagram) {
        assertEquals(ProbeCheck.FOREIGN, check(datagram));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "M-SEARCH * HTTP/1.1",
        "[1,2]",
        "\"aurachat-probe\"",
        "{\"type\":\"aurachat-probe\",\"version\":1",
        "{\"type\":\"aurachat-probe\",\"version\":1}{}",
        "{\"type\":\"aurachat-probe\",\"version\":1} x",
        "{\"type\":\"aurachat-probe\"}",
        "{\"type\":\"aurachat-probe\",\"version\":0}",
        "{\"type\":\"aurachat-probe\",\"version\":\"1\"}",
        "{\"type\":\"aurachat-probe\",\"version\":1.5}",
        "{\"type\":\"aurachat-probe\",\"version\":99999999999999999999}",
        "{\"type\":\"aurachat-probe\",\"type\":\"aurachat-probe\",\"version\":1}",
    })
    void brokenDatagramsAreMalformed(String datagram) {
        assertEquals(ProbeCheck.MALFORMED, check(datagram));
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] bytes = "{\"type\":\"aurachat-probe\",\"version\":1,\"pad\":\"\u00ff\"}".getBytes(UTF_8);
        bytes[bytes.length - 3] = (byte) 0xC0; // a lone lead byte
        assertEquals(ProbeCheck.MALFORMED, DiscoveryWire.checkProbe(bytes, bytes.length));
    }

    @Test
    void datagramsOverTheBoundAreTooLargeWithoutBeingParsed() {
        byte[] big = new byte[DiscoveryWire.MAX_DATAGRAM + 1];
        assertEquals(ProbeCheck.TOO_LARGE, DiscoveryWire.checkProbe(big, big.length));
        assertEquals("too-large", ProbeCheck.TOO_LARGE.token());
        assertNull(DiscoveryWire.parseReply(big, big.length, SOURCE));
    }

    @Test
    void onlyTheGivenLengthIsRead() {
        byte[] probe = DiscoveryWire.probe();
        assertEquals(ProbeCheck.MALFORMED, DiscoveryWire.checkProbe(probe, probe.length - 1));
    }

    @Test
    void aReplyRoundTripsWithTheSourceAsAddress() {
        String id = UUID.randomUUID().toString();
        byte[] reply = DiscoveryWire.reply(id, "Sala \"giochi\" \u00e8 qui", 5000, 3);
        Json json = Json.parse(new String(reply, UTF_8));
        assertEquals("aurachat-server", json.str("type"));
        assertEquals(1L, json.map().get("version"));
        assertEquals(5000L, json.map().get("port"));

        ServerInfo info = DiscoveryWire.parseReply(reply, reply.length, SOURCE);
        assertEquals(new ServerInfo(SOURCE, 5000, "Sala \"giochi\" \u00e8 qui", id, 3, 1), info);
        assertEquals(ProbeCheck.FOREIGN, DiscoveryWire.checkProbe(reply, reply.length));
    }

    @Test
    void theLargestPossibleReplyFitsInTheProbe() {
        // ServerConfig allows 64 UTF-16 units; 3-byte characters are the worst case per unit.
        String name = "\u20ac".repeat(64);
        byte[] reply = DiscoveryWire.reply(UUID.randomUUID().toString(), name, 65535, Integer.MAX_VALUE);
        assertTrue(reply.length <= DiscoveryWire.PROBE_SIZE, reply.length + " bytes");
    }

    @Test
    void repliesWithFutureFieldsAreAccepted() {
        ServerInfo info = parse("{\"type\":\"aurachat-server\",\"version\":2,\"instance\":\"i\",\"name\":\"n\","
                + "\"port\":1,\"clients\":0,\"tls\":{\"port\":5443}}");
        assertNotNull(info);
        assertEquals(2, info.protocolVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"aurachat-probe\",\"version\":1,\"instance\":\"i\",\"name\":\"n\",\"port\":5000,\"clients\":0}",
        "{\"type\":\"aurachat-server\",\"instance\":\"i\",\"name\":\"n\",\"port\":5000,\"clients\":0}",
        "{\"type\":\"aurachat-server\",\"version\":1,\"name\":\"n\",\"port\":5000,\"clients\":0}",
        "{\"type\":\"aurachat-server\",\"version\":1,\"instance\":\"\",\"name\":\"n\",\"port\":5000,\"clients\":0}",
        "{\"type\":\"aurachat-server\",\"version\":1,\"instance\":\"i\",\"port\":5000,\"clients\":0}",
        "{\"type\":\"aurachat-server\",\"version\":1,\"instance\":\"i\",\"name\":\"n\",\"port\":0,\"clients\":0}",
        "{\"type\":\"aurachat-server\",\"version\":1,\"instance\":\"i\",\"name\":\"n\",\"port\":65536,\"clients\":0}",
        "{\"type\":\"aurachat-server\",\"version\":1,\"instance\":\"i\",\"name\":\"n\",\"port\":\"5000\",\"clients\":0}",
        "{\"type\":\"aurachat-server\",\"version\":1,\"instance\":\"i\",\"name\":\"n\",\"port\":5000,\"clients\":-1}",
        "{\"type\":\"aurachat-server\",\"version\":1,\"instance\":\"i\",\"name\":\"n\",\"port\":5000}",
        "{\"type\":\"aurachat-server\",\"version\":1,\"instance\":\"i\",\"name\":\"n\",\"port\":5000,\"clients\":0",
        "not json",
    })
    void brokenRepliesAreRejected(String datagram) {
        assertNull(parse(datagram));
    }
}
