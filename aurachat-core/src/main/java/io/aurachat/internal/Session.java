package io.aurachat.internal;

import io.aurachat.command.BuiltinCommands;
import io.aurachat.command.Command;
import io.aurachat.command.CommandContext;
import io.aurachat.command.CommandException;
import io.aurachat.command.Reply;
import io.aurachat.log.LogEvent;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.LeaveReason;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one client's lines into commands and replies: exactly one reply per non-blank line, in order.
 * Runs on one thread at a time: the connection's I/O thread, or the virtual thread that runs a
 * command which is not built in (see {@link Connection}).
 */
final class Session implements LineDecoder.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final int MAX_ECHOED_VERB = 32;

    private final ServerCore core;
    private final Connection connection;
    /** Lines in a row that were not commands at all (unknown verb, too long, not UTF-8). */
    private int consecutiveErrors;
    /** A command that must not run on the I/O thread, waiting for {@link #runPending()}. */
    private Command pendingCommand;
    private String pendingArguments;
    /** The server's CHAT is the built-in one: {@link #onLine} recognises it without the general parse. */
    private final boolean builtinChat;

    Session(ServerCore core, Connection connection) {
        this.core = core;
        this.connection = connection;
        this.builtinChat = core.hasBuiltinChat();
    }

    /**
     * Handles one line. A built-in command runs here and now; any other command may block, so on an
     * I/O thread it is only noted, and {@code false} tells the caller to run it with
     * {@link #runPending()} on a thread that may block.
     */
    @Override
    public boolean onLine(String line) {
        if (!connection.isOpen() || CommandLine.isBlank(line)) {
            return true;
        }
        EventLoop loop = EventLoop.current();
        connection.lastActivityMillis = loop != null ? loop.batchMillis() : core.clock().millis();
        if (builtinChat && isChat(line)) {
            executeChat(line);
            return true;
        }
        CommandLine parsed = CommandLine.parse(line);
        String verb = Command.normalizeVerb(parsed.verb());
        Command command = core.command(verb);
        if (command == null) {
            String shown = verb.length() > MAX_ECHOED_VERB ? verb.substring(0, MAX_ECHOED_VERB) + "..." : verb;
            protocolError(shown, ErrorCodes.UNKNOWN_COMMAND,
                    "unknown command '" + shown + "'; HELP lists the commands");
            return true;
        }
        if (loop != null && !core.runsOnLoop(command)) {
            pendingCommand = command;
            pendingArguments = parsed.arguments();
            return false;
        }
        execute(command, parsed.arguments());
        return true;
    }

    /** Runs the command that {@link #onLine} returned {@code false} for; off the I/O thread. */
    void runPending() {
        Command command = pendingCommand;
        String arguments = pendingArguments;
        pendingCommand = null;
        pendingArguments = null;
        if (command != null && connection.isOpen()) {
            execute(command, arguments);
        }
    }

    @Override
    public void onLineTooLong() {
        if (connection.isOpen()) {
            connection.lastActivityMillis = core.clock().millis();
            protocolError(null, ErrorCodes.LINE_TOO_LONG,
                    "line longer than " + core.config().maxLineLength() + " bytes; it was discarded");
        }
    }

    @Override
    public void onBadEncoding() {
        if (connection.isOpen()) {
            connection.lastActivityMillis = core.clock().millis();
            protocolError(null, ErrorCodes.BAD_ENCODING, "line is not valid UTF-8; it was discarded");
        }
    }

    private void execute(Command command, String arguments) {
        String verb = command.verb();
        Context context = new Context(verb, arguments);
        String errorCode = null;
        byte[] reply;
        boolean closes = false;
        try {
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
            LOG.warn("command {} of client {} failed", verb, connection.id, e);
            errorCode = ErrorCodes.INTERNAL_ERROR;
            reply = Wire.error(verb, ErrorCodes.INTERNAL_ERROR, "the command failed inside the server");
        }
        if (core.log().wants(LogEvent.CommandExecuted.class)) {
            core.log().emit(new LogEvent.CommandExecuted(
                    core.clock().instant(), context.sender, verb, arguments, errorCode));
        }
        // A registered command, even one that failed on its merits (no-such-client, name-taken, a
        // user command's own error), shows the client speaks the protocol: the error streak ends.
        consecutiveErrors = 0;
        if (closes) {
            connection.closeGracefully(LeaveReason.EXIT, reply);
        } else {
            connection.send(reply);
        }
    }

    /** Whether the line's verb is {@code CHAT} in any case, with no space before it. */
    private static boolean isChat(String line) {
        return line.length() >= 4 && (line.charAt(0) | 0x20) == 'c' && (line.charAt(1) | 0x20) == 'h'
                && (line.charAt(2) | 0x20) == 'a' && (line.charAt(3) | 0x20) == 't'
                && (line.length() == 4 || CommandLine.isSpace(line.charAt(4)));
    }

    /**
     * The built-in {@code CHAT}, the one command on every message's path, without the general path's
     * objects: the same checks, errors, reply bytes and log event as {@link BuiltinCommands#CHAT}'s handler
     * run by {@link #execute} ({@code ChatFastPathTest} compares the two byte for byte), with the reply
     * made once per recipient. A {@code CHAT} that a server registers itself goes the general way.
     */
    private void executeChat(String line) {
        int from = CommandLine.skipSpaces(line, 4);
        String errorCode = null;
        byte[] reply;
        try {
            reply = chat(line, from);
        } catch (CommandException e) {
            errorCode = e.code();
            reply = Wire.error("CHAT", e.code(), e.getMessage());
        }
        if (core.log().wants(LogEvent.CommandExecuted.class)) {
            core.log().emit(new LogEvent.CommandExecuted(
                    core.clock().instant(), connection.info(), "CHAT", line.substring(from), errorCode));
        }
        consecutiveErrors = 0;
        connection.send(reply);
    }

    private byte[] chat(String line, int from) throws CommandException {
        int n = line.length();
        int end = from;
        while (end < n && !CommandLine.isSpace(line.charAt(end))) {
            end++;
        }
        int textStart = CommandLine.skipSpaces(line, end);
        if (textStart >= n) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: CHAT <id> <text>");
        }
        String target = line.substring(from, end);
        if (!ClientId.isValid(target)) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS,
                    "usage: CHAT <id> <text>; '" + target + "' is not a client id (LIST shows them)");
        }
        ClientId to = new ClientId(target);
        Connection recipient = core.sendMessage(connection, to, line.substring(textStart));
        if (recipient == null) {
            throw new CommandException(ErrorCodes.NO_SUCH_CLIENT, "no client with id " + to + " is connected");
        }
        return recipient.chatReply();
    }

    private void protocolError(String command, String code, String message) {
        if (core.log().wants(LogEvent.ProtocolError.class)) {
            core.log().emit(new LogEvent.ProtocolError(core.clock().instant(), connection.info(), code, message));
        }
        connection.send(Wire.error(command, code, message));
        int limit = core.config().maxConsecutiveErrors();
        if (limit > 0 && ++consecutiveErrors >= limit) {
            connection.closeGracefully(LeaveReason.TOO_MANY_ERRORS, Wire.bye(LeaveReason.TOO_MANY_ERRORS));
        }
    }

    private final class Context implements CommandContext {
        private final String verb;
        private final String arguments;
        private final ClientInfo sender;

        Context(String verb, String arguments) {
            this.verb = verb;
            this.arguments = arguments;
            this.sender = connection.info();
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
            return arguments;
        }

        @Override
        public List<String> splitArguments(int limit) {
            return CommandLine.split(arguments, limit);
        }

        @Override
        public boolean send(ClientId to, String text) {
            return core.sendMessage(connection, to, text) != null;
        }

        @Override
        public int broadcast(String text) {
            return core.broadcastMessage(connection, text);
        }

        @Override
        public List<ClientInfo> clients() {
            return core.clients();
        }

        @Override
        public Optional<ClientInfo> client(ClientId id) {
            return core.client(id);
        }

        @Override
        public ClientInfo rename(String name) throws CommandException {
            return core.rename(connection, name);
        }

        @Override
        public List<Command> commands() {
            return core.commands();
        }

        @Override
        public Clock clock() {
            return core.clock();
        }

        @Override
        public String serverName() {
            return core.config().serverName();
        }
    }
}
