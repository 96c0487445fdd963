package io.aurachat.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends event lines to a log file with direct I/O ({@code O_DIRECT} on Linux): the bytes go from an aligned
 * buffer to the device, not through the page cache. Measured on the 2-core benchmark machine (2026-12-04), a loop
 * appending to a growing file spent 0.9 to 2.5 ns of kernel CPU a byte through the page cache (allocating and filling
 * new cache pages; their writeback later costs more, on other threads) and about 0.2 ns a byte direct. In the server
 * the log thread's kernel time fell by a third and the shipped server routed a few per cent more private messages
 * (docs/performance.md, "Direct writes for the audit log").
 *
 * <p>Only runs of {@value #MIN_DIRECT_BYTES} bytes or more go direct; smaller ones are written through the page
 * cache in the same layout (see {@link #MIN_DIRECT_BYTES} for why).
 *
 * <p>Direct I/O writes whole blocks at block offsets only. So each append rewrites the file's last, partly filled
 * block (its head, which this keeps), then the new lines, then spaces up to where the tail ends a block, then the
 * tail: while the sink is open the file ends with a line of spaces and {@code </log>} (still a complete document:
 * XML allows white space before an end tag) and its size is a whole number of blocks. {@link #trim} puts the tail
 * right after the last event again, as a closed log has it.
 *
 * <p>Bounds: the sink's one aligned off-heap buffer ({@link #newBuffer()}: {@value #CAPACITY} bytes, allocated with
 * 64 KiB more to align it), and a block of head.
 * Not thread-safe: the sink's lock guards it.
 */
final class DirectAppender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectAppender.class);
    /** The most bytes one system call writes: a run larger than this is written in several. */
    static final int CAPACITY = 512 * 1024;
    /** The largest block size this works with (and the smallest power of two that CAPACITY is a multiple of). */
    private static final int MAX_BLOCK = 64 * 1024;

    /**
     * Runs whose blocks come to less than this are written through the page cache instead, in the same layout: a
     * quiet server writes a few events every few milliseconds, and a direct write of each would put a whole block on
     * the device for every few events (at 10 events a second, about 40 KB/s of device writes for 2 KB/s of log),
     * where the page cache rewrites the block in memory and the forcing thread writes it out once a second. From 64
     * KiB a run (about 300 events of 210 bytes; with the sink's looks every 5 ms, 60,000 events a second and more)
     * the writes go direct, where the page cache's cost per byte shows.
     */
    static final int MIN_DIRECT_BYTES = 64 * 1024;

    private static final byte[] SPACES = spaces();

    private static byte[] spaces() {
        byte[] spaces = new byte[MAX_BLOCK];
        Arrays.fill(spaces, (byte) ' ');
        return spaces;
    }

    /** The direct channel. */
    private final FileChannel channel;
    /** The sink's own channel on the file, through the page cache: for small runs. */
    private final FileChannel buffered;
    /** The channel of the append under way. */
    private FileChannel out;
    /** Appends written directly, for tests. */
    private long directAppends;
    private final int block;
    private final ByteBuffer buffer;
    /** The bytes of the file from the start of the block that holds the content's end up to that end. */
    private final byte[] head;
    private int headLength;
    /** Where the last event ends (where the next one goes). */
    private long contentEnd;

    /**
     * A buffer for {@link #open}: aligned for any block size this works with, so that one buffer serves a sink's every
     * file (a rollover opens a new appender; a new buffer for each would hold native memory until a collection).
     */
    static ByteBuffer newBuffer() {
        return ByteBuffer.allocateDirect(CAPACITY + MAX_BLOCK).alignedSlice(MAX_BLOCK).limit(CAPACITY);
    }

    private DirectAppender(FileChannel channel, FileChannel buffered, ByteBuffer buffer, int block, long contentEnd,
            byte[] head) {
        this.channel = channel;
        this.buffered = buffered;
        this.block = block;
        this.buffer = buffer;
        this.head = Arrays.copyOf(head, block);
        this.headLength = head.length;
        this.contentEnd = contentEnd;
    }

    /**
     * Opens {@code file} for direct appends after its content, which ends at {@code contentEnd}, or returns {@code
     * null} where the file system or platform cannot do direct I/O (the open fails: tmpfs before Linux 6.6, some
     * network and FUSE file systems).
     *
     * @param buffered the sink's own channel on the file, to read the last block's head and to write small runs
     * @param buffer from {@link #newBuffer()}, used by one appender at a time
     */
    static DirectAppender open(Path file, FileChannel buffered, long contentEnd, ByteBuffer buffer) {
        FileChannel ch = null;
        try {
            int block = Math.toIntExact(Files.getFileStore(file).getBlockSize());
            if (block <= 0 || block > MAX_BLOCK || Integer.bitCount(block) != 1) {
                LOG.debug("{}: no direct writes: block size {}", file, block);
                return null;
            }
            ch = FileChannel.open(file, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT);
            int headLength = (int) (contentEnd % block);
            ByteBuffer h = ByteBuffer.allocate(headLength);
            long at = contentEnd - headLength;
            while (h.hasRemaining()) {
                int n = buffered.read(h, at + h.position());
                if (n < 0) {
                    throw new IOException("the log shrank while it was opened");
                }
            }
            return new DirectAppender(ch, buffered, buffer, block, contentEnd, h.array());
        } catch (IOException | RuntimeException e) {
            LOG.debug("{}: no direct writes ({}); writing through the page cache", file, e.toString());
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            return null;
        }
    }

    /**
     * Writes {@code length} bytes of event lines from {@code data} after the content, then the padding and
     * {@code tail}.
     *
     * @return the new end of the content
     */
    long append(byte[] data, int length, byte[] tail) throws IOException {
        long start = contentEnd - headLength;
        long total = (long) headLength + length + tail.length;
        long padded = (total + block - 1) / block * block;
        out = padded < MIN_DIRECT_BYTES ? buffered : channel;
        if (out == channel) {
            directAppends++;
        }
        long at = start;
        buffer.clear().limit(CAPACITY);
        at = put(head, 0, headLength, at);
        at = put(data, 0, length, at);
        at = put(SPACES, 0, (int) (padded - total), at); // less than a block
        at = put(tail, 0, tail.length, at);
        drain(at);
        long end = contentEnd + length;
        int newHead = (int) (end % block);
        if (headLength + length < block) {
            System.arraycopy(data, 0, head, headLength, length);
        } else {
            System.arraycopy(data, length - newHead, head, 0, newHead);
        }
        headLength = newHead;
        contentEnd = end;
        return end;
    }

    private long put(byte[] from, int offset, int length, long at) throws IOException {
        int done = 0;
        while (done < length) {
            if (!buffer.hasRemaining()) {
                at = drain(at);
            }
            int n = Math.min(length - done, buffer.remaining());
            buffer.put(from, offset + done, n);
            done += n;
        }
        return at;
    }

    /** Writes the buffer (a whole number of blocks) at {@code at}; the offset after it. */
    private long drain(long at) throws IOException {
        buffer.flip();
        long pos = at;
        while (buffer.hasRemaining()) {
            pos += out.write(buffer, pos);
        }
        buffer.clear().limit(CAPACITY);
        return pos;
    }

    /** How many appends went direct (the others, smaller than {@link #MIN_DIRECT_BYTES}, through the page cache). */
    long directAppends() {
        return directAppends;
    }

    /**
     * Puts {@code tail} right after the last event again, through the page cache, and cuts the padding: the file then
     * looks as a closed log does. Between the cut and the write the file lacks its end tag (a crash there is repaired
     * on the next open like any interrupted write); it is done once per file, when it is closed or rolled over.
     *
     * @return the file's size
     */
    long trim(byte[] tail) throws IOException {
        buffered.truncate(contentEnd);
        ByteBuffer b = ByteBuffer.wrap(tail);
        long at = contentEnd;
        while (b.hasRemaining()) {
            at += buffered.write(b, at);
        }
        return at;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
