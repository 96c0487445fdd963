/**
 * The seam between the server and the transports that carry its clients' bytes: a transport implements
 * {@link io.aurachat.transport.Peer} for each client and drives the {@link io.aurachat.transport.Connection}
 * that {@link io.aurachat.server.ChatServer#attach} returns. TCP is built in; in-memory peers serve tests.
 */
package io.aurachat.transport;
