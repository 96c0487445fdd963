package io.aurachat.command;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

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
}
