package io.aurachat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every workload, tiny (a few hundred messages), against an in-process AuraChat server and against a
 * redis-server child process. Asserts correctness only: everything sent was delivered once, to the
 * right client, nothing failed. Never timing: the window ends when the message limit is reached.
 */
class SmokeTest {

    private static final int LIMIT = 300;

    static Settings.Builder tiny(Target target, Workload workload, InetSocketAddress address, long pid) {
        return Settings.builder(target, workload, address)
                .serverPid(pid)
                .clients(20)
                .window(4)
                .rate(5_000)
                .warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(60)) // an upper bound only: the limit ends the run
                .settle(Duration.ZERO)
                .messageLimit(LIMIT)
                .threads(2)
                .timeout(Duration.ofSeconds(60));
    }

    static Result run(Settings.Builder settings) throws IOException, InterruptedException {
        Result r = Driver.run(settings.build());
        assertTrue(r.verified(), r::toTable);
        assertNoGeneratorThreads();
        return r;
    }

    static void assertNoGeneratorThreads() {
        List<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive).map(Thread::getName).filter(n -> n.startsWith("bench-")).toList();
        assertEquals(List.of(), left, "generator threads still running after the run");
    }

    abstract static class Workloads {
        abstract Target target();

        abstract InetSocketAddress address();

        abstract long pid();

        @Test
        void direct() throws Exception {
            Result r = run(tiny(target(), Workload.DIRECT, address(), pid()));
            assertEquals(LIMIT, r.getLong("sent"));
            assertEquals(LIMIT, r.getLong("delivered"));
            assertEquals(LIMIT, r.getLong("replies"));
        }

        @Test
        void fanout() throws Exception {
            Result r = run(tiny(target(), Workload.FANOUT, address(), pid()).clients(10));
            assertEquals(LIMIT, r.getLong("sent"));
            assertEquals(10L * LIMIT, r.getLong("delivered"));
        }

        @Test
        void latency() throws Exception {
            Result r = run(tiny(target(), Workload.LATENCY, address(), pid()));
            assertEquals(LIMIT, r.getLong("sent"));
            assertEquals(LIMIT, r.getLong("delivered"));
            assertEquals(LIMIT, r.getLong("latencySamples"), "every message was stamped inside the window");
        }

        @Test
        void flood() throws Exception {
            // a flood window below the limit, so that the flooder goes on only as its deliveries return credit
            Result r = run(tiny(target(), Workload.FLOOD, address(), pid()).floodWindow(16));
            assertEquals(LIMIT, r.getLong("floodSent"), "the flooder used its limit");
            assertEquals(LIMIT, r.getLong("floodDelivered"), "the flooder got back its own messages, and only those");
            assertEquals(2L * LIMIT, r.getLong("sent"), "the pacer's and the flooder's");
            assertEquals(2L * LIMIT, r.getLong("delivered"));
            assertEquals(2L * LIMIT, r.getLong("replies"));
            // the flooder starts with the pacer, so its messages too are stamped inside the window
            assertEquals(LIMIT, r.getLong("latencySamples"), "the histogram holds the others' messages only");
            assertTrue(r.get("floodMessagesPerSecond") instanceof Double, r::toJson); // a rate: timing, not checked
        }

        @Test
        void idle() throws Exception {
            Result r = run(tiny(target(), Workload.IDLE, address(), pid()).clients(50));
            assertEquals(true, r.get("named"), r::toJson);
            assertTrue(r.get("bytesPerConnectionCold") instanceof Double, r::toJson);
            assertTrue(r.get("connectsPerSecondWarm") instanceof Double, r::toJson);
            assertTrue(r.get("settledSecondsCold") instanceof Double, r::toJson);
        }

        @Test
        void idleUnnamed() throws Exception {
            Result r = run(tiny(target(), Workload.IDLE_UNNAMED, address(), pid()).clients(50));
            assertEquals(false, r.get("named"), r::toJson);
            assertEquals("idle-unnamed", r.get("workload"), r::toJson);
            assertTrue(r.get("bytesPerConnectionCold") instanceof Double, r::toJson);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AgainstAuraChat extends Workloads {
        private ChatServer server;

        @BeforeAll
        void start() throws IOException {
            // No per-address limit, as run-bench.sh: every generator connection comes from 127.0.0.1, and the idle
            // workload's second round may connect before the server has seen all of the first round's closes.
            server = ChatServer.create(ServerConfig.builder()
                    .bindAddress(InetAddress.getLoopbackAddress()).port(0).idleTimeout(Duration.ZERO)
                    .maxConnectionsPerAddress(0).build()).start();
        }

        @AfterAll
        void stop() {
            server.close();
        }

        @Override
        Target target() {
            return Target.AURACHAT;
        }

        @Override
        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
        }

        @Override
        long pid() {
            return ProcessHandle.current().pid();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AgainstRedis extends Workloads {
        private RedisServer redis;

        @BeforeAll
        void start() throws Exception {
            redis = RedisServer.startOrSkip();
        }

        @AfterAll
        void stop() throws InterruptedException {
            if (redis != null) {
                redis.close();
            }
        }

        @Override
        Target target() {
            return Target.REDIS;
        }

        @Override
        InetSocketAddress address() {
            return redis.address();
        }

        @Override
        long pid() {
            return redis.pid();
        }
    }

    @AfterEach
    void nothingLeft() {
        assertNoGeneratorThreads();
    }
}
