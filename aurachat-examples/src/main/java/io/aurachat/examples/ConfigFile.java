package io.aurachat.examples;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads {@code util/config.json} with jackson-core's streaming parser, strictly: the top level and each
 * section are objects, every key is known, every value has the right type and range, nothing is given
 * twice. Keys that are left out keep their defaults. Every problem is a {@link ConfigException} with a
 * one-line message that names the file and the key, e.g.
 * {@code util/config.json: server.port: must be an integer from 0 to 65535, got "abc"}, or for broken
 * JSON the line and column. Not thread-safe state: each call parses on its own.
 */
final class ConfigFile {

    private static final JsonFactory JSON = new JsonFactory();
    private static final long MAX_BYTES = 1 << 20;
    private static final List<String> SECTIONS = List.of("server", "discovery", "log", "history", "tls", "limits",
            "accounts");
    private static final List<String> ACCOUNTS_KEYS = List.of("mode", "file", "allowPlainLogin");
    private static final List<String> TLS_KEYS = List.of("enabled", "port", "certificate", "key",
            "handshakeTimeoutSeconds", "plainPort");
    private static final List<String> LIMITS_KEYS = List.of("maxConnectionsPerAddress");
    private static final List<String> SERVER_KEYS = List.of("bindAddress", "port", "name", "idleTimeoutSeconds",
            "maxClients", "maxLineLength", "maxOutboundBytes", "outboundSoftLimit", "outboundSoftTimeoutSeconds",
            "presenceLimit", "ioThreads", "resumeWindowSeconds", "maxResumeMessages", "rateLimitPerSecond", "rateLimitBurst");
    private static final List<String> DISCOVERY_KEYS = List.of("enabled", "port", "multicastGroupV4", "multicastGroupV6");
    private static final List<String> LOG_KEYS = List.of("file", "rolloverBytes", "maxFiles");
    private static final List<String> HISTORY_KEYS = List.of("store", "file", "maxPerTarget", "maxAgeDays");

    /** A JSON number as written, so messages can quote it and ranges are checked without overflow. */
    private record Num(String text) {}

    private final String name;

    private ConfigFile(Path file) {
        this.name = file.toString();
    }

    /** A problem with the config file; the message is the whole story, in one line. */
    static final class ConfigException extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads and checks {@code file}.
     *
     * @param file an existing file
     * @return the settings: the file's values, and the defaults for keys it leaves out
     * @throws ConfigException naming the file and the key (or line and column) of the first problem
     */
    static ServerSettings read(Path file) throws ConfigException {
        return new ConfigFile(file).parse(file);
    }

