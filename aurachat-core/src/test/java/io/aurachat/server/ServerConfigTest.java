package io.aurachat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.command.BuiltinCommands;
import io.aurachat.command.Command;
import io.aurachat.command.CommandHandler;
import io.aurachat.command.Reply;
import io.aurachat.history.HistoryStore;
import io.aurachat.history.MemoryHistoryStore;
import io.aurachat.log.LogSink;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServerConfigTest {

    private static final CommandHandler ROLL = context -> Reply.of("roll", Map.of("value", 4));
    private static final Set<String> BUILTIN_VERBS =
            Set.of("TIME", "EXIT", "CHAT", "SAY", "NAME", "LIST", "HELP", "PING", "HISTORY", "JOIN", "PART", "POST", "ROOMS", "MEMBERS",
                    "SESSION", "RESUME", "REGISTER", "LOGIN", "PASSWORD");

    @Test
    void defaultsMatchTheDocumentation() {
        ServerConfig config = ServerConfig.builder().build();

        assertNull(config.bindAddress());
        assertEquals(5000, config.port());
        assertEquals("AuraChat", config.serverName());
        assertEquals(Duration.ofMinutes(2), config.idleTimeout());
        assertEquals(4096, config.maxLineLength());
        assertEquals(10_000, config.maxClients());
        assertEquals(1024 * 1024, config.maxOutboundBytes());
        assertEquals(64 * 1024, config.outboundSoftLimit());
        assertEquals(java.time.Duration.ofSeconds(5), config.outboundSoftTimeout());
        assertEquals(io.aurachat.protocol.NameRule.standard(), config.nameRule());
        assertEquals(20, config.maxConsecutiveErrors());
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), config.ioThreads());
        assertEquals(1, ServerConfig.defaultIoThreads(1));
        assertEquals(1, ServerConfig.defaultIoThreads(2));
        assertEquals(1, ServerConfig.defaultIoThreads(3));
        assertEquals(4, ServerConfig.defaultIoThreads(8));
        assertEquals(1_000, config.presenceLimit());
        assertEquals(262_144, config.logQueueCapacity());
        assertEquals(Duration.ofSeconds(5), config.shutdownTimeout());
        assertEquals(ZoneId.systemDefault(), config.clock().getZone());
        assertEquals(List.of(), config.logSinks());
        assertNull(config.historyStore(), "the default: an in-memory store made when the server starts");
        assertEquals(Duration.ofMinutes(2), config.resumeWindow());
        assertEquals(ServerConfig.DEFAULT_RESUME_WINDOW, config.resumeWindow());
        assertEquals(50_000, config.maxResumeMessages());
        assertEquals(ServerConfig.DEFAULT_MAX_RESUME_MESSAGES, config.maxResumeMessages());
        assertEquals(RateLimit.of(100, 500), config.rateLimit());
        assertSame(ServerConfig.DEFAULT_RATE_LIMIT, config.rateLimit());
        assertEquals("100/s, burst 500", config.rateLimit().toString());
    }

    @Test
    void aRateLimitChecksItsRangesAndNoneLimitsNothing() {
        assertFalse(RateLimit.NONE.isLimited());
        assertEquals("none", RateLimit.NONE.toString());
        assertTrue(RateLimit.of(0.01, 1).isLimited());
        assertEquals("0.5/s, burst 3", RateLimit.of(0.5, 3).toString());
        assertEquals(RateLimit.of(1_000_000, 1_000_000), RateLimit.of(1e6, 1_000_000));
        for (double bad : new double[] {0, 0.009, -1, 1_000_001, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RateLimit.of(bad, 10));
            assertTrue(e.getMessage().contains("perSecond"), e.getMessage());
        }
        for (int bad : new int[] {0, -1, 1_000_001}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RateLimit.of(10, bad));
            assertTrue(e.getMessage().contains("burst"), e.getMessage());
        }
        assertSame(RateLimit.NONE, ServerConfig.builder().rateLimit(RateLimit.NONE).build().rateLimit());
    }

    @Test
    void defaultsHaveEveryBuiltInCommandUnderItsVerb() {
        Map<String, Command> commands = ServerConfig.builder().build().commands();

        assertEquals(BUILTIN_VERBS, commands.keySet());
        for (Command builtin : BuiltinCommands.all()) {
            assertSame(builtin, commands.get(builtin.verb()));
        }
    }

    @Test
    void keepsEveryValueSet() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        Clock clock = Clock.fixed(Instant.parse("2026-11-21T08:15:02Z"), ZoneId.of("Europe/Rome"));
        LogSink first = new LogSink() {};
        LogSink second = LogSink.NONE;

        ServerConfig config = ServerConfig.builder()
                .bindAddress(loopback)
                .port(0)
                .serverName("Sala giochi")
                .idleTimeout(Duration.ofMillis(250))
                .maxLineLength(64)
                .maxClients(3)
                .maxOutboundBytes(1024)
                .maxConsecutiveErrors(0)
                .logQueueCapacity(16)
                .shutdownTimeout(Duration.ZERO)
                .clock(clock)
                .logSink(first)
                .logSink(second)
                .historyStore(HistoryStore.NONE)
                .resumeWindow(Duration.ofSeconds(7))
                .maxResumeMessages(9)
                .rateLimit(RateLimit.of(2.5, 7))
                .build();

        assertSame(loopback, config.bindAddress());
        assertEquals(0, config.port());
        assertEquals("Sala giochi", config.serverName());
        assertEquals(Duration.ofMillis(250), config.idleTimeout());
        assertEquals(64, config.maxLineLength());
        assertEquals(3, config.maxClients());
        assertEquals(1024, config.maxOutboundBytes());
        assertEquals(0, config.maxConsecutiveErrors());
        assertEquals(16, config.logQueueCapacity());
        assertEquals(Duration.ZERO, config.shutdownTimeout());
        assertSame(clock, config.clock());
        assertEquals(List.of(first, second), config.logSinks());
        assertSame(HistoryStore.NONE, config.historyStore());
        assertEquals(Duration.ofSeconds(7), config.resumeWindow());
        assertEquals(9, config.maxResumeMessages());
        assertEquals(RateLimit.of(2.5, 7), config.rateLimit());
    }

    /** One out-of-range value per case, with the setting's name that the message must contain. */
    static Stream<Arguments> invalidValues() {
        return Stream.of(
                invalid("port", b -> b.port(-1)),
                invalid("port", b -> b.port(65536)),
                invalid("port", b -> b.port(Integer.MIN_VALUE)),
                invalid("serverName", b -> b.serverName(null)),
                invalid("serverName", b -> b.serverName("")),
                invalid("serverName", b -> b.serverName("   ")),
                invalid("serverName", b -> b.serverName("x".repeat(65))),
                invalid("serverName", b -> b.serverName("Aura\nChat")),
                invalid("serverName", b -> b.serverName("Aura\u0000Chat")),
                invalid("serverName", b -> b.serverName("Aura\u007fChat")),
                invalid("idleTimeout", b -> b.idleTimeout(null)),
                invalid("idleTimeout", b -> b.idleTimeout(Duration.ofMillis(-1))),
                invalid("idleTimeout", b -> b.idleTimeout(Duration.ofNanos(-1))),
                invalid("idleTimeout", b -> b.idleTimeout(Duration.ofNanos(999_999))),
                invalid("maxLineLength", b -> b.maxLineLength(63)),
                invalid("maxLineLength", b -> b.maxLineLength(0)),
                invalid("maxLineLength", b -> b.maxLineLength((1 << 20) + 1)),
                invalid("maxClients", b -> b.maxClients(0)),
                invalid("maxClients", b -> b.maxClients(-5)),
                invalid("maxClients", b -> b.maxClients(1_000_001)),
                invalid("maxOutboundBytes", b -> b.maxOutboundBytes(1023)),
                invalid("maxOutboundBytes", b -> b.maxOutboundBytes((1 << 30) + 1)),
                invalid("maxConsecutiveErrors", b -> b.maxConsecutiveErrors(-1)),
                invalid("maxConsecutiveErrors", b -> b.maxConsecutiveErrors(1_000_001)),
                invalid("ioThreads", b -> b.ioThreads(0)),
                invalid("ioThreads", b -> b.ioThreads(257)),
                invalid("presenceLimit", b -> b.presenceLimit(-1)),
                invalid("presenceLimit", b -> b.presenceLimit(1_000_001)),
                invalid("logQueueCapacity", b -> b.logQueueCapacity(15)),
                invalid("logQueueCapacity", b -> b.logQueueCapacity((1 << 24) + 1)),
                invalid("shutdownTimeout", b -> b.shutdownTimeout(null)),
                invalid("shutdownTimeout", b -> b.shutdownTimeout(Duration.ofNanos(-1))),
                invalid("shutdownTimeout", b -> b.shutdownTimeout(Duration.ofMinutes(10).plusNanos(1))),
                invalid("clock", b -> b.clock(null)),
                invalid("resumeWindow", b -> b.resumeWindow(null)),
                invalid("resumeWindow", b -> b.resumeWindow(Duration.ofNanos(-1))),
                invalid("resumeWindow", b -> b.resumeWindow(Duration.ofDays(1).plusNanos(1))),
                invalid("maxResumeMessages", b -> b.maxResumeMessages(0)),
                invalid("maxResumeMessages", b -> b.maxResumeMessages(10_000_001)),
                invalid("rateLimit", b -> b.rateLimit(null)));
    }

    private static Arguments invalid(String setting, UnaryOperator<ServerConfig.Builder> change) {
        return Arguments.of(setting, change);
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("invalidValues")
    void buildRejectsAnOutOfRangeValueNamingTheSetting(String setting, UnaryOperator<ServerConfig.Builder> change) {
        ServerConfig.Builder builder = change.apply(ServerConfig.builder());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains(setting), e.getMessage());
    }

    /** The edges of every documented range, which must be accepted. */
    static Stream<Arguments> boundaryValues() {
        return Stream.of(
                valid("port 0", b -> b.port(0), c -> c.port() == 0),
                valid("port 65535", b -> b.port(65535), c -> c.port() == 65535),
                valid("serverName 1 char", b -> b.serverName("A"), c -> c.serverName().equals("A")),
                valid("serverName 64 chars", b -> b.serverName("y".repeat(64)), c -> c.serverName().length() == 64),
                valid("serverName non-ASCII", b -> b.serverName("Caffè Ñandú"),
                        c -> c.serverName().equals("Caffè Ñandú")),
                valid("idleTimeout zero", b -> b.idleTimeout(Duration.ZERO), c -> c.idleTimeout().isZero()),
                valid("idleTimeout 1 ms", b -> b.idleTimeout(Duration.ofMillis(1)),
                        c -> c.idleTimeout().equals(Duration.ofMillis(1))),
                valid("maxLineLength 64", b -> b.maxLineLength(64), c -> c.maxLineLength() == 64),
                valid("maxLineLength 1 MiB", b -> b.maxLineLength(1 << 20), c -> c.maxLineLength() == 1 << 20),
                valid("maxClients 1", b -> b.maxClients(1), c -> c.maxClients() == 1),
                valid("maxClients 1000000", b -> b.maxClients(1_000_000), c -> c.maxClients() == 1_000_000),
                valid("maxOutboundBytes 1024", b -> b.maxOutboundBytes(1024), c -> c.maxOutboundBytes() == 1024),
                valid("maxOutboundBytes 1 GiB", b -> b.maxOutboundBytes(1 << 30),
                        c -> c.maxOutboundBytes() == 1 << 30),
                valid("maxConsecutiveErrors 0", b -> b.maxConsecutiveErrors(0), c -> c.maxConsecutiveErrors() == 0),
                valid("ioThreads 1", b -> b.ioThreads(1), c -> c.ioThreads() == 1),
                valid("presenceLimit 0", b -> b.presenceLimit(0), c -> c.presenceLimit() == 0),
                valid("ioThreads 256", b -> b.ioThreads(256), c -> c.ioThreads() == 256),
                valid("maxConsecutiveErrors 1000000", b -> b.maxConsecutiveErrors(1_000_000),
                        c -> c.maxConsecutiveErrors() == 1_000_000),
                valid("logQueueCapacity 16", b -> b.logQueueCapacity(16), c -> c.logQueueCapacity() == 16),
                valid("logQueueCapacity 16777216", b -> b.logQueueCapacity(1 << 24),
                        c -> c.logQueueCapacity() == 1 << 24),
                valid("shutdownTimeout 0", b -> b.shutdownTimeout(Duration.ZERO), c -> c.shutdownTimeout().isZero()),
                valid("shutdownTimeout 10 min", b -> b.shutdownTimeout(Duration.ofMinutes(10)),
                        c -> c.shutdownTimeout().equals(Duration.ofMinutes(10))),
                valid("resumeWindow 0", b -> b.resumeWindow(Duration.ZERO), c -> c.resumeWindow().isZero()),
                valid("resumeWindow 1 day", b -> b.resumeWindow(Duration.ofDays(1)),
                        c -> c.resumeWindow().equals(Duration.ofDays(1))),
                valid("maxResumeMessages 1", b -> b.maxResumeMessages(1), c -> c.maxResumeMessages() == 1),
                valid("maxResumeMessages 10000000", b -> b.maxResumeMessages(10_000_000),
                        c -> c.maxResumeMessages() == 10_000_000));
    }

    private static Arguments valid(String name, UnaryOperator<ServerConfig.Builder> change,
            java.util.function.Predicate<ServerConfig> check) {
        return Arguments.of(name, change, check);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boundaryValues")
    void buildAcceptsTheEdgesOfEveryRange(String name, UnaryOperator<ServerConfig.Builder> change,
            java.util.function.Predicate<ServerConfig> check) {
        ServerConfig config = change.apply(ServerConfig.builder()).build();

        assertTrue(check.test(config), name + ": " + config);
    }

    @Test
    void aVeryLongIdleTimeoutIsAcceptedOrRejectedAsIllegalArgument() {
        // The Javadoc sets no upper bound; whatever build() decides, it must not fail some other way.
        ServerConfig.Builder builder = ServerConfig.builder().idleTimeout(ChronoUnit.FOREVER.getDuration());
        try {
            assertEquals(ChronoUnit.FOREVER.getDuration(), builder.build().idleTimeout());
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("idleTimeout"), e.getMessage());
        }
    }

    @Test
    void commandReplacesTheCommandWithTheSameVerbInAnyCase() {
        Command myTime = new Command("time", "TIME", "The time on the moon.", ROLL);

        ServerConfig config = ServerConfig.builder().command(myTime).build();

        assertSame(myTime, config.commands().get("TIME"));
        assertEquals(BUILTIN_VERBS, config.commands().keySet());
    }

    @Test
    void commandAddsANewVerb() {
        ServerConfig config = ServerConfig.builder().command("roll", "ROLL [sides]", "Roll a die.", ROLL).build();

        Command roll = config.commands().get("ROLL");
        assertEquals("ROLL", roll.verb());
        assertEquals("ROLL [sides]", roll.usage());
        assertEquals("Roll a die.", roll.description());
        assertSame(ROLL, roll.handler());
        assertEquals(BUILTIN_VERBS.size() + 1, config.commands().size());
    }

    @Test
    void commandShorthandValidatesLikeTheConstructor() {
        assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().command("1ROLL", "ROLL", "Roll a die.", ROLL));
        assertThrows(NullPointerException.class, () -> ServerConfig.builder().command(null));
    }

    @Test
    void removeCommandRemovesTheVerbInAnyCase() {
        ServerConfig config = ServerConfig.builder().removeCommand("exit").removeCommand("Chat").build();

        assertEquals(Set.of("TIME", "SAY", "NAME", "LIST", "HELP", "PING", "HISTORY", "JOIN", "PART", "POST", "ROOMS", "MEMBERS",
                "SESSION", "RESUME", "REGISTER", "LOGIN", "PASSWORD"), config.commands().keySet());
    }

    @Test
    void removeCommandOfAnUnknownVerbChangesNothing() {
        ServerConfig config = ServerConfig.builder().removeCommand("ROLL").build();

        assertEquals(BUILTIN_VERBS, config.commands().keySet());
    }

    @Test
    void clearCommandsRemovesTheBuiltInsToo() {
        ServerConfig config = ServerConfig.builder()
                .clearCommands()
                .command(Command.of("roll", "Roll a die.", ROLL))
                .build();

        assertEquals(Set.of("ROLL"), config.commands().keySet());
        assertEquals(Map.of(), ServerConfig.builder().clearCommands().build().commands());
    }

    @Test
    void logSinkRejectsNull() {
        assertThrows(NullPointerException.class, () -> ServerConfig.builder().logSink(null));
    }

    @Test
    void toBuilderStartsFromEveryValueOfTheConfiguration() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-21T08:15:02Z"), ZoneId.of("Europe/Rome"));
        LogSink sink = new LogSink() {};
        Command roll = Command.of("ROLL", "Roll a die.", ROLL);
        HistoryStore history = MemoryHistoryStore.create();
        ServerConfig original = ServerConfig.builder()
                .bindAddress(InetAddress.getByName("::1"))
                .port(6000)
                .serverName("Original")
                .idleTimeout(Duration.ofSeconds(30))
                .maxLineLength(128)
                .maxClients(7)
                .maxOutboundBytes(4096)
                .maxConsecutiveErrors(3)
                .logQueueCapacity(32)
                .shutdownTimeout(Duration.ofSeconds(1))
                .clock(clock)
                .logSink(sink)
                .removeCommand("SAY")
                .command(roll)
                .historyStore(history)
                .resumeWindow(Duration.ofSeconds(45))
                .maxResumeMessages(123)
                .rateLimit(RateLimit.of(3, 4))
                .build();

        ServerConfig copy = original.toBuilder().build();

        assertEquals(original.bindAddress(), copy.bindAddress());
        assertEquals(6000, copy.port());
        assertEquals("Original", copy.serverName());
        assertEquals(Duration.ofSeconds(30), copy.idleTimeout());
        assertEquals(128, copy.maxLineLength());
        assertEquals(7, copy.maxClients());
        assertEquals(4096, copy.maxOutboundBytes());
        assertEquals(3, copy.maxConsecutiveErrors());
        assertEquals(32, copy.logQueueCapacity());
        assertEquals(Duration.ofSeconds(1), copy.shutdownTimeout());
        assertSame(clock, copy.clock());
        assertEquals(List.of(sink), copy.logSinks());
        assertEquals(original.commands(), copy.commands());
        assertFalse(copy.commands().containsKey("SAY"));
        assertSame(roll, copy.commands().get("ROLL"));
        assertSame(history, copy.historyStore());
        assertEquals(Duration.ofSeconds(45), copy.resumeWindow());
        assertEquals(123, copy.maxResumeMessages());
        assertEquals(RateLimit.of(3, 4), copy.rateLimit());
    }

    @Test
    void toBuilderDoesNotChangeTheOriginal() {
        ServerConfig original = ServerConfig.builder().port(6000).build();

        ServerConfig changed = original.toBuilder()
                .port(7000)
                .clearCommands()
                .logSink(LogSink.NONE)
                .build();

        assertEquals(6000, original.port());
        assertEquals(BUILTIN_VERBS, original.commands().keySet());
        assertEquals(List.of(), original.logSinks());
        assertEquals(7000, changed.port());
        assertEquals(Map.of(), changed.commands());
        assertEquals(List.of(LogSink.NONE), changed.logSinks());
    }

    @Test
    void changingTheBuilderAfterBuildDoesNotChangeTheConfiguration() {
        ServerConfig.Builder builder = ServerConfig.builder();
        ServerConfig config = builder.build();

        builder.port(7000).removeCommand("TIME").command(Command.of("ROLL", "Roll.", ROLL)).logSink(LogSink.NONE);

        assertEquals(5000, config.port());
        assertEquals(BUILTIN_VERBS, config.commands().keySet());
        assertEquals(List.of(), config.logSinks());
    }

    @Test
    void commandsAndLogSinksCannotBeModified() {
        ServerConfig config = ServerConfig.builder().logSink(LogSink.NONE).build();
        Command roll = Command.of("ROLL", "Roll a die.", ROLL);

        assertThrows(UnsupportedOperationException.class, () -> config.commands().put("ROLL", roll));
        assertThrows(UnsupportedOperationException.class, () -> config.commands().remove("TIME"));
        assertThrows(UnsupportedOperationException.class, () -> config.commands().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.logSinks().add(new LogSink() {}));
        assertThrows(UnsupportedOperationException.class, () -> config.logSinks().clear());
        assertEquals(BUILTIN_VERBS, config.commands().keySet());
        assertEquals(List.of(LogSink.NONE), config.logSinks());
    }

    @Test
    void tcpIsOnByDefaultAndCanBeSwitchedOffButNotUnderDiscovery() {
        assertTrue(ServerConfig.builder().build().tcpEnabled());
        ServerConfig off = ServerConfig.builder().tcpEnabled(false).build();
        assertFalse(off.tcpEnabled());
        assertFalse(off.toBuilder().build().tcpEnabled(), "toBuilder keeps it");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder()
                .tcpEnabled(false).discovery(io.aurachat.discovery.DiscoveryConfig.builder().build()).build());
        assertEquals("discovery announces the TCP port: it needs tcpEnabled", e.getMessage());
    }

    @Test
    void aServerWithoutTcpListensNowhereAndTakesAttachedClients() throws Exception {
        try (ChatServer server = ChatServer.create(ServerConfig.builder().tcpEnabled(false).build()).start()) {
            assertEquals("the server has no TCP listener (tcpEnabled is false)",
                    assertThrows(IllegalStateException.class, server::port).getMessage());
            assertTrue(server.clients().isEmpty());
        }
    }
}
