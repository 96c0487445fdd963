package io.aurachat.command;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.internal.CommandLine;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.LeaveReason;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The built-in commands, run against an in-memory {@link CommandContext}: no sockets, no server. */
class BuiltinCommandsTest {

    private static final Instant CONNECTED = Instant.parse("2026-11-21T08:00:00Z");
    private static final ClientInfo ALICE = new ClientInfo(ClientId.of(1), "alice", "127.0.0.1", CONNECTED);
    private static final ClientInfo BOB = new ClientInfo(ClientId.of(2), "bob", "10.0.0.2", CONNECTED.plusSeconds(5));
    private static final ClientInfo CAROL = new ClientInfo(ClientId.of(3), "c3", "::1", CONNECTED.plusSeconds(9));

    @Test
    void allHoldsTheNineteenProtocolCommandsWithTheUsagesOfProtocolMd() {
        List<Command> all = BuiltinCommands.all();
        assertEquals(List.of("TIME", "EXIT", "CHAT", "SAY", "NAME", "LIST", "HELP", "PING", "HISTORY", "JOIN", "PART", "POST", "ROOMS", "MEMBERS",
                        "SESSION", "RESUME", "REGISTER", "LOGIN", "PASSWORD"),
                all.stream().map(Command::verb).toList());
        assertEquals(List.of("TIME", "EXIT", "CHAT <id> <text>", "SAY <text>", "NAME <name>", "LIST", "HELP", "PING",
                        "HISTORY <target> LATEST [limit] | <target> BEFORE <id> [limit] | <target> AFTER <id> [limit] "
                                + "| <target> BETWEEN <id> <id> [limit] | @ CONVERSATIONS [BEFORE <id>] [limit]",
                        "JOIN <room>", "PART <room>", "POST <room> <text>", "ROOMS", "MEMBERS <room>",
                        "SESSION", "RESUME <session> <last-id>", "REGISTER <name> <password>",
                        "LOGIN <name> <password>", "PASSWORD <old> <new>"),
                all.stream().map(Command::usage).toList());
        assertEquals("Show earlier messages: target * is everyone, a room's name its messages, @ your account's private "
                        + "messages, @name those with the account name; limit 50 by default, at most 200. HISTORY @ "
                        + "CONVERSATIONS lists the accounts you have private messages with, the latest first.",
                BuiltinCommands.HISTORY.description());
    }

    @Nested
    class Time {

        @Test
        void answersWithTheClockTimeInItsZoneAsInProtocolMd() throws Exception {
            Instant now = Instant.parse("2026-11-21T08:15:02.318Z");
            FakeContext context = new FakeContext("TIME", "")
                    .clock(Clock.fixed(now, ZoneId.of("Europe/Rome")));

            Reply reply = BuiltinCommands.TIME.handler().handle(context);

            assertEquals("time", reply.type());
            assertEquals(Map.of("time", "2026-11-21T09:15:02.318+01:00",
                    "epochMillis", now.toEpochMilli(),
                    "zone", "Europe/Rome"), reply.fields());
            assertFalse(reply.closesConnection());
        }

        @Test
        void usesTheClocksZoneNotTheJvmDefault() throws Exception {
            Instant now = Instant.parse("2026-06-01T23:45:00.5Z");
            FakeContext context = new FakeContext("TIME", "")
                    .clock(Clock.fixed(now, ZoneId.of("Asia/Kolkata")));

            Reply reply = BuiltinCommands.TIME.handler().handle(context);

            String time = (String) reply.fields().get("time");
            assertEquals("2026-06-02T05:15:00.500+05:30", time, "always three digits of milliseconds");
            assertEquals(now, OffsetDateTime.parse(time).toInstant());
            FakeContext onTheSecond = new FakeContext("TIME", "")
                    .clock(Clock.fixed(Instant.parse("2026-06-01T23:45:00Z"), ZoneId.of("UTC")));
            assertEquals("2026-06-01T23:45:00.000Z",
                    BuiltinCommands.TIME.handler().handle(onTheSecond).fields().get("time"));
            assertEquals(now.toEpochMilli(), reply.fields().get("epochMillis"));
            assertEquals("Asia/Kolkata", reply.fields().get("zone"));
        }
    }

