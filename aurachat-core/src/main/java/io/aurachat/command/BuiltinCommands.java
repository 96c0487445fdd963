package io.aurachat.command;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.Fields;
import io.aurachat.protocol.LineTypes;
import io.aurachat.protocol.Verbs;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands every AuraChat server has unless its configuration removes or replaces them. They are
 * ordinary {@link CommandHandler}s and use nothing but {@link CommandContext}.
 */
public final class BuiltinCommands {
    // One spelling of each usage: HELP shows it, and so do the bad-arguments errors.
    private static final String CHAT_USAGE = Verbs.CHAT + " <id> <text>";
    private static final String SAY_USAGE = Verbs.SAY + " <text>";
    private static final String NAME_USAGE = Verbs.NAME + " <name>";

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

    private static final List<Command> ALL = List.of(TIME, EXIT, CHAT, SAY, NAME, LIST, HELP, PING);

    private BuiltinCommands() {}

    /** All built-in commands. */
    public static List<Command> all() {
        return ALL;
    }

    private static Reply time(CommandContext context) {
        ZonedDateTime now = ZonedDateTime.now(context.clock()).truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Fields.TIME, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(now));
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
        return Reply.ok(Fields.TO, to);
    }

    private static Reply say(CommandContext context) throws CommandException {
        String text = context.arguments();
        if (text.isEmpty()) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + SAY_USAGE);
        }
        return Reply.ok(Fields.RECIPIENTS, context.broadcast(text));
    }

    private static Reply name(CommandContext context) throws CommandException {
        String name = context.arguments();
        if (name.isEmpty()) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: " + NAME_USAGE);
        }
        ClientInfo me = context.rename(name);
        return Reply.ok(Fields.NAME, me.name());
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
