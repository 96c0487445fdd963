package io.aurachat.hub;

import io.aurachat.bench.BenchTexts;
import io.aurachat.history.HistoryStore;
import io.aurachat.history.MemoryHistoryStore;
import io.aurachat.log.LogSink;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.server.ServerConfig;
import io.aurachat.transport.Peer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH: the hub's per-message path without sockets, as an I/O thread runs it: {@link Client#onLine} of a
 * {@code CHAT <id> <64-byte text>} line to one of {@link #clients} clients picked in turn (the dispatcher, the
 * built-in CHAT, routing with the cached message prefix, the reply) and a {@code SAY} to all of them (encoded
 * once). The peers only count what they are given. Scores are per line. No log sink, as in the benchmark runs; the
 * default history store (in memory), as a server without a configured store has, so that every message is kept.
 *
 * <p>A JMH state: one instance per benchmark thread; not thread-safe.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class DispatchBench {
    /** CHAT lines per invocation: one to each client in turn. */
    static final int LINES = 1000;

    /** How many clients are connected: the recipients of SAY, and of the CHATs in turn. */
    @Param({"100", "1000"})
    public int clients;

    /** A peer that takes every line and keeps only a count. */
    static final class CountingPeer implements Peer {
        long lines;
        long bytes;

        @Override
        public String address() {
            return "192.0.2.1";
        }

        @Override
        public boolean send(byte[] line) {
            lines++;
            bytes += line.length;
            return true;
        }

        LeaveReason closed;

        @Override
        public void close(LeaveReason reason, byte[] lastLine) {
            closed = reason; // only at tear-down: the hub's shutdown
        }
    }

    Hub hub;
    HistoryStore history;
    Client sender;
    List<CountingPeer> peers;
    String[] chats;
    String say;

    /** A hub with the default settings and {@link #clients} joined clients; the lines, made once. */
    @Setup(Level.Trial)
    public void setup() {
        ServerConfig config = ServerConfig.builder().presenceLimit(0).build();
        history = MemoryHistoryStore.create();
        hub = new Hub(new Hub.Settings(config.serverName(), config.idleTimeout(), config.maxLineLength(),
                config.maxClients(), config.presenceLimit(), config.maxConsecutiveErrors(), config.commands(),
                List.<LogSink>of(), config.logQueueCapacity(), Clock.systemUTC(), config.nameRule(), history));
        hub.start(null);
        peers = new ArrayList<>();
        List<ClientId> ids = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            CountingPeer peer = new CountingPeer();
            Client c = hub.attach(peer);
            c.join();
            peers.add(peer);
            ids.add(c.id());
        }
        sender = hub.attach(new CountingPeer());
        sender.join();
        chats = new String[LINES];
        for (int i = 0; i < LINES; i++) {
            chats[i] = "CHAT " + ids.get(i % clients) + " " + BenchTexts.ascii(i);
        }
        say = "SAY " + BenchTexts.ascii(1);
    }

    /** Stops the hub's log threads. */
    @TearDown(Level.Trial)
    public void tearDown() {
        hub.shutdown();
        hub.closeLog(java.time.Duration.ofSeconds(1));
        history.close(); // the hub does not close its store: its owner does, after the transports
    }

    /** {@link #LINES} CHATs, each to the next client: the direct workload's server side. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public int chat(Blackhole bh) {
        int handled = 0;
        long now = System.currentTimeMillis();
        for (String line : chats) {
            if (sender.onLine(line, now, true)) {
                handled++;
            }
        }
        return handled;
    }

    /** One SAY to every client: encoded once, queued {@link #clients} times. */
    @Benchmark
    public boolean say() {
        return sender.onLine(say, System.currentTimeMillis(), true);
    }
}
