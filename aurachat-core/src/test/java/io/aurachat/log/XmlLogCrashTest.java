package io.aurachat.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aurachat.protocol.ClientId;
import io.aurachat.protocol.ClientInfo;
import io.aurachat.testing.XmlLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * A kill at any moment of a write, simulated byte by byte: the sink writes a run of events over the
 * closing tag in one write, so a kill leaves the old file up to its tail, a prefix of the new bytes,
 * and (when fewer than 7 bytes made it) the rest of the old tail. Opening the file again must keep every
 * event whose line was complete and lose nothing else.
 */
class XmlLogCrashTest {

    private static final Instant T0 = Instant.parse("2026-11-21T08:15:02.318Z");
    private static final ClientInfo MARIO = new ClientInfo(ClientId.of(1), "Mário 😀", "127.0.0.1", T0);

    /** Events already in the log before the interrupted write. */
    private static final List<String> BEFORE = List.of("one", "two <&>", "three");
    /** The run of events being written when the process is killed: multi-byte, escaped, markup. */
    private static final List<String> WRITING = List.of("four ü 日本", "five \u0000 escaped \\", "six ]]> </log>");

    @TempDir
    Path dir;

    private Path file;
    private byte[] before;
    private byte[] after;

    @BeforeEach
    void writeTheLogBeforeAndAfterTheWrite() throws IOException {
        file = dir.resolve("log.xml");
        try (XmlLogSink sink = open()) {
            BEFORE.forEach(text -> sink.log(message(text)));
        }
        before = Files.readAllBytes(file);
        try (XmlLogSink sink = open()) {
            WRITING.forEach(text -> sink.log(message(text)));
        }
        after = Files.readAllBytes(file);
        assertArrayEquals(Arrays.copyOf(before, before.length - XmlLogFile.TAIL.length),
                Arrays.copyOf(after, before.length - XmlLogFile.TAIL.length), "appending only overwrites the tail");
    }

    @Test
    void aKillAtEveryBytePositionOfAWriteKeepsEveryCompleteEvent() throws IOException {
        int at = before.length - XmlLogFile.TAIL.length;
        byte[] written = Arrays.copyOfRange(after, at, after.length);
        for (int k = 0; k <= written.length; k++) {
            ByteArrayOutputStream crashed = new ByteArrayOutputStream();
            crashed.write(before, 0, at);
            crashed.write(written, 0, k);
            if (k < XmlLogFile.TAIL.length) {
                crashed.write(XmlLogFile.TAIL, k, XmlLogFile.TAIL.length - k);
            }
            int completeLines = countLineFeeds(written, k);
            int expected = BEFORE.size() + Math.min(completeLines, WRITING.size());
            assertRepairKeeps(crashed.toByteArray(), expected, "killed after " + k + " of " + written.length + " bytes");
            if (k % 100 == 0) {
                assertRepairedLogTakesNewEvents(crashed.toByteArray(), expected, "killed after " + k + " bytes");
            }
        }
    }

    @Test
    void aFileCutAtEveryByteOfItsLastEventLosesOnlyThatEvent() throws IOException {
        int lastLineStart = lastLineStart(after, after.length - XmlLogFile.TAIL.length);
        for (int cut = lastLineStart; cut <= after.length; cut++) {
            byte[] truncated = Arrays.copyOf(after, cut);
            boolean lastLineComplete = cut >= after.length - XmlLogFile.TAIL.length;
            int expected = BEFORE.size() + WRITING.size() - (lastLineComplete ? 0 : 1);
            assertRepairKeeps(truncated, expected, "cut at " + cut + " of " + after.length);
        }
    }

    @Test
    void garbageAfterTheLastCompleteEventIsCutOff() throws IOException {
        int end = after.length - XmlLogFile.TAIL.length;
        byte[][] tails = {
            new byte[4096], // a power loss can leave a zero-filled block
            "  <message time=\"x\"".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "  <bogus time=\"2026-11-21T08:15:02.318Z\"/>\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "</log>\n</log>\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            {(byte) 0xFF, (byte) 0xFE, '\n', '<', '\n'},
        };
        for (byte[] garbage : tails) {
            ByteArrayOutputStream damaged = new ByteArrayOutputStream();
            damaged.write(after, 0, end);
            damaged.write(garbage);
            assertRepairedLogTakesNewEvents(damaged.toByteArray(), BEFORE.size() + WRITING.size(),
                    "garbage " + Arrays.toString(garbage));
        }
    }

    @Test
    void aLogWithNoCompleteEventIsRepairedToAnEmptyLog() throws IOException {
        byte[] header = XmlLogFile.HEADER;
        ByteArrayOutputStream damaged = new ByteArrayOutputStream();
        damaged.write(header);
        damaged.write("  <server-stopped time=".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertRepairedLogTakesNewEvents(damaged.toByteArray(), 0, "only a partial first event");
    }

    /** Repairs {@code content} as opening a sink does (without the fsync of closing one, to stay fast). */
    private void assertRepairKeeps(byte[] content, int expectedEvents, String what) throws IOException {
        Files.write(file, content);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = XmlLogFile.open(ch, file);
            assertEquals(ch.size(), size, what + ": the size the sink goes on from");
        }
        assertKept(content, expectedEvents, what, false);
    }

    /** Repairs {@code content} by opening a sink, which then appends a server-stopped event. */
    private void assertRepairedLogTakesNewEvents(byte[] content, int expectedEvents, String what) throws IOException {
        Files.write(file, content);
        try (XmlLogSink sink = open()) {
            sink.log(new LogEvent.ServerStopped(T0));
        }
        assertKept(content, expectedEvents, what, true);
    }

    private void assertKept(byte[] content, int expectedEvents, String what, boolean appended) {
        List<Element> events = XmlLogs.events(file);
        assertEquals(expectedEvents + (appended ? 1 : 0), events.size(), what);
        List<String> all = new java.util.ArrayList<>(BEFORE);
        all.addAll(WRITING);
        for (int i = 0; i < expectedEvents; i++) {
            Element e = events.get(i);
            String text = XmlLogs.child(e, "text");
            if (e.hasAttribute("escaped")) {
                text = XmlLogSink.unescape(text);
            }
            assertEquals(all.get(i), text, what);
        }
        if (appended) {
            assertEquals("server-stopped", events.get(expectedEvents).getLocalName(), what);
        }
        byte[] repaired = readAllBytes(file);
        int keep = Math.min(content.length, lineEndOfEvent(content, expectedEvents));
        assertTrue(Arrays.equals(content, 0, keep, repaired, 0, keep), what + ": the kept events are byte for byte the same");
    }

    private static byte[] readAllBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private XmlLogSink open() throws IOException {
        return XmlLogSink.builder(file).zone(ZoneOffset.UTC).build();
    }

    private static LogEvent message(String text) {
        return new LogEvent.MessageSent(T0, MARIO, null, text, 2);
    }

    private static int countLineFeeds(byte[] bytes, int length) {
        int n = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    /** The start of the line that ends just before {@code end} (which follows an LF). */
    private static int lastLineStart(byte[] bytes, int end) {
        int i = end - 2;
        while (bytes[i] != '\n') {
            i--;
        }
        return i + 1;
    }

    /** The offset after the LF of the n-th event line (0 = the end of the header). */
    private static int lineEndOfEvent(byte[] bytes, int n) {
        int pos = XmlLogFile.HEADER.length;
        for (int seen = 0; seen < n; pos++) {
            if (bytes[pos] == '\n') {
                seen++;
            }
        }
        return pos;
    }
}
