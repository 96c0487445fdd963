package io.aurachat.log;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout of a log file and its repair. A file is {@link #HEADER} (XML declaration and the root's
 * start tag, each on a line), then one line per event, then {@link #TAIL}. Writers only ever overwrite
 * the tail with event lines followed by a new tail, so after a kill the file is a valid prefix, then
 * complete event lines of the interrupted write, then at most one incomplete line (possibly followed
 * by the rest of the old tail).
 */
final class XmlLogFile {
    private static final Logger LOG = LoggerFactory.getLogger(XmlLogFile.class);

    static final byte[] HEADER = header();
    static final byte[] TAIL = "</log>\n".getBytes(StandardCharsets.US_ASCII);
    /** The size of a log without events. */
    static final long EMPTY_SIZE = HEADER.length + TAIL.length;

    private static final int CHUNK = 64 * 1024;
    private static final XMLInputFactory READERS = readers();

    private XmlLogFile() {}

    private static byte[] header() {
        ByteSink out = new ByteSink();
        try {
            XMLStreamWriter x = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out, "UTF-8");
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("log");
            x.writeDefaultNamespace(XmlLogSink.NAMESPACE);
            x.writeAttribute("version", XmlLogSink.FORMAT_VERSION);
            x.writeCharacters("\n");
            x.flush();
            x.close();
        } catch (XMLStreamException e) {
            throw new ExceptionInInitializerError(e);
        }
        return out.copy(0, out.size());
    }

    private static XMLInputFactory readers() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        return f;
    }

    /**
     * Makes {@code ch} a complete log and returns its size: writes an empty log into an empty file (or one
     * that holds only part of the header, from a crash while it was created), and otherwise cuts the file
     * after its last complete event line and closes it again if it does not end with the tail.
     *
     * @throws IOException if the file cannot be read or written, or does not start like an AuraChat log
     */
    static long open(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        byte[] start = read(ch, 0, (int) Math.min(size, HEADER.length));
        if (size <= HEADER.length && Arrays.equals(start, 0, start.length, HEADER, 0, start.length)) {
            if (size > 0) {
                LOG.warn("{} held only part of a log header; starting it again", file);
            }
            return rewriteFrom(ch, 0, true);
        }
        if (size < HEADER.length || !Arrays.equals(start, HEADER)) {
            throw new IOException(file + " is not an AuraChat XML log (format " + XmlLogSink.FORMAT_VERSION
                    + "): it does not start with " + new String(HEADER, StandardCharsets.UTF_8).replace("\n", " ")
                    + "; move it away or log to another file");
        }
        if (size >= EMPTY_SIZE && Arrays.equals(read(ch, size - TAIL.length, TAIL.length), TAIL)
                && (size == EMPTY_SIZE || endsWithCompleteEvent(ch, size - TAIL.length))) {
            return size; // closed properly: only the last event is checked, so opening a large log is cheap
        }
        long cut = lastCompleteEventEnd(ch, size);
        if (onlyPadding(ch, cut, size)) {
            LOG.warn("{} was not closed (the server was killed or lost power?); no event is missing from it: cut the "
                    + "{} bytes of padding its direct writes leave before </log>", file, size - cut - TAIL.length);
        } else {
            LOG.warn("{} was not closed properly (a crash during a write?): cut {} bytes after its last complete "
                    + "event and closed it again", file, size - cut);
        }
        return rewriteFrom(ch, cut, false);
    }

    /**
     * Writes the tail (and, at 0, the header) at {@code at} and drops what follows. Not forced: should
     * the power fail before the next forced write, the next start simply repairs the same damage again.
     */
    private static long rewriteFrom(FileChannel ch, long at, boolean header) throws IOException {
        ch.truncate(at);
        ByteBuffer b = ByteBuffer.allocate((header ? HEADER.length : 0) + TAIL.length);
        if (header) {
            b.put(HEADER);
        }
        b.put(TAIL).flip();
        long pos = at;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
        return pos;
    }

    /**
     * Whether bytes [from, size) are spaces and then the tail: what a sink writing directly leaves after its last event
     * (see {@link DirectAppender}) when it is not closed.
     */
    static boolean onlyPadding(FileChannel ch, long from, long size) throws IOException {
        long length = size - from;
        if (length < TAIL.length || length > CHUNK) {
            return false;
        }
        byte[] rest = read(ch, from, (int) length);
        int spaces = rest.length - TAIL.length;
        for (int i = 0; i < spaces; i++) {
            if (rest[i] != ' ') {
                return false;
            }
        }
        return Arrays.equals(rest, spaces, rest.length, TAIL, 0, TAIL.length);
    }

    /**
     * The offset just after the last line (a run of bytes ended by LF) that holds one complete event
     * element, or the end of the header if there is none. Lines are examined from the end, so the cost
     * is that of the damaged part only.
     */
    static long lastCompleteEventEnd(FileChannel ch, long size) throws IOException {
        long lineEnd = -1; // offset of the LF that ends the line under examination
        long pos = size;
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        while (pos > HEADER.length) {
            int n = (int) Math.min(CHUNK, pos - HEADER.length);
            pos -= n;
            buf.clear().limit(n);
            readFully(ch, buf, pos);
            for (int i = n - 1; i >= 0; i--) {
                if (buf.get(i) != '\n') {
                    continue;
                }
                long lf = pos + i;
                if (lineEnd >= 0 && isCompleteEvent(ch, lf + 1, lineEnd)) {
                    return lineEnd + 1;
                }
                lineEnd = lf;
            }
        }
        // The header ends with LF, so the first event line starts right after it.
        if (lineEnd >= 0 && isCompleteEvent(ch, HEADER.length, lineEnd)) {
            return lineEnd + 1;
        }
        return HEADER.length;
    }

    /** Whether the line that ends just before {@code end} (which follows an LF) is a complete event. */
    private static boolean endsWithCompleteEvent(FileChannel ch, long end) throws IOException {
        long lf = end - 1;
        if (read(ch, lf, 1)[0] != '\n') {
            return false;
        }
        long start = lf;
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        while (start > HEADER.length) {
            int n = (int) Math.min(CHUNK, start - HEADER.length);
            buf.clear().limit(n);
            readFully(ch, buf, start - n);
            for (int i = n - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return isCompleteEvent(ch, start - n + i + 1, lf);
                }
            }
            start -= n;
        }
        return isCompleteEvent(ch, HEADER.length, lf);
    }

    /** Whether bytes [from, to) are exactly one event element, parsed for real. */
    private static boolean isCompleteEvent(FileChannel ch, long from, long to) {
        try (InputStream in = new RegionStream(ch, from, to)) {
            XMLStreamReader r = READERS.createXMLStreamReader(in, "UTF-8");
            try {
                int depth = 0;
                boolean seen = false;
                while (r.hasNext()) {
                    int type = r.next();
                    if (type == XMLStreamConstants.START_ELEMENT) {
                        if (depth == 0) {
                            if (seen || !XmlEvents.ELEMENTS.contains(r.getLocalName())
                                    || r.getAttributeValue(null, "time") == null) {
                                return false;
                            }
                            seen = true;
                        }
                        depth++;
                    } else if (type == XMLStreamConstants.END_ELEMENT) {
                        depth--;
                    }
                }
                return seen && depth == 0;
            } finally {
                r.close();
            }
        } catch (XMLStreamException | IOException | RuntimeException e) {
            return false;
        }
    }

    private static byte[] read(FileChannel ch, long at, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        readFully(ch, b, at);
        return b.array();
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException("the log file shrank while it was being read");
            }
            pos += n;
        }
    }

    /** Reads bytes [from, to) of a channel without moving its position. */
    private static final class RegionStream extends InputStream {
        private final FileChannel ch;
        private final long to;
        private long pos;

        RegionStream(FileChannel ch, long from, long to) {
            this.ch = ch;
            this.pos = from;
            this.to = to;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= to) {
                return -1;
            }
            int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, to - pos)), pos);
            if (n < 0) {
                return -1;
            }
            pos += n;
            return n;
        }
    }
}
