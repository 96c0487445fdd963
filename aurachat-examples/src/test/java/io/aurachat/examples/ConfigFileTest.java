package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.examples.ConfigFile.ConfigException;
import io.aurachat.server.RateLimit;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** util/config.json: the shipped file, partial files, and the message for each kind of mistake. */
class ConfigFileTest {

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    /** The message for {@code json}, with the temporary file's name replaced by {@code config.json}. */
    private String error(String json) throws IOException {
        Path file = write(json);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.read(file));
        String message = e.getMessage();
        assertTrue(message.startsWith(file + ": "), "the message names the file: " + message);
        assertFalse(message.contains("\n"), "one line: " + message);
        assertEquals(0, e.getStackTrace().length, "no stack trace to print");
        return "config.json: " + message.substring(file.toString().length() + 2);
    }

    @Test
    void theShippedFileHoldsTheDefaults() throws ConfigException {
        Path shipped = Path.of("..", "util", "config.json");
        assertTrue(Files.exists(shipped), "the repository ships " + shipped.toAbsolutePath().normalize());
        assertEquals(ServerSettings.defaults(), ConfigFile.read(shipped));
        ServerSettings d = ServerSettings.defaults();
        assertEquals(5000, d.server().port());
        assertEquals(5001, d.discovery().port());
        assertEquals(120, d.server().idleTimeoutSeconds());
        assertEquals(Path.of("util", "log.xml"), d.log().file());
        assertEquals(64L << 20, d.log().rolloverBytes(), "the log's disk use is bounded by default");
        assertEquals(10, d.log().maxFiles());
        assertEquals(120, d.server().resumeWindowSeconds());
        assertEquals(50_000, d.server().maxResumeMessages());
    }

    @Test
    void keysLeftOutKeepTheirDefaults() throws Exception {
        ServerSettings s = ConfigFile.read(write("""
                {"server": {"port": 6000, "name": "Lab"}, "log": {"rolloverBytes": 1048576}}"""));
        ServerSettings d = ServerSettings.defaults();
        assertEquals(6000, s.server().port());
        assertEquals("Lab", s.server().name());
        assertEquals(d.server().maxClients(), s.server().maxClients());
        assertEquals(d.discovery(), s.discovery());
        assertEquals(1048576, s.log().rolloverBytes());
        assertEquals(d.log().file(), s.log().file());
        assertEquals(d, ConfigFile.read(write("{}")));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        ServerSettings s = ConfigFile.read(write("""
                {
                  "server": {"bindAddress": "::1", "port": 0, "name": "Büro 😀", "idleTimeoutSeconds": 0,
                             "maxClients": 1, "maxLineLength": 64, "maxOutboundBytes": 1024, "presenceLimit": 0,
                             "outboundSoftLimit": 512, "outboundSoftTimeoutSeconds": 7, "ioThreads": 3,
                             "resumeWindowSeconds": 0, "maxResumeMessages": 1, "rateLimitPerSecond": 0.5,
                             "rateLimitBurst": 3},
                  "discovery": {"enabled": false, "port": 6001, "multicastGroupV4": "224.0.0.251",
                                "multicastGroupV6": "ff05::1"},
                  "log": {"file": "/var/log/aurachat.xml", "rolloverBytes": 1024, "maxFiles": 1000}
                }"""));
        assertEquals(new ServerSettings(
                new ServerSettings.Server(InetAddress.getByName("::1"), 0, "Büro 😀", 0, 1, 64, 1024, 512, 7, 0, 3, 0, 1,
                        RateLimit.of(0.5, 3)),
                new ServerSettings.Discovery(false, 6001, InetAddress.getByName("224.0.0.251"),
                        InetAddress.getByName("ff05::1")),
                new ServerSettings.Log(Path.of("/var/log/aurachat.xml"), 1024, 1000)), s);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"server": {"port": "abc"}}              | config.json: server.port: must be an integer from 0 to 65535, got "abc"
            {"server": {"port": 65536}}              | config.json: server.port: must be an integer from 0 to 65535, got 65536
            {"server": {"port": -1}}                 | config.json: server.port: must be an integer from 0 to 65535, got -1
            {"server": {"port": 5000.5}}             | config.json: server.port: must be an integer from 0 to 65535, got 5000.5
            {"server": {"port": 99999999999999999999}} | config.json: server.port: must be an integer from 0 to 65535, got 99999999999999999999
            {"server": {"port": null}}               | config.json: server.port: must be an integer from 0 to 65535, got null
            {"server": {"port": [5000]}}             | config.json: server.port: must be an integer from 0 to 65535, got an array
            {"server": {"prot": 5000}}               | config.json: server.prot: unknown key; the keys here are bindAddress, port, name, idleTimeoutSeconds, maxClients, maxLineLength, maxOutboundBytes, outboundSoftLimit, outboundSoftTimeoutSeconds, presenceLimit, ioThreads, resumeWindowSeconds, maxResumeMessages, rateLimitPerSecond, rateLimitBurst
            {"servers": {}}                          | config.json: servers: unknown key; the sections are server, discovery, log, history, tls, limits, accounts
            {"server": 5000}                         | config.json: server: must be an object { ... }, got 5000
            {"server": {"port": 1, "port": 2}}       | config.json: server.port: given twice
            {"server": {"bindAddress": "localhost"}} | config.json: server.bindAddress: must be an IP address such as "0.0.0.0", "127.0.0.1" or "::", got "localhost"
            {"server": {"bindAddress": "1.2.3.256"}} | config.json: server.bindAddress: must be an IP address such as "0.0.0.0", "127.0.0.1" or "::", got "1.2.3.256"
            {"server": {"name": ""}}                 | config.json: server.name: must be a string of 1 to 64 characters, not blank, without control characters, got ""
            {"server": {"name": "a\\u0007b"}}        | config.json: server.name: must be a string of 1 to 64 characters, not blank, without control characters, got "a\\u0007b"
            {"server": {"idleTimeoutSeconds": -5}}   | config.json: server.idleTimeoutSeconds: must be an integer from 0 to 2592000, got -5
            {"server": {"maxClients": 0}}            | config.json: server.maxClients: must be an integer from 1 to 1000000, got 0
            {"server": {"maxLineLength": 63}}        | config.json: server.maxLineLength: must be an integer from 64 to 1048576, got 63
            {"server": {"maxOutboundBytes": true}}   | config.json: server.maxOutboundBytes: must be an integer from 1024 to 1073741824, got true
            {"server": {"presenceLimit": -1}}        | config.json: server.presenceLimit: must be an integer from 0 to 1000000, got -1
            {"server": {"ioThreads": 257}}           | config.json: server.ioThreads: must be an integer from 0 to 256, got 257
            {"server": {"resumeWindowSeconds": -1}}  | config.json: server.resumeWindowSeconds: must be an integer from 0 to 86400, got -1
            {"server": {"resumeWindowSeconds": 86401}} | config.json: server.resumeWindowSeconds: must be an integer from 0 to 86400, got 86401
            {"server": {"resumeWindowSeconds": "2m"}} | config.json: server.resumeWindowSeconds: must be an integer from 0 to 86400, got "2m"
            {"server": {"maxResumeMessages": 0}}     | config.json: server.maxResumeMessages: must be an integer from 1 to 10000000, got 0
            {"server": {"maxResumeMessages": 10000001}} | config.json: server.maxResumeMessages: must be an integer from 1 to 10000000, got 10000001
            {"server": {"rateLimitPerSecond": 0.001}} | config.json: server.rateLimitPerSecond: must be 0 (no limit) or a number of lines a second from 0.01 to 1000000, got 0.001
            {"server": {"rateLimitPerSecond": "off"}} | config.json: server.rateLimitPerSecond: must be 0 (no limit) or a number of lines a second from 0.01 to 1000000, got "off"
            {"server": {"rateLimitBurst": 0}}        | config.json: server.rateLimitBurst: must be an integer from 1 to 1000000, got 0
            {"discovery": {"enabled": "yes"}}        | config.json: discovery.enabled: must be true or false, got "yes"
            {"discovery": {"port": 70000}}           | config.json: discovery.port: must be an integer from 0 to 65535, got 70000
            {"discovery": {"multicastGroupV4": "10.0.0.1"}} | config.json: discovery.multicastGroupV4: must be an IPv4 multicast address (224.0.0.0 to 239.255.255.255), got "10.0.0.1"
            {"discovery": {"multicastGroupV6": "239.255.77.77"}} | config.json: discovery.multicastGroupV6: must be an IPv6 multicast address (ff00::/8), got "239.255.77.77"
            {"log": {"file": ""}}                    | config.json: log.file: must be a file path such as "util/log.xml", got ""
            {"log": {"file": 7}}                     | config.json: log.file: must be a file path such as "util/log.xml", got 7
            {"log": {"rolloverBytes": 1000}}         | config.json: log.rolloverBytes: must be 0 (no rollover) or an integer from 1024 to 1099511627776, got 1000
            {"log": {"maxFiles": 0}}                 | config.json: log.maxFiles: must be an integer from 1 to 1000, got 0
            {"log": {"level": "debug"}}              | config.json: log.level: unknown key; the keys here are file, rolloverBytes, maxFiles
            {"history": {"store": "mysql"}}          | config.json: history.store: must be "sqlite", "memory" or "none", got "mysql"
            {"history": {"store": "SQLite"}}         | config.json: history.store: must be "sqlite", "memory" or "none", got "SQLite"
            {"history": {"maxPerTarget": 0}}         | config.json: history.maxPerTarget: must be an integer from 1 to 100000000, got 0
            {"history": {"maxAgeDays": -1}}          | config.json: history.maxAgeDays: must be an integer from 0 to 36500, got -1
            {"history": {"file": ""}}                | config.json: history.file: must be a file path such as "util/log.xml", got ""
            {"history": {"size": 1}}                 | config.json: history.size: unknown key; the keys here are store, file, maxPerTarget, maxAgeDays
            """)
    void eachMistakeHasItsMessage(String json, String expected) throws IOException {
        assertEquals(expected, error(json));
    }

    @Test
    void theHistorySectionIsReadAndLeftOutKeysKeepTheirDefaults() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"history\": {\"store\": \"memory\", \"maxAgeDays\": 0}}");
        ServerSettings.History h = ConfigFile.read(file).history();
        assertEquals(new ServerSettings.History(ServerSettings.Store.MEMORY, Path.of("util", "history.db"), 1_000_000, 0), h);
        assertEquals(ServerSettings.History.DEFAULT, ServerSettings.defaults().history());
    }

    @Test
    void brokenJsonIsReportedWithLineAndColumn() throws IOException {
        assertEquals("config.json: the file is empty; it must hold one JSON object", error(""));
        assertEquals("config.json: line 1, column 1: the top level must be a JSON object { ... }", error("[1]"));
        String missingComma = error("{\n  \"server\": {\"port\": 5000\n  \"name\": \"x\"}\n}");
        assertTrue(missingComma.startsWith("config.json: line 3, column 3: invalid JSON: "), missingComma);
        String trailingComma = error("{\"server\": {\"port\": 5000,}}");
        assertTrue(trailingComma.startsWith("config.json: line 1, column 26: invalid JSON: "), trailingComma);
        String comment = error("{ // the port\n}");
        assertTrue(comment.startsWith("config.json: line 1, column 3: invalid JSON: "), comment);
        String unclosed = error("{\"server\": {");
        assertTrue(unclosed.startsWith("config.json: line 1, column 13: invalid JSON: "), unclosed);
        assertEquals("config.json: line 1, column 4: there is more after the closing } of the top-level object",
                error("{} {}"));
    }
}
