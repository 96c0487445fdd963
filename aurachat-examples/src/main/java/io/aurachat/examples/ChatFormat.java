package io.aurachat.examples;

import io.aurachat.client.ChatErrorException;
import io.aurachat.client.ChatMessage;
import io.aurachat.client.CloseReason;
import io.aurachat.client.CommandInfo;
import io.aurachat.client.Peer;
import io.aurachat.client.Response;
import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import io.aurachat.protocol.RoomInfo;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * How the terminal client shows things: one {@link AttributedString} per screen line, styled for a
 * colour terminal (JLine drops the styles on a dumb one). Pure functions, so they are tested without a
 * terminal. Text that came from the network goes through {@link #clean} first: a peer must not be able to
 * move the cursor or change colours on someone else's screen.
 */
final class ChatFormat {

    /** Before every notice of the client itself, as IRC clients do. */
    static final String NOTICE = "*** ";

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter SERVER_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final AttributedStyle TIME = AttributedStyle.DEFAULT.faint();
    private static final AttributedStyle NAME = AttributedStyle.BOLD;
    private static final AttributedStyle PRIVATE = AttributedStyle.DEFAULT.foreground(AttributedStyle.MAGENTA);
    private static final AttributedStyle ROOM = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
    private static final AttributedStyle INFO = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
    private static final AttributedStyle ERROR = AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);

    /** The client's commands, for {@code /help}, with the server verbs they stand for. */
    static final List<String[]> COMMANDS = List.of(
            new String[] {"<text>", "send the text to the current room, or to everyone"},
            new String[] {"/msg <name or id> <text>", "send a private message"},
            new String[] {"/join <room>", "join a room (made if new); plain text then goes to it"},
            new String[] {"/part [room]", "leave a room (default: the current one)"},
            new String[] {"/room [room]", "send plain text to a room you are in; /room or /room *: everyone"},
            new String[] {"/rooms", "the rooms of the server"},
            new String[] {"/members [room]", "who is in a room (default: the current one)"},
            new String[] {"/history [n]", "the latest n messages (default 20) of the current room or everyone"},
            new String[] {"/history @<account> [n]", "your account's private messages with that account"},
            new String[] {"/conversations [n]", "the accounts you have private messages with, the latest first"},
            new String[] {"/list", "who is connected"},
            new String[] {"/name [new name]", "show or change your name (and the account you are logged into)"},
            new String[] {"/login <account>", "log into your account (the password is asked for)"},
            new String[] {"/register <account>", "make an account and log into it"},
            new String[] {"/password", "change your account's password"},
            new String[] {"/time", "the server's clock"},
            new String[] {"/help", "this list"},
            new String[] {"/quit", "leave (Ctrl+D and Ctrl+C leave too)"},
            new String[] {"//text", "send a text that starts with /"});

    /** Verbs the client's own commands already cover, left out of the server commands in {@code /help}. */
    static final Set<String> COVERED_VERBS = Set.of("CHAT", "SAY", "NAME", "LIST", "TIME", "HELP", "EXIT",
            "HISTORY", "JOIN", "PART", "POST", "ROOMS", "MEMBERS", "LOGIN", "REGISTER", "PASSWORD");

    private ChatFormat() {}

    /**
     * Makes text from the network safe to print: control characters (C0, DEL, C1) become visible
     * ({@code ^[} for ESC, as {@code cat -v} shows it; {@code <U+0085>} for C1).
     */
    static String clean(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f);
            if (control && b == null) {
                b = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (!control) {
                if (b != null) {
                    b.append(c);
                }
            } else if (c < 0x20 || c == 0x7f) {
                b.append('^').append((char) (c ^ 0x40));
            } else {
                b.append(String.format("<U+%04X>", (int) c));
            }
        }
        return b == null ? text : b.toString();
    }

    /** {@code Luigi (c2)}, or just {@code c2} while the peer's name is still its id. */
    static String label(ClientId id, String name) {
        return name.equals(id.value()) ? id.value() : clean(name) + " (" + id.value() + ")";
    }

    /**
     * A message as it arrives: {@code 10:15 Luigi: ciao}, {@code 10:15 Luigi (private): psst}, or
     * {@code 10:15 [lobby] Luigi: ciao} for a room's.
     */
    static AttributedString message(LocalTime at, ChatMessage m) {
        return message(CLOCK.format(at), m);
    }

    private static AttributedString message(String clock, ChatMessage m) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.styled(TIME, clock).append(' ');
        m.room().ifPresent(room -> b.styled(ROOM, room(room)).append(' '));
        b.styled(NAME, clean(m.from().name()));
        if (m.isPrivate()) {
            b.append(' ').styled(PRIVATE, "(private)");
        }
        return b.append(": ").append(clean(m.text())).toAttributedString();
    }

    /** A private message this client sent: {@code 10:15 you -> Luigi (private): psst}. */
    static AttributedString sentPrivately(LocalTime at, ClientInfo to, String text) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.styled(TIME, CLOCK.format(at)).append(" you -> ").styled(NAME, clean(to.name()));
        return b.append(' ').styled(PRIVATE, "(private)").append(": ").append(clean(text)).toAttributedString();
    }

    /** {@code 10:15 *** c4 joined from 127.0.0.1}. */
    static AttributedString joined(LocalTime at, Peer peer) {
        return notice(at, label(peer.id(), peer.name()) + " joined from " + clean(peer.ip()));
    }

    /** {@code 10:15 *** Luigi (c2) left} with why, when it was not by choice. */
    static AttributedString left(LocalTime at, Peer peer, LeaveReason reason) {
        String why = switch (reason) {
            case EXIT -> "left";
            case IDLE_TIMEOUT -> "was disconnected for inactivity";
            case DISCONNECTED -> "lost the connection";
            case SLOW_CONSUMER -> "was disconnected: too slow to read";
            case TOO_MANY_ERRORS -> "was disconnected: too many bad commands";
            case SERVER_SHUTDOWN -> "left: the server is shutting down";
            case SERVER_FULL -> "could not join: the server is full";
            case TOO_MANY_CONNECTIONS -> "could not join: too many connections from its address";
            case LOGIN_TIMEOUT -> "did not log in in time";
            case ACCOUNT_REMOVED -> "left: its account was removed";
            // The id a reconnecting client's welcome announced, given up when it took back its earlier session.
            case RESUMED -> "left: it was a returning client, back under its earlier id";
        };
        return notice(at, label(peer.id(), peer.name()) + " " + why);
    }

    /** {@code 10:15 *** c2 is now known as Luigi}. */
    static AttributedString renamed(LocalTime at, Peer peer, String previous) {
        return notice(at, label(peer.id(), previous) + " is now known as " + clean(peer.name()));
    }

    /** {@code [lobby]}: how a room's name is shown everywhere. */
    static String room(String name) {
        return "[" + clean(name) + "]";
    }

    /** {@code 10:15 *** [lobby] Luigi joined}. */
    static AttributedString roomJoined(LocalTime at, String room, Peer peer) {
        return notice(at, room(room) + " " + clean(peer.name()) + " joined");
    }

    /** {@code 10:15 *** [lobby] Luigi left (part)}: {@code part}, or why its connection ended, as the server said. */
    static AttributedString roomLeft(LocalTime at, String room, Peer peer, String reason) {
        return notice(at, room(room) + " " + clean(peer.name()) + " left (" + clean(reason) + ")");
    }

    /** {@code 10:15 *** [lobby] Luigi is now known as Bea}. */
    static AttributedString roomRenamed(LocalTime at, String room, Peer peer, String previous) {
        return notice(at, room(room) + " " + clean(previous) + " is now known as " + clean(peer.name()));
    }

    /**
     * {@code /rooms}: a header, then one line per room with its members, the ones this client is in marked.
     *
     * @param joined the names of the rooms this client is in
     * @param current the current room, or {@code null}
     */
    static List<AttributedString> rooms(List<RoomInfo> rooms, Set<String> joined, String current) {
        List<AttributedString> lines = new ArrayList<>();
        if (rooms.isEmpty()) {
            lines.add(info("No rooms yet; /join <room> makes one."));
            return lines;
        }
        lines.add(info(rooms.size() == 1 ? "1 room:" : rooms.size() + " rooms:"));
        int width = 4;
        for (RoomInfo r : rooms) {
            width = Math.max(width, room(r.name()).length());
        }
        for (RoomInfo r : rooms) {
            String mark = r.name().equals(current) ? "  (current)" : joined.contains(r.name()) ? "  (joined)" : "";
            lines.add(new AttributedStringBuilder().append("    ").styled(ROOM, pad(room(r.name()), width))
                    .append("  ").append(r.members() == 1 ? "1 member" : r.members() + " members").append(mark)
                    .toAttributedString());
        }
        return lines;
    }

    /**
     * {@code /history}: a header, then the messages as they were shown live, each with its own time (in {@code zone});
     * a message without a time (an old server) gets {@code --:--}.
     *
     * @param target {@code null} for the messages to everyone, else the room's name
     */
    static List<AttributedString> history(String target, List<ChatMessage> messages, boolean more, ZoneId zone) {
        List<AttributedString> lines = new ArrayList<>();
        String whose = target == null ? "everyone" : room(target);
        if (messages.isEmpty()) {
            lines.add(info("No messages to " + whose + " in the history."));
            return lines;
        }
        lines.add(info("History of " + whose + ": " + (messages.size() == 1 ? "1 message" : messages.size() + " messages")
                + (more ? " (older ones: /history with a larger n)" : "") + ":"));
        for (ChatMessage m : messages) {
            lines.add(message(m.time().map(t -> CLOCK.format(t.atZone(zone))).orElse("--:--"), m));
        }
        return lines;
    }

    /**
     * {@code /history @name}: a header, then the private messages between this client's account and {@code account},
     * as {@link #history} shows messages.
     */
    static List<AttributedString> conversation(String account, List<ChatMessage> messages, boolean more, ZoneId zone) {
        List<AttributedString> lines = new ArrayList<>();
        String with = clean(account);
        if (messages.isEmpty()) {
            lines.add(info("No private messages with " + with + " in the history."));
            return lines;
        }
        lines.add(info("Private messages with " + with + ": " + (messages.size() == 1 ? "1 message"
                : messages.size() + " messages") + (more ? " (older ones: /history @" + with + " with a larger n)" : "")
                + ":"));
        for (ChatMessage m : messages) {
            lines.add(message(m.time().map(t -> CLOCK.format(t.atZone(zone))).orElse("--:--"), m));
        }
        return lines;
    }

    /**
     * {@code /conversations}: a header, then a line per conversation, the latest first: when its latest message was
     * sent (the time today, else the date and time, in {@code zone}), the other account, and that message.
     */
    static List<AttributedString> conversations(io.aurachat.client.ConversationsResult result, ZoneId zone,
            java.time.LocalDate today) {
        List<AttributedString> lines = new ArrayList<>();
        List<io.aurachat.client.Conversation> all = result.conversations();
        if (all.isEmpty()) {
            lines.add(info("No private messages with other accounts in the history."));
            return lines;
        }
        lines.add(info("Your conversations, the latest first" + (result.more()
                ? " (" + all.size() + " shown; older ones: /conversations with a larger n)" : "") + ":"));
        for (io.aurachat.client.Conversation c : all) {
            ChatMessage m = c.latest();
            String when = m.time().map(t -> {
                java.time.ZonedDateTime at = t.atZone(zone);
                return at.toLocalDate().equals(today) ? CLOCK.format(at) : DAY.format(at);
            }).orElse("--:--");
            lines.add(new AttributedStringBuilder().styled(TIME, when).append(' ')
                    .styled(PRIVATE, "@" + clean(c.account())).append("  ").styled(NAME, clean(m.from().name()))
                    .append(": ").append(clean(m.text())).toAttributedString());
        }
        lines.add(info("/history @<account> shows a conversation."));
        return lines;
    }

    private static final java.time.format.DateTimeFormatter DAY = java.time.format.DateTimeFormatter.ofPattern(
            "yyyy-MM-dd HH:mm");

    /** A notice of the client itself, with the time. */
    static AttributedString notice(LocalTime at, String text) {
        return new AttributedStringBuilder().styled(TIME, CLOCK.format(at)).append(' ')
                .styled(INFO, NOTICE + text).toAttributedString();
    }

    /** A notice of the client itself, without the time (answers to commands). */
    static AttributedString info(String text) {
        return new AttributedString(NOTICE + text, INFO);
    }

    /** Something that went wrong, for the person to act on. */
    static AttributedString error(String text) {
        return new AttributedString(NOTICE + text, ERROR);
    }

    /** {@code /list}: a header, then one aligned line per client, this one marked. */
    static List<AttributedString> clients(List<ClientInfo> clients, ClientId self, ZoneId zone) {
        return clients(clients.size() == 1 ? "1 client connected (you):" : clients.size() + " clients connected:",
                clients, self, zone);
    }

    /** {@code /members}: {@code *** 2 members of [lobby]:}, then the members as {@code /list} shows clients. */
    static List<AttributedString> members(String room, List<ClientInfo> members, ClientId self, ZoneId zone) {
        return clients((members.size() == 1 ? "1 member" : members.size() + " members") + " of " + room(room) + ":",
                members, self, zone);
    }

    private static List<AttributedString> clients(String header, List<ClientInfo> clients, ClientId self, ZoneId zone) {
        List<AttributedString> lines = new ArrayList<>();
        lines.add(info(header));
        int idWidth = 2;
        int nameWidth = 4;
        for (ClientInfo c : clients) {
            idWidth = Math.max(idWidth, c.id().value().length());
            nameWidth = Math.max(nameWidth, clean(c.name()).length() + (c.id().equals(self) ? 6 : 0));
        }
        for (ClientInfo c : clients) {
            String name = clean(c.name()) + (c.id().equals(self) ? " (you)" : "");
            String since = CLOCK.format(c.connectedSince().atZone(zone));
            lines.add(new AttributedStringBuilder().append("    ")
                    .append(pad(c.id().value(), idWidth)).append("  ")
                    .styled(NAME, pad(name, nameWidth)).append("  ")
                    .append(pad(clean(c.ip()), 15)).append("  since ").append(since)
                    .toAttributedString());
        }
        return lines;
    }

    /** {@code /time}: {@code Server time: 2026-11-21 10:15:02 Europe/Rome (UTC+01:00)}. */
    static AttributedString serverTime(ZonedDateTime time) {
        return info("Server time: " + SERVER_TIME.format(time) + " " + time.getZone().getId()
                + " (UTC" + (time.getOffset().getTotalSeconds() == 0 ? "" : time.getOffset().getId()) + ")");
    }

    /** {@code /help}: the client's commands, then the server's own commands as {@code /verb}. */
    static List<AttributedString> help(List<CommandInfo> serverCommands) {
        List<AttributedString> lines = new ArrayList<>();
        lines.add(info("Commands:"));
        int width = 0;
        List<String[]> extra = new ArrayList<>();
        for (CommandInfo c : serverCommands) {
            if (!COVERED_VERBS.contains(c.verb())) {
                String usage = c.usage().startsWith(c.verb())
                        ? c.verb().toLowerCase(Locale.ROOT) + c.usage().substring(c.verb().length())
                        : c.usage();
                extra.add(new String[] {"/" + clean(usage), clean(c.description())});
            }
        }
        for (String[] c : COMMANDS) {
            width = Math.max(width, c[0].length());
        }
        for (String[] c : extra) {
            width = Math.max(width, c[0].length());
        }
        for (String[] c : COMMANDS) {
            lines.add(new AttributedString("    " + pad(c[0], width) + "  " + c[1]));
        }
        if (!extra.isEmpty()) {
            lines.add(info("Commands of this server:"));
            for (String[] c : extra) {
                lines.add(new AttributedString("    " + pad(c[0], width) + "  " + c[1]));
            }
        }
        lines.add(info("Keys: Up/Down recall earlier lines, Ctrl+R searches them; Left/Right/Home/End edit."));
        return lines;
    }

    /** The reply to a server command: {@code *** ROLL: roll sides=20, value=17}. */
    static AttributedString response(Response r) {
        StringBuilder b = new StringBuilder(r.command()).append(": ").append(clean(r.type()));
        String separator = " ";
        for (Map.Entry<String, Object> field : r.fields().entrySet()) {
            b.append(separator).append(clean(field.getKey())).append('=').append(clean(String.valueOf(field.getValue())));
            separator = ", ";
        }
        return info(b.toString());
    }

    /**
     * Why a login was refused, in one line for the person to act on: by the server's code, since a message written
     * for any client cannot name this one's options.
     *
     * @param code the error code ({@code insecure-connection}, {@code bad-credentials}, ...)
     * @param account the account tried
     * @param serverMessage the server's own words, for the codes this does not know
     * @param retryAfter how long the server asks to wait ({@code too-many-attempts}), or {@code null}
     */
    static String loginFailed(String code, String account, String serverMessage, Duration retryAfter) {
        String who = clean(account);
        return switch (code) {
            case "insecure-connection" -> "The server takes passwords only over TLS, and this connection is not "
                    + "encrypted: connect to its TLS port (leave out --no-tls and --port: the client tries TLS "
                    + "first; or give --tls --port PORT, 5443 by default).";
            case "bad-credentials" -> "Wrong password for " + who + ", or no such account.";
            case "login-required" -> "This server requires an account: start the client with --account NAME "
                    + "(and --register to make one).";
            case "accounts-disabled" -> "This server has no accounts: connect without --account.";
            case "name-registered" -> "The name " + who + " belongs to an account already (if it is yours, the password "
                    + "is wrong).";
            case "name-taken" -> "Somebody connected now is called " + who + "; choose another account name.";
            case "weak-password" -> "The server refused that password: " + clean(serverMessage) + ".";
            case "too-many-attempts" -> "Too many login attempts; try again"
                    + (retryAfter == null ? " later." : " in " + seconds(retryAfter) + ".");
            case "already-logged-in" -> "You are logged in already.";
            default -> "The server refused the login: " + clean(serverMessage) + ".";
        };
    }

    /** Why the connection ended, when the person did not ask for it. */
    static String closed(CloseReason reason, Throwable cause, Duration idleTimeout) {
        return switch (reason) {
            case SERVER_SHUTDOWN -> "The server is shutting down. You have been disconnected.";
            case IDLE_TIMEOUT -> "The server closed the connection for inactivity (no command for "
                    + seconds(idleTimeout) + ").";
            case SLOW_CONSUMER -> "The server disconnected you: this client read too slowly.";
            case TOO_MANY_ERRORS -> "The server disconnected you: too many bad commands in a row.";
            case SERVER_FULL -> "The server is full.";
            case TOO_MANY_CONNECTIONS -> "The server already has as many connections from this machine's address as it "
                    + "takes from one.";
            case LOGIN_TIMEOUT -> "The server requires an account, and this client did not log in in time.";
            case ACCOUNT_REMOVED -> "The server's owner removed the account you were logged into.";
            case LOGIN_FAILED -> "Reconnected, but the server refused the login"
                    + (cause == null ? "." : ": " + clean(String.valueOf(cause instanceof ChatErrorException e
                            ? e.serverMessage() : cause.getMessage())) + ".")
                    + " Not trying again.";
            case UNTRUSTED_SERVER -> "The server's TLS certificate is not the one remembered; not reconnecting"
                    + (cause == null ? "." : ":\n" + clean(String.valueOf(cause.getMessage())));
            case RESUMED -> "Another connection took over this session (this client, reconnecting elsewhere?). "
                    + "You have been disconnected.";
            case NETWORK_FAILURE -> "Lost the connection to the server"
                    + (cause == null ? "." : ": " + clean(String.valueOf(cause.getMessage())) + ".");
            case PROTOCOL_ERROR -> "The server sent something this client does not understand; disconnected"
                    + (cause == null ? "." : ": " + clean(String.valueOf(cause.getMessage())) + ".");
            case EXIT -> "You left.";
            case OTHER -> "The server closed the connection.";
        };
    }

    private static String seconds(Duration d) {
        long s = d.toSeconds();
        if (s % 60 == 0 && s >= 120) {
            return s / 60 + " minutes";
        }
        return s == 1 ? "1 second" : s + " seconds";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
