package io.aurachat.log;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened in a server, delivered to every {@link LogSink}. Each event records the
 * server clock's time when it happened. Switch over the permitted records to handle them.
 */
public sealed interface LogEvent {

    /** When the event happened, by the server's clock. */
    Instant time();

    /** The server is accepting connections at {@code address}. */
    record ServerStarted(Instant time, String serverName, InetSocketAddress address) implements LogEvent {
        public ServerStarted {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(serverName, "serverName");
            Objects.requireNonNull(address, "address");
        }
    }

    /** The server has closed every connection; this is the last event a sink receives. */
    record ServerStopped(Instant time) implements LogEvent {
        public ServerStopped {
            Objects.requireNonNull(time, "time");
        }
    }

    /** A client connected and was given its id. */
    record ClientConnected(Instant time, ClientInfo client) implements LogEvent {
        public ClientConnected {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
        }
    }

    /** A client's connection ended, for {@code reason}. */
    record ClientDisconnected(Instant time, ClientInfo client, LeaveReason reason) implements LogEvent {
        public ClientDisconnected {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A connection was refused before it joined, e.g. with {@link LeaveReason#SERVER_FULL} when the server
     * already had its maximum number of clients.
     *
     * @param ip the refused peer's IP address as text
     */
    record ConnectionRejected(Instant time, String ip, LeaveReason reason) implements LogEvent {
        public ConnectionRejected {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(ip, "ip");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A message was queued for delivery.
     *
     * @param to the recipient, or {@code null} for a message to everyone else
     * @param recipients how many clients it was queued for
     */
    record MessageSent(Instant time, ClientInfo from, ClientId to, String text, int recipients)
            implements LogEvent {
        public MessageSent {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(text, "text");
        }

        /** Whether the message went to everyone rather than to one client. */
        public boolean isBroadcast() {
            return to == null;
        }
    }

    /**
     * A client's command line was handled.
     *
     * @param verb the upper-case verb
     * @param arguments the arguments as received
     * @param errorCode {@code null} if the command succeeded, else the code of its error reply
     */
    record CommandExecuted(Instant time, ClientInfo client, String verb, String arguments, String errorCode)
            implements LogEvent {
        public CommandExecuted {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(verb, "verb");
            Objects.requireNonNull(arguments, "arguments");
        }

        /** Whether the command succeeded. */
        public boolean succeeded() {
            return errorCode == null;
        }
    }

    /**
     * A client sent a line the server could not treat as a command (too long, not UTF-8, unknown verb).
     *
     * @param code the error code sent back
     * @param detail what was wrong, for a person
     */
    record ProtocolError(Instant time, ClientInfo client, String code, String detail) implements LogEvent {
        public ProtocolError {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * The sink fell behind and {@code count} events meant for it were dropped because its queue was
     * full. Delivered to the sink concerned as soon as its queue has room again.
     */
    record EventsDropped(Instant time, long count) implements LogEvent {
        public EventsDropped {
            Objects.requireNonNull(time, "time");
        }
    }
}
