package io.aurachat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;

/**
 * Fuzzes the reply a responder sends, {@link DiscoveryWire#reply}, with any field values, read back by {@link
 * DiscoveryWire#parseReply} as a discovery client reads it: a reply whose fields are in range and which fits in a
 * datagram reads back exactly; one that does not is refused ({@code null}), never read back changed. See
 * docs/fuzzing.md.
 *
 * <p>The input, as {@link FuzzedDataProvider} reads it: the port and the client count (four bytes each, from the end),
 * then the name (up to 300 characters, ended by a backslash and one more byte) and the instance id (the rest).
 */
class DiscoveryReplyFuzzTest {

    private static final InetAddress SOURCE = InetAddress.getLoopbackAddress();

    @FuzzTest
    void aReplyReadsBackAsItWasMadeOrNotAtAll(FuzzedDataProvider data) {
        int port = data.consumeInt();
        int clients = data.consumeInt();
        int tlsPort = data.consumeBoolean() ? data.consumeInt() : 0;
        String fingerprint = switch (data.consumeInt(0, 2)) {
            case 0 -> null;
            case 1 -> java.util.HexFormat.of().formatHex(data.consumeBytes(32)); // well-formed if 32 bytes came
            default -> data.consumeString(80);
        };
        String name = data.consumeString(300);
        String instance = data.consumeRemainingAsString();

        byte[] reply = DiscoveryWire.reply(instance, name, port, clients, tlsPort, fingerprint);
        ServerInfo read = DiscoveryWire.parseReply(reply, reply.length, SOURCE);

        boolean tls = tlsPort >= 1 && tlsPort <= 65535 && fingerprint != null
                && fingerprint.matches("[0-9a-f]{64}");
        boolean inRange = !instance.isEmpty() && instance.length() <= 256 && name.length() <= 256
                && port >= 0 && port <= 65535 && (port >= 1 || tls) && clients >= 0
                && reply.length <= DiscoveryWire.MAX_DATAGRAM;
        if (inRange) {
            assertEquals(new ServerInfo(SOURCE, port, name, instance, clients, DiscoveryWire.VERSION, tls ? tlsPort : 0,
                    tls ? fingerprint : null), read);
        } else {
            assertNull(read, () -> "read back a reply with a field out of range: " + read);
        }
        if (reply.length <= DiscoveryWire.MAX_DATAGRAM) {
            assertEquals(DiscoveryWire.ProbeCheck.FOREIGN, DiscoveryWire.checkProbe(reply, reply.length),
                    "a reply must not be answered as a probe");
        }
    }
}
