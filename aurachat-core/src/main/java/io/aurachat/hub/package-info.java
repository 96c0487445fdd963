/**
 * The hub: the transport-neutral core of a server. It holds the registry of clients, their names and
 * presence, routes messages (encoding each line once), dispatches commands and emits the log events; it
 * reaches clients only through {@link io.aurachat.transport.Peer}. Not exported.
 */
package io.aurachat.hub;
