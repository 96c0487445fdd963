package io.aurachat.log;

import io.aurachat.protocol.ClientInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The one place that maps a {@link LogEvent} to its XML element (see {@code aurachat-log.xsd}). Each
 * event becomes one line: an element, unprefixed (it inherits the root's default namespace), followed by
 * a line feed. Strings go through StAX, which escapes markup; characters XML cannot carry are handled
 * by {@link Escaping}.
 */
final class XmlEvents {

    /** The local names of every event element, for the crash repair. */
    static final Set<String> ELEMENTS = Set.of("server-started", "server-stopped", "client-connected",
            "client-disconnected", "connection-rejected", "message", "command", "protocol-error",
            "discovery-answered", "discovery-ignored", "events-dropped");

    /** The {@code to} of a message to everyone; no client id looks like it. */
    static final String EVERYONE = "everyone";

    private XmlEvents() {}

    static void write(XMLStreamWriter x, LogEvent event, DateTimeFormatter time) throws XMLStreamException {
        switch (event) {
            case LogEvent.ServerStarted e -> {
                String host = host(e.address());
                boolean esc = Escaping.needed(e.serverName(), host, null, null);
                start(x, "server-started", e.time(), time, esc, true);
                attr(x, "name", e.serverName(), esc);
                attr(x, "address", host, esc);
                x.writeAttribute("port", Integer.toString(e.address().getPort()));
            }
            case LogEvent.ServerStopped e -> start(x, "server-stopped", e.time(), time, false, true);
            case LogEvent.ClientConnected e -> {
                boolean esc = needed(e.client(), null);
                start(x, "client-connected", e.time(), time, esc, true);
                client(x, e.client(), esc);
            }
            case LogEvent.ClientDisconnected e -> {
                boolean esc = needed(e.client(), null);
                start(x, "client-disconnected", e.time(), time, esc, true);
                client(x, e.client(), esc);
                x.writeAttribute("reason", e.reason().wireName());
            }
            case LogEvent.ConnectionRejected e -> {
                boolean esc = Escaping.needed(e.ip());
                start(x, "connection-rejected", e.time(), time, esc, true);
                attr(x, "ip", e.ip(), esc);
                x.writeAttribute("reason", e.reason().wireName());
            }
            case LogEvent.MessageSent e -> {
                boolean esc = needed(e.from(), e.text());
                start(x, "message", e.time(), time, esc, false);
                client(x, e.from(), esc);
                x.writeAttribute("to", e.to() == null ? EVERYONE : e.to().value());
                x.writeAttribute("recipients", Integer.toString(e.recipients()));
                text(x, "text", e.text(), esc);
            }
            case LogEvent.CommandExecuted e -> {
                boolean esc = needed(e.client(), e.arguments())
                        || Escaping.needed(e.verb(), e.errorCode(), null, null);
                boolean empty = e.arguments().isEmpty();
                start(x, "command", e.time(), time, esc, empty);
                client(x, e.client(), esc);
                attr(x, "verb", e.verb(), esc);
                if (e.errorCode() != null) {
                    attr(x, "error", e.errorCode(), esc);
                }
                if (!empty) {
                    text(x, "arguments", e.arguments(), esc);
                }
            }
            case LogEvent.ProtocolError e -> {
                boolean esc = needed(e.client(), e.detail()) || Escaping.needed(e.code());
                start(x, "protocol-error", e.time(), time, esc, false);
                client(x, e.client(), esc);
                attr(x, "code", e.code(), esc);
                text(x, "detail", e.detail(), esc);
            }
            case LogEvent.DiscoveryAnswered e -> {
                String host = host(e.source());
                boolean esc = Escaping.needed(host);
                start(x, "discovery-answered", e.time(), time, esc, true);
                attr(x, "ip", host, esc);
                x.writeAttribute("port", Integer.toString(e.source().getPort()));
                x.writeAttribute("probe-bytes", Integer.toString(e.probeBytes()));
                x.writeAttribute("reply-bytes", Integer.toString(e.replyBytes()));
            }
            case LogEvent.DiscoveryIgnored e -> {
                String host = host(e.source());
                boolean esc = Escaping.needed(host, e.reason(), null, null);
                start(x, "discovery-ignored", e.time(), time, esc, true);
                attr(x, "ip", host, esc);
                x.writeAttribute("port", Integer.toString(e.source().getPort()));
                x.writeAttribute("bytes", Integer.toString(e.bytes()));
                attr(x, "reason", e.reason(), esc);
            }
            case LogEvent.EventsDropped e -> {
                start(x, "events-dropped", e.time(), time, false, true);
                x.writeAttribute("count", Long.toString(e.count()));
            }
        }
        if (!isEmpty(event)) {
            x.writeEndElement();
        }
        x.writeCharacters("\n");
    }

    private static boolean isEmpty(LogEvent event) {
        return switch (event) {
            case LogEvent.MessageSent e -> false;
            case LogEvent.ProtocolError e -> false;
            case LogEvent.CommandExecuted e -> e.arguments().isEmpty();
            default -> true;
        };
    }

    private static boolean needed(ClientInfo client, String text) {
        return Escaping.needed(client.name(), client.ip(), text, null);
    }

    private static void start(XMLStreamWriter x, String name, Instant at, DateTimeFormatter time,
            boolean escaped, boolean empty) throws XMLStreamException {
        x.writeCharacters("  ");
        if (empty) {
            x.writeEmptyElement(name);
        } else {
            x.writeStartElement(name);
        }
        x.writeAttribute("time", time.format(at));
        if (escaped) {
            x.writeAttribute("escaped", "true");
        }
    }

    private static void client(XMLStreamWriter x, ClientInfo client, boolean esc) throws XMLStreamException {
        x.writeAttribute("client", client.id().value());
        attr(x, "name", client.name(), esc);
        attr(x, "ip", client.ip(), esc);
    }

    private static void attr(XMLStreamWriter x, String name, String value, boolean esc) throws XMLStreamException {
        x.writeAttribute(name, esc ? Escaping.escape(value) : value);
    }

    private static void text(XMLStreamWriter x, String name, String value, boolean esc) throws XMLStreamException {
        x.writeStartElement(name);
        x.writeCharacters(esc ? Escaping.escape(value) : value);
        x.writeEndElement();
    }

    /** The IP address as text, or the host name of an unresolved address. */
    private static String host(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        return ip != null ? ip.getHostAddress() : address.getHostString();
    }
}
