/**
 * AuraChat: an embeddable chat server for local networks, with pluggable commands and log sinks.
 *
 * <p>Exported: {@code io.aurachat.server} (ChatServer, ServerConfig), {@code io.aurachat.command}
 * (CommandHandler and the built-in commands), {@code io.aurachat.log} (LogSink, LogEvent, the SLF4J
 * and XML sinks), {@code io.aurachat.protocol} (ids, client descriptions, leave reasons, error codes) and
 * {@code io.aurachat.discovery} (LAN discovery over UDP: DiscoveryClient, ServerInfo, DiscoveryConfig) and
 * {@code io.aurachat.client} (ChatClient, its configuration and listener).
 * {@code io.aurachat.internal} is the implementation and is not exported.
 */
module io.aurachat.core {
    requires java.xml;
    requires org.slf4j;
    requires tools.jackson.core;

    exports io.aurachat.client;
    exports io.aurachat.command;
    exports io.aurachat.discovery;
    exports io.aurachat.log;
    exports io.aurachat.protocol;
    exports io.aurachat.server;
}
