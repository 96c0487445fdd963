package io.aurachat.command;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.Fields;
import io.aurachat.protocol.LineTypes;
import io.aurachat.protocol.Verbs;
import io.aurachat.history.HistoryPage;
import io.aurachat.history.HistoryQuery;
import io.aurachat.history.HistoryUnavailableException;
import io.aurachat.history.MessageIds;
import io.aurachat.history.NoSuchMessageException;
import io.aurachat.history.StoredMessage;
import io.aurachat.protocol.Protocol;
import io.aurachat.protocol.RoomInfo;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The commands every AuraChat server has unless its configuration removes or replaces them. They are
 * ordinary {@link CommandHandler}s and use nothing but {@link CommandContext}.
 */
public final class BuiltinCommands {
    // One spelling of each usage: HELP shows it, and so do the bad-arguments errors.
    private static final String CHAT_USAGE = Verbs.CHAT + " <id> <text>";
    private static final String SAY_USAGE = Verbs.SAY + " <text>";
    private static final String NAME_USAGE = Verbs.NAME + " <name>";
    private static final String POST_USAGE = Verbs.POST + " <room> <text>";

    /** {@code TIME}: the server's current time. */
    public static final Command TIME = new Command(Verbs.TIME, Verbs.TIME,
            "Show the server's current time.", BuiltinCommands::time);
    /** {@code EXIT}: say goodbye and close the connection. */
    public static final Command EXIT = new Command(Verbs.EXIT, Verbs.EXIT,
            "Leave the chat; the server closes the connection.", context -> Reply.exit());
    /** {@code CHAT <id> <text>}: a private message. */
    public static final Command CHAT = new Command(Verbs.CHAT, CHAT_USAGE,
            "Send a private message to the client with that id.", BuiltinCommands::chat);
    /** {@code SAY <text>}: a message to everyone else. */
    public static final Command SAY = new Command(Verbs.SAY, SAY_USAGE,
            "Send a message to every other client.", BuiltinCommands::say);
    /** {@code NAME <name>}: set the display name. */
    public static final Command NAME = new Command(Verbs.NAME, NAME_USAGE,
            "Set your display name (1-32 characters, unique).", BuiltinCommands::name);
    /** {@code LIST}: the connected clients. */
    public static final Command LIST = new Command(Verbs.LIST, Verbs.LIST,
            "List the connected clients.", context -> Reply.of(LineTypes.CLIENTS, Map.of(Fields.CLIENTS, context.clients())));
    /** {@code HELP}: every command with its usage. */
    public static final Command HELP = new Command(Verbs.HELP, Verbs.HELP,
            "List every command with its usage.", BuiltinCommands::help);
    /** {@code PING}: an answer that proves the connection is alive and resets the idle timer. */
    public static final Command PING = new Command(Verbs.PING, Verbs.PING,
            "Check the connection; also keeps it from going idle.", context -> Reply.of(LineTypes.PONG, Map.of()));

    /** A {@code HISTORY} page without a limit has this many messages. */
    public static final int HISTORY_PAGE = 50;
    /** The largest {@code HISTORY} page: a larger limit is cut to this, not refused. */
    public static final int MAX_HISTORY_PAGE = 200;
    /** How long {@code HISTORY} waits for the store before it answers {@code history-unavailable}. */
    static final Duration HISTORY_TIMEOUT = Duration.ofSeconds(10);
    private static final String HISTORY_USAGE = Verbs.HISTORY
            + " <target> LATEST [limit] | <target> BEFORE <id> [limit] | <target> AFTER <id> [limit]"
            + " | <target> BETWEEN <id> <id> [limit] | @ CONVERSATIONS [BEFORE <id>] [limit]";
    /** The messages {@code HISTORY @ CONVERSATIONS} reads from the store at a time, newest first. */
    static final int CONVERSATIONS_READ = MAX_HISTORY_PAGE;
    /**
     * The most private messages of an account {@code HISTORY @ CONVERSATIONS} reads, the latest: 10,000 (what the
     * in-memory store keeps of a target by default). A conversation whose latest message is older is not listed (its
     * messages are still served by {@code HISTORY @name}); this bounds what one command costs the store.
     */
    public static final int CONVERSATIONS_SCAN = 10_000;

