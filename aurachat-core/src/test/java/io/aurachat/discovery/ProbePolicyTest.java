package io.aurachat.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.discovery.SourceRateLimiter.Decision;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The responder's safety rules without sockets: amplification, privileged ports and rate limits. */
class ProbePolicyTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final byte[] reply = DiscoveryWire.reply("00000000-0000-0000-0000-000000000000", "AuraChat", 5000, 0);
    private final byte[] probe = DiscoveryWire.probe();

    private static InetSocketAddress from(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private ProbePolicy policy(int perSecond, int burst) {
        return new ProbePolicy(new SourceRateLimiter(perSecond, burst, 16, now::get), () -> reply);
    }

    private static byte[] probeOfSize(int size) {
        String head = "{\"type\":\"aurachat-probe\",\"version\":1,\"pad\":\"";
        String tail = "\"}";
        return (head + ".".repeat(size - head.length() - tail.length()) + tail).getBytes(UTF_8);
    }

    @Test
    void aProbeGetsTheReply() {
        ProbePolicy.Verdict v = policy(5, 10).decide(probe, probe.length, from("10.0.0.2", 40000));
        assertArrayEquals(reply, v.reply());
        assertNull(v.reason());
        assertTrue(v.report());
    }

    @Test
    void aReplyIsNeverLargerThanTheProbe() {
        ProbePolicy policy = policy(1000, 1000);
        byte[] exact = probeOfSize(reply.length);
        assertEquals(reply.length, exact.length);
        assertArrayEquals(reply, policy.decide(exact, exact.length, from("10.0.0.2", 40000)).reply());

        byte[] oneShort = probeOfSize(reply.length - 1);
        ProbePolicy.Verdict v = policy.decide(oneShort, oneShort.length, from("10.0.0.2", 40000));
        assertNull(v.reply());
        assertEquals("too-small", v.reason());
        assertTrue(v.report());

        byte[] minimal = "{\"type\":\"aurachat-probe\",\"version\":1}".getBytes(UTF_8);
        assertEquals("too-small", policy.decide(minimal, minimal.length, from("10.0.0.2", 40000)).reason());
    }

    @Test
    void badDatagramsAreIgnoredWithTheirReason() {
        ProbePolicy policy = policy(5, 10);
        byte[] garbage = "\u0000\u0001garbage".getBytes(UTF_8);
        assertEquals("malformed", policy.decide(garbage, garbage.length, from("10.0.0.2", 40000)).reason());
        byte[] foreign = Arrays.copyOf(reply, reply.length);
        assertEquals("foreign", policy.decide(foreign, foreign.length, from("10.0.0.2", 40000)).reason());
        assertEquals("too-large", policy.decide(new byte[4000], DiscoveryWire.MAX_DATAGRAM + 1, from("10.0.0.2", 40000)).reason());
    }

    @Test
    void probesFromPrivilegedPortsAreNotAnswered() {
        ProbePolicy policy = policy(5, 10);
        for (int port : new int[] {0, 7, 19, 1023}) {
            ProbePolicy.Verdict v = policy.decide(probe, probe.length, from("10.0.0.2", port));
            assertNull(v.reply(), "port " + port);
            assertEquals("foreign", v.reason());
        }
        assertArrayEquals(reply, policy.decide(probe, probe.length, from("10.0.0.2", 1024)).reply());
    }

    @Test
    void aSourceGetsItsBurstThenOneReportedRefusalThenQuietRefusals() {
        ProbePolicy policy = policy(2, 3);
        InetSocketAddress source = from("10.0.0.2", 40000);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(reply, policy.decide(probe, probe.length, source).reply(), "probe " + i);
        }
        ProbePolicy.Verdict first = policy.decide(probe, probe.length, source);
        assertNull(first.reply());
        assertEquals("rate-limited", first.reason());
        assertTrue(first.report());
        for (int i = 0; i < 100; i++) {
            ProbePolicy.Verdict quiet = policy.decide(probe, probe.length, source);
            assertNull(quiet.reply());
            assertFalse(quiet.report(), "a run of refusals is reported once");
        }
        // Another port on the same host is the same source: the limit is per address.
        assertNull(policy.decide(probe, probe.length, from("10.0.0.2", 40001)).reply());
        // Another host is not limited.
        assertArrayEquals(reply, policy.decide(probe, probe.length, from("10.0.0.3", 40000)).reply());
    }

    @Test
    void tokensComeBackAtTheConfiguredRate() {
        SourceRateLimiter limiter = new SourceRateLimiter(2, 2, 16, now::get);
        InetAddress a = from("10.0.0.2", 1).getAddress();
        assertEquals(Decision.ALLOW, limiter.acquire(a));
        assertEquals(Decision.ALLOW, limiter.acquire(a));
        assertEquals(Decision.DENY_REPORT, limiter.acquire(a));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(499));
        assertEquals(Decision.DENY_QUIET, limiter.acquire(a));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
        assertEquals(Decision.ALLOW, limiter.acquire(a), "one token after half a second at 2/s");
        assertEquals(Decision.DENY_REPORT, limiter.acquire(a), "a new run of refusals is reported again");
        now.addAndGet(TimeUnit.SECONDS.toNanos(60));
        assertEquals(Decision.ALLOW, limiter.acquire(a));
        assertEquals(Decision.ALLOW, limiter.acquire(a));
        assertEquals(Decision.DENY_REPORT, limiter.acquire(a), "idle time refills up to the burst, no more");
    }

    @Test
    void theNumberOfTrackedSourcesIsBounded() {
        SourceRateLimiter limiter = new SourceRateLimiter(1, 1, 16, now::get);
        for (int i = 0; i < 1000; i++) {
            limiter.acquire(from("10.1." + (i / 256) + "." + (i % 256), 1).getAddress());
        }
        assertEquals(16, limiter.trackedSources());
    }

    @Test
    void theEventBudgetCountsWhatItRefuses() {
        EventBudget budget = new EventBudget(3, now::get);
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            if (budget.tryAcquire()) {
                granted++;
            }
        }
        assertEquals(3, granted);
        assertEquals(7, budget.takeRefused());
        assertEquals(0, budget.takeRefused());
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertTrue(budget.tryAcquire());
    }
}
