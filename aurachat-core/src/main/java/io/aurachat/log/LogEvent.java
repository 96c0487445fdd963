package io.aurachat.log;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.protocol.LeaveReason;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened in a server, delivered to every {@link LogSink}. Each event records the
 * server clock's time when it happened. Switch over the permitted records to handle them; the
 * compiler then tells you when a later version adds a kind. Every constructor rejects {@code null}
 * components except where a component says it may be {@code null}.
 */
public sealed interface LogEvent {

    /**
     * When the event happened, by the server's clock.
     *
     * @return the time; never {@code null}
     */
    Instant time();

    /**
     * The server is accepting connections.
     *
     * @param time when it started
     * @param serverName the name announced to clients
     * @param address the bound address and port
     */
    record ServerStarted(Instant time, String serverName, InetSocketAddress address) implements LogEvent {
        /** Checks the components. */
        public ServerStarted {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(serverName, "serverName");
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * The server has closed every connection; this is the last event a sink receives.
     *
     * @param time when it stopped
     */
    record ServerStopped(Instant time) implements LogEvent {
        /** Checks the components. */
        public ServerStopped {
            Objects.requireNonNull(time, "time");
        }
    }

    /**
     * A client connected, was given its id and joined.
     *
     * @param time when it joined
     * @param client the client, with its id and IP address
     */
    record ClientConnected(Instant time, ClientInfo client) implements LogEvent {
        /** Checks the components. */
        public ClientConnected {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
        }
    }

    /**
     * A client's connection ended. On a server that requires accounts, also that of a connection that never logged in
     * and so never joined: it has no {@link ClientConnected}, and {@code client} is as its commands were logged.
     *
     * @param time when it left
     * @param client the client as it was when it left (its last name)
     * @param reason why it left
     */
    record ClientDisconnected(Instant time, ClientInfo client, LeaveReason reason) implements LogEvent {
        /** Checks the components. */
        public ClientDisconnected {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A connection was refused before it joined, e.g. with {@link LeaveReason#SERVER_FULL} when the
     * server already had its maximum number of clients.
     *
     * @param time when it was refused
     * @param ip the refused peer's IP address as text
     * @param reason why it was refused
     */
    record ConnectionRejected(Instant time, String ip, LeaveReason reason) implements LogEvent {
        /** Checks the components. */
        public ConnectionRejected {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(ip, "ip");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A message was queued for delivery.
     *
     * @param time when it was sent
     * @param from the sender
     * @param to the recipient, or {@code null} for a message to everyone else
     * @param text the message text as the sender wrote it
     * @param recipients how many clients it was queued for
     * @param id the message's id ({@link io.aurachat.history.MessageIds}), or 0 when it has none
     * @param room the room it was posted to ({@code POST}; then {@code to} is {@code null}), else {@code null}
     */
    record MessageSent(Instant time, ClientInfo from, ClientId to, String text, int recipients, long id, String room)
            implements LogEvent {
        /** Checks the components; {@code to} may be {@code null}. */
        public MessageSent {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(text, "text");
            if (id < 0) {
                throw new IllegalArgumentException("id must not be negative: " + id);
            }
        }

        /** A message without an id (0). */
        public MessageSent(Instant time, ClientInfo from, ClientId to, String text, int recipients) {
            this(time, from, to, text, recipients, 0, null);
        }

        /** A message to one client or to everyone, not to a room. */
        public MessageSent(Instant time, ClientInfo from, ClientId to, String text, int recipients, long id) {
            this(time, from, to, text, recipients, id, null);
        }

        /**
         * Whether the message went to everyone rather than to one client or a room.
         *
         * @return {@code true} when {@link #to()} and {@link #room()} are {@code null}
         */
        public boolean isBroadcast() {
            return to == null && room == null;
        }
    }

    /**
     * A client entered a room ({@code JOIN}); the first to enter made it.
     *
     * @param time when
     * @param client who
     * @param room the room's name
     */
    record RoomJoined(Instant time, ClientInfo client, String room) implements LogEvent {
        /** Checks that no component is {@code null}. */
        public RoomJoined {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(room, "room");
        }
    }

    /**
     * A client left a room with {@code PART}. (A client whose connection ends leaves its rooms too; that is its
     * {@link ClientDisconnected}.) The last one out deleted the room.
     *
     * @param time when
     * @param client who
     * @param room the room's name
     * @param reason {@code part}
     */
    record RoomLeft(Instant time, ClientInfo client, String room, String reason) implements LogEvent {
        /** Checks that no component is {@code null}. */
        public RoomLeft {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A resumable client's connection broke: its session waits for a {@code RESUME} for the resume window, with its
     * id, name and rooms kept (others see no {@code leave} yet). If the window passes, its
     * {@link ClientDisconnected} follows.
     *
     * @param time when
     * @param client who
     */
    record SessionDetached(Instant time, ClientInfo client) implements LogEvent {
        /** Checks that no component is {@code null}. */
        public SessionDetached {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
        }
    }

    /**
     * A connection took back a session with {@code RESUME}: the id its welcome announced is given up (its
     * {@link ClientDisconnected} says {@code resumed}), and it goes on as {@code client}.
     *
     * @param time when the missed messages had been delivered
     * @param client the resumed client, with its address now
     * @param connection the id the new connection's welcome announced
     * @param missed how many missed messages it was sent
     * @param recovered whether that was every message it missed
     */
    record SessionResumed(Instant time, ClientInfo client, ClientId connection, int missed, boolean recovered)
            implements LogEvent {
        /** Checks that no component is {@code null}. */
        public SessionResumed {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(connection, "connection");
        }
    }

    /**
     * A client made an account with {@code REGISTER} (it is logged into it from now on: a {@link LoggedIn} follows).
     *
     * @param time when
     * @param client the client, with the new account's key and name
     */
    record AccountRegistered(Instant time, ClientInfo client) implements LogEvent {
        /** Checks that no component is {@code null}. */
        public AccountRegistered {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
        }
    }

    /**
     * A client logged into an account ({@code LOGIN}, or {@code REGISTER}).
     *
     * @param time when
     * @param client the client as it is now: its {@link ClientInfo#account()} and the account's name
     */
    record LoggedIn(Instant time, ClientInfo client) implements LogEvent {
        /** Checks that no component is {@code null}. */
        public LoggedIn {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
        }
    }

    /**
     * A {@code LOGIN} or {@code PASSWORD} was refused for its credentials or its attempt limit. Never the password.
     *
     * @param time when
     * @param client the client that tried, with its address
     * @param account the key of the account it named (which may not exist)
     * @param reason the error code: {@code bad-credentials} or {@code too-many-attempts}
     */
    record LoginFailed(Instant time, ClientInfo client, String account, String reason) implements LogEvent {
        /** Checks that no component is {@code null}. */
        public LoginFailed {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * An account's password was changed: by a logged-in client ({@code PASSWORD}) or by the server's owner.
     *
     * @param time when
     * @param account the account's key
     * @param client the client that changed it, or {@code null} when the owner did
     */
    record PasswordChanged(Instant time, String account, ClientInfo client) implements LogEvent {
        /** Checks the components; {@code client} may be {@code null}. */
        public PasswordChanged {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(account, "account");
        }
    }

    /**
     * The server's owner removed an account; its devices were disconnected ({@code account-removed}).
     *
     * @param time when
     * @param account the account's key
     * @param devices how many connections (and waiting sessions) it ended
     */
    record AccountRemoved(Instant time, String account, int devices) implements LogEvent {
        /** Checks that no component is {@code null}. */
        public AccountRemoved {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(account, "account");
        }
    }

    /**
     * A client's command line was handled by a registered command.
     *
     * <p>One exception: a built-in {@code CHAT} or {@code SAY} that succeeds is logged as its {@link MessageSent}
     * alone, which carries everything the command did (sender, recipient, text), when every sink that accepts
     * this kind also accepts {@code MessageSent}. Otherwise, and when such a command fails, it is logged here
     * like any other.
     *
     * @param time when it was handled
     * @param client the sender as it was when the command arrived
     * @param verb the upper-case verb
     * @param arguments the arguments as received
     * @param errorCode {@code null} if the command succeeded, else the code of its error reply
     */
    record CommandExecuted(Instant time, ClientInfo client, String verb, String arguments, String errorCode)
            implements LogEvent {
        /** Checks the components; {@code errorCode} may be {@code null}. */
        public CommandExecuted {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(verb, "verb");
            Objects.requireNonNull(arguments, "arguments");
        }

        /**
         * Whether the command succeeded.
         *
         * @return {@code true} when {@link #errorCode()} is {@code null}
         */
        public boolean succeeded() {
            return errorCode == null;
        }
    }

    /**
     * A client sent a line the server could not treat as a command: too long, not UTF-8, or an unknown
     * verb.
     *
     * @param time when it arrived
     * @param client the sender
     * @param code the error code sent back, such as {@code line-too-long}
     * @param detail what was wrong, for a person
     */
    record ProtocolError(Instant time, ClientInfo client, String code, String detail) implements LogEvent {
        /** Checks the components. */
        public ProtocolError {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * The server stopped reading a client for a while because it sent lines faster than the rate limit allows
     * (PROTOCOL.md, <em>Rate limit</em>): its lines wait, none is lost, and it is not cut. One event per episode: the
     * first pause since the client's token bucket was last full, so a flood costs one event, not one per line.
     *
     * @param time when reading paused
     * @param client the client held back
     */
    record ClientThrottled(Instant time, ClientInfo client) implements LogEvent {
        /** Checks that no component is {@code null}. */
        public ClientThrottled {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(client, "client");
        }
    }

    /**
     * The discovery responder answered a probe.
     *
     * @param time when it answered
     * @param source the address and port the probe came from (the reply went there)
     * @param probeBytes the size of the probe datagram
     * @param replyBytes the size of the reply datagram, never more than {@code probeBytes}
     */
    record DiscoveryAnswered(Instant time, InetSocketAddress source, int probeBytes, int replyBytes)
            implements LogEvent {
        /** Checks the components. */
        public DiscoveryAnswered {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * The discovery responder received a datagram and sent nothing back.
     *
     * @param time when it arrived
     * @param source the address and port it came from
     * @param bytes the size of the datagram
     * @param reason why it was not answered, a stable lower-case token such as {@code malformed},
     *     {@code foreign}, {@code too-small}, {@code rate-limited} or {@code unreachable}
     */
    record DiscoveryIgnored(Instant time, InetSocketAddress source, int bytes, String reason)
            implements LogEvent {
        /** Checks the components. */
        public DiscoveryIgnored {
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * This sink fell behind: its queue was full, and {@code count} events meant for it were dropped.
     * Delivered to the sink concerned, in place of what it missed, as soon as its queue has room.
     *
     * @param time when the loss was reported
     * @param count how many events were dropped since the last report
     */
    record EventsDropped(Instant time, long count) implements LogEvent {
        /** Checks the components. */
        public EventsDropped {
            Objects.requireNonNull(time, "time");
        }
    }
}
