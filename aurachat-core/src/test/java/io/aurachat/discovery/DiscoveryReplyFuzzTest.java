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
        String name = data.consumeString(300);
        String instance = data.consumeRemainingAsString();

        byte[] reply = DiscoveryWire.reply(instance, name, port, clients);
        ServerInfo read = DiscoveryWire.parseReply(reply, reply.length, SOURCE);

        boolean inRange = !instance.isEmpty() && instance.length() <= 256 && name.length() <= 256
                && port >= 1 && port <= 65535 && clients >= 0 && reply.length <= DiscoveryWire.MAX_DATAGRAM;
        if (inRange) {
            assertEquals(new ServerInfo(SOURCE, port, name, instance, clients, DiscoveryWire.VERSION), read);
        } else {
            assertNull(read, () -> "read back a reply with a field out of range: " + read);
        }
        if (reply.length <= DiscoveryWire.MAX_DATAGRAM) {
            assertEquals(DiscoveryWire.ProbeCheck.FOREIGN, DiscoveryWire.checkProbe(reply, reply.length),
                    "a reply must not be answered as a probe");
        }
    }
}
