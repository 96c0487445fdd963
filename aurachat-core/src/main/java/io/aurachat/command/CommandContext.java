package io.aurachat.command;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.ErrorCodes;
import io.aurachat.protocol.RoomInfo;
import io.aurachat.history.HistoryPage;
import io.aurachat.history.HistoryQuery;
import io.aurachat.history.HistoryUnavailableException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link CommandHandler} can see and do while it handles one command line. A context is valid
 * only during the {@code handle} call it was passed to, on that call's thread.
 *
 * <p>None of these methods block on the network: messages are queued for each recipient's writer.
 */
public interface CommandContext {

    /** The client that sent the command, as it was when the command arrived. */
    ClientInfo sender();

    /** The command's verb, upper-case. */
    String verb();

    /**
     * Everything after the verb and the spaces or tabs that follow it, exactly as received (without the line
     * terminator); empty if the command had no arguments.
     */
    String arguments();

    /**
     * Splits {@link #arguments()} on runs of spaces and tabs into at most {@code limit} parts; the last part
     * keeps the rest of the line as received. {@code splitArguments(2)} of {@code "c2 hello  there"}
     * is {@code ["c2", "hello  there"]}. Empty arguments give an empty list.
     *
     * @throws IllegalArgumentException if {@code limit < 1}
     */
    List<String> splitArguments(int limit);

    /**
     * Sends a {@code message} from the sender to one client (the sender itself included).
     *
     * @return {@code false} if no client with that id is connected
     */
    boolean send(ClientId to, String text);

    /**
     * Sends a {@code message} with {@code "to":"*"} from the sender to every other connected client.
     *
     * @return how many clients it was queued for
     */
    int broadcast(String text);

    /**
     * The id of the last message this command sent ({@link #send} or {@link #broadcast}), as it is on the wire: the
     * {@code id} the recipients saw, which the built-in {@code CHAT} and {@code SAY} put in their replies.
     *
     * @return the id, or {@code null} if the command has sent no message (the default, for contexts made elsewhere)
     */
    default String lastMessageId() {
        return null;
    }

    /**
     * Asks the server's history store for a page ({@code HISTORY}). The answer comes later, on a thread of the
     * store's; a handler may wait for it (commands other than the built-in non-blocking ones run on threads of their
     * own). The stage fails with {@link io.aurachat.history.NoSuchMessageException} for an id the store does not
     * hold and {@link io.aurachat.history.HistoryUnavailableException} when it cannot answer. The target {@code *}
     * is the messages to everyone, a room's name (as typed) the room's, and {@code @} the private messages of the
     * account the sender is logged into (any of its devices, both directions); for an anonymous sender that stage
     * fails with {@code HistoryUnavailableException}, and any other target starting with {@code @} is refused
     * ({@link IllegalArgumentException}): a handler cannot read another account's messages.
     *
     * @return the page; by default (a context made elsewhere) a failed stage: no history
     */
    default CompletionStage<HistoryPage> history(HistoryQuery query) {
        return CompletableFuture.failedFuture(new HistoryUnavailableException("no history here"));
    }

    /**
     * Puts the sender in a room ({@code JOIN}), making the room if it does not exist, and tells its members.
     * Joining a room the sender is in changes nothing.
     *
     * @return the room as it is now
     * @throws CommandException {@code bad-room-name}, {@code too-many-rooms}; by default (a context made
     *     elsewhere) {@code unknown-command}
     */
    default RoomInfo joinRoom(String room) throws CommandException {
        throw new CommandException(ErrorCodes.UNKNOWN_COMMAND, "this server has no rooms");
    }

    /**
     * Takes the sender out of a room ({@code PART}) and tells its members; the last one out deletes the room.
     *
     * @throws CommandException {@code bad-room-name}, {@code not-in-room}
     */
    default void partRoom(String room) throws CommandException {
        throw new CommandException(ErrorCodes.UNKNOWN_COMMAND, "this server has no rooms");
    }

    /**
     * Sends a {@code message} with {@code "room"} from the sender to the room's other members ({@code POST}).
     *
     * @return how many members it was queued for
     * @throws CommandException {@code bad-room-name}, {@code not-in-room}
     */
    default int post(String room, String text) throws CommandException {
        throw new CommandException(ErrorCodes.UNKNOWN_COMMAND, "this server has no rooms");
    }

    /** The server's rooms, sorted by name (a snapshot); none by default. */
    default List<RoomInfo> rooms() {
        return List.of();
    }

    /**
     * A room's members in connection order (a snapshot).
     *
     * @throws CommandException {@code bad-room-name}, {@code no-such-room}
     */
    default List<ClientInfo> members(String room) throws CommandException {
        throw new CommandException(ErrorCodes.NO_SUCH_ROOM, "this server has no rooms");
    }

