/**
 * The chat server: {@link io.aurachat.server.ChatServer}, which puts the hub, the TCP transport and the
 * discovery responder together, and its immutable {@link io.aurachat.server.ServerConfig}.
 */
package io.aurachat.server;
