package io.aurachat.command;

/**
 * Carries out one command verb. Register it with
 * {@link io.aurachat.server.ServerConfig.Builder#command(Command)}.
 *
 * <p>A registered handler runs on a virtual thread of the sending client ({@code aurachat-cmd-cN}),
 * one command at a time per client and concurrently for different clients, so it must be
 * thread-safe. It may block briefly; while it runs, that client's later commands wait, and nobody
 * else's do. (Only the built-in handlers in {@link BuiltinCommands}, which never block, run on the
 * server's I/O threads.) The one value it returns is the command's reply: the protocol promises
 * exactly one reply per command line.
 *
 * <p>Throwing {@link CommandException} sends an error reply with the exception's code. Any other
 * exception sends an {@code internal-error} reply and is logged; the connection and the server go on.
 */
@FunctionalInterface
public interface CommandHandler {

    /**
     * Carries out the command.
     *
     * @param context the sender, the arguments and the ways to reach other clients
     * @return the reply to send to the sender; never {@code null}
     * @throws CommandException to reply with an error code of the handler's choosing
     */
    Reply handle(CommandContext context) throws CommandException;
}