    @Test
    void exitSaysByeWithReasonExitAndClosesTheConnection() throws Exception {
        Reply reply = BuiltinCommands.EXIT.handler().handle(new FakeContext("EXIT", ""));

        assertEquals("bye", reply.type());
        assertEquals(Map.of("reason", LeaveReason.EXIT.wireName()), reply.fields());
        assertEquals("exit", reply.fields().get("reason"));
        assertTrue(reply.closesConnection());
    }

    @Nested
    class Chat {

        @Test
        void sendsTheTextToTheNamedClientKeepingItsSpaces() throws Exception {
            FakeContext context = new FakeContext("CHAT", "c2 hello   there  ").clients(ALICE, BOB);

            Reply reply = BuiltinCommands.CHAT.handler().handle(context);

            assertEquals(List.of(new Sent(ClientId.of(2), "hello   there  ")), context.sent);
            assertEquals("ok", reply.type());
            assertEquals(Map.of("to", ClientId.of(2)), reply.fields());
            assertFalse(reply.closesConnection());
            assertEquals(List.of(), context.broadcasts);
        }

        @Test
        void mayNameTheSendersOwnId() throws Exception {
            FakeContext context = new FakeContext("CHAT", "c1 note to self").clients(ALICE, BOB);

            Reply reply = BuiltinCommands.CHAT.handler().handle(context);

            assertEquals(List.of(new Sent(ClientId.of(1), "note to self")), context.sent);
            assertEquals(Map.of("to", ClientId.of(1)), reply.fields());
        }

        @Test
        void repliesWithTheIdOfTheMessageItSent() throws Exception {
            FakeContext context = new FakeContext("CHAT", "c2 hello").clients(ALICE, BOB).ids(121611328413499392L);

            Reply reply = BuiltinCommands.CHAT.handler().handle(context);

            assertEquals(List.of(new Sent(ClientId.of(2), "hello")), context.sent);
            assertEquals(Map.of("to", ClientId.of(2), "id", "121611328413499392"), reply.fields());
            assertEquals(List.of("to", "id"), List.copyOf(reply.fields().keySet()), "the id comes after to");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "c2", "c2 ", "c2     "})
        void withoutTextIsBadArgumentsWithTheUsage(String arguments) {
            FakeContext context = new FakeContext("CHAT", arguments).clients(ALICE, BOB);

            CommandException e = assertThrows(CommandException.class,
                    () -> BuiltinCommands.CHAT.handler().handle(context));

            assertEquals(ErrorCodes.BAD_ARGUMENTS, e.code());
            assertTrue(e.getMessage().contains("CHAT <id> <text>"), e.getMessage());
            assertEquals(List.of(), context.sent);
        }

        @ParameterizedTest
        @ValueSource(strings = {"bob hi", "C2 hi", "c0 hi", "c02 hi", "2 hi", "c2x hi", "*  hi"})
        void withAMalformedIdIsBadArgumentsAndSendsNothing(String arguments) {
            FakeContext context = new FakeContext("CHAT", arguments).clients(ALICE, BOB);

            CommandException e = assertThrows(CommandException.class,
                    () -> BuiltinCommands.CHAT.handler().handle(context));

            assertEquals(ErrorCodes.BAD_ARGUMENTS, e.code());
            assertEquals(List.of(), context.sent);
        }

        @Test
        void badArgumentsForAMalformedIdGivesTheUsageAsProtocolMdPromises() {
            // PROTOCOL.md: "bad-arguments | missing or malformed arguments; message gives the usage".
            FakeContext context = new FakeContext("CHAT", "bob hi").clients(ALICE, BOB);

            CommandException e = assertThrows(CommandException.class,
                    () -> BuiltinCommands.CHAT.handler().handle(context));

            assertTrue(e.getMessage().contains("CHAT <id> <text>"), e.getMessage());
        }

