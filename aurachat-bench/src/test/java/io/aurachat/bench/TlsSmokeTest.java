package io.aurachat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.bouncycastle.ServerIdentity;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import io.aurachat.server.TlsConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direct workload, tiny, over TLS: against an in-process AuraChat server's TLS port and against a redis-server
 * child process with a TLS port only, both presenting one self-signed certificate; then plain against the same
 * AuraChat server, and the report of the four runs. Asserts correctness and what the report shows, never timing.
 */
class TlsSmokeTest {

    private static final String PINNED = "TLS_AES_128_GCM_SHA256";

    @TempDir
    Path dir;

    @Test
    void directOverTlsAgainstAuraChatAndRedis() throws Exception {
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        ServerIdentity identity = ServerIdentity.loadOrCreate(cert, key, "localhost");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Report report = new Report();
        try (ChatServer server = ChatServer.create(ServerConfig.builder().bindAddress(loopback).port(0)
                .idleTimeout(Duration.ZERO).maxConnectionsPerAddress(0).rateLimit(io.aurachat.server.RateLimit.NONE)
                .tls(TlsConfig.builder(identity.sslContext(), identity.certificateChain().get(0)).port(0).build())
                .build()).start()) {
            long pid = ProcessHandle.current().pid();
            InetSocketAddress tls = new InetSocketAddress(loopback, server.tlsPort());
            Result overTls = direct(tls(Target.AURACHAT, tls, pid));
            assertEquals("TLSv1.3", overTls.get("tlsProtocol"), overTls::toJson);
            assertTrue(overTls.get("tlsCipherSuite").toString().startsWith("TLS_"), overTls::toJson);
            report.add(overTls.toJson());
            Result pinned = direct(tls(Target.AURACHAT, tls, pid).tlsCipherSuites(List.of(PINNED)));
            assertEquals(PINNED, pinned.get("tlsCipherSuite"), "the generator's offer pins the JDK server's choice");
            Result plain = direct(SmokeTest.tiny(Target.AURACHAT, Workload.DIRECT,
                    new InetSocketAddress(loopback, server.port()), pid));
            assertEquals(false, plain.get("tls"), plain::toJson);
            assertEquals(null, plain.get("tlsCipherSuite"), plain::toJson);
            report.add(plain.toJson());
        }
        try (RedisServer redis = RedisServer.startTlsOrSkip(cert, key)) {
            Result overTls = direct(tls(Target.REDIS, redis.address(), redis.pid()));
            assertEquals("TLSv1.3", overTls.get("tlsProtocol"), overTls::toJson);
            report.add(overTls.toJson());
            Result pinned = direct(tls(Target.REDIS, redis.address(), redis.pid()).tlsCipherSuites(List.of(PINNED)));
            assertEquals(PINNED, pinned.get("tlsCipherSuite"), "the generator's offer pins OpenSSL's choice");
        }
        String md = report.markdown();
        assertTrue(md.contains("### Over TLS"), md);
        assertTrue(md.contains("| AuraChat over TLS | Redis over TLS |"), md);
        assertTrue(md.contains(" over TLS | AuraChat-TLS / Redis-TLS | Target | Met |"), md);
        assertTrue(md.contains("aurachat-tls: TLSv1.3 TLS_"), md);
        assertTrue(md.contains("redis-tls: TLSv1.3 TLS_"), md);
        assertTrue(md.contains("### Without TLS"), md);
        assertTrue(md.contains("| direct, 20 clients, window 4 | AuraChat | messages/s |"), md); // the cost of TLS
    }

    private static Settings.Builder tls(Target target, InetSocketAddress address, long pid) {
        return SmokeTest.tiny(target, Workload.DIRECT, address, pid).tls(true);
    }

    private static Result direct(Settings.Builder settings) throws Exception {
        Result r = SmokeTest.run(settings);
        assertEquals(300L, r.getLong("sent"));
        assertEquals(300L, r.getLong("delivered"), "every message arrived");
        assertEquals(300L, r.getLong("replies"));
        return r;
    }

    @AfterEach
    void nothingLeft() {
        SmokeTest.assertNoGeneratorThreads();
    }
}
