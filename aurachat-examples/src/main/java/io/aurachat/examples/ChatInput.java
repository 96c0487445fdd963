package io.aurachat.examples;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What one line typed at the terminal client's prompt asks for. {@link #parse} never fails: anything that
 * is not one of the client's commands is either text (for the current room, or for everyone) or a server
 * command ({@code /roll 20}); a client command typed wrongly is {@link Invalid}, with its usage.
 */
sealed interface ChatInput {

    /** Nothing to do: an empty or blank line. */
    record Nothing() implements ChatInput {}

    /** Text for the current room ({@code POST}), or for everyone ({@code SAY}) when there is none. */
    record Say(String text) implements ChatInput {}

    /** {@code /msg <name or id> <text>}: {@code rest} is everything after {@code /msg}, resolved later. */
    record Msg(String rest) implements ChatInput {}

    /** {@code /list}. */
    record ListClients() implements ChatInput {}

    /** {@code /time}. */
    record Time() implements ChatInput {}

    /** {@code /name [new name]}: an empty name shows the current one. */
    record Name(String name) implements ChatInput {}

    /** {@code /help}. */
    record Help() implements ChatInput {}

    /** {@code /quit} (or {@code /exit}). */
    record Quit() implements ChatInput {}

    /** {@code /join <room>}: join the room and make it the current one. */
    record Join(String room) implements ChatInput {}

    /** {@code /part [room]}: leave the room; an empty room is the current one. */
    record Part(String room) implements ChatInput {}

    /** {@code /room [room]}: make a room this client is in the current one; empty (or {@code *}): everyone. */
    record SwitchRoom(String room) implements ChatInput {}

    /** {@code /rooms}. */
    record ListRooms() implements ChatInput {}

    /** {@code /members [room]}: an empty room is the current one. */
    record Members(String room) implements ChatInput {}

    /**
     * {@code /history [@name] [n]}: the latest {@code limit} messages of the current room, or of everyone; with
     * {@code @name} ({@code account}), those of this client's account with the account {@code name}, as the command
     * {@code HISTORY @name} pages them.
     *
     * @param account the other account's name, or {@code null}
     */
    record History(int limit, String account) implements ChatInput {
        /** The current room's, or everyone's. */
        History(int limit) {
            this(limit, null);
        }
    }

    /** {@code /conversations [n]}: the accounts this client's account has private messages with, the latest first. */
    record Conversations(int limit) implements ChatInput {}

    /** {@code /login <account>}: log into the account; the password is asked for with a masked prompt. */
    record Login(String account) implements ChatInput {}

    /** {@code /register <account>}: make the account and log into it; the password is asked for twice. */
    record Register(String account) implements ChatInput {}

    /** {@code /password}: change the account's password; the current and the new one are asked for. */
    record ChangePassword() implements ChatInput {}

    /** A client command typed wrongly: what to show instead. */
    record Invalid(String usage) implements ChatInput {}

    /** The messages {@code /history} shows when no count is given. */
    int HISTORY_DEFAULT = 20;

    /** {@code /verb arguments} for a verb the client does not know: sent to the server as it is. */
    record ServerCommand(String verb, String arguments) implements ChatInput {}

