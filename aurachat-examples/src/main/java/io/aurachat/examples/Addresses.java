package io.aurachat.examples;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Addresses as people write them: IPv6 in its short form (RFC 5952: {@code ::}, {@code ::1},
 * {@code fe80::1%eth0}), where Java writes {@code 0:0:0:0:0:0:0:0}; with a port, IPv6 in brackets.
 */
final class Addresses {

    private Addresses() {}

    /** {@code 127.0.0.1}, {@code ::}, {@code 2001:db8::20}, {@code fe80::1%eth0}. */
    static String host(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        // The longest run of two or more zero groups (the first of equals) becomes "::".
        int runStart = -1;
        int runLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == runStart) {
                s.append("::");
                i += runLength - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        String java = address.getHostAddress();
        int scope = java.indexOf('%');
        return scope < 0 ? s.toString() : s + java.substring(scope);
    }

    /** {@code 127.0.0.1:5000}, {@code [::]:5000}. */
    static String hostPort(InetSocketAddress address) {
        String host = host(address.getAddress());
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
