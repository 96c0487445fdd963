package io.aurachat.log;

import io.aurachat.protocol.ClientInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * The one place that maps a {@link LogEvent} to its XML element (see {@code aurachat-log.xsd}). Each
 * event becomes one line: two spaces, an element, unprefixed (it inherits the root's default namespace),
 * and a line feed, encoded straight to UTF-8 bytes.
 *
 * <p>Why not StAX: the JDK's {@code XMLStreamWriter} took about 1.6 µs per {@code message} event (JMH,
 * {@code XmlLogSinkBench}), more than the server spends routing the message, and the log is on by default.
 * The element shapes are fixed and the strings go through two rules only: markup ({@code & < > "}) becomes
 * entity references, and characters XML cannot carry are handled by {@link Escaping} (the event is then
 * written in escaped form). Every test of the sink parses what this writes with a real XML parser and
 * validates it against the schema.
 *
 * <p>Not thread-safe: the sink's lock guards an instance.
 */
final class XmlEvents {

    /** The local names of every event element, for the crash repair. */
    static final Set<String> ELEMENTS = Set.of("server-started", "server-stopped", "client-connected",
            "client-disconnected", "connection-rejected", "message", "command", "protocol-error",
            "discovery-answered", "discovery-ignored", "events-dropped", "room-joined", "room-left", "client-throttled");

    /** The {@code to} of a message to everyone; no client id looks like it. */
    static final String EVERYONE = "everyone";

    private static final DateTimeFormatter TIME_FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx");

    private final ByteSink out;
    private final DateTimeFormatter timeFormat;
    /** The second {@link #time} holds, formatted with {@code .000} for its milliseconds. */
    private long cachedSecond = Long.MIN_VALUE;
    private byte[] time = new byte[0];
    /** Where the milliseconds' three digits are in {@link #time}. */
    private int millisAt;

    /**
     * @param out where each event's line goes
     * @param zone the zone whose offset times are written with
     */
    XmlEvents(ByteSink out, ZoneId zone) {
        this.out = out;
        this.timeFormat = TIME_FORMAT.withZone(zone);
    }

    /** Appends {@code event}'s line to the buffer. */
    void write(LogEvent event) {
        switch (event) {
            case LogEvent.ServerStarted e -> {
                String host = host(e.address());
                boolean esc = Escaping.needed(e.serverName(), host, null, null);
                start("server-started", e.time(), esc);
                attr("name", e.serverName(), esc);
                attr("address", host, esc);
                number("port", e.address().getPort());
                endEmpty();
            }
            case LogEvent.ServerStopped e -> {
                start("server-stopped", e.time(), false);
                endEmpty();
            }
            case LogEvent.ClientConnected e -> {
                boolean esc = needed(e.client(), null);
                start("client-connected", e.time(), esc);
                client(e.client(), esc);
                endEmpty();
            }
            case LogEvent.ClientDisconnected e -> {
                boolean esc = needed(e.client(), null);
                start("client-disconnected", e.time(), esc);
                client(e.client(), esc);
                ascii("reason", e.reason().wireName());
                endEmpty();
            }
            case LogEvent.ConnectionRejected e -> {
                boolean esc = Escaping.needed(e.ip());
                start("connection-rejected", e.time(), esc);
                attr("ip", e.ip(), esc);
                ascii("reason", e.reason().wireName());
                endEmpty();
            }
            case LogEvent.MessageSent e -> {
                boolean esc = needed(e.from(), e.text()) || e.room() != null && Escaping.needed(e.room());
                start("message", e.time(), esc);
                client(e.from(), esc);
                if (e.room() != null) {
                    attr("room", e.room(), esc);
                } else {
                    ascii("to", e.to() == null ? EVERYONE : e.to().value());
                }
                number("recipients", e.recipients());
                if (e.id() > 0) {
                    number("id", e.id());
                }
                out.write('>');
                text("text", e.text(), esc);
                end("message");
            }
            case LogEvent.CommandExecuted e -> {
                boolean esc = needed(e.client(), e.arguments())
                        || Escaping.needed(e.verb(), e.errorCode(), null, null);
                start("command", e.time(), esc);
                client(e.client(), esc);
                attr("verb", e.verb(), esc);
                if (e.errorCode() != null) {
                    attr("error", e.errorCode(), esc);
                }
                if (e.arguments().isEmpty()) {
                    endEmpty();
                } else {
                    out.write('>');
                    text("arguments", e.arguments(), esc);
                    end("command");
                }
            }
            case LogEvent.ProtocolError e -> {
                boolean esc = needed(e.client(), e.detail()) || Escaping.needed(e.code());
                start("protocol-error", e.time(), esc);
                client(e.client(), esc);
                attr("code", e.code(), esc);
                out.write('>');
                text("detail", e.detail(), esc);
                end("protocol-error");
            }
            case LogEvent.ClientThrottled e -> {
                boolean esc = needed(e.client(), null);
                start("client-throttled", e.time(), esc);
                client(e.client(), esc);
                endEmpty();
            }
            case LogEvent.DiscoveryAnswered e -> {
                String host = host(e.source());
                boolean esc = Escaping.needed(host);
                start("discovery-answered", e.time(), esc);
                attr("ip", host, esc);
                number("port", e.source().getPort());
                number("probe-bytes", e.probeBytes());
                number("reply-bytes", e.replyBytes());
                endEmpty();
            }
            case LogEvent.DiscoveryIgnored e -> {
                String host = host(e.source());
                boolean esc = Escaping.needed(host, e.reason(), null, null);
                start("discovery-ignored", e.time(), esc);
                attr("ip", host, esc);
                number("port", e.source().getPort());
                number("bytes", e.bytes());
                attr("reason", e.reason(), esc);
                endEmpty();
            }
            case LogEvent.RoomJoined e -> {
                boolean esc = needed(e.client(), e.room());
                start("room-joined", e.time(), esc);
                client(e.client(), esc);
                attr("room", e.room(), esc);
                endEmpty();
            }
            case LogEvent.RoomLeft e -> {
                boolean esc = needed(e.client(), e.room());
                start("room-left", e.time(), esc);
                client(e.client(), esc);
                attr("room", e.room(), esc);
                ascii("reason", e.reason());
                endEmpty();
            }
            case LogEvent.SessionDetached e -> {
                boolean esc = needed(e.client(), null);
                start("session-detached", e.time(), esc);
                client(e.client(), esc);
                endEmpty();
            }
            case LogEvent.SessionResumed e -> {
                boolean esc = needed(e.client(), null);
                start("session-resumed", e.time(), esc);
                client(e.client(), esc);
                ascii("connection", e.connection().value());
                number("missed", e.missed());
                ascii("recovered", Boolean.toString(e.recovered()));
                endEmpty();
            }
            case LogEvent.AccountRegistered e -> {
                boolean esc = needed(e.client(), null);
                start("account-registered", e.time(), esc);
                client(e.client(), esc);
                endEmpty();
            }
            case LogEvent.LoggedIn e -> {
                boolean esc = needed(e.client(), null);
                start("logged-in", e.time(), esc);
                client(e.client(), esc);
                endEmpty();
            }
            case LogEvent.LoginFailed e -> {
                boolean esc = needed(e.client(), e.account()) || Escaping.needed(e.reason());
                start("login-failed", e.time(), esc);
                client(e.client(), esc);
                attr("attempted", e.account(), esc);
                attr("reason", e.reason(), esc);
                endEmpty();
            }
            case LogEvent.PasswordChanged e -> {
                boolean esc = (e.client() != null && needed(e.client(), null)) || Escaping.needed(e.account());
                start("password-changed", e.time(), esc);
                if (e.client() != null) {
                    client(e.client(), esc);
                    if (e.client().account() == null) {
                        attr("account", e.account(), esc);
                    }
                } else {
                    attr("account", e.account(), esc);
                }
                endEmpty();
            }
            case LogEvent.AccountRemoved e -> {
                boolean esc = Escaping.needed(e.account());
                start("account-removed", e.time(), esc);
                attr("account", e.account(), esc);
                number("devices", e.devices());
                endEmpty();
            }
            case LogEvent.EventsDropped e -> {
                start("events-dropped", e.time(), false);
                number("count", e.count());
                endEmpty();
            }
        }
        out.write('\n');
    }

    private boolean needed(ClientInfo client, String text) {
        return clientAttributes(client).escape || text != null && Escaping.needed(text);
    }

    private void start(String name, Instant at, boolean escaped) {
        out.tag(OPEN_INDENT, name, TIME);
        out.writeBytes(time(at));
        if (escaped) {
            out.writeBytes(ESCAPED);
        } else {
            out.write('"');
        }
    }

    private void endEmpty() {
        out.writeBytes(EMPTY_END);
    }

    private void end(String name) {
        out.tag(CLOSE, name, GT);
    }

    /** The time as text, from a cache of its second: formatting costs more than the rest of an event. */
    private byte[] time(Instant at) {
        long second = at.getEpochSecond();
        if (second != cachedSecond) {
            // Zone offsets change on whole seconds, so the second's text with .000 is right for every millisecond of it.
            time = timeFormat.format(Instant.ofEpochSecond(second)).getBytes(StandardCharsets.US_ASCII);
            millisAt = lastDot(time) + 1;
            cachedSecond = second;
        }
        int millis = at.getNano() / 1_000_000;
        time[millisAt] = (byte) ('0' + millis / 100);
        time[millisAt + 1] = (byte) ('0' + millis / 10 % 10);
        time[millisAt + 2] = (byte) ('0' + millis % 10);
        return time;
    }

    private static int lastDot(byte[] text) {
        for (int i = text.length - 1; i >= 0; i--) {
            if (text[i] == '.') {
                return i;
            }
        }
        throw new IllegalStateException("no milliseconds in " + new String(text, StandardCharsets.US_ASCII));
    }

    private void client(ClientInfo client, boolean esc) {
        if (!esc) {
            out.writeBytes(clientAttributes(client).bytes);
            return;
        }
        ascii("client", client.id().value());
        attr("name", client.name(), true);
        attr("ip", client.ip(), true);
        if (client.account() != null) {
            attr("account", client.account(), true);
        }
    }

    /**
     * A client's {@code client}, {@code name} and {@code ip} attributes, encoded, and whether its strings need the
     * escaped form: every message of a client repeats them, so they are kept in a small cache of the clients seen
     * last, by identity ({@link ClientInfo} is immutable; a rename makes a new one).
     */
    private ClientAttributes clientAttributes(ClientInfo client) {
        int slot = System.identityHashCode(client) & (CLIENT_CACHE - 1);
        ClientAttributes cached = clients[slot];
        if (cached != null && cached.client == client) {
            return cached;
        }
        boolean escape = Escaping.needed(client.name(), client.ip(), client.account(), null);
        byte[] bytes = NO_BYTES;
        if (!escape) {
            ByteSink b = new ByteSink(64);
            b.attribute("client", client.id().value());
            b.attribute("name", client.name());
            b.attribute("ip", client.ip());
            if (client.account() != null) {
                b.attribute("account", client.account());
            }
            bytes = b.copy(0, b.size());
        }
        ClientAttributes made = new ClientAttributes(client, bytes, escape);
        clients[slot] = made;
        return made;
    }

    private record ClientAttributes(ClientInfo client, byte[] bytes, boolean escape) {}

    /** Slots of the client cache: a power of two. 256 entries of about 100 bytes. */
    private static final int CLIENT_CACHE = 256;
    private static final byte[] NO_BYTES = {};
    private final ClientAttributes[] clients = new ClientAttributes[CLIENT_CACHE];

    /** An attribute whose value needs no escaping of XML's characters by construction (ids, wire names). */
    private void ascii(String name, String value) {
        out.attribute(name, value);
    }

    private void number(String name, long value) {
        out.attribute(name, value >= 0 && value < SMALL.length ? SMALL[(int) value] : Long.toString(value));
    }

    /** The text of 0 to 1023: recipient counts and ports are mostly small, and this spares a string per event. */
    private static final String[] SMALL = java.util.stream.IntStream.range(0, 1024).mapToObj(Integer::toString)
            .toArray(String[]::new);

    private void attr(String name, String value, boolean esc) {
        out.attribute(name, esc ? Escaping.escape(value) : value);
    }

    private void text(String name, String value, boolean esc) {
        out.tag(OPEN, name, GT);
        out.xml(esc ? Escaping.escape(value) : value, false);
        end(name);
    }

    private static final byte[] OPEN_INDENT = ascii("  <");
    private static final byte[] OPEN = ascii("<");
    private static final byte[] CLOSE = ascii("</");
    private static final byte[] GT = ascii(">");
    private static final byte[] TIME = ascii(" time=\"");
    private static final byte[] ESCAPED = ascii("\" escaped=\"true\"");
    private static final byte[] EMPTY_END = ascii("/>");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The IP address as text, or the host name of an unresolved address. */
    private static String host(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        return ip != null ? ip.getHostAddress() : address.getHostString();
    }
}
