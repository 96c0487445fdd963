package io.aurachat.hub;

import io.aurachat.command.BuiltinCommands;
import io.aurachat.command.Command;
import io.aurachat.command.CommandContext;
import io.aurachat.command.CommandException;
import io.aurachat.command.Reply;
import io.aurachat.command.ResumeResult;
import io.aurachat.internal.CommandLine;
import io.aurachat.log.LogEvent;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.Fields;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.RoomInfo;
import io.aurachat.protocol.Verbs;
import io.aurachat.history.HistoryPage;
import io.aurachat.history.MessageIds;
import io.aurachat.history.HistoryQuery;
import java.time.Clock;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a client's lines into commands and replies: exactly one reply per non-blank line, in order. Every
 * command, the built-in ones included, goes the same way: find the verb in the table, run its handler with
 * a {@link Context}, encode the reply ({@link #encode}). Stateless itself; a client's command state is on its
 * {@link Client}.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** An unknown verb is echoed in {@code command} cut to this many characters (and {@code ...}). */
    static final int MAX_ECHOED_VERB = Verbs.MAX_LENGTH;

    /**
     * A registered command and what the dispatcher must know of it on every line.
     *
     * @param nonBlocking it never blocks, so it runs on the thread that read the line, even an I/O thread
     *     (the built-in commands)
     * @param beforeJoin it runs before the client has joined ({@code PING}, {@code HELP}, {@code TIME},
     *     {@code EXIT})
     */
    record Entry(Command command, boolean nonBlocking, boolean beforeJoin, boolean loggedAsMessage) {}

    /** A command an I/O thread found but may not run, and its line, kept until it runs elsewhere. */
    record Deferred(Entry entry, String line, int argumentsStart) {}

    private final Hub hub;
    private final CommandTable table;
    private final List<Command> sorted;
    private final int maxConsecutiveErrors;
    /** Whether any log sink wants {@link LogEvent.CommandExecuted}: sinks say so once, at start. */
    private final boolean logCommands;
    /**
     * Whether every sink that takes command events also takes message events: then a CHAT or SAY that succeeds is
     * logged as its {@link LogEvent.MessageSent} alone, which says all its command event would (sender, recipient,
     * text). Half the audit log's work and disk per routed message.
     */
    private final boolean messagesCoverCommands;

    Dispatcher(Hub hub, Map<String, Command> commands, int maxConsecutiveErrors, Set<Command> nonBlocking) {
        this.hub = hub;
        Set<Command> beforeJoin = Collections.newSetFromMap(new IdentityHashMap<>());
        beforeJoin.addAll(List.of(BuiltinCommands.PING, BuiltinCommands.HELP, BuiltinCommands.TIME,
                BuiltinCommands.EXIT, BuiltinCommands.REGISTER, BuiltinCommands.LOGIN));
        this.table = new CommandTable(commands.values().stream()
                .map(c -> new Entry(c, nonBlocking.contains(c), beforeJoin.contains(c),
                        c == BuiltinCommands.CHAT || c == BuiltinCommands.SAY
                                || c == BuiltinCommands.POST)).toList());
        this.sorted = commands.values().stream().sorted(Comparator.comparing(Command::verb)).toList();
        this.maxConsecutiveErrors = maxConsecutiveErrors;
        this.logCommands = hub.log().wants(LogEvent.CommandExecuted.class);
        this.messagesCoverCommands = hub.log().implies(LogEvent.CommandExecuted.class, LogEvent.MessageSent.class);
    }

    List<Command> sortedCommands() {
        return sorted;
    }

    /** See {@link Client#onLine}. */
    boolean line(Client client, String line, long nowMillis, boolean mustNotBlock) {
        int verbStart = CommandLine.skipSpaces(line, 0);
        if (verbStart == line.length() || !client.isOpen()) {
            return true; // a blank line is not a command: no reply
        }
        int verbEnd = CommandLine.wordEnd(line, verbStart);
        Entry command = table.find(line, verbStart, verbEnd);
        if (command == null) {
            unknown(client, line.substring(verbStart, verbEnd));
            return true;
        }
        client.lastActivityMillis = nowMillis;
        int argumentsStart = CommandLine.skipSpaces(line, verbEnd);
        if (mustNotBlock && !command.nonBlocking()) {
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
            execute(client, d.entry(), d.line(), d.argumentsStart());
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
        // Cut by code points: a cut between the two halves of a character would send half of one, escaped.
        String shown = verb.codePointCount(0, verb.length()) > MAX_ECHOED_VERB
                ? verb.substring(0, verb.offsetByCodePoints(0, MAX_ECHOED_VERB)) + "..." : verb;
        protocolError(client, shown, ErrorCodes.UNKNOWN_COMMAND,
                "unknown command '" + shown + "'; HELP lists the commands");
    }

    private void execute(Client client, Entry entry, String line, int argumentsStart) {
        Command command = entry.command();
        String verb = command.verb();
        // A new context per command: a young object is in the cache, a reused one per client would not be.
        Context context = new Context(client, verb, line, argumentsStart);
        String errorCode = null;
        byte[] reply;
        boolean closes = false;
        try {
            if (!entry.beforeJoin() && !client.isJoined()) {
                if (hub.requiresLogin()) {
                    throw new CommandException(ErrorCodes.LOGIN_REQUIRED,
                            verb + " needs a client that has logged in: LOGIN <name> <password>, or REGISTER");
                }
                throw new CommandException(ErrorCodes.NOT_JOINED, verb + " needs a client that has joined");
            }
            Reply result = command.handler().handle(context);
            if (result == null) {
                throw new IllegalStateException("handler of " + verb + " returned null");
            }
            reply = encode(verb, result, context.recipient());
            closes = result.closesConnection();
        } catch (CommandException e) {
            errorCode = e.code();
            reply = Wire.error(verb, e.code(), e.getMessage(), e.fields());
        } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
            LOG.warn("command {} of client {} failed", verb, client.id, e);
            errorCode = ErrorCodes.INTERNAL_ERROR;
            reply = Wire.error(verb, ErrorCodes.INTERNAL_ERROR, "the command failed inside the server");
        }
        if (logCommands && !(errorCode == null && entry.loggedAsMessage() && messagesCoverCommands)) {
            hub.log().emit(new LogEvent.CommandExecuted(hub.clock().instant(), context.sender, verb,
                    loggable(command, context), errorCode));
        }
        // A registered command, even one that failed on its merits (no-such-client, name-taken, a
        // user command's own error), shows the client speaks the protocol: the error streak ends.
        client.consecutiveErrors = 0;
        if (closes) {
            client.close(LeaveReason.EXIT, reply);
        } else {
            client.send(reply);
        }
    }

    /**
     * A command's arguments as the audit log may keep them: never a password. {@code REGISTER} and {@code LOGIN} keep
     * the name alone, {@code PASSWORD} nothing.
     */
    private static String loggable(Command command, Context context) {
        if (command == BuiltinCommands.REGISTER || command == BuiltinCommands.LOGIN) {
            List<String> words = context.splitArguments(2);
            return words.isEmpty() ? "" : words.get(0);
        }
        if (command == BuiltinCommands.PASSWORD) {
            return "";
        }
        return context.arguments();
    }

    /**
     * A reply's line. A command that messaged exactly one client usually answers its sender with the same
     * reply every time but for the message's id ({@code CHAT}'s {@code {"type":"ok","to":ID,"id":N}}), so the line up
     * to the id's digits is kept on the recipient and reused while the rest of the reply is equal: the fixed part is
     * encoded once per recipient, not per message. The memo compares the value with the recipient's own id object,
     * which routing has just read. A one-field reply is kept whole the same way.
     */
    private static byte[] encode(String verb, Reply reply, Client recipient) {
        Map<String, Object> fields = reply.fields();
        int n = fields.size();
        if (recipient == null || n < 1 || n > 2 || reply.closesConnection()) {
            return Wire.reply(verb, reply);
        }
        java.util.Iterator<Map.Entry<String, Object>> entries = fields.entrySet().iterator();
        Map.Entry<String, Object> first = entries.next();
        String id = null;
        if (n == 2) {
            Map.Entry<String, Object> second = entries.next();
            if (!Fields.ID.equals(second.getKey()) || !(second.getValue() instanceof String digits)
                    || MessageIds.parse(digits) < 0) {
                return Wire.reply(verb, reply);
            }
            id = digits;
        }
        boolean idFollows = id != null;
        Client.Memo memo = recipient.replyMemo;
        if (memo != null && memo.idFollows() == idFollows && memo.verb() == verb && reply.type().equals(memo.type())
                && memo.name().equals(first.getKey()) && memo.value().equals(first.getValue())) {
            return idFollows ? withId(memo.line(), id) : memo.line();
        }
        byte[] line = Wire.reply(verb, reply);
        if (first.getValue() != null) {
            byte[] kept = line;
            if (idFollows) {
                int cut = line.length - id.length() - 3; // the digits, then "}\n
                if (cut < 0 || !java.util.Arrays.equals(withId(java.util.Arrays.copyOf(line, cut), id), line)) {
                    return line; // not the shape this memo makes: no memo
                }
                kept = java.util.Arrays.copyOf(line, cut);
            }
            // The recipient's own id object when that is the value (CHAT's "to"): routing has just read it.
            Object value = first.getValue().equals(recipient.id) ? recipient.id : first.getValue();
            recipient.replyMemo = new Client.Memo(verb, reply.type(), first.getKey(), value, kept, idFollows);
        }
        return line;
    }

    /** {@code prefix}, then the id's digits, then {@code "}} and the line feed. */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): a byte per char, exactly right for digits
    private static byte[] withId(byte[] prefix, String id) {
        int n = id.length();
        byte[] line = java.util.Arrays.copyOf(prefix, prefix.length + n + 3);
        id.getBytes(0, n, line, prefix.length);
        line[prefix.length + n] = '"';
        line[prefix.length + n + 1] = '}';
        line[prefix.length + n + 2] = '\n';
        return line;
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
        private final Entry[] slots;
        private final int mask;

        CommandTable(List<Entry> commands) {
            int size = Integer.highestOneBit(Math.max(4, commands.size() * 4) - 1) << 1;
            slots = new Entry[size];
            mask = size - 1;
            for (Entry c : commands) {
                String v = c.command().verb();
                int i = hash(v, 0, v.length()) & mask;
                while (slots[i] != null) {
                    i = (i + 1) & mask;
                }
                slots[i] = c;
            }
        }

        /** The command whose verb is {@code line[from, to)} in any ASCII case, or {@code null}. */
        Entry find(String line, int from, int to) {
            int length = to - from;
            if (length == 0 || length > Verbs.MAX_LENGTH) {
                return null;
            }
            int i = hash(line, from, to) & mask;
            Entry c;
            while ((c = slots[i]) != null) {
                if (matches(c.command().verb(), line, from, length)) {
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

        /** From the length and the first and last letters: cheap, and it tells the built-in verbs apart. */
        private static int hash(String s, int from, int to) {
            int h = (upper(s.charAt(from)) * 31 + upper(s.charAt(to - 1))) * 31 + (to - from);
            return h ^ (h >>> 7);
        }

        private static char upper(char c) {
            return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
        }
    }

    /**
     * What a handler sees: one per command. Valid only during the {@code handle} call, as {@link
     * CommandContext} says.
     */
    final class Context implements CommandContext {
        private final Client client;
        private final String verb;
        private final String line;
        private final int argumentsStart;
        private String arguments;
        final ClientInfo sender;
        private Client recipient;
        private int recipients;
        private long messageId;

        Context(Client client, String verb, String line, int argumentsStart) {
            this.client = client;
            this.verb = verb;
            this.line = line;
            this.argumentsStart = argumentsStart;
            this.sender = client.info();
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
            Client target = hub.sendMessage(client, to, text);
            if (target != null) {
                recipients++;
                recipient = target;
                messageId = client.lastMessageId;
            }
            return target != null;
        }

        @Override
        public String lastMessageId() {
            return messageId == 0 ? null : Long.toString(messageId);
        }

        /** The one client this command sent a private message to, or {@code null} (none, or several). */
        Client recipient() {
            return recipients == 1 ? recipient : null;
        }

        @Override
        public int broadcast(String text) {
            int n = hub.broadcastMessage(client, text);
            messageId = client.lastMessageId;
            return n;
        }

        @Override
        public RoomInfo joinRoom(String room) throws CommandException {
            return hub.joinRoom(client, room);
        }

        @Override
        public void partRoom(String room) throws CommandException {
            hub.partRoom(client, room);
        }

        @Override
        public int post(String room, String text) throws CommandException {
            int n = hub.post(client, room, text);
            messageId = client.lastMessageId;
            return n;
        }

        @Override
        public List<RoomInfo> rooms() {
            return hub.rooms();
        }

        @Override
        public List<ClientInfo> members(String room) throws CommandException {
            return hub.members(room);
        }

        @Override
        public RoomInfo room(String room) throws CommandException {
            return hub.room(client, room);
        }

        @Override
        public CompletionStage<HistoryPage> history(HistoryQuery query) {
            return hub.history(client, query);
        }

        @Override
        public List<ClientInfo> clients() {
            return hub.clients();
        }

        @Override
        public String session() throws CommandException {
            return hub.session(client);
        }

        @Override
        public long resumeWindowSeconds() {
            return hub.resumeWindowSeconds();
        }

        @Override
        public ResumeResult resume(String session, long lastId) throws CommandException {
            return hub.resume(client, session, lastId);
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
        public ClientInfo register(String name, String password) throws CommandException {
            return hub.accounts.register(client, name, password);
        }

        @Override
        public ClientInfo login(String name, String password) throws CommandException {
            return hub.accounts.login(client, name, password);
        }

        @Override
        public void changePassword(String oldPassword, String newPassword) throws CommandException {
            hub.accounts.changePassword(client, oldPassword, newPassword);
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
