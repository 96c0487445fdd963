package io.aurachat.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aurachat.discovery.DiscoveryWire.ProbeCheck;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * Fuzzes what a responder and a discovery client do with any datagram that arrives: {@link DiscoveryWire#checkProbe}
 * and {@link DiscoveryWire#parseReply} on arbitrary bytes, in a receive buffer larger than the datagram, as both
 * sides read them. Both say they never throw on bad input (there is no exception in their contract), so anything
 * thrown is a finding; see docs/fuzzing.md.
 *
 * <p>Also checked: the bytes after the datagram in the buffer change nothing; a datagram over {@link
 * DiscoveryWire#MAX_DATAGRAM} is too large for both; a datagram that is a reply is never a probe (a responder must
 * not answer another server's reply) and a probe is never a reply; and a reply, once parsed, made again with
 * {@link DiscoveryWire#reply} from what was read, reads back the same.
 */
class DiscoveryDatagramFuzzTest {

    private static final InetAddress SOURCE = InetAddress.getLoopbackAddress();

    @DictionaryEntries({"\"type\"", "\"aurachat-probe\"", "\"aurachat-server\"", "\"version\"", "\"instance\"",
        "\"name\"", "\"port\"", "\"clients\"", "\"pad\"", "\"tlsPort\"", "\"fingerprint\"", "65535", "2147483647", "9223372036854775808", "1.0e1"})
    @FuzzTest
    void anyDatagramIsClassifiedWithoutThrowing(byte[] datagram) {
        int n = datagram.length;
        byte[] buffer = Arrays.copyOf(datagram, n + 64);
        Arrays.fill(buffer, n, buffer.length, (byte) '}'); // what an earlier, longer datagram left there
        byte[] other = Arrays.copyOf(datagram, n + 64);
        Arrays.fill(other, n, other.length, (byte) ' ');

        ProbeCheck check = DiscoveryWire.checkProbe(buffer, n);
        ServerInfo reply = DiscoveryWire.parseReply(buffer, n, SOURCE);
        assertNotNull(check);
        assertEquals(check, DiscoveryWire.checkProbe(other, n), "the bytes after the datagram changed the verdict");
        assertEquals(reply, DiscoveryWire.parseReply(other, n, SOURCE), "the bytes after the datagram changed the reply");

        if (n > DiscoveryWire.MAX_DATAGRAM) {
            assertEquals(ProbeCheck.TOO_LARGE, check);
            assertNull(reply, "a datagram over the limit was read as a reply");
            return;
        }
        assertTrue(check != ProbeCheck.TOO_LARGE, () -> n + " bytes are not too large");
        if (check == ProbeCheck.PROBE) {
            assertNull(reply, "a probe read as a reply");
        }
        if (reply != null) {
            assertEquals(ProbeCheck.FOREIGN, check, "a reply must not be answered as a probe");
            assertEquals(SOURCE, reply.address());
            assertTrue(reply.instanceId().length() <= 256 && !reply.instanceId().isEmpty(), reply::toString);
            assertTrue(reply.name().length() <= 256, reply::toString);
            byte[] again = DiscoveryWire.reply(reply.instanceId(), reply.name(), reply.tcpPort(), reply.clients(),
                    reply.tlsPort(), reply.fingerprint());
            ServerInfo reread = DiscoveryWire.parseReply(again, again.length, SOURCE);
            if (again.length <= DiscoveryWire.MAX_DATAGRAM) {
                // The version is ours (1) in the reply made again, whatever the one read said.
                assertEquals(new ServerInfo(SOURCE, reply.tcpPort(), reply.name(), reply.instanceId(), reply.clients(),
                        DiscoveryWire.VERSION, reply.tlsPort(), reply.fingerprint()), reread, "a parsed reply, made again, reads back differently");
            }
        }
    }
}