    private ServerSettings parse(Path file) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(name + ": larger than 1 MiB; this is not a config file");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read it: " + e);
        }
        Map<String, Object> root;
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), bytes)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new ConfigException(name + ": the file is empty; it must hold one JSON object");
            }
            if (first != JsonToken.START_OBJECT) {
                throw syntax(p.currentTokenLocation(), "the top level must be a JSON object { ... }");
            }
            root = readObject(p, "");
            if (p.nextToken() != null) {
                throw syntax(p.currentTokenLocation(), "there is more after the closing } of the top-level object");
            }
        } catch (JacksonException e) {
            String message = e.getOriginalMessage();
            int newline = message.indexOf('\n');
            throw syntax(e.getLocation(), "invalid JSON: " + (newline < 0 ? message : message.substring(0, newline)));
        }

        ServerSettings d = ServerSettings.defaults();
        unknownKeys(root, "", SECTIONS);
        Map<String, Object> s = section(root, "server");
        Map<String, Object> ds = section(root, "discovery");
        Map<String, Object> ls = section(root, "log");
        unknownKeys(s, "server.", SERVER_KEYS);
        unknownKeys(ds, "discovery.", DISCOVERY_KEYS);
        unknownKeys(ls, "log.", LOG_KEYS);
        Map<String, Object> hs = section(root, "history");
        unknownKeys(hs, "history.", HISTORY_KEYS);
        Map<String, Object> ts = section(root, "tls");
        unknownKeys(ts, "tls.", TLS_KEYS);
        Map<String, Object> lims = section(root, "limits");
        unknownKeys(lims, "limits.", LIMITS_KEYS);
        Map<String, Object> as = section(root, "accounts");
        unknownKeys(as, "accounts.", ACCOUNTS_KEYS);

        ServerSettings.Server server = new ServerSettings.Server(
                address(s, "server.bindAddress", d.server().bindAddress()),
                (int) integer(s, "server.port", 0, 65535, d.server().port()),
                serverName(s, "server.name", d.server().name()),
                (int) integer(s, "server.idleTimeoutSeconds", 0, 30L * 24 * 3600, d.server().idleTimeoutSeconds()),
                (int) integer(s, "server.maxClients", 1, 1_000_000, d.server().maxClients()),
                (int) integer(s, "server.maxLineLength", 64, 1 << 20, d.server().maxLineLength()),
                (int) integer(s, "server.maxOutboundBytes", 1024, 1 << 30, d.server().maxOutboundBytes()),
                (int) integer(s, "server.outboundSoftLimit", 0, 1 << 30, d.server().outboundSoftLimit()),
                (int) integer(s, "server.outboundSoftTimeoutSeconds", 0, 600, d.server().outboundSoftTimeoutSeconds()),
                (int) integer(s, "server.presenceLimit", 0, 1_000_000, d.server().presenceLimit()),
                (int) integer(s, "server.ioThreads", 0, 256, d.server().ioThreads()),
                (int) integer(s, "server.resumeWindowSeconds", 0, 24 * 3600, d.server().resumeWindowSeconds()),
                (int) integer(s, "server.maxResumeMessages", 1, 10_000_000, d.server().maxResumeMessages()),
                rateLimit(s, d.server().rateLimit()));
        ServerSettings.Discovery discovery = new ServerSettings.Discovery(
                bool(ds, "discovery.enabled", d.discovery().enabled()),
                (int) integer(ds, "discovery.port", 0, 65535, d.discovery().port()),
                multicast(ds, "discovery.multicastGroupV4", Inet4Address.class, d.discovery().multicastGroupV4()),
                multicast(ds, "discovery.multicastGroupV6", Inet6Address.class, d.discovery().multicastGroupV6()));
        ServerSettings.Log log = new ServerSettings.Log(
                path(ls, "log.file", d.log().file()),
                rollover(ls, "log.rolloverBytes", d.log().rolloverBytes()),
                (int) integer(ls, "log.maxFiles", 1, 1000, d.log().maxFiles()));
        ServerSettings.History history = new ServerSettings.History(
                store(hs, "history.store", d.history().store()),
                path(hs, "history.file", d.history().file()),
                (int) integer(hs, "history.maxPerTarget", 1, 100_000_000, d.history().maxPerTarget()),
                (int) integer(hs, "history.maxAgeDays", 0, 36_500, d.history().maxAgeDays()));
        ServerSettings.Tls tls = new ServerSettings.Tls(
                bool(ts, "tls.enabled", d.tls().enabled()),
                (int) integer(ts, "tls.port", 0, 65535, d.tls().port()),
                path(ts, "tls.certificate", d.tls().certificate()),
                path(ts, "tls.key", d.tls().key()),
                (int) integer(ts, "tls.handshakeTimeoutSeconds", 1, 600, d.tls().handshakeTimeoutSeconds()),
                bool(ts, "tls.plainPort", d.tls().plainPort()));
        if (!tls.enabled() && !tls.plainPort()) {
            throw new ConfigException(name + ": tls.plainPort: false needs tls.enabled: true, or no port would listen");
        }
        ServerSettings.Limits limits = new ServerSettings.Limits(
                (int) integer(lims, "limits.maxConnectionsPerAddress", 0, 1_000_000,
                        d.limits().maxConnectionsPerAddress()));
        ServerSettings.Accounts accounts = new ServerSettings.Accounts(
                accountsMode(as, "accounts.mode", d.accounts().mode()),
                path(as, "accounts.file", d.accounts().file()),
                bool(as, "accounts.allowPlainLogin", d.accounts().allowPlainLogin()));
        return new ServerSettings(server, discovery, log, history, tls, limits, accounts);
    }

    /**
     * {@code server.rateLimitPerSecond} (0 for no limit, else 0.01 to 1,000,000) and {@code server.rateLimitBurst}
     * (1 to 1,000,000); either left out keeps the default's.
     */
    private io.aurachat.server.RateLimit rateLimit(Map<String, Object> m, io.aurachat.server.RateLimit fallback)
            throws ConfigException {
        String rateKey = "server.rateLimitPerSecond";
        double perSecond = fallback.perSecond();
        if (m.containsKey(leaf(rateKey))) {
            Object v = m.get(leaf(rateKey));
            String rule = "must be 0 (no limit) or a number of lines a second from 0.01 to 1000000";
            if (!(v instanceof Num n)) {
                throw invalid(rateKey, rule, v);
            }
            BigDecimal d = new BigDecimal(n.text());
            if (d.signum() != 0 && (d.compareTo(new BigDecimal("0.01")) < 0 || d.compareTo(BigDecimal.valueOf(1_000_000)) > 0)) {
                throw invalid(rateKey, rule, v);
            }
            perSecond = d.doubleValue();
        }
        int fallbackBurst = fallback.isLimited() ? fallback.burst()
                : io.aurachat.server.ServerConfig.DEFAULT_RATE_LIMIT.burst();
        int burst = (int) integer(m, "server.rateLimitBurst", 1, 1_000_000, fallbackBurst);
        return perSecond == 0 ? io.aurachat.server.RateLimit.NONE : io.aurachat.server.RateLimit.of(perSecond, burst);
    }

    private io.aurachat.accounts.AccountsMode accountsMode(Map<String, Object> m, String key,
            io.aurachat.accounts.AccountsMode fallback) throws ConfigException {
        if (!m.containsKey(leaf(key))) {
            return fallback;
        }
        Object v = m.get(leaf(key));
        if (v instanceof String text) {
            for (io.aurachat.accounts.AccountsMode mode : io.aurachat.accounts.AccountsMode.values()) {
                if (mode.wireName().equals(text)) {
                    return mode;
                }
            }
        }
        throw invalid(key, "must be \"off\", \"optional\" or \"required\"", v);
    }

    private ServerSettings.Store store(Map<String, Object> m, String key, ServerSettings.Store fallback)
            throws ConfigException {
        if (!m.containsKey(leaf(key))) {
            return fallback;
        }
        Object v = m.get(leaf(key));
        if (v instanceof String text) {
            for (ServerSettings.Store s : ServerSettings.Store.values()) {
                if (s.name().toLowerCase(java.util.Locale.ROOT).equals(text)) {
                    return s;
                }
            }
        }
        throw invalid(key, "must be \"sqlite\", \"memory\" or \"none\"", v);
    }

    // ---------------------------------------------------------------- JSON to maps, lists and values

    private Map<String, Object> readObject(JsonParser p, String prefix) throws ConfigException {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            if (map.containsKey(key)) {
                throw new ConfigException(name + ": " + prefix + key + ": given twice");
            }
            map.put(key, readValue(p, p.nextToken(), prefix + key + "."));
        }
        return map;
    }

    private Object readValue(JsonParser p, JsonToken t, String prefix) throws ConfigException {
        return switch (t) {
            case START_OBJECT -> readObject(p, prefix);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    list.add(readValue(p, e, prefix));
                }
                yield list;
            }
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Num(p.getText());
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw syntax(p.currentTokenLocation(), "unexpected " + t);
        };
    }

    private ConfigException syntax(TokenStreamLocation at, String what) {
        String where = at == null || at.getLineNr() < 0 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
        return new ConfigException(name + ": " + where + what);
    }

    // ---------------------------------------------------------------- checks

    private void unknownKeys(Map<String, Object> map, String prefix, List<String> known) throws ConfigException {
        for (String key : map.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigException(name + ": " + prefix + key + ": unknown key; "
                        + (prefix.isEmpty() ? "the sections are " : "the keys here are ") + String.join(", ", known));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> section(Map<String, Object> root, String key) throws ConfigException {
        if (!root.containsKey(key)) {
            return Map.of();
        }
        Object v = root.get(key);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw invalid(key, "must be an object { ... }", v);
    }

    private long integer(Map<String, Object> m, String key, long min, long max, long fallback) throws ConfigException {
        if (!m.containsKey(leaf(key))) {
            return fallback;
        }
        Object v = m.get(leaf(key));
        String rule = "must be an integer from " + min + " to " + max;
        return checkedInteger(key, v, min, max, rule);
    }

    private long checkedInteger(String key, Object v, long min, long max, String rule) throws ConfigException {
        if (v instanceof Num n) {
            BigDecimal d = new BigDecimal(n.text());
            try {
                long value = d.longValueExact();
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (ArithmeticException notAnIntegerOrTooLarge) {
                // reported below
            }
        }
        throw invalid(key, rule, v);
    }

    private long rollover(Map<String, Object> m, String key, long fallback) throws ConfigException {
        if (!m.containsKey(leaf(key))) {
            return fallback;
        }
        Object v = m.get(leaf(key));
        long max = 1L << 40;
        String rule = "must be 0 (no rollover) or an integer from 1024 to " + max;
        long value = checkedInteger(key, v, 0, max, rule);
        if (value != 0 && value < 1024) {
            throw invalid(key, rule, v);
        }
        return value;
    }

    private boolean bool(Map<String, Object> m, String key, boolean fallback) throws ConfigException {
        if (!m.containsKey(leaf(key))) {
            return fallback;
        }
        Object v = m.get(leaf(key));
        if (v instanceof Boolean b) {
            return b;
        }
        throw invalid(key, "must be true or false", v);
    }

    private String serverName(Map<String, Object> m, String key, String fallback) throws ConfigException {
        if (!m.containsKey(leaf(key))) {
            return fallback;
        }
        Object v = m.get(leaf(key));
        if (v instanceof String s && !s.isBlank() && s.length() <= 64 && s.chars().noneMatch(Character::isISOControl)) {
            return s;
        }
        throw invalid(key, "must be a string of 1 to 64 characters, not blank, without control characters", v);
    }

    private Path path(Map<String, Object> m, String key, Path fallback) throws ConfigException {
        if (!m.containsKey(leaf(key))) {
            return fallback;
        }
        Object v = m.get(leaf(key));
        if (v instanceof String s && !s.isBlank()) {
            try {
                return Path.of(s);
            } catch (InvalidPathException e) {
                throw invalid(key, "must be a file path (" + e.getReason() + ")", v);
            }
        }
        throw invalid(key, "must be a file path such as \"util/log.xml\"", v);
    }

    private InetAddress address(Map<String, Object> m, String key, InetAddress fallback) throws ConfigException {
        if (!m.containsKey(leaf(key))) {
            return fallback;
        }
        Object v = m.get(leaf(key));
        String rule = "must be an IP address such as \"0.0.0.0\", \"127.0.0.1\" or \"::\"";
        if (v instanceof String s) {
            InetAddress a = parseLiteral(s);
            if (a != null) {
                return a;
            }
        }
        throw invalid(key, rule, v);
    }

    private InetAddress multicast(Map<String, Object> m, String key, Class<? extends InetAddress> family,
            InetAddress fallback) throws ConfigException {
        if (!m.containsKey(leaf(key))) {
            return fallback;
        }
        Object v = m.get(leaf(key));
        boolean v4 = family == Inet4Address.class;
        String rule = "must be an " + (v4 ? "IPv4 multicast address (224.0.0.0 to 239.255.255.255)"
                : "IPv6 multicast address (ff00::/8)");
        if (v instanceof String s) {
            InetAddress a = parseLiteral(s);
            if (family.isInstance(a) && a.isMulticastAddress()) {
                return a;
            }
        }
        throw invalid(key, rule, v);
    }

    private ConfigException invalid(String key, String rule, Object value) {
        return new ConfigException(name + ": " + key + ": " + rule + ", got " + describe(value));
    }

    private static String leaf(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    /** How a value is shown in a message: as JSON for scalars, in words for structures. */
    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            StringBuilder b = new StringBuilder("\"");
            s.codePoints().limit(80).forEach(c -> {
                if (c == '"' || c == '\\') {
                    b.append('\\').append((char) c);
                } else if (c < 0x20 || c == 0x7F) {
                    b.append(String.format("\\u%04x", c));
                } else {
                    b.appendCodePoint(c);
                }
            });
            return b.append(s.codePointCount(0, s.length()) > 80 ? "...\"" : "\"").toString();
        }
        if (v instanceof Num n) {
            return n.text();
        }
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof List<?>) {
            return "an array";
        }
        return v.toString();
    }

    /** An IP address written as a literal, without any name lookup; {@code null} if it is not one. */
    static InetAddress parseLiteral(String s) {
        try {
            if (s.indexOf(':') >= 0) {
                // getByName treats a string with ':' as an IPv6 literal only, never as a host name.
                return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                        ? InetAddress.getByName(s) : null;
            }
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return null;
                }
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return null;
                }
                bytes[i] = (byte) octet;
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A literal known to be valid, for defaults. */
    static InetAddress literal(String s) {
        InetAddress a = parseLiteral(s);
        if (a == null) {
            throw new IllegalArgumentException("not an IP literal: " + s);
        }
        return a;
    }
}
