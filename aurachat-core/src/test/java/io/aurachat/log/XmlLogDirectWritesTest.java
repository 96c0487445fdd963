package io.aurachat.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.testing.XmlLogs;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The XML sink's direct writes ({@link XmlLogSink.Builder#directWrites}): the file is a whole document after every
 * write, and once closed it is byte for byte what the sink writes through the page cache, for events of every size
 * around the block size and larger than the direct buffer, across reopening, rollover and a kill.
 */
class XmlLogDirectWritesTest {
    /** File systems known to take {@code O_DIRECT} on Linux: there the sink must write directly. */
    private static final Set<String> DIRECT_FILE_SYSTEMS = Set.of("ext4", "xfs", "btrfs");

    @TempDir
    Path dir;

    private static final Instant T0 = Instant.parse("2026-11-21T08:15:02.318Z");
    private static final ClientInfo MARIO = new ClientInfo(ClientId.of(1), "Mario", "127.0.0.1", T0);

    private static XmlLogSink.Builder sink(Path file, boolean direct) {
        return XmlLogSink.builder(file).zone(ZoneOffset.UTC).forceInterval(Duration.ZERO).directWrites(direct);
    }

    /** Texts of sizes that put the events' ends on every side of a block boundary, and a few larger than a write. */
    private static List<LogEvent> events(long seed, int count) {
        Random random = new Random(seed);
        List<LogEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = switch (i % 7) {
                case 0 -> 1;
                case 1 -> 4096 - 150;
                case 2 -> 4096 + random.nextInt(64);
                case 3 -> random.nextInt(9000);
                case 6 -> i % 21 == 6 ? DirectAppender.CAPACITY + 3000 : 60;
                default -> 64;
            };
            char[] text = new char[length];
            for (int k = 0; k < length; k++) {
                text[k] = k % 97 == 5 ? 'é' : (char) ('a' + random.nextInt(26));
            }
            events.add(new LogEvent.MessageSent(T0.plusMillis(i), MARIO, ClientId.of(2), new String(text), 1, i + 1));
        }
        return events;
    }

    /** The events written in runs of 1, 2, 3 ... events, each run one write. */
    private static void writeInRuns(XmlLogSink sink, List<LogEvent> events, IntConsumer afterEachWrite) {
        int at = 0;
        for (int run = 1; at < events.size(); run++) {
            for (int k = 0; k < run && at < events.size(); k++) {
                sink.log(events.get(at++));
            }
            sink.flush();
            afterEachWrite.accept(at);
        }
    }

    private boolean directCapable() throws IOException {
        FileStore store = Files.getFileStore(dir);
        return System.getProperty("os.name").startsWith("Linux") && DIRECT_FILE_SYSTEMS.contains(store.type());
    }

    @Test
    void whereTheFileSystemCanTheSinkWritesDirectlyAndWhenToldNotToItDoesNot() throws IOException {
        try (XmlLogSink direct = sink(dir.resolve("direct.xml"), true).build();
                XmlLogSink buffered = sink(dir.resolve("buffered.xml"), false).build()) {
            if (directCapable()) {
                assertTrue(direct.writesDirectly(), "a file on " + Files.getFileStore(dir).type());
            }
            assertFalse(buffered.writesDirectly());
        }
    }

    @Test
    void theFileIsAWholeDocumentAfterEveryWriteAndOnceClosedTheSameBytesAsThroughThePageCache() throws IOException {
        Path direct = dir.resolve("direct.xml");
        Path buffered = dir.resolve("buffered.xml");
        List<LogEvent> events = events(1, 60);
        try (XmlLogSink sink = sink(buffered, false).build()) {
            writeInRuns(sink, events, n -> {});
        }
        try (XmlLogSink sink = sink(direct, true).build()) {
            boolean writesDirectly = sink.writesDirectly();
            long block = Files.getFileStore(direct).getBlockSize();
            writeInRuns(sink, events, logged -> {
                try {
                    assertEquals(logged, XmlLogs.events(direct).size(), "the file after a write has every event");
                    XmlLogs.validate(direct);
                    if (writesDirectly) {
                        assertEquals(0, Files.size(direct) % block, "written directly: a whole number of blocks");
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            if (writesDirectly) {
                assertTrue(sink.directAppends() > 0,
                        "runs over " + DirectAppender.MIN_DIRECT_BYTES + " bytes go direct");
            }
        }
        assertArrayEquals(Files.readAllBytes(buffered), Files.readAllBytes(direct),
                "closed, the directly written log is the page cache's byte for byte");
    }

    @Test
    void smallRunsGoThroughThePageCacheInTheSameLayoutAndLargeOnesDirect() throws IOException {
        Path file = dir.resolve("log.xml");
        ClientInfo luigi = new ClientInfo(ClientId.of(2), "Luigi", "127.0.0.2", T0);
        try (XmlLogSink sink = sink(file, true).build()) {
            if (!sink.writesDirectly()) {
                assertFalse(directCapable(), "a file system that takes O_DIRECT");
                return;
            }
            long block = Files.getFileStore(file).getBlockSize();
            for (int i = 0; i < 50; i++) { // a quiet server: a message at a time
                sink.log(new LogEvent.MessageSent(T0.plusMillis(i), luigi, ClientId.of(1), "hi " + i, 1, i + 1));
                sink.flush();
                assertEquals(0, Files.size(file) % block, "the page cache gets the same padded blocks");
            }
            assertEquals(0, sink.directAppends(), "small runs are not written directly");
            assertEquals(50, XmlLogs.events(file).size());
            for (int i = 0; i < 1024; i++) { // a busy one: a run of 1,024 events of about 200 bytes
                sink.log(new LogEvent.MessageSent(T0.plusMillis(i), luigi, ClientId.of(1), "x".repeat(64), 1, i + 51));
            }
            sink.flush();
            assertEquals(1, sink.directAppends(), "a run of over 64 KiB is written directly");
            assertEquals(50 + 1024, XmlLogs.events(file).size());
            XmlLogs.validate(file);
        }
        XmlLogs.validate(file);
        assertEquals(50 + 1024, XmlLogs.events(file).size());
    }

    @Test
    void reopeningAppendsDirectlyAfterTheLastEventWhereverItEnds() throws IOException {
        Path direct = dir.resolve("direct.xml");
        Path buffered = dir.resolve("buffered.xml");
        for (int round = 0; round < 5; round++) {
            List<LogEvent> events = events(round, 3 + round);
            for (Path file : List.of(direct, buffered)) {
                try (XmlLogSink sink = sink(file, file == direct).build()) {
                    writeInRuns(sink, events, n -> {});
                }
            }
            assertArrayEquals(Files.readAllBytes(buffered), Files.readAllBytes(direct), "after round " + round);
        }
        XmlLogs.validate(direct);
    }

    @Test
    void aKillWhileTheFileEndsInPaddingLosesNoEvent() throws IOException {
        Path file = dir.resolve("log.xml");
        Path killed = dir.resolve("killed.xml");
        List<LogEvent> events = events(7, 20);
        try (XmlLogSink sink = sink(file, true).build()) {
            events.forEach(sink::log);
            sink.flush();
            Files.copy(file, killed); // what a kill -9 leaves: the padded file of an open sink
        }
        byte[] closed = Files.readAllBytes(file);
        try (var ch = java.nio.channels.FileChannel.open(killed)) {
            long size = ch.size();
            assertTrue(size > closed.length, "the killed file has its padding");
            assertTrue(XmlLogFile.onlyPadding(ch, XmlLogFile.lastCompleteEventEnd(ch, size), size),
                    "the repair tells padding (no event lost) from a torn write");
            assertFalse(XmlLogFile.onlyPadding(ch, XmlLogFile.lastCompleteEventEnd(ch, size) - 10, size));
        }
        try (XmlLogSink sink = sink(killed, true).build()) {
            assertEquals(events.size(), XmlLogs.events(killed).size(), "the repair on opening keeps every event");
        }
        assertArrayEquals(closed, Files.readAllBytes(killed), "and leaves the file as a close would have");
    }

    @Test
    void rolledOverFilesAreTrimmedAndWithinTheLimit() throws IOException {
        Path file = dir.resolve("log.xml");
        long limit = 64 * 1024;
        List<LogEvent> events = events(3, 200).stream()
                .filter(e -> ((LogEvent.MessageSent) e).text().length() < 10_000).toList();
        try (XmlLogSink sink = sink(file, true).rolloverBytes(limit).maxFiles(100).build()) {
            writeInRuns(sink, events, n -> {});
        }
        int total = 0;
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                byte[] bytes = Files.readAllBytes(f);
                assertTrue(bytes.length <= limit, f + " is " + bytes.length + " bytes");
                assertArrayEquals(XmlLogFile.TAIL, Arrays.copyOfRange(bytes, bytes.length - XmlLogFile.TAIL.length,
                        bytes.length), f + " ends with the tail");
                assertTrue(bytes[bytes.length - XmlLogFile.TAIL.length - 1] == '\n'
                        && bytes[bytes.length - XmlLogFile.TAIL.length - 2] == '>', f + ": the tail follows an event");
                XmlLogs.validate(f);
                total += XmlLogs.events(f).size();
            }
        }
        assertEquals(events.size(), total);
    }

    @Test
    void aDirectWriteThatFailsSwitchesTheSinkToThePageCacheAndLosesNoEvent() throws IOException {
        Path direct = dir.resolve("direct.xml");
        Path buffered = dir.resolve("buffered.xml");
        List<LogEvent> events = events(5, 30);
        try (XmlLogSink sink = sink(buffered, false).build()) {
            events.forEach(sink::log);
        }
        try (XmlLogSink sink = sink(direct, true).build()) {
            events.subList(0, 15).forEach(sink::log);
            sink.flush();
            if (!sink.writesDirectly()) {
                assertFalse(directCapable(), "a file system that takes O_DIRECT");
            }
            sink.breakDirectWrites(); // as a device that starts refusing direct I/O would
            events.subList(15, 30).forEach(sink::log);
            sink.flush();
            assertFalse(sink.writesDirectly(), "after a failed direct write the sink writes through the page cache");
            assertEquals(30, XmlLogs.events(direct).size());
            XmlLogs.validate(direct);
            assertArrayEquals(Files.readAllBytes(buffered), Files.readAllBytes(direct),
                    "no padding is left once the sink writes through the page cache, even before it is closed");
        }
        assertArrayEquals(Files.readAllBytes(buffered), Files.readAllBytes(direct));
    }
}
