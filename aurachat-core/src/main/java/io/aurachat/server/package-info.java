/**
 * The chat server: {@link io.aurachat.server.ChatServer} and its immutable
 * {@link io.aurachat.server.ServerConfig}.
 */
package io.aurachat.server;
