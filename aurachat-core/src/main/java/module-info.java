/**
 * AuraChat: an embeddable chat server for local networks, with pluggable commands, log sinks and transports.
 *
 * <p>Exported (the API): {@code io.aurachat.accounts} (accounts modes, the account store SPI and its in-memory default, password hashing, the owner's operations), {@code io.aurachat.server} (ChatServer, ServerConfig), {@code io.aurachat.command}
 * (CommandHandler and the built-in commands), {@code io.aurachat.log} (LogSink, LogEvent, the SLF4J and XML
 * sinks), {@code io.aurachat.protocol} (the wire vocabulary: ids, client descriptions, line types, field
 * names, leave reasons, error codes), {@code io.aurachat.discovery} (LAN discovery over UDP), {@code io.aurachat.history} (message ids and the
 * HistoryStore extension point with its in-memory default),
 * {@code io.aurachat.client} (ChatClient, its configuration and listener), {@code io.aurachat.transport}
 * (the seam other transports plug into) and {@code io.aurachat.testing} (the in-memory harness).
 *
 * <p>Not exported (the implementation): {@code io.aurachat.hub} (registry, names, presence, routing,
 * command dispatch, the JSON encoder, the log dispatch), {@code io.aurachat.tcp} (the TCP transport: accept,
 * event loops, connections, line decoding) and {@code io.aurachat.internal} (what several packages share).
 * docs/ARCHITECTURE.md draws the map.
 */
module io.aurachat.core {
    requires java.xml;
    requires org.slf4j;
    requires jdk.unsupported; // com.sun.nio.file.ExtendedOpenOption.DIRECT: the XML log's direct writes
    requires tools.jackson.core;

    exports io.aurachat.accounts;
    exports io.aurachat.client;
    exports io.aurachat.command;
    exports io.aurachat.discovery;
    exports io.aurachat.history;
    exports io.aurachat.log;
    exports io.aurachat.protocol;
    exports io.aurachat.server;
    exports io.aurachat.testing;
    exports io.aurachat.transport;
}