    /**
     * Reads one typed line. A line starting with {@code //} is text that starts with {@code /}.
     *
     * @param line the line as typed, without its line terminator
     * @return what it asks for
     */
    static ChatInput parse(String line) {
        if (line.isBlank()) {
            return new Nothing();
        }
        if (!line.startsWith("/")) {
            return new Say(line);
        }
        if (line.startsWith("//")) {
            return new Say(line.substring(1));
        }
        int space = firstSpace(line);
        String verb = line.substring(1, space).toLowerCase(Locale.ROOT);
        String arguments = line.substring(space).strip();
        return switch (verb) {
            case "msg", "m" -> new Msg(arguments);
            case "list", "who" -> new ListClients();
            case "time" -> new Time();
            case "name", "nick" -> new Name(arguments);
            case "help", "?" -> new Help();
            case "quit", "exit" -> new Quit();
            case "join", "j" -> arguments.isEmpty() || hasSpace(arguments)
                    ? new Invalid("Usage: /join <room>") : new Join(arguments);
            case "part" -> hasSpace(arguments) ? new Invalid("Usage: /part [room]") : new Part(arguments);
            case "room" -> hasSpace(arguments) ? new Invalid("Usage: /room [room], or /room * for everyone")
                    : new SwitchRoom(arguments.equals("*") ? "" : arguments);
            case "rooms" -> new ListRooms();
            case "members" -> hasSpace(arguments) ? new Invalid("Usage: /members [room]") : new Members(arguments);
            case "history" -> history(arguments);
            case "conversations", "convs" -> conversations(arguments);
            // A password is never taken from the line (it would be on the screen and in the line history).
            case "login" -> arguments.isEmpty() || hasSpace(arguments)
                    ? new Invalid("Usage: /login <account>; the password is asked for, not typed on the line")
                    : new Login(arguments);
            case "register" -> arguments.isEmpty() || hasSpace(arguments)
                    ? new Invalid("Usage: /register <account>; the password is asked for, not typed on the line")
                    : new Register(arguments);
            case "password", "passwd" -> arguments.isEmpty() ? new ChangePassword()
                    : new Invalid("Usage: /password; the passwords are asked for, not typed on the line");
            default -> new ServerCommand(line.substring(1, space), arguments);
        };
    }

    private static ChatInput history(String arguments) {
        String account = null;
        String count = arguments;
        if (arguments.startsWith("@")) {
            int space = firstSpace(arguments);
            account = arguments.substring(1, space);
            count = arguments.substring(space).strip();
        }
        if (account == null || !account.isEmpty()) {
            if (count.isEmpty()) {
                return new History(HISTORY_DEFAULT, account);
            }
            if (count.length() <= 4 && count.chars().allMatch(c -> c >= '0' && c <= '9')) {
                int n = Integer.parseInt(count);
                if (n > 0) {
                    return new History(n, account);
                }
            }
        }
        return new Invalid("Usage: /history [@account] [n], n from 1 (default " + HISTORY_DEFAULT
                + "); with @account, your messages with that account (you must be logged in)");
    }

    private static ChatInput conversations(String count) {
        if (count.isEmpty()) {
            return new Conversations(HISTORY_DEFAULT);
        }
        if (count.length() <= 4 && count.chars().allMatch(c -> c >= '0' && c <= '9') && Integer.parseInt(count) > 0) {
            return new Conversations(Integer.parseInt(count));
        }
        return new Invalid("Usage: /conversations [n], n from 1 (default " + HISTORY_DEFAULT
                + "): the accounts you have private messages with (you must be logged in)");
    }

    private static boolean hasSpace(String text) {
        return firstSpace(text) < text.length();
    }

    private static int firstSpace(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (Character.isWhitespace(line.charAt(i))) {
                return i;
            }
        }
        return line.length();
    }

    /** The recipient and the text of a {@code /msg}. */
    record Recipient(ClientInfo client, String text) {}

    /**
     * Splits what follows {@code /msg} into a recipient and the text. The recipient is an id ({@code c7})
     * or a display name; names may hold spaces, so the longest name of a connected client that starts
     * {@code rest} (ignoring case, as the server does for uniqueness) and ends at a space or at the end wins.
     *
     * @param rest what follows {@code /msg}, stripped
     * @param clients the connected clients, as {@code LIST} returned them
     * @return the recipient and the text (empty if none was typed), or empty if no connected client matches
     */
    static Optional<Recipient> resolve(String rest, List<ClientInfo> clients) {
        int space = firstSpace(rest);
        String first = rest.substring(0, space);
        if (ClientId.isValid(first)) {
            String text = rest.substring(space).strip();
            return clients.stream().filter(c -> c.id().value().equals(first)).findFirst()
                    .map(c -> new Recipient(c, text));
        }
        ClientInfo best = null;
        for (ClientInfo c : clients) {
            int n = c.name().length();
            if (rest.regionMatches(true, 0, c.name(), 0, n)
                    && (rest.length() == n || Character.isWhitespace(rest.charAt(n)))
                    && (best == null || n > best.name().length())) {
                best = c;
            }
        }
        return best == null ? Optional.empty()
                : Optional.of(new Recipient(best, rest.substring(best.name().length()).strip()));
    }
}
