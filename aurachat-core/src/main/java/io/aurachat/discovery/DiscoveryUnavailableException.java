package io.aurachat.discovery;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A discovery call could not send a single probe: every target, multicast group and interface refused it
 * (a machine with no network at all, not even its loopback interface up), or the client was configured
 * with nothing to probe. Unlike an empty result, this means that discovery cannot work here: the server
 * has to be named by address. {@link #failures()} says why each target failed.
 */
public class DiscoveryUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Serializable and in probe order: an unmodifiable view of a {@code LinkedHashMap}. */
    private final Map<String, String> failures;
    private final int port;

    /**
     * @param port the UDP port the probes were for
     * @param failures each target (an address, or a group with {@code %interface}) and why no probe could
     *     be sent there, in the order they were tried; empty if there was nothing to probe
     */
    public DiscoveryUnavailableException(int port, Map<String, String> failures) {
        super(message(port, failures));
        this.port = port;
        this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    private static String message(int port, Map<String, String> failures) {
        if (failures.isEmpty()) {
            return "no discovery probe could be sent to UDP port " + port + ": nothing to probe (no target, no "
                    + "multicast group)";
        }
        return "no discovery probe could be sent to UDP port " + port + ": " + failures.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; "));
    }

    /**
     * The UDP port the probes were for.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Why each target failed, in the order they were tried: the target (an address, or a multicast group
     * with {@code %interface}) and the reason, e.g. {@code "255.255.255.255" -> "Network is unreachable"}.
     *
     * @return an unmodifiable map, empty if there was nothing to probe
     */
    public Map<String, String> failures() {
        return failures;
    }
}
