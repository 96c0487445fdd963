package io.aurachat.discovery;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * Decides whether a received datagram is answered, and with what: the discovery responder's safety
 * rules in one socket-free place. A datagram is answered only if it comes from an unprivileged port,
 * is a well-formed probe, its reply is no larger than it (no amplification), and its source is within
 * its rate limit. Thread-safe if the reply supplier is.
 */
final class ProbePolicy {

    /** Lowest source port answered: clients probe from ephemeral ports. */
    static final int MIN_SOURCE_PORT = 1024;

    /**
     * The decision about one datagram.
     *
     * @param reply the bytes to send back, or {@code null} to send nothing
     * @param reason why nothing is sent (a {@code DiscoveryIgnored} reason token), or {@code null}
     * @param report whether the decision deserves a log event (a quiet rate-limit refusal does not)
     */
    record Verdict(byte[] reply, String reason, boolean report) {
        static Verdict ignore(String reason) {
            return new Verdict(null, reason, true);
        }
    }

    private final SourceRateLimiter limiter;
    private final Supplier<byte[]> replies;

    ProbePolicy(SourceRateLimiter limiter, Supplier<byte[]> replies) {
        this.limiter = limiter;
        this.replies = replies;
    }

    Verdict decide(byte[] data, int length, InetSocketAddress source) {
        if (source.getPort() < MIN_SOURCE_PORT) {
            // An answer to a service port (echo, chargen, another responder) could start a reflection loop.
            return Verdict.ignore(DiscoveryWire.ProbeCheck.FOREIGN.token());
        }
        DiscoveryWire.ProbeCheck check = DiscoveryWire.checkProbe(data, length);
        if (check != DiscoveryWire.ProbeCheck.PROBE) {
            return Verdict.ignore(check.token());
        }
        byte[] reply = replies.get();
        if (reply.length > length) {
            // The anti-amplification rule: never send more bytes than were received.
            return Verdict.ignore("too-small");
        }
        return switch (limiter.acquire(source.getAddress())) {
            case ALLOW -> new Verdict(reply, null, true);
            case DENY_REPORT -> Verdict.ignore("rate-limited");
            case DENY_QUIET -> new Verdict(null, "rate-limited", false);
        };
    }
}