    /**
     * The room {@code room} names, if the sender is in it.
     *
     * @throws CommandException {@code bad-room-name}, {@code not-in-room}
     */
    default RoomInfo room(String room) throws CommandException {
        throw new CommandException(ErrorCodes.NOT_IN_ROOM, "this server has no rooms");
    }

    /** The connected clients, in connection order (a snapshot). */
    List<ClientInfo> clients();

    /** The connected client with this id, if any. */
    Optional<ClientInfo> client(ClientId id);

    /**
     * Sets the sender's display name and tells the other clients with a {@code rename} event.
     *
     * @return the sender as it is after the change
     * @throws CommandException {@code bad-name} if the name breaks the naming rules in PROTOCOL.md,
     *     {@code name-taken} if another connected client has it (ignoring case)
     */
    ClientInfo rename(String name) throws CommandException;

    /** The registered commands, sorted by verb; what {@code HELP} lists. */
    List<Command> commands();

    /** The server's clock: the time and zone of {@code TIME} replies. */
    Clock clock();

    /** The server's name, as announced in {@code welcome}. */
    String serverName();

    /**
     * {@code REGISTER}: makes an account named {@code name} with this password and logs the sender into it: its
     * display name becomes the account's name (the others get a {@code rename}), or, on a server that requires
     * accounts, it joins ({@code welcome}). Blocks (hashing, the account store): only a command that may block calls
     * it.
     *
     * @return the sender as it is after the login, with its {@link ClientInfo#account()}
     * @throws CommandException {@code accounts-disabled} (the default, for contexts made elsewhere),
     *     {@code already-logged-in}, {@code insecure-connection}, {@code bad-name}, {@code weak-password},
     *     {@code name-taken}, {@code name-registered}, {@code too-many-attempts}, {@code server-busy},
     *     {@code accounts-unavailable}
     */
    default ClientInfo register(String name, String password) throws CommandException {
        throw new CommandException(ErrorCodes.ACCOUNTS_DISABLED, "this server has no accounts");
    }

    /**
     * {@code LOGIN}: logs the sender into the account named {@code name} (folded as names are) if the password is
     * its; then as {@link #register}. Blocks.
     *
     * @throws CommandException {@code accounts-disabled} (the default), {@code already-logged-in},
     *     {@code insecure-connection}, {@code bad-credentials}, {@code too-many-attempts}, {@code server-busy},
     *     {@code accounts-unavailable}
     */
    default ClientInfo login(String name, String password) throws CommandException {
        throw new CommandException(ErrorCodes.ACCOUNTS_DISABLED, "this server has no accounts");
    }

    /**
     * {@code PASSWORD}: changes the password of the account the sender is logged into. Blocks.
     *
     * @throws CommandException {@code accounts-disabled} (the default), {@code login-required},
     *     {@code bad-credentials} (the old password is wrong), {@code weak-password}, {@code too-many-attempts},
     *     {@code server-busy}, {@code accounts-unavailable}
     */
    default void changePassword(String oldPassword, String newPassword) throws CommandException {
        throw new CommandException(ErrorCodes.ACCOUNTS_DISABLED, "this server has no accounts");
    }

    /**
     * Makes the sender resumable ({@code SESSION}): if its connection breaks, its session waits for a
     * {@code RESUME} for the {@linkplain #resumeWindowSeconds() resume window}.
     *
     * @return the session token, the same one if asked again
     * @throws CommandException {@code resume-disabled} if the server keeps no sessions (the default, for contexts
     *     made elsewhere)
     */
    default String session() throws CommandException {
        throw new CommandException(ErrorCodes.RESUME_DISABLED, "this server keeps no sessions");
    }

    /** How long a broken connection's session waits for a resume, in seconds; 0 if the server keeps none. */
    default long resumeWindowSeconds() {
        return 0;
    }

    /**
     * Takes back a session ({@code RESUME}): the sender's connection becomes that session's client, and every
     * message the session missed after {@code lastId} is sent to it before this returns. It may wait (for the
     * history store and for the client to read), so only a command that may block calls it.
     *
     * @param session the token {@link #session()} gave
     * @param lastId the id of the last message the client saw, 0 if none
     * @throws CommandException {@code no-such-session}, {@code resume-refused} (the connection has done something of
     *     its own already), {@code resume-disabled}
     */
    default ResumeResult resume(String session, long lastId) throws CommandException {
        throw new CommandException(ErrorCodes.RESUME_DISABLED, "this server keeps no sessions");
    }
}
