/**
 * Commands: the {@link io.aurachat.command.CommandHandler} extension point, the context a handler
 * works with, replies, and the built-in commands, which are registered through the same interface.
 */
package io.aurachat.command;