    /**
     * {@code HISTORY <target> ...}: a page of earlier messages to everyone ({@code *}), to a room, or ({@code @}) the
     * private messages of the account the sender is logged into ({@code @name}: those with the account {@code name}),
     * shaped like IRCv3 {@code CHATHISTORY}. It may wait
     * for the history store, so it never runs on an I/O thread.
     */
    public static final Command HISTORY = new Command(Verbs.HISTORY, HISTORY_USAGE,
            "Show earlier messages: target * is everyone, a room's name its messages, @ your account's private "
                    + "messages, @name those with the account name; limit " + HISTORY_PAGE + " by default, at most "
                    + MAX_HISTORY_PAGE + ". HISTORY @ CONVERSATIONS lists the accounts you have private messages with, "
                    + "the latest first.",
            BuiltinCommands::history);

    /** {@code JOIN <room>}: enter a room, making it if need be. */
    public static final Command JOIN = new Command(Verbs.JOIN, Verbs.JOIN + " <room>",
            "Enter a room (made if it does not exist): you get its messages and notices.", BuiltinCommands::join);
    /** {@code PART <room>}: leave a room. */
    public static final Command PART = new Command(Verbs.PART, Verbs.PART + " <room>",
            "Leave a room; the last one out deletes it.", BuiltinCommands::part);
    /** {@code POST <room> <text>}: a message to the other members of a room. */
    public static final Command POST = new Command(Verbs.POST, POST_USAGE,
            "Send a message to the other members of a room you are in.", BuiltinCommands::post);
    /** {@code ROOMS}: the server's rooms. */
    public static final Command ROOMS = new Command(Verbs.ROOMS, Verbs.ROOMS,
            "List the rooms, with how many are in each.", BuiltinCommands::rooms);
    /** {@code MEMBERS <room>}: a room's members. */
    public static final Command MEMBERS = new Command(Verbs.MEMBERS, Verbs.MEMBERS + " <room>",
            "List a room's members.", BuiltinCommands::members);

    /** {@code SESSION}: make this connection resumable and learn its session token. */
    public static final Command SESSION = new Command(Verbs.SESSION, Verbs.SESSION,
            "Make this connection resumable: if it breaks, RESUME with the token given takes it back, with what it "
                    + "missed, within the resume window.", BuiltinCommands::session);
    private static final String RESUME_USAGE = Verbs.RESUME + " <session> <last-id>";
    /**
     * {@code RESUME <session> <last-id>}: take back a session whose connection broke, and get every message it missed
     * after {@code last-id} (0 if it got none: everything since the session began) before the reply. It waits for the history store and for the client
     * to read, so it never runs on an I/O thread.
     */
    public static final Command RESUME = new Command(Verbs.RESUME, RESUME_USAGE,
            "Take back a broken connection's session (first thing on a new connection): its id, name, rooms, and the "
                    + "messages it missed after last-id (0 if it got none).", BuiltinCommands::resume);

    private static final String REGISTER_USAGE = Verbs.REGISTER + " <name> <password>";
    private static final String LOGIN_USAGE = Verbs.LOGIN + " <name> <password>";
    private static final String PASSWORD_USAGE = Verbs.PASSWORD + " <old> <new>";

