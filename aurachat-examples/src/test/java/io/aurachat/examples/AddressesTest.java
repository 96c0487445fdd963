package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Addresses as the reference server's banner and the terminal client write them. */
class AddressesTest {

    private static String host(String literal) throws Exception {
        return Addresses.host(InetAddress.getByName(literal));
    }

    @Test
    void ipv6IsWrittenShortAsPeopleWriteIt() throws Exception {
        assertEquals("::", host("0:0:0:0:0:0:0:0"));
        assertEquals("::1", host("0:0:0:0:0:0:0:1"));
        assertEquals("ff02::77:77", host("ff02:0:0:0:0:0:77:77"));
        assertEquals("2001:db8::20", host("2001:db8:0:0:0:0:0:20"));
        assertEquals("1:0:0:2::3", host("1:0:0:2:0:0:0:3"), "the longest run of zeros");
        assertEquals("1::2:0:0:3:4", host("1:0:0:2:0:0:3:4"), "of two equal runs, the first");
        assertEquals("1:0:2:3:4:5:6:7", host("1:0:2:3:4:5:6:7"), "one zero group stays");
        assertEquals("1::", host("1:0:0:0:0:0:0:0"));
        assertEquals("127.0.0.1", host("127.0.0.1"));
        assertEquals("0.0.0.0", host("0.0.0.0"));
    }

    @Test
    void withAPortIpv6GoesInBrackets() throws Exception {
        assertEquals("[::]:5000", Addresses.hostPort(new InetSocketAddress(InetAddress.getByName("::"), 5000)));
        assertEquals("0.0.0.0:5000", Addresses.hostPort(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 5000)));
    }
}
