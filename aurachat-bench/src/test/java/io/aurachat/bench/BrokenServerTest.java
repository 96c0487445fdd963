package io.aurachat.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.command.CommandHandler;
import io.aurachat.command.Reply;
import io.aurachat.protocol.ClientId;
import io.aurachat.server.ChatServer;
import io.aurachat.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The checks can fail: a server that misroutes or loses messages makes the run invalid. */
class BrokenServerTest {

    private static Result runAgainst(CommandHandler chat) throws Exception {
        return runAgainst(Workload.DIRECT, chat);
    }

    private static Result runAgainst(Workload workload, CommandHandler chat) throws Exception {
        ServerConfig config = ServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .idleTimeout(Duration.ZERO).rateLimit(io.aurachat.server.RateLimit.NONE)
                .command("CHAT", "CHAT <id> <text>", "broken on purpose", chat).build();
        try (ChatServer server = ChatServer.create(config).start()) {
            Result r = Driver.run(SmokeTest.tiny(Target.AURACHAT, workload,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 0)
                    .timeout(Duration.ofSeconds(2)).build());
            SmokeTest.assertNoGeneratorThreads();
            return r;
        }
    }

    @Test
    void misroutedMessagesFailTheRun() throws Exception {
        Result r = runAgainst(ctx -> {
            ctx.send(ctx.sender().id(), ctx.splitArguments(2).get(1)); // back to the sender
            return Reply.ok();
        });
        assertFalse(r.verified());
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("wrong client")), r::toTable);
    }

    @Test
    void aFullServerFailsTheRunAtOnce() throws Exception {
        ServerConfig config = ServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .idleTimeout(Duration.ZERO).rateLimit(io.aurachat.server.RateLimit.NONE).maxClients(5).build();
        try (ChatServer server = ChatServer.create(config).start()) {
            Result r = Driver.run(SmokeTest.tiny(Target.AURACHAT, Workload.IDLE,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 0)
                    .clients(20).connectConcurrency(4).build());
            SmokeTest.assertNoGeneratorThreads();
            assertFalse(r.verified());
            assertTrue(r.failures().stream().anyMatch(f -> f.startsWith("failed while")), r::toTable);
            assertTrue(r.failures().stream().anyMatch(f -> f.contains("server-full")), r::toTable);
        }
    }

    @Test
    void lostMessagesFailTheRun() throws Exception {
        AtomicInteger count = new AtomicInteger();
        Result r = runAgainst(ctx -> {
            var args = ctx.splitArguments(2);
            if (count.incrementAndGet() % 10 != 0) {
                ctx.send(ClientId.parse(args.get(0)), args.get(1));
            }
            return Reply.ok();
        });
        assertFalse(r.verified());
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("delivered")), r::toTable);
    }

    @Test
    void lostFloodMessagesFailTheFloodRun() throws Exception {
        AtomicInteger count = new AtomicInteger();
        Result r = runAgainst(Workload.FLOOD, ctx -> {
            var args = ctx.splitArguments(2);
            ClientId to = ClientId.parse(args.get(0));
            if (!to.equals(ctx.sender().id()) || count.incrementAndGet() % 10 != 0) { // drops a tenth of the flooder's
                ctx.send(to, args.get(1));
            }
            return Reply.ok();
        });
        assertFalse(r.verified());
        assertTrue(r.failures().stream().anyMatch(f -> f.startsWith("the flooder sent")), r::toTable);
    }
}