    /**
     * {@code REGISTER <name> <password>}: make an account and log into it. It hashes the password and asks the account
     * store, so it never runs on an I/O thread.
     */
    public static final Command REGISTER = new Command(Verbs.REGISTER, REGISTER_USAGE,
            "Make an account with this name (no spaces) and password (8-1024 characters, no spaces), and log into it.",
            BuiltinCommands::register);
    /** {@code LOGIN <name> <password>}: log into an account; it blocks as {@link #REGISTER} does. */
    public static final Command LOGIN = new Command(Verbs.LOGIN, LOGIN_USAGE,
            "Log into your account: you take its name, and get its private messages on every device.",
            BuiltinCommands::login);
    /** {@code PASSWORD <old> <new>}: change the password of the account you are logged into. */
    public static final Command PASSWORD = new Command(Verbs.PASSWORD, PASSWORD_USAGE,
            "Change your account's password.", BuiltinCommands::password);

    private static final List<Command> ALL = List.of(TIME, EXIT, CHAT, SAY, NAME, LIST, HELP, PING, HISTORY, JOIN,
            PART, POST, ROOMS, MEMBERS, SESSION, RESUME, REGISTER, LOGIN, PASSWORD);

    private BuiltinCommands() {}

    /** All built-in commands. */
    public static List<Command> all() {
        return ALL;
    }

    /** ISO-8601 with the offset and always three digits of milliseconds, as message times have (not .5, nor none). */
    private static final DateTimeFormatter TIME_FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");

