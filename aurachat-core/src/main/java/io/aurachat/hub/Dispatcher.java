package io.aurachat.hub;

import io.aurachat.command.BuiltinCommands;
import io.aurachat.command.Command;
import io.aurachat.command.CommandContext;
import io.aurachat.command.CommandException;
import io.aurachat.command.Reply;
import io.aurachat.internal.CommandLine;
import io.aurachat.log.LogEvent;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.Verbs;
import java.time.Clock;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a client's lines into commands and replies: exactly one reply per non-blank line, in order. Every
 * command, the built-in ones included, goes the same way: find the verb in the table, run its handler with
 * the client's reused {@link Context}, encode the reply. Stateless itself; a client's command state is on its
 * {@link Client}.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** An unknown verb is echoed in {@code command} cut to this many characters (and {@code ...}). */
    static final int MAX_ECHOED_VERB = Verbs.MAX_LENGTH;

    /** A command an I/O thread found but may not run, and its line, kept until it runs elsewhere. */
    record Deferred(Command command, String line, int argumentsStart) {}

    private final Hub hub;
    private final CommandTable table;
    private final List<Command> sorted;
    private final int maxConsecutiveErrors;
    /** Commands that never block: they run on the thread that read the line, even an I/O thread. */
    private final Set<Command> nonBlocking;
    /** Commands that run before a client has joined. */
    private final Set<Command> beforeJoin = Collections.newSetFromMap(new IdentityHashMap<>());

    Dispatcher(Hub hub, Map<String, Command> commands, int maxConsecutiveErrors, Set<Command> nonBlocking) {
        this.hub = hub;
        this.table = new CommandTable(commands.values());
        this.sorted = commands.values().stream().sorted(Comparator.comparing(Command::verb)).toList();
        this.maxConsecutiveErrors = maxConsecutiveErrors;
        this.nonBlocking = nonBlocking;
        beforeJoin.addAll(List.of(BuiltinCommands.PING, BuiltinCommands.HELP, BuiltinCommands.TIME,
                BuiltinCommands.EXIT));
    }

    List<Command> sortedCommands() {
        return sorted;
    }

    /** See {@link Client#onLine}. */
    boolean line(Client client, String line, long nowMillis, boolean mustNotBlock) {
        if (!client.isOpen() || CommandLine.isBlank(line)) {
            return true;
        }
        int verbStart = CommandLine.skipSpaces(line, 0);
        int verbEnd = CommandLine.wordEnd(line, verbStart);
        Command command = table.find(line, verbStart, verbEnd);
        if (command == null) {
            unknown(client, line.substring(verbStart, verbEnd));
            return true;
        }
        client.lastActivityMillis = nowMillis;
        int argumentsStart = CommandLine.skipSpaces(line, verbEnd);
        if (mustNotBlock && !nonBlocking.contains(command)) {
            client.deferred = new Deferred(command, line, argumentsStart);
            return false;
        }
        execute(client, command, line, argumentsStart);
        return true;
    }

    /** See {@link Client#runDeferred()}. */
    void runDeferred(Client client) {
        Deferred d = client.deferred;
        client.deferred = null;
        if (d != null && client.isOpen()) {
            execute(client, d.command(), d.line(), d.argumentsStart());
        }
    }

    void lineTooLong(Client client) {
        if (client.isOpen()) {
            protocolError(client, null, ErrorCodes.LINE_TOO_LONG,
                    "line longer than " + hub.settings().maxLineLength() + " bytes; it was discarded");
        }
    }

    void badEncoding(Client client) {
        if (client.isOpen()) {
            protocolError(client, null, ErrorCodes.BAD_ENCODING, "line is not valid UTF-8; it was discarded");
        }
    }

    private void unknown(Client client, String typed) {
        String verb = Verbs.normalize(typed);
        String shown = verb.length() > MAX_ECHOED_VERB ? verb.substring(0, MAX_ECHOED_VERB) + "..." : verb;
        protocolError(client, shown, ErrorCodes.UNKNOWN_COMMAND,
                "unknown command '" + shown + "'; HELP lists the commands");
    }

    private void execute(Client client, Command command, String line, int argumentsStart) {
        String verb = command.verb();
        Context context = client.context;
        if (context == null) {
            context = new Context(client);
            client.context = context;
        }
        context.start(verb, line, argumentsStart);
        String errorCode = null;
        byte[] reply;
        boolean closes = false;
        try {
            if (!client.isJoined() && !beforeJoin.contains(command)) {
                throw new CommandException(ErrorCodes.NOT_JOINED, verb + " needs a client that has joined");
            }
            Reply result = command.handler().handle(context);
            if (result == null) {
                throw new IllegalStateException("handler of " + verb + " returned null");
            }
            reply = Wire.reply(verb, result);
            closes = result.closesConnection();
        } catch (CommandException e) {
            errorCode = e.code();
            reply = Wire.error(verb, e.code(), e.getMessage());
        } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
            LOG.warn("command {} of client {} failed", verb, client.id, e);
            errorCode = ErrorCodes.INTERNAL_ERROR;
            reply = Wire.error(verb, ErrorCodes.INTERNAL_ERROR, "the command failed inside the server");
        }
        LogBus log = hub.log();
        if (log.wants(LogEvent.CommandExecuted.class)) {
            log.emit(new LogEvent.CommandExecuted(hub.clock().instant(), context.sender, verb, context.arguments(),
                    errorCode));
        }
        context.finish();
        // A registered command, even one that failed on its merits (no-such-client, name-taken, a
        // user command's own error), shows the client speaks the protocol: the error streak ends.
        client.consecutiveErrors = 0;
        if (closes) {
            client.close(LeaveReason.EXIT, reply);
        } else {
            client.send(reply);
        }
    }

    private void protocolError(Client client, String command, String code, String message) {
        LogBus log = hub.log();
        if (log.wants(LogEvent.ProtocolError.class)) {
            log.emit(new LogEvent.ProtocolError(hub.clock().instant(), client.info(), code, message));
        }
        client.send(Wire.error(command, code, message));
        if (maxConsecutiveErrors > 0 && ++client.consecutiveErrors >= maxConsecutiveErrors) {
            client.close(LeaveReason.TOO_MANY_ERRORS, Wire.bye(LeaveReason.TOO_MANY_ERRORS));
        }
    }

    /**
     * The registered commands by verb, looked up straight from the line: no verb string is made, and a verb
     * matches ignoring ASCII case only. Open addressing over a table at most a quarter full.
     */
    static final class CommandTable {
        private final Command[] slots;
        private final int mask;

        CommandTable(java.util.Collection<Command> commands) {
            int size = Integer.highestOneBit(Math.max(4, commands.size() * 4) - 1) << 1;
            slots = new Command[size];
            mask = size - 1;
            for (Command c : commands) {
                String v = c.verb();
                int i = hash(v, 0, v.length()) & mask;
                while (slots[i] != null) {
                    i = (i + 1) & mask;
                }
                slots[i] = c;
            }
        }

        /** The command whose verb is {@code line[from, to)} in any ASCII case, or {@code null}. */
        Command find(String line, int from, int to) {
            int length = to - from;
            if (length == 0 || length > Verbs.MAX_LENGTH) {
                return null;
            }
            int i = hash(line, from, to) & mask;
            Command c;
            while ((c = slots[i]) != null) {
                if (matches(c.verb(), line, from, length)) {
                    return c;
                }
                i = (i + 1) & mask;
            }
            return null;
        }

        private static boolean matches(String verb, String line, int from, int length) {
            if (verb.length() != length) {
                return false;
            }
            for (int k = 0; k < length; k++) {
                if (upper(line.charAt(from + k)) != verb.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        private static int hash(String s, int from, int to) {
            int h = 0;
            for (int k = from; k < to; k++) {
                h = 31 * h + upper(s.charAt(k));
            }
            return h ^ (h >>> 16);
        }

        private static char upper(char c) {
            return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
        }
    }

    /**
     * What a handler sees: one per client, reused for each of its commands, which run one at a time. Valid
     * only during the {@code handle} call, as {@link CommandContext} says.
     */
    final class Context implements CommandContext {
        private final Client client;
        private String verb;
        private String line;
        private int argumentsStart;
        private String arguments;
        ClientInfo sender;

        Context(Client client) {
            this.client = client;
        }

        void start(String verb, String line, int argumentsStart) {
            this.verb = verb;
            this.line = line;
            this.argumentsStart = argumentsStart;
            this.arguments = null;
            this.sender = client.info();
        }

        /** Lets go of the line, so that an idle client does not keep its last one. */
        void finish() {
            line = null;
            arguments = null;
            sender = null;
        }

        @Override
        public ClientInfo sender() {
            return sender;
        }

        @Override
        public String verb() {
            return verb;
        }

        @Override
        public String arguments() {
            String a = arguments;
            if (a == null) {
                a = line.substring(argumentsStart);
                arguments = a;
            }
            return a;
        }

        @Override
        public List<String> splitArguments(int limit) {
            return CommandLine.split(line, argumentsStart, limit);
        }

        @Override
        public boolean send(ClientId to, String text) {
            return hub.sendMessage(client, to, text) != null;
        }

        @Override
        public int broadcast(String text) {
            return hub.broadcastMessage(client, text);
        }

        @Override
        public List<ClientInfo> clients() {
            return hub.clients();
        }

        @Override
        public Optional<ClientInfo> client(ClientId id) {
            return hub.client(id);
        }

        @Override
        public ClientInfo rename(String name) throws CommandException {
            return hub.rename(client, name);
        }

        @Override
        public List<Command> commands() {
            return sorted;
        }

        @Override
        public Clock clock() {
            return hub.clock();
        }

        @Override
        public String serverName() {
            return hub.settings().serverName();
        }
    }
}
