package io.aurachat.discovery;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * The discovery wire format (PROTOCOL.md, "Discovery (UDP)"): the probe a client sends and the reply a
 * server answers with, one JSON object per datagram. The only place where discovery datagrams are made
 * and read. Thread-safe; every method works on bounded byte arrays and never throws on bad input.
 */
final class DiscoveryWire {

    /** The discovery protocol version this code speaks. */
    public static final int VERSION = 1;
    /** The {@code type} of a probe. */
    public static final String PROBE_TYPE = "aurachat-probe";
    /** The {@code type} of a reply. */
    public static final String REPLY_TYPE = "aurachat-server";
    /** The size every probe of this client is padded to, in bytes. */
    public static final int PROBE_SIZE = 512;
    /** The largest datagram either side reads; a larger one is not a discovery datagram. */
    public static final int MAX_DATAGRAM = 2048;
    /** Instance ids and names longer than this in a reply are not accepted. */
    private static final int MAX_TEXT = 256;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final byte[] PROBE = buildProbe();

    private DiscoveryWire() {}

    /** What a received datagram turned out to be, for the responder. */
    public enum ProbeCheck {
        /** A probe to answer. */
        PROBE("probe"),
        /** Not JSON, not one object, or a probe with a missing or bad {@code version}. */
        MALFORMED("malformed"),
        /** A JSON object that is not an AuraChat probe (another type, such as a reply, or none). */
        FOREIGN("foreign"),
        /** Larger than {@link #MAX_DATAGRAM}. */
        TOO_LARGE("too-large");

        private final String token;

        ProbeCheck(String token) {
            this.token = token;
        }

        /** The reason token of {@link io.aurachat.log.LogEvent.DiscoveryIgnored}. */
        public String token() {
            return token;
        }
    }

    /** A copy of the probe this client sends: exactly {@link #PROBE_SIZE} bytes. */
    public static byte[] probe() {
        return PROBE.clone();
    }

    private static byte[] buildProbe() {
        byte[] empty = probeWithPad("");
        byte[] probe = probeWithPad(".".repeat(PROBE_SIZE - empty.length));
        if (probe.length != PROBE_SIZE) {
            throw new AssertionError("probe is " + probe.length + " bytes");
        }
        return probe;
    }

    private static byte[] probeWithPad(String pad) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(PROBE_SIZE);
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            g.writeStringProperty("type", PROBE_TYPE);
            g.writeNumberProperty("version", VERSION);
            // The padding is what makes replies possible: a server never answers with more bytes than
            // the probe had (PROTOCOL.md), so the probe pays for the reply.
            g.writeStringProperty("pad", pad);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * Classifies a received datagram. Unknown fields are allowed (later versions may add some); a probe
     * of a later version is still a probe.
     *
     * @param data the buffer
     * @param length how many bytes of it the datagram holds; more than {@link #MAX_DATAGRAM} is too large
     * @return what it is; never throws
     */
    public static ProbeCheck checkProbe(byte[] data, int length) {
        if (length > MAX_DATAGRAM) {
            return ProbeCheck.TOO_LARGE;
        }
        String type = null;
        boolean versionOk = false;
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), data, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return ProbeCheck.MALFORMED;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "type" -> type = value == JsonToken.VALUE_STRING ? p.getString() : null;
                    case "version" -> versionOk = value == JsonToken.VALUE_NUMBER_INT
                            && p.getNumberType() == JsonParser.NumberType.INT && p.getIntValue() >= 1;
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return ProbeCheck.MALFORMED;
            }
        } catch (JacksonException e) {
            return ProbeCheck.MALFORMED;
        }
        if (!PROBE_TYPE.equals(type)) {
            return ProbeCheck.FOREIGN;
        }
        return versionOk ? ProbeCheck.PROBE : ProbeCheck.MALFORMED;
    }

    /**
     * A reply datagram. The caller must not send it to a probe smaller than it (see the responder).
     *
     * @param instanceId the server's instance id
     * @param name the server's name
     * @param tcpPort the server's TCP port
     * @param clients how many clients are connected
     * @return the UTF-8 JSON reply
     */
    public static byte[] reply(String instanceId, String name, int tcpPort, int clients) {
        return reply(instanceId, name, tcpPort, clients, 0, null);
    }

    /**
     * A reply datagram of a server that may have a TLS port. The caller must not send it to a probe smaller than it.
     *
     * @param instanceId the server's instance id
     * @param name the server's name
     * @param tcpPort the server's plain TCP port, 0 for none
     * @param clients how many clients are connected
     * @param tlsPort the server's TLS port, 0 for none (then no {@code tlsPort} or {@code fingerprint} field)
     * @param fingerprint the TLS certificate's SHA-256 fingerprint (64 lower-case hex digits), with a TLS port
     * @return the UTF-8 JSON reply
     */
    public static byte[] reply(String instanceId, String name, int tcpPort, int clients, int tlsPort,
            String fingerprint) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            g.writeStringProperty("type", REPLY_TYPE);
            g.writeNumberProperty("version", VERSION);
            g.writeStringProperty("instance", instanceId);
            g.writeStringProperty("name", name);
            g.writeNumberProperty("port", tcpPort);
            g.writeNumberProperty("clients", clients);
            if (tlsPort > 0 && fingerprint != null) {
                g.writeNumberProperty("tlsPort", tlsPort);
                g.writeStringProperty("fingerprint", fingerprint);
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * Reads a reply datagram.
     *
     * @param data the buffer
     * @param length how many bytes of it the datagram holds
     * @param source where the datagram came from: the server's address
     * @return the server, or {@code null} if the datagram is not a well-formed reply; never throws
     */
    public static ServerInfo parseReply(byte[] data, int length, InetAddress source) {
        if (length > MAX_DATAGRAM) {
            return null;
        }
        String type = null;
        String instance = null;
        String name = null;
        long version = -1;
        long port = -1;
        long clients = -1;
        long tlsPort = 0;
        String fingerprint = null;
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), data, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "type" -> type = string(p, value);
                    case "instance" -> instance = string(p, value);
                    case "name" -> name = string(p, value);
                    case "version" -> version = integer(p, value);
                    case "port" -> port = integer(p, value);
                    case "clients" -> clients = integer(p, value);
                    case "tlsPort" -> tlsPort = integer(p, value);
                    case "fingerprint" -> fingerprint = string(p, value);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
        } catch (JacksonException e) {
            return null;
        }
        if (!REPLY_TYPE.equals(type) || instance == null || instance.isEmpty() || instance.length() > MAX_TEXT
                || name == null || name.length() > MAX_TEXT || version < 1 || version > Integer.MAX_VALUE
                || port < 0 || port > 65535 || clients < 0 || clients > Integer.MAX_VALUE) {
            return null;
        }
        // A TLS port without a well-formed fingerprint cannot be trusted on first use: such a reply offers no TLS.
        boolean tls = tlsPort >= 1 && tlsPort <= 65535 && fingerprint != null && isFingerprint(fingerprint);
        if (port == 0 && !tls) {
            return null;
        }
        return new ServerInfo(source, (int) port, name, instance, (int) clients, (int) version, tls ? (int) tlsPort : 0,
                tls ? fingerprint : null);
    }

    private static boolean isFingerprint(String s) {
        return s.length() == 64 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    private static String string(JsonParser p, JsonToken value) {
        return value == JsonToken.VALUE_STRING ? p.getString() : null;
    }

    private static long integer(JsonParser p, JsonToken value) {
        if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return -1;
        }
        return p.getLongValue();
    }
}