    private static Reply time(CommandContext context) {
        ZonedDateTime now = ZonedDateTime.now(context.clock()).truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Fields.TIME, TIME_FORMAT.format(now));
        fields.put(Fields.EPOCH_MILLIS, now.toInstant().toEpochMilli());
        fields.put(Fields.ZONE, now.getZone().getId());
        return Reply.of(LineTypes.TIME, fields);
    }

    private static Reply chat(CommandContext context) throws CommandException {
        List<String> args = context.splitArguments(2);
        if (args.size() < 2 || args.get(1).isEmpty()) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + CHAT_USAGE);
        }
        String target = args.get(0);
        if (!ClientId.isValid(target)) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS,
                    "usage: " + CHAT_USAGE + "; '" + target + "' is not a client id (LIST shows them)");
        }
        ClientId to = new ClientId(target);
        if (!context.send(to, args.get(1))) {
            throw new CommandException(ErrorCodes.NO_SUCH_CLIENT, "no client with id " + to + " is connected");
        }
        return withId(Reply.ok(Fields.TO, to), context);
    }

    private static Reply say(CommandContext context) throws CommandException {
        String text = context.arguments();
        if (text.isEmpty()) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + SAY_USAGE);
        }
        return withId(Reply.ok(Fields.RECIPIENTS, context.broadcast(text)), context);
    }

    private static Reply history(CommandContext context) throws CommandException {
        List<String> args = context.splitArguments(6);
        if (args.size() < 2) {
            throw usage("");
        }
        String target = args.get(0);
        String room = null; // the room's name, for its messages' "room"
        if (target.startsWith(StoredMessage.PRIVATE)) { // "@": the account's private messages; "@name": with name
            if (context.sender().account() == null) {
                throw new CommandException(ErrorCodes.LOGIN_REQUIRED,
                        "private messages are served to the devices of an account: LOGIN first");
            }
        } else if (!target.equals(StoredMessage.EVERYONE)) {
            room = context.room(target).name(); // bad-room-name, not-in-room
        }
        String kind = args.get(1).toUpperCase(java.util.Locale.ROOT);
        if (kind.equals("CONVERSATIONS")) {
            if (!target.equals(StoredMessage.PRIVATE)) {
                throw usage("CONVERSATIONS lists those of your account: its target is @, not '" + shorten(target)
                        + "'; ");
            }
            return conversations(context, args);
        }
        HistoryQuery query = switch (kind) {
            case "LATEST" -> HistoryQuery.latest(target, limit(args, 2));
            case "BEFORE" -> HistoryQuery.before(target, id(args, 2), limit(args, 3));
            case "AFTER" -> HistoryQuery.after(target, id(args, 2), limit(args, 3));
            case "BETWEEN" -> HistoryQuery.between(target, id(args, 2), id(args, 3), limit(args, 4));
            default -> throw usage("'" + args.get(1) + "' is not LATEST, BEFORE, AFTER or BETWEEN; ");
        };
        HistoryPage page = page(context, query, System.nanoTime() + HISTORY_TIMEOUT.toNanos());
        List<StoredMessage> kept = page.messages();
        boolean more = page.more();
        // A page of long texts of escaped characters is megabytes: cut it to the reply budget, from the far side of
        // the page's direction (the oldest of a page backwards, the newest of one forwards), and say there is more.
        boolean backwards = query.kind() == HistoryQuery.Kind.LATEST || query.kind() == HistoryQuery.Kind.BEFORE;
        long bytes = 0;
        int n = 0;
        for (; n < kept.size(); n++) {
            bytes += lineBytes(kept.get(backwards ? kept.size() - 1 - n : n));
            if (bytes > MAX_HISTORY_REPLY_BYTES && n > 0) {
                break;
            }
        }
        if (n < kept.size()) {
            kept = backwards ? kept.subList(kept.size() - n, kept.size()) : kept.subList(0, n);
            more = true;
        }
        List<Map<String, Object>> messages = new ArrayList<>(kept.size());
        for (StoredMessage m : kept) {
            messages.add(messageLine(m, room));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Fields.TARGET, room != null ? room : target);
        fields.put(Fields.MESSAGES, messages);
        fields.put(Fields.MORE, more);
        return Reply.of(LineTypes.HISTORY, fields);
    }

    /**
     * The most bytes of messages one {@code HISTORY} reply carries, 256 KiB: a page that would be larger (200 texts
     * of 4 KiB of control characters, which JSON escapes in six bytes each, are about 5 MB) is cut short with {@code
     * more}, so that one command of 20 bytes costs a client's queue at most a quarter of the default {@code
     * maxOutboundBytes}, and many clients that ask and do not read cannot fill the heap with replies. Also the bound
     * of a {@code CONVERSATIONS} reply. A cut page keeps at least one message, however long.
     */
    public static final int MAX_HISTORY_REPLY_BYTES = 256 * 1024;

    /**
     * About as many bytes as {@code m}'s line takes in a reply, rather more than fewer: its strings as JSON escapes
     * them (the sender's name twice when it is also {@code from.account}, the recipient's as {@code toName} and {@code
     * toAccount}) and 160 for the field names, the id and the time.
     */
    private static long lineBytes(StoredMessage m) {
        return 160 + jsonBytes(m.text()) + (m.fromAccount() == null ? 1 : 2) * jsonBytes(m.fromName())
                + jsonBytes(m.fromIp()) + jsonBytes(m.from()) + (m.to() == null ? 0 : jsonBytes(m.to()))
                + 2 * (m.toName() == null ? 0 : jsonBytes(m.toName()));
    }

    /** The bytes of {@code s} as a JSON string's UTF-8, escapes included, at most (a surrogate pair counts 6). */
    private static long jsonBytes(String s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            n += c < 0x20 ? 6 : c == '"' || c == '\\' ? 2 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        return n;
    }

    /**
     * {@code HISTORY @ CONVERSATIONS [BEFORE <id>] [limit]}: the accounts this account has private messages with, each
     * with the latest of them, the conversation with the latest message first ({@code BEFORE}: those whose latest
     * message is older than the id, the next page). It reads the account's private history from the newest message
     * back, {@link #CONVERSATIONS_READ} at a time, through the same store query as {@code HISTORY @}, until it has
     * the page and one more (for {@code more}), the history ends or it has read {@link #CONVERSATIONS_SCAN} messages:
     * so it works with any store, within {@link #HISTORY_TIMEOUT} in all. A message
     * with an anonymous client is in no conversation; those between the account's own devices are the conversation
     * with itself.
     */
    private static Reply conversations(CommandContext context, List<String> args) throws CommandException {
        long before = Long.MAX_VALUE;
        int at = 2;
        if (args.size() > at && args.get(at).equalsIgnoreCase("BEFORE")) {
            before = id(args, at + 1);
            at += 2;
        }
        int limit = limit(args, at);
        String own = context.sender().account();
        long deadline = System.nanoTime() + HISTORY_TIMEOUT.toNanos();
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Map<String, Object>> listed = new ArrayList<>();
        boolean more = false;
        int read = 0;
        long bytes = 0;
        HistoryQuery query = HistoryQuery.latest(StoredMessage.PRIVATE, CONVERSATIONS_READ);
        read:
        while (true) {
            HistoryPage page = page(context, query, deadline);
            List<StoredMessage> messages = page.messages();
            for (int i = messages.size() - 1; i >= 0; i--) { // newest first: a peer's first message is its latest
                StoredMessage m = messages.get(i);
                boolean sent = own.equals(m.fromAccount());
                String peer = sent ? m.toAccount() : m.fromAccount();
                if (peer == null || !seen.add(peer) || m.id() >= before) {
                    continue; // anonymous, listed, or in an earlier page (its latest message is not older than BEFORE's)
                }
                if (listed.size() == limit) {
                    more = true;
                    break read;
                }
                bytes += lineBytes(m);
                if (bytes > MAX_HISTORY_REPLY_BYTES && !listed.isEmpty()) {
                    more = true; // the reply budget, as for a page of messages
                    break read;
                }
                Map<String, Object> conversation = new LinkedHashMap<>();
                conversation.put(Fields.ACCOUNT, sent ? m.toName() : m.fromName()); // as registered, as in messages
                conversation.put(Fields.LATEST, messageLine(m, null));
                listed.add(conversation);
            }
            read += messages.size();
            if (!page.more() || messages.isEmpty() || read >= CONVERSATIONS_SCAN) {
                break;
            }
            query = HistoryQuery.before(StoredMessage.PRIVATE, messages.get(0).id(), CONVERSATIONS_READ);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Fields.TARGET, StoredMessage.PRIVATE);
        fields.put(Fields.CONVERSATIONS, listed);
        fields.put(Fields.MORE, more);
        return Reply.of(LineTypes.CONVERSATIONS, fields);
    }

    /** A page from the store, waited for until {@code deadline} ({@link System#nanoTime}), its failures as replies. */
    private static HistoryPage page(CommandContext context, HistoryQuery query, long deadline) throws CommandException {
        String target = query.target();
        try {
            return context.history(query).toCompletableFuture()
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NoSuchMessageException missing) {
                throw new CommandException(ErrorCodes.NO_SUCH_MESSAGE, missing.getMessage());
            }
            if (e.getCause() instanceof IllegalArgumentException bad) { // "@" and what is not a name
                throw usage("'" + shorten(target) + "': " + bad.getMessage() + "; ");
            }
            throw new CommandException(ErrorCodes.HISTORY_UNAVAILABLE, "the history is unavailable: "
                    + (e.getCause() instanceof HistoryUnavailableException u ? u.getMessage() : "the store failed"));
        } catch (TimeoutException e) {
            throw new CommandException(ErrorCodes.HISTORY_UNAVAILABLE,
                    "the history is unavailable: the store did not answer within " + HISTORY_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException(ErrorCodes.HISTORY_UNAVAILABLE, "the history is unavailable: interrupted");
        }
    }

    /**
     * A stored message as its {@code message} line was, with the sender's account if it was logged in; one of an
     * account target also has the recipient's name and its account, so that a client can tell the conversations apart.
     */
    private static Map<String, Object> messageLine(StoredMessage m, String room) {
        Map<String, Object> from = new LinkedHashMap<>();
        from.put(Fields.ID, m.from());
        from.put(Fields.NAME, m.fromName());
        from.put(Fields.IP, m.fromIp());
        if (m.fromAccount() != null) {
            from.put(Fields.ACCOUNT, m.fromName()); // the account's name as registered (the store keeps its key)
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put(Fields.TYPE, LineTypes.MESSAGE);
        line.put(Fields.FROM, from);
        if (room != null) {
            line.put(Fields.ROOM, room);
        } else {
            line.put(Fields.TO, m.to() == null ? Protocol.EVERYONE : m.to());
            if (m.toName() != null) {
                line.put(Fields.TO_NAME, m.toName());
            }
            if (m.toAccount() != null) {
                line.put(Fields.TO_ACCOUNT, m.toName() != null ? m.toName() : m.toAccount()); // its name, as above
            }
        }
        line.put(Fields.ID, Long.toString(m.id()));
        line.put(Fields.TIME, MessageIds.time(m.id()));
        line.put(Fields.MESSAGE, m.text());
        return line;
    }

    private static Reply session(CommandContext context) throws CommandException {
        if (!context.arguments().isEmpty()) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + Verbs.SESSION);
        }
        String token = context.session();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Fields.SESSION, token);
        fields.put(Fields.RESUME_WINDOW_SECONDS, context.resumeWindowSeconds());
        return Reply.of(LineTypes.SESSION, fields);
    }

    private static Reply resume(CommandContext context) throws CommandException {
        List<String> args = context.splitArguments(3);
        if (args.size() != 2) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + RESUME_USAGE);
        }
        String token = args.get(0);
        if (token.length() != 22 || !token.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
                || c >= '0' && c <= '9' || c == '-' || c == '_')) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS,
                    "usage: " + RESUME_USAGE + "; '" + shorten(token) + "' is not a session token (SESSION gives one)");
        }
        long lastId = args.get(1).equals("0") ? 0 : MessageIds.parse(args.get(1));
        if (lastId < 0) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS,
                    "usage: " + RESUME_USAGE + "; '" + shorten(args.get(1)) + "' is not a message id (or 0)");
        }
        ResumeResult r = context.resume(token, lastId);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Fields.ID, r.client().id());
        fields.put(Fields.NAME, r.client().name());
        fields.put(Fields.ROOMS, r.rooms());
        fields.put(Fields.SESSION, r.session());
        fields.put(Fields.RESUME_WINDOW_SECONDS, context.resumeWindowSeconds());
        fields.put(Fields.MISSED, r.missed());
        fields.put(Fields.RECOVERED, r.recovered());
        return Reply.of(LineTypes.RESUMED, fields);
    }

    /** An argument as an error repeats it: at most 40 characters (code points: never half of one). */
    private static String shorten(String s) {
        return s.codePointCount(0, s.length()) <= 40 ? s : s.substring(0, s.offsetByCodePoints(0, 40)) + "...";
    }

    private static CommandException usage(String problem) {
        return new CommandException(ErrorCodes.BAD_ARGUMENTS, problem + "usage: " + HISTORY_USAGE);
    }

    /** The message id at {@code args[i]}. */
    private static long id(List<String> args, int i) throws CommandException {
        if (args.size() <= i) {
            throw usage("a message id is missing; ");
        }
        long id = MessageIds.parse(args.get(i));
        if (id < 0) {
            throw usage("'" + args.get(i) + "' is not a message id; ");
        }
        return id;
    }

    /** The optional limit at {@code args[i]}: a positive number, capped at {@link #MAX_HISTORY_PAGE}. */
    private static int limit(List<String> args, int i) throws CommandException {
        if (args.size() <= i) {
            return HISTORY_PAGE;
        }
        if (args.size() > i + 1) {
            throw usage("too many arguments; ");
        }
        String text = args.get(i);
        long n = MessageIds.parse(text); // a positive decimal number, or -1
        if (n < 0) {
            throw usage("the limit '" + text + "' is not a positive number; ");
        }
        return (int) Math.min(n, MAX_HISTORY_PAGE);
    }

    private static String room(CommandContext context, String verb) throws CommandException {
        List<String> args = context.splitArguments(2);
        if (args.size() != 1) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + verb + " <room>");
        }
        return args.get(0);
    }

    private static Reply join(CommandContext context) throws CommandException {
        RoomInfo room = context.joinRoom(room(context, Verbs.JOIN));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Fields.ROOM, room.name());
        fields.put(Fields.MEMBERS, room.members());
        return Reply.ok(fields);
    }

    private static Reply part(CommandContext context) throws CommandException {
        String name = room(context, Verbs.PART);
        RoomInfo room = context.room(name);
        context.partRoom(name);
        return Reply.ok(Fields.ROOM, room.name());
    }

    private static Reply post(CommandContext context) throws CommandException {
        List<String> args = context.splitArguments(2);
        if (args.size() < 2 || args.get(1).isEmpty()) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + POST_USAGE);
        }
        String room = context.room(args.get(0)).name(); // as first made, for the reply; not-in-room
        int recipients = context.post(args.get(0), args.get(1));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Fields.ROOM, room);
        fields.put(Fields.RECIPIENTS, recipients);
        return withId(Reply.ok(fields), context);
    }

    private static Reply rooms(CommandContext context) {
        List<Map<String, Object>> rooms = new ArrayList<>();
        for (RoomInfo r : context.rooms()) {
            Map<String, Object> room = new LinkedHashMap<>();
            room.put(Fields.NAME, r.name());
            room.put(Fields.MEMBERS, r.members());
            rooms.add(room);
        }
        return Reply.of(LineTypes.ROOMS, Map.of(Fields.ROOMS, rooms));
    }

    private static Reply members(CommandContext context) throws CommandException {
        String name = room(context, Verbs.MEMBERS);
        List<ClientInfo> members = context.members(name);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Fields.ROOM, name);
        fields.put(Fields.MEMBERS, members);
        return Reply.of(LineTypes.MEMBERS, fields);
    }

    /** The message's id in the reply, so that the sender knows it as the recipients do (for history and resume). */
    private static Reply withId(Reply reply, CommandContext context) {
        String id = context.lastMessageId();
        return id == null ? reply : reply.with(Fields.ID, id);
    }

    private static Reply name(CommandContext context) throws CommandException {
        String name = context.arguments();
        if (name.isEmpty()) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + NAME_USAGE);
        }
        ClientInfo me = context.rename(name);
        return Reply.ok(Fields.NAME, me.name());
    }

    private static Reply register(CommandContext context) throws CommandException {
        List<String> args = context.splitArguments(2);
        if (args.size() < 2) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + REGISTER_USAGE);
        }
        return loggedIn(context.register(args.get(0), args.get(1)));
    }

    private static Reply login(CommandContext context) throws CommandException {
        List<String> args = context.splitArguments(2);
        if (args.size() < 2) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + LOGIN_USAGE);
        }
        return loggedIn(context.login(args.get(0), args.get(1)));
    }

    private static Reply loggedIn(ClientInfo me) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Fields.NAME, me.name());
        fields.put(Fields.ACCOUNT, me.name()); // the account's name as registered, not its folded key
        return Reply.ok(fields);
    }

    private static Reply password(CommandContext context) throws CommandException {
        List<String> args = context.splitArguments(3);
        if (args.size() != 2) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + PASSWORD_USAGE + " (passwords have no spaces)");
        }
        context.changePassword(args.get(0), args.get(1));
        return Reply.ok();
    }

    private static Reply help(CommandContext context) {
        List<Map<String, Object>> commands = new ArrayList<>();
        for (Command command : context.commands()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put(Fields.VERB, command.verb());
            entry.put(Fields.USAGE, command.usage());
            entry.put(Fields.DESCRIPTION, command.description());
            commands.add(entry);
        }
        return Reply.of(LineTypes.HELP, Map.of(Fields.COMMANDS, commands));
    }
}
