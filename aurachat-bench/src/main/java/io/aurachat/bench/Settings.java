package io.aurachat.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything one run needs. Immutable; {@link #builder} validates at {@link Builder#build()}.
 *
 * @param target            the server's kind
 * @param address           where it listens (loopback)
 * @param serverPid         its process id for memory and CPU figures, or 0 when unknown
 * @param targetLabel       how the results name the server (e.g. {@code Redis 7.0.15}); may be empty
 * @param setup             which configuration of the server this is, the report's column: {@code shipped} or
 *                          {@code engine} for AuraChat (run-bench.sh), by default the target's own name
 * @param workload          what to measure
 * @param clients           N: clients (direct, latency, flood: besides the flooder), receivers (fan-out) or idle connections
 * @param window            messages in flight per sender (direct, fan-out)
 * @param rate              offered messages per second (latency, flood)
 * @param floodWindow       messages in flight of the flooder (flood)
 * @param warmup            traffic before the measuring window
 * @param duration          the measuring window
 * @param settle            quiet time before each memory reading (idle)
 * @param threads           event-loop threads
 * @param messageLimit      stop sending after this many messages (0: no limit); for smoke runs
 * @param connectConcurrency connections being set up at once
 * @param timeout           the longest wait without progress during setup or for the last deliveries
 * @param tls               whether every connection does TLS 1.3 (the server's TLS port) in the generator's loops
 * @param tlsCipherSuites   TLS: the only cipher suites the generator offers, which pins the server's choice;
 *                          empty for the JDK's defaults
 */
public record Settings(Target target, InetSocketAddress address, long serverPid, String targetLabel,
        String setup, Workload workload, int clients, int window, int rate, int floodWindow, Duration warmup, Duration duration,
        Duration settle, int threads, long messageLimit, int connectConcurrency, Duration timeout, boolean tls,
        java.util.List<String> tlsCipherSuites) {

    /** A builder with the defaults of a full run (see docs/performance.md). */
    public static Builder builder(Target target, Workload workload, InetSocketAddress address) {
        return new Builder(target, workload, address);
    }

    /** Builds {@link Settings}; not thread-safe. */
    public static final class Builder {
        private final Target target;
        private final Workload workload;
        private final InetSocketAddress address;
        private long serverPid;
        private String targetLabel = "";
        private String setup = "";
        private int clients = 100;
        private int window = 16;
        private int rate = 20_000;
        private int floodWindow = 1024;
        private Duration warmup = Duration.ofSeconds(3);
        private Duration duration = Duration.ofSeconds(10);
        private Duration settle = Duration.ofSeconds(3);
        private int threads = 1;
        private long messageLimit;
        private int connectConcurrency = 256;
        private Duration timeout = Duration.ofSeconds(60);
        private boolean tls;
        private java.util.List<String> tlsCipherSuites = java.util.List.of();

        private Builder(Target target, Workload workload, InetSocketAddress address) {
            this.target = Objects.requireNonNull(target, "target");
            this.workload = Objects.requireNonNull(workload, "workload");
            this.address = Objects.requireNonNull(address, "address");
        }

        /** The server's process id, or 0. */
        public Builder serverPid(long pid) { this.serverPid = pid; return this; }
        /** The server's name in results. */
        public Builder targetLabel(String label) { this.targetLabel = Objects.requireNonNull(label); return this; }
        /** The server's configuration, the report's column; empty for the target's name. */
        public Builder setup(String name) { this.setup = Objects.requireNonNull(name); return this; }
        /** N. */
        public Builder clients(int n) { this.clients = n; return this; }
        /** Messages in flight per sender. */
        public Builder window(int w) { this.window = w; return this; }
        /** Offered messages per second (latency, flood). */
        public Builder rate(int r) { this.rate = r; return this; }
        /** Messages in flight of the flooder (flood). */
        public Builder floodWindow(int w) { this.floodWindow = w; return this; }
        /** Traffic before the measuring window. */
        public Builder warmup(Duration d) { this.warmup = d; return this; }
        /** The measuring window. */
        public Builder duration(Duration d) { this.duration = d; return this; }
        /** Quiet time before memory readings. */
        public Builder settle(Duration d) { this.settle = d; return this; }
        /** Event-loop threads. */
        public Builder threads(int t) { this.threads = t; return this; }
        /** Stop after this many messages; 0 for none. */
        public Builder messageLimit(long m) { this.messageLimit = m; return this; }
        /** Connections being set up at once. */
        public Builder connectConcurrency(int c) { this.connectConcurrency = c; return this; }
        /** The longest wait for setup or draining. */
        public Builder timeout(Duration d) { this.timeout = d; return this; }
        /** TLS 1.3 on every connection (off by default). */
        public Builder tls(boolean on) { this.tls = on; return this; }
        /** TLS: the cipher suites to offer, e.g. {@code TLS_AES_128_GCM_SHA256}; empty for the JDK's defaults. */
        public Builder tlsCipherSuites(java.util.List<String> suites) { this.tlsCipherSuites = java.util.List.copyOf(suites); return this; }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException naming the first value out of range
         */
        public Settings build() {
            int minimum = workload == Workload.FANOUT || workload.idle() ? 1 : 2;
            check(clients >= minimum && clients <= 100_000, "clients must be " + minimum + "..100000: " + clients);
            check(window >= 1 && window <= 4096, "window must be 1..4096: " + window);
            check(rate >= 1 && rate <= 10_000_000, "rate must be 1..10000000: " + rate);
            check(floodWindow >= 1 && floodWindow <= 4096, "flood window must be 1..4096: " + floodWindow);
            check(!warmup.isNegative(), "warmup must not be negative");
            check(duration.isPositive(), "duration must be positive");
            check(!settle.isNegative(), "settle must not be negative");
            check(threads >= 1 && threads <= 64, "threads must be 1..64: " + threads);
            check(messageLimit >= 0, "message limit must be 0 or more");
            check(connectConcurrency >= 1, "connect concurrency must be 1 or more");
            check(timeout.isPositive(), "timeout must be positive");
            String column = setup.isEmpty() ? target.wireName() : setup;
            check(column.matches("[a-z0-9][a-z0-9-]{0,31}"), "setup must be 1 to 32 of a-z, 0-9 and '-': " + setup);
            check(address.getAddress() != null && address.getAddress().isLoopbackAddress(),
                    "the benchmark only talks to loopback addresses: " + address);
            check(tls || tlsCipherSuites.isEmpty(), "cipher suites without TLS");
            if (!tlsCipherSuites.isEmpty()) {
                java.util.List<String> supported = java.util.List.of(Tls.trustAllContext().getSupportedSSLParameters()
                        .getCipherSuites());
                for (String suite : tlsCipherSuites) {
                    check(suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_"),
                            "not a TLS 1.3 cipher suite: " + suite);
                    check(supported.contains(suite), "cipher suite not supported by this JDK: " + suite);
                }
            }
            return new Settings(target, address, serverPid, targetLabel, column, workload, clients, window, rate,
                    floodWindow, warmup, duration, settle, threads, messageLimit, connectConcurrency, timeout, tls,
                    tlsCipherSuites);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
