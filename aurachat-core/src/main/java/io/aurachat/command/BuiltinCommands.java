package io.aurachat.command;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
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

    /** {@code TIME}: the server's current time. */
    public static final Command TIME = new Command("TIME", "TIME",
            "Show the server's current time.", BuiltinCommands::time);
    /** {@code EXIT}: say goodbye and close the connection. */
    public static final Command EXIT = new Command("EXIT", "EXIT",
            "Leave the chat; the server closes the connection.", context -> Reply.exit());
    /** {@code CHAT <id> <text>}: a private message. */
    public static final Command CHAT = new Command("CHAT", "CHAT <id> <text>",
            "Send a private message to the client with that id.", BuiltinCommands::chat);
    /** {@code SAY <text>}: a message to everyone else. */
    public static final Command SAY = new Command("SAY", "SAY <text>",
            "Send a message to every other client.", BuiltinCommands::say);
    /** {@code NAME <name>}: set the display name. */
    public static final Command NAME = new Command("NAME", "NAME <name>",
            "Set your display name (1-32 characters, unique).", BuiltinCommands::name);
    /** {@code LIST}: the connected clients. */
    public static final Command LIST = new Command("LIST", "LIST",
            "List the connected clients.", context -> Reply.of("clients", Map.of("clients", context.clients())));
    /** {@code HELP}: every command with its usage. */
    public static final Command HELP = new Command("HELP", "HELP",
            "List every command with its usage.", BuiltinCommands::help);
    /** {@code PING}: an answer that proves the connection is alive and resets the idle timer. */
    public static final Command PING = new Command("PING", "PING",
            "Check the connection; also keeps it from going idle.", context -> Reply.of("pong", Map.of()));

    private static final List<Command> ALL = List.of(TIME, EXIT, CHAT, SAY, NAME, LIST, HELP, PING);

    private BuiltinCommands() {}

    /** All built-in commands. */
    public static List<Command> all() {
        return ALL;
    }

    private static Reply time(CommandContext context) {
        ZonedDateTime now = ZonedDateTime.now(context.clock()).truncatedTo(ChronoUnit.MILLIS);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(now));
        fields.put("epochMillis", now.toInstant().toEpochMilli());
        fields.put("zone", now.getZone().getId());
        return Reply.of("time", fields);
    }

    private static Reply chat(CommandContext context) throws CommandException {
        List<String> args = context.splitArguments(2);
        if (args.size() < 2 || args.get(1).isEmpty()) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: CHAT <id> <text>");
        }
        String target = args.get(0);
        if (!ClientId.isValid(target)) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS,
                    "usage: CHAT <id> <text>; '" + target + "' is not a client id (LIST shows them)");
        }
        ClientId to = ClientId.parse(target);
        if (!context.send(to, args.get(1))) {
            throw new CommandException(ErrorCodes.NO_SUCH_CLIENT, "no client with id " + to + " is connected");
        }
        return Reply.ok(Map.of("to", to));
    }

    private static Reply say(CommandContext context) throws CommandException {
        String text = context.arguments();
        if (text.isEmpty()) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: SAY <text>");
        }
        return Reply.ok(Map.of("recipients", context.broadcast(text)));
    }

    private static Reply name(CommandContext context) throws CommandException {
        String name = context.arguments();
        if (name.isEmpty()) {
            throw new CommandException(ErrorCodes.BAD_ARGUMENTS, "usage: NAME <name>");
        }
        ClientInfo me = context.rename(name);
        return Reply.ok(Map.of("name", me.name()));
    }

    private static Reply help(CommandContext context) {
        List<Map<String, Object>> commands = new ArrayList<>();
        for (Command command : context.commands()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("verb", command.verb());
            entry.put("usage", command.usage());
            entry.put("description", command.description());
            commands.add(entry);
        }
        return Reply.of("help", Map.of("commands", commands));
    }
}