        @Test
        void toAnIdThatIsNotConnectedIsNoSuchClient() {
            FakeContext context = new FakeContext("CHAT", "c9 anyone there?").clients(ALICE, BOB);

            CommandException e = assertThrows(CommandException.class,
                    () -> BuiltinCommands.CHAT.handler().handle(context));

            assertEquals(ErrorCodes.NO_SUCH_CLIENT, e.code());
            assertTrue(e.getMessage().contains("c9"), e.getMessage());
            // The command did try: it is send() that reports the id as unknown.
            assertEquals(List.of(new Sent(ClientId.of(9), "anyone there?")), context.attemptedSends);
        }
    }

    @Nested
    class Say {

        @Test
        void broadcastsTheTextAsReceivedAndCountsTheRecipients() throws Exception {
            FakeContext context = new FakeContext("SAY", "Ciao  a tutti ").clients(ALICE, BOB, CAROL);

            Reply reply = BuiltinCommands.SAY.handler().handle(context);

            assertEquals(List.of("Ciao  a tutti "), context.broadcasts);
            assertEquals("ok", reply.type());
            assertEquals(Map.of("recipients", 2), reply.fields());
            assertEquals(List.of(), context.sent);
        }

        @Test
        void withNobodyElseConnectedSucceedsWithZeroRecipients() throws Exception {
            FakeContext context = new FakeContext("SAY", "hello?").clients(ALICE);

            Reply reply = BuiltinCommands.SAY.handler().handle(context);

            assertEquals(Map.of("recipients", 0), reply.fields());
            assertEquals(List.of("hello?"), context.broadcasts);
        }

        @Test
        void repliesWithTheIdOfTheMessageItSent() throws Exception {
            FakeContext context = new FakeContext("SAY", "hi").clients(ALICE, BOB, CAROL).ids(121611328413499392L);

            Reply reply = BuiltinCommands.SAY.handler().handle(context);

            assertEquals(List.of("hi"), context.broadcasts);
            assertEquals(Map.of("recipients", 2, "id", "121611328413499392"), reply.fields());
            assertEquals(List.of("recipients", "id"), List.copyOf(reply.fields().keySet()),
                    "the id comes after recipients");
        }

        @Test
        void withoutTextIsBadArgumentsAndBroadcastsNothing() {
            FakeContext context = new FakeContext("SAY", "").clients(ALICE, BOB);

            CommandException e = assertThrows(CommandException.class,
                    () -> BuiltinCommands.SAY.handler().handle(context));

            assertEquals(ErrorCodes.BAD_ARGUMENTS, e.code());
            assertTrue(e.getMessage().contains("SAY <text>"), e.getMessage());
            assertEquals(List.of(), context.broadcasts);
        }
    }

    @Nested
    class Name {

        @Test
        void renamesTheSenderAndRepliesWithTheNewName() throws Exception {
            FakeContext context = new FakeContext("NAME", "Mario Rossi").clients(ALICE, BOB);

            Reply reply = BuiltinCommands.NAME.handler().handle(context);

            assertEquals(List.of("Mario Rossi"), context.renames);
            assertEquals("ok", reply.type());
            assertEquals(Map.of("name", "Mario Rossi"), reply.fields());
        }

        @Test
        void repliesWithTheNameRenameReturns() throws Exception {
            // The reply reports the sender as it is after the change, not the raw argument.
            FakeContext context = new FakeContext("NAME", "mario").clients(ALICE, BOB);
            context.renameResult = ALICE.withName("Mario");

            Reply reply = BuiltinCommands.NAME.handler().handle(context);

            assertEquals(Map.of("name", "Mario"), reply.fields());
        }

        @Test
        void withoutANameIsBadArgumentsAndRenamesNothing() {
            FakeContext context = new FakeContext("NAME", "").clients(ALICE, BOB);

            CommandException e = assertThrows(CommandException.class,
                    () -> BuiltinCommands.NAME.handler().handle(context));

            assertEquals(ErrorCodes.BAD_ARGUMENTS, e.code());
            assertTrue(e.getMessage().contains("NAME <name>"), e.getMessage());
            assertEquals(List.of(), context.renames);
        }

        @ParameterizedTest
        @ValueSource(strings = {ErrorCodes.BAD_NAME, ErrorCodes.NAME_TAKEN})
        void passesOnTheErrorOfRename(String code) {
            FakeContext context = new FakeContext("NAME", "bob").clients(ALICE, BOB);
            CommandException refusal = new CommandException(code, "refused by the server");
            context.renameFailure = refusal;

            CommandException e = assertThrows(CommandException.class,
                    () -> BuiltinCommands.NAME.handler().handle(context));

            assertSame(refusal, e);
            assertEquals(List.of("bob"), context.renames);
        }
    }

    @Test
    void listAnswersWithTheConnectedClientsInConnectionOrder() throws Exception {
        FakeContext context = new FakeContext("LIST", "").clients(ALICE, BOB, CAROL);

        Reply reply = BuiltinCommands.LIST.handler().handle(context);

        assertEquals("clients", reply.type());
        assertEquals(Map.of("clients", List.of(ALICE, BOB, CAROL)), reply.fields());
        assertFalse(reply.closesConnection());
    }

    @Test
    void listWithOnlyTheSenderHoldsTheSender() throws Exception {
        Reply reply = BuiltinCommands.LIST.handler().handle(new FakeContext("LIST", "").clients(ALICE));

        assertEquals(List.of(ALICE), reply.fields().get("clients"));
    }

    @Test
    void helpDescribesEveryCommandInTheOrderTheContextGives() throws Exception {
        Command roll = new Command("ROLL", "ROLL [sides]", "Roll a die.", c -> Reply.ok());
        List<Command> commands = new ArrayList<>(BuiltinCommands.all());
        commands.add(3, roll);
        FakeContext context = new FakeContext("HELP", "").clients(ALICE).commands(commands);

        Reply reply = BuiltinCommands.HELP.handler().handle(context);

        assertEquals("help", reply.type());
        assertEquals(List.of("commands"), List.copyOf(reply.fields().keySet()));
        List<Map<String, Object>> expected = commands.stream()
                .map(c -> Map.<String, Object>of("verb", c.verb(), "usage", c.usage(), "description", c.description()))
                .toList();
        assertEquals(expected, reply.fields().get("commands"));
    }

    @Test
    void helpEntriesListVerbThenUsageThenDescription() throws Exception {
        FakeContext context = new FakeContext("HELP", "").commands(List.of(BuiltinCommands.CHAT));

        Reply reply = BuiltinCommands.HELP.handler().handle(context);

        Map<?, ?> entry = (Map<?, ?>) ((List<?>) reply.fields().get("commands")).get(0);
        assertEquals(List.of("verb", "usage", "description"), List.copyOf(entry.keySet()));
        assertEquals("CHAT <id> <text>", entry.get("usage"));
    }

    @Test
    void helpWithNoCommandsIsAnEmptyList() throws Exception {
        Reply reply = BuiltinCommands.HELP.handler().handle(new FakeContext("HELP", "").commands(List.of()));

        assertEquals(Map.of("commands", List.of()), reply.fields());
    }

    @Test
    void pingAnswersPong() throws Exception {
        Reply reply = BuiltinCommands.PING.handler().handle(new FakeContext("PING", ""));

        assertAll(
                () -> assertEquals("pong", reply.type()),
                () -> assertEquals(Map.of(), reply.fields()),
                () -> assertFalse(reply.closesConnection()));
    }

    @Test
    void argumentsAreSplitAsTheContextJavadocSays() {
        // The CHAT tests above are only as good as this split, which the fake borrows from the server.
        assertEquals(List.of("c2", "hello  there"), new FakeContext("CHAT", "c2 hello  there").splitArguments(2));
        assertEquals(List.of(), new FakeContext("CHAT", "").splitArguments(2));
        assertEquals(List.of("c2"), new FakeContext("CHAT", "c2").splitArguments(2));
        assertEquals(List.of("a", "b", "c  d "), new FakeContext("X", "a  b c  d ").splitArguments(3));
        assertEquals(List.of("a  b"), new FakeContext("X", "a  b").splitArguments(1));
        assertThrows(IllegalArgumentException.class, () -> new FakeContext("X", "a").splitArguments(0));
    }

    /** A message the command asked to send to one client. */
    record Sent(ClientId to, String text) {}

    /**
     * An in-memory {@link CommandContext}: the first configured client is the sender, sends and
     * broadcasts are recorded, and {@link #rename} succeeds unless told otherwise.
     */
    static final class FakeContext implements CommandContext {
        private final String verb;
        private final String arguments;
        private List<ClientInfo> clients = List.of(ALICE);
        private List<Command> commands = BuiltinCommands.all();
        private Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneId.of("UTC"));
        /** The id the next message gets; 0: no ids, as a context made elsewhere ({@link #lastMessageId}'s default). */
        private long nextId;
        private long lastId;

        final List<Sent> attemptedSends = new ArrayList<>();
        final List<Sent> sent = new ArrayList<>();
        final List<String> broadcasts = new ArrayList<>();
        final List<String> renames = new ArrayList<>();
        ClientInfo renameResult;
        CommandException renameFailure;

        FakeContext(String verb, String arguments) {
            this.verb = verb;
            this.arguments = arguments;
        }

        FakeContext clients(ClientInfo... connected) {
            this.clients = List.of(connected);
            return this;
        }

        FakeContext commands(List<Command> registered) {
            this.commands = List.copyOf(registered);
            return this;
        }

        FakeContext clock(Clock fixed) {
            this.clock = fixed;
            return this;
        }

        /** Gives the messages sent ids from {@code first} on, as the server does. */
        FakeContext ids(long first) {
            this.nextId = first;
            return this;
        }

        private void sentOne() {
            if (nextId > 0) {
                lastId = nextId++;
            }
        }

        @Override
        public String lastMessageId() {
            return lastId == 0 ? CommandContext.super.lastMessageId() : Long.toString(lastId);
        }

        @Override
        public ClientInfo sender() {
            return clients.get(0);
        }

        @Override
        public String verb() {
            return verb;
        }

        @Override
        public String arguments() {
            return arguments;
        }

        @Override
        public List<String> splitArguments(int limit) {
            // The server's own splitting, so these tests see what a connected client would.
            return CommandLine.split(arguments, limit);
        }

        @Override
        public boolean send(ClientId to, String text) {
            Sent message = new Sent(to, text);
            attemptedSends.add(message);
            if (client(to).isEmpty()) {
                return false;
            }
            sent.add(message);
            sentOne();
            return true;
        }

        @Override
        public int broadcast(String text) {
            broadcasts.add(text);
            sentOne();
            return clients.size() - 1;
        }

        @Override
        public List<ClientInfo> clients() {
            return clients;
        }

        @Override
        public Optional<ClientInfo> client(ClientId id) {
            return clients.stream().filter(c -> c.id().equals(id)).findFirst();
        }

        @Override
        public ClientInfo rename(String name) throws CommandException {
            renames.add(name);
            if (renameFailure != null) {
                throw renameFailure;
            }
            return renameResult != null ? renameResult : sender().withName(name);
        }

        @Override
        public List<Command> commands() {
            return commands;
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public String serverName() {
            return "AuraChat";
        }
    }
}
