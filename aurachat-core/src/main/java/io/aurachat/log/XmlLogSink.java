package io.aurachat.log;

import static io.aurachat.internal.Checks.check;

import io.aurachat.internal.Threads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every event to an XML file, the audit log of a server (by default {@code util/log.xml} in the
 * reference server). The format is described by the schema at {@link #SCHEMA_RESOURCE} and in
 * docs/audit-log.md; in short:
 *
 * <pre>{@code
 * <?xml version="1.0" encoding="UTF-8"?>
 * <log xmlns="urn:aurachat:log" version="1">
 *   <client-connected time="2026-11-21T09:15:02.318+01:00" client="c1" name="c1" ip="127.0.0.1"/>
 *   <message time="2026-11-21T09:15:04.001+01:00" client="c1" name="Mario" ip="127.0.0.1" to="everyone"
 *       recipients="3"><text>hello &lt;all&gt;</text></message>
 * </log>
 * }</pre>
 *
 * <p><b>Always well-formed.</b> Each event is one line, and the file always ends with the closing
 * {@code </log>} line: new events are written over that line, followed by a new one, in a single write
 * per {@link #flush()}. Between writes the file is a complete XML document that any parser can read
 * while the server runs. Markup in strings ({@code & < > "}) is written as entity references.
 *
 * <p><b>Direct writes.</b> By default ({@link Builder#directWrites}) runs of 64 KiB and more (a busy server's) are
 * written with direct I/O, past the page cache, where the file system takes it: a tenth of the kernel's CPU per byte;
 * smaller runs go through the page cache in the same layout. Direct I/O writes whole blocks,
 * so while the sink is open the last line holds spaces before {@code </log>} up to the end of a block (white space
 * XML allows there); closing or rolling over cuts them, and the file is then byte for byte what a sink writing
 * through the page cache makes. Where direct I/O cannot be used, or a direct write fails, the sink writes through the
 * page cache instead.
 *
 * <p><b>Characters XML cannot carry.</b> XML 1.0 forbids most control characters, U+FFFE, U+FFFF and
 * unpaired surrogates, and parsers turn CR, LF and TAB in attributes into spaces. When any string of an
 * event contains a character below U+0020, U+FFFE, U+FFFF or an unpaired surrogate, the whole event
 * element is written in escaped form and marked {@code escaped="true"}: in every attribute and text of
 * that element, each such character becomes {@code \}{@code uXXXX} (four upper-case hex digits of the
 * UTF-16 unit) and each backslash becomes two. {@link #unescape(String)} reverses it. Other events are
 * written verbatim. So every event stays on one line and every string round-trips exactly.
 *
 * <p><b>Appending and crash safety.</b> Opening an existing log keeps its events and appends. If the
 * process was killed during a write, the file ends in a partly written event: opening it then keeps
 * every complete event line, cuts off what follows the last one and closes the document again. At most
 * the events of the write under way at the moment of the kill are lost; with the server's log thread
 * that is one run of events, and any event whose line was complete is kept. The file is opened with an
 * exclusive lock, so two servers cannot write one log.
 *
 * <p><b>Forcing to disk.</b> A killed process loses nothing the kernel already has (a direct write has reached the
 * device when it returns). Against power loss
 * a daemon thread ({@code aurachat-log-force}) calls {@link FileChannel#force} every
 * {@link Builder#forceInterval} (1 second by default) if anything was written since the last force, so
 * a power failure loses at most about that much of the log; a rolled-over file is forced (and closed) by that
 * thread at once, and the file is forced on {@link #close()}. The writing thread never waits for the disk but
 * in {@code close()}. With a
 * zero interval there is no such thread and every write is forced before it returns (much slower).
 *
 * <p><b>Rollover</b> bounds the disk a log takes: an event that would make the file larger than
 * {@link Builder#rolloverBytes} (64 MiB by default) starts a new file: {@code log.xml} is renamed {@code log-1.xml} (an
 * older {@code log-1.xml} becomes {@code log-2.xml}, and so on, keeping {@link Builder#maxFiles}
 * rolled files and deleting older ones), so by default a log never takes more than 704 MiB. Each file is a
 * complete document on its own. A single event larger than the limit gets a file to itself. Rollover can be
 * turned off ({@code rolloverBytes(0)}); the file then grows without bound.
 *
 * <p><b>Threads and errors.</b> All methods are thread-safe (a {@link ReentrantLock} guards the file)
 * and may block on file I/O. {@link #log} only encodes into a memory buffer (writing it out when it
 * exceeds 256 KiB); {@link #flush} writes. A failed write throws {@link UncheckedIOException} and the
 * events it held are counted: once writing works again the file is repaired and an
 * {@code events-dropped} element records how many were lost, so no loss is silent.
 */
public final class XmlLogSink implements LogSink {
    private static final Logger LOG = LoggerFactory.getLogger(XmlLogSink.class);

    /** The XML namespace of the root element and of every event element. */
    public static final String NAMESPACE = "urn:aurachat:log";

    /** The value of the root element's {@code version} attribute for this format. */
    public static final String FORMAT_VERSION = "1";

    /** Where the XML Schema of the format is, as a class-path resource: {@code XmlLogSink.class.getResource(...)}. */
    public static final String SCHEMA_RESOURCE = "/io/aurachat/log/aurachat-log.xsd";

    /**
     * The default of {@link Builder#rolloverBytes}: 64 MiB. With {@link #DEFAULT_MAX_FILES} rolled files kept,
     * a log takes at most 11 &times; 64 MiB = 704 MiB of disk, however long the server runs (about 300,000
     * messages a file at 64 bytes of text each).
     */
    public static final long DEFAULT_ROLLOVER_BYTES = 64L << 20;

    /** The default of {@link Builder#maxFiles}. */
    public static final int DEFAULT_MAX_FILES = 10;

    /** The default of {@link Builder#forceInterval}. */
    public static final Duration DEFAULT_FORCE_INTERVAL = Duration.ofSeconds(1);

    /** The default of {@link Builder#directWrites}: on, where the file system can. */
    public static final boolean DEFAULT_DIRECT_WRITES = true;

    /** The smallest non-zero {@link Builder#rolloverBytes}. */
    public static final long MIN_ROLLOVER_BYTES = 1024;

    /** Encoded events beyond this are written out by {@link #log} itself, to bound memory. */
    private static final int MAX_PENDING_BYTES = 256 * 1024;

    private final Path file;
    private final long rolloverBytes;
    private final int maxFiles;
    private final long forceIntervalNanos;
    private final ReentrantLock forceLock = new ReentrantLock();
    private final Condition forceWake = forceLock.newCondition();
    /** Rolled-over files the forcer has yet to force and close (see {@link #retire}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Retired> retired = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Forces written data to disk every interval, so the writing thread never waits for the disk. */
    private final Thread forcer;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteSink pending = new ByteSink();
    private final XmlEvents xml;

    /** Volatile: the forcer reads it without the lock. */
    private volatile FileChannel channel;
    private FileLock fileLock;
    /** The direct writer of the active file, or {@code null}: writes go through {@link #channel} then. */
    private DirectAppender direct;
    /** Whether to try direct writes: set by the builder, cleared for good by a direct write that fails. */
    private boolean tryDirect;
    /** The direct writers' buffer, made with the first of them. */
    private ByteBuffer directBuffer;
    /**
     * The size of the log: its events and {@link XmlLogFile#TAIL}. Written directly, the file is larger by the
     * padding before the tail (less than a block).
     */
    private long size;
    /** Written since the last force; set by writes, cleared by whoever forces. */
    private volatile boolean dirty;
    private boolean stopping;
    /** Events lost to failed writes, not yet reported in the file. */
    private long lost;
    /** Events encoded in {@link #pending}. */
    private int pendingEvents;
    /** Whether the last write failed, so the file must be repaired before the next one. */
    private boolean broken;
    private boolean closed;

    private XmlLogSink(Builder b) throws IOException {
        this.file = b.file;
        this.rolloverBytes = b.rolloverBytes;
        this.maxFiles = b.maxFiles;
        this.forceIntervalNanos = b.forceInterval.toNanos();
        this.tryDirect = b.directWrites;
        this.xml = new XmlEvents(pending, b.zone);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        openFile();
        this.forcer = forceIntervalNanos == 0 ? null : Threads.daemon("aurachat-log-force", this::forceLoop);
        if (forcer != null) {
            forcer.start();
        }
    }

    /**
     * Starts configuring a sink that writes to {@code file}.
     *
     * @param file the log file; its directory is created if needed
     * @return a builder with the defaults: rollover at 64 MiB, 10 rolled files kept
     */
    public static Builder builder(Path file) {
        return new Builder(Objects.requireNonNull(file, "file"));
    }

    /**
     * The XML Schema of the format.
     *
     * @return the schema's location inside this library
     */
    public static URL schema() {
        return Objects.requireNonNull(XmlLogSink.class.getResource(SCHEMA_RESOURCE), SCHEMA_RESOURCE);
    }

    /**
     * Reverses the escaping of an element marked {@code escaped="true"}: {@code \\} becomes {@code \}
     * and {@code \}{@code uXXXX} the UTF-16 unit XXXX. Use it on the attributes and texts of such an
     * element only; text of other elements is verbatim.
     *
     * @param escaped an attribute value or text of an escaped element
     * @return the original string
     * @throws IllegalArgumentException if {@code escaped} is not in escaped form
     */
    public static String unescape(String escaped) {
        return Escaping.unescape(escaped);
    }

    /**
     * The active log file.
     *
     * @return the path given to {@link #builder}
     */
    public Path file() {
        return file;
    }

    /**
     * Encodes {@code event} into the buffer of the next write. It is in the file after {@link #flush()}
     * or {@link #close()}, or earlier when the buffer grows past 256 KiB.
     *
     * @throws IllegalStateException if the sink is closed
     * @throws UncheckedIOException if a write forced by a full buffer or a rollover fails
     */
    @Override
    public void log(LogEvent event) {
        Objects.requireNonNull(event, "event");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the XML log sink of " + file + " is closed");
            }
            int before = pending.size();
            try {
                xml.write(event);
            } catch (RuntimeException | Error e) {
                pending.truncate(before); // an out-of-memory buffer: the event is not half in the file
                throw e;
            }
            pendingEvents++;
            if (rolloverBytes > 0 && size + pending.size() > rolloverBytes
                    && (before > 0 || size > XmlLogFile.EMPTY_SIZE)) {
                // This event would overflow the file: write what came before it, then start a new file.
                byte[] next = pending.copy(before, pending.size());
                pending.truncate(before);
                pendingEvents--;
                try {
                    write();
                    rollover();
                } catch (UncheckedIOException e) {
                    lost++; // this event; write() counted the others
                    throw e;
                }
                pending.writeBytes(next);
                pendingEvents++;
            }
            if (pending.size() >= MAX_PENDING_BYTES) {
                write();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes every buffered event to the file in one write, so that it is again a complete document,
     * and forces it to disk if the last force is older than the force interval.
     *
     * @throws UncheckedIOException if the write fails; the buffered events are counted as lost and
     *     reported in the file by the next write that succeeds
     */
    @Override
    public void flush() {
        lock.lock();
        try {
            if (!closed) {
                write();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes what is buffered, forces the file to disk and closes it. Idempotent.
     *
     * @throws UncheckedIOException if the last write or the force fails; the file is closed anyway
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            stopForcer();
            try {
                write();
                if (direct != null) {
                    leaveDirect();
                    dirty = true;
                }
                if (dirty) {
                    force();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not close " + file + " (its tail or the force to disk)", e);
            } finally {
                closed = true;
                closeFile();
                closeRetired();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "XmlLogSink[" + file + "]";
    }

    /** Closes the direct writer's channel, so that the next direct write fails (for tests of the fallback). */
    void breakDirectWrites() throws IOException {
        lock.lock();
        try {
            if (direct != null) {
                direct.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many runs the active file's direct writer wrote directly; -1 without one (for tests). */
    long directAppends() {
        lock.lock();
        try {
            return direct == null ? -1 : direct.directAppends();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the active file has a direct writer (for tests). */
    boolean writesDirectly() {
        return directAppends() >= 0;
    }

    // ---------------------------------------------------------------- file handling, under the lock

    private void write() {
        if (pendingEvents == 0 && lost == 0) {
            return;
        }
        try {
            if (broken) {
                closeFile();
                openFile();
                broken = false;
            }
            if (lost > 0) {
                byte[] events = pending.copy(0, pending.size());
                pending.truncate(0);
                xml.write(new LogEvent.EventsDropped(Instant.now(), lost));
                pending.writeBytes(events);
            }
            if (direct != null && !writeDirect()) {
                leaveDirect(); // cuts what the failed write left beyond the last event; the run is written below
            }
            if (direct == null) {
                pending.writeBytes(XmlLogFile.TAIL);
                long at = size - XmlLogFile.TAIL.length;
                ByteBuffer buffer = ByteBuffer.wrap(pending.array(), 0, pending.size());
                while (buffer.hasRemaining()) {
                    at += channel.write(buffer, at);
                }
                size = at;
            }
            lost = 0;
            dirty = true;
            if (forcer == null) {
                force();
            }
        } catch (IOException e) {
            lost += pendingEvents;
            broken = true;
            throw new UncheckedIOException("could not write " + pendingEvents + " events to " + file
                    + "; they are counted as dropped", e);
        } finally {
            pending.truncate(0);
            pendingEvents = 0;
        }
    }

    /** Writes {@link #pending} and the tail directly; {@code false} if direct writes failed (they are then off). */
    private boolean writeDirect() {
        try {
            size = direct.append(pending.array(), pending.size(), XmlLogFile.TAIL) + XmlLogFile.TAIL.length;
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("direct writes to {} failed; writing through the page cache from now on", file, e);
            tryDirect = false;
            return false;
        }
    }

    /**
     * Stops writing directly: the tail goes right after the last event again and the padding is cut, so the file is
     * as a buffered writer (and a closed log) has it. What a failed direct write left beyond the last event is cut too.
     */
    private void leaveDirect() throws IOException {
        DirectAppender d = direct;
        if (d == null) {
            return;
        }
        direct = null;
        try {
            size = d.trim(XmlLogFile.TAIL);
        } finally {
            try {
                d.close();
            } catch (IOException e) {
                LOG.warn("could not close the direct writer of {}", file, e);
            }
        }
    }

    private void force() throws IOException {
        dirty = false;
        try {
            channel.force(false);
        } catch (IOException e) {
            dirty = true;
            throw e;
        }
    }

    /**
     * The forcer's loop: every interval, force the file if anything was written since the last force.
     * It never takes the sink's lock, so a slow disk delays only durability, not writing; a force that
     * meets a channel just closed by a rollover or close() is moot, since both force before closing.
     */
    private void forceLoop() {
        while (true) {
            forceLock.lock();
            try {
                long left = forceIntervalNanos;
                while (!stopping && left > 0 && retired.isEmpty()) {
                    left = forceWake.awaitNanos(left);
                }
                if (stopping) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                forceLock.unlock();
            }
            closeRetired();
            FileChannel ch = channel;
            if (dirty && ch != null) {
                dirty = false;
                try {
                    ch.force(false);
                } catch (ClosedChannelException e) {
                    // rolled over or closed meanwhile: that path forced the file before closing it
                } catch (IOException e) {
                    dirty = true;
                    LOG.warn("could not force {} to disk; will try again", file, e);
                }
            }
        }
    }

    private void stopForcer() {
        if (forcer == null) {
            return;
        }
        forceLock.lock();
        try {
            stopping = true;
            forceWake.signalAll();
        } finally {
            forceLock.unlock();
        }
        try {
            forcer.join(TimeUnit.SECONDS.toMillis(10)); // it may be forcing a rolled-over file: let it finish
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rollover() {
        try {
            leaveDirect();
            if (forcer == null) {
                force();
                closeFile();
            } else {
                retire();
            }
            Files.deleteIfExists(rolled(maxFiles));
            for (int i = maxFiles - 1; i >= 1; i--) {
                Path from = rolled(i);
                if (Files.exists(from)) {
                    Files.move(from, rolled(i + 1), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.move(file, rolled(1), StandardCopyOption.ATOMIC_MOVE);
            openFile();
        } catch (IOException e) {
            broken = true;
            throw new UncheckedIOException("could not roll " + file + " over", e);
        }
    }

    /**
     * Hands the file being rolled over to the forcer, which forces it to disk and closes it: forcing 64 MiB takes the
     * disk a while, and the writing thread waiting for it let the queue fill and the clients be held back (direct
     * messages' p99 at 70 ms under the benchmark's load).
     */
    private void retire() {
        retired.add(new Retired(channel, fileLock));
        channel = null;
        fileLock = null;
        dirty = false; // the new file has nothing unforced yet; the old one is the forcer's now
        forceLock.lock();
        try {
            forceWake.signalAll();
        } finally {
            forceLock.unlock();
        }
    }

    /** Forces and closes every retired file; the forcer's, and close()'s for what the forcer left. */
    private void closeRetired() {
        Retired r;
        while ((r = retired.poll()) != null) {
            try {
                r.channel().force(false);
            } catch (IOException e) {
                LOG.warn("could not force a rolled-over file of {} to disk", file, e);
            }
            try {
                if (r.lock() != null && r.lock().isValid()) {
                    r.lock().release();
                }
                r.channel().close();
            } catch (IOException e) {
                LOG.warn("could not close a rolled-over file of {}", file, e);
            }
        }
    }

    private record Retired(FileChannel channel, FileLock lock) {}

    /** {@code log.xml} -> {@code log-N.xml}; a name without extension gets {@code -N} at its end. */
    private Path rolled(int n) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String rolledName = dot > 0
                ? name.substring(0, dot) + "-" + n + name.substring(dot)
                : name + "-" + n;
        return file.resolveSibling(rolledName);
    }

    /**
     * Opens the file, made {@code rw-------} if it is new and the file system has POSIX permissions: the log holds
     * private messages, and the umask would let every local user read them. An existing file keeps its mode, and a
     * rolled-over file the mode it had.
     */
    private void openFile() throws IOException {
        java.util.Set<StandardOpenOption> options =
                java.util.EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir != null && Files.isDirectory(dir)
                && Files.getFileStore(dir).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class);
        FileChannel ch = posix
                ? FileChannel.open(file, options, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")))
                : FileChannel.open(file, options);
        try {
            FileLock fl;
            try {
                fl = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                fl = null;
            }
            if (fl == null) {
                throw new IOException(file + " is in use by another AuraChat log sink");
            }
            long repaired = XmlLogFile.open(ch, file);
            this.channel = ch;
            this.fileLock = fl;
            this.size = repaired;
            if (tryDirect && directBuffer == null) {
                directBuffer = DirectAppender.newBuffer();
            }
            this.direct = tryDirect
                    ? DirectAppender.open(file, ch, repaired - XmlLogFile.TAIL.length, directBuffer)
                    : null;
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void closeFile() {
        if (direct != null) {
            try {
                direct.close(); // a broken file: the repair on opening it again cuts the padding
            } catch (IOException e) {
                LOG.warn("could not close the direct writer of {}", file, e);
            }
            direct = null;
        }
        try {
            if (fileLock != null && fileLock.isValid()) {
                fileLock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.warn("could not close {}", file, e);
        } finally {
            fileLock = null;
            channel = null;
        }
    }

    /** Settings of an {@link XmlLogSink}; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private final Path file;
        private long rolloverBytes = DEFAULT_ROLLOVER_BYTES;
        private int maxFiles = DEFAULT_MAX_FILES;
        private Duration forceInterval = DEFAULT_FORCE_INTERVAL;
        private ZoneId zone = ZoneId.systemDefault();
        private boolean directWrites = DEFAULT_DIRECT_WRITES;

        private Builder(Path file) {
            this.file = file;
        }

        /**
         * Starts a new file when the current one would grow past this size.
         *
         * @param bytes at least {@value XmlLogSink#MIN_ROLLOVER_BYTES}, or 0 for never (the file then grows without
         *     bound); default {@value XmlLogSink#DEFAULT_ROLLOVER_BYTES} (64 MiB)
         * @return this builder
         */
        public Builder rolloverBytes(long bytes) {
            this.rolloverBytes = bytes;
            return this;
        }

        /**
         * How many rolled-over files ({@code log-1.xml} ... {@code log-N.xml}) to keep besides the active
         * one; older ones are deleted.
         *
         * @param files 1 to 1000; default {@value XmlLogSink#DEFAULT_MAX_FILES}
         * @return this builder
         */
        public Builder maxFiles(int files) {
            this.maxFiles = files;
            return this;
        }

        /**
         * How often a background thread forces written events to disk (against power loss; a killed
         * process loses nothing either way). Zero forces every write on the writing thread instead.
         *
         * @param interval zero to 1 hour; default 1 second
         * @return this builder
         */
        public Builder forceInterval(Duration interval) {
            this.forceInterval = interval;
            return this;
        }

        /**
         * Whether to write runs of 64 KiB and more with direct I/O ({@code O_DIRECT}), past the page cache (smaller
         * runs, a quiet server's, go through the page cache in the same layout either way). Where the file system
         * cannot (tmpfs before Linux 6.6, some network and FUSE file systems, a platform without it) the sink writes
         * through the page cache instead, as it does when this is off; a direct write that fails switches it to the
         * page cache for good, with a warning. Direct writes cost the writing thread a tenth of the kernel CPU per
         * byte (docs/audit-log.md has the figures) and wait for the device; while the file is open it ends with a
         * line of padding spaces before {@code </log>}, cut when it is closed or rolled over.
         *
         * @param direct {@code false} to write through the page cache; default {@value
         *     XmlLogSink#DEFAULT_DIRECT_WRITES}
         * @return this builder
         */
        public Builder directWrites(boolean direct) {
            this.directWrites = direct;
            return this;
        }

        /**
         * The time zone whose offset event times are written with.
         *
         * @param zone for example {@code ZoneOffset.UTC}; default the system's zone
         * @return this builder
         */
        public Builder zone(ZoneId zone) {
            this.zone = zone;
            return this;
        }

        /**
         * Checks the settings, then opens the file: creates it with an empty log, or appends to an
         * existing one after repairing it if a crash left it incomplete.
         *
         * @return the open sink
         * @throws IllegalArgumentException if a setting is out of range
         * @throws IOException if the file cannot be created, read, locked or repaired, or is not an
         *     AuraChat XML log
         */
        public XmlLogSink build() throws IOException {
            check(rolloverBytes == 0 || rolloverBytes >= MIN_ROLLOVER_BYTES,
                    "rolloverBytes must be 0 (never) or at least " + MIN_ROLLOVER_BYTES + ": " + rolloverBytes);
            check(maxFiles >= 1 && maxFiles <= 1000, "maxFiles must be 1 to 1000: " + maxFiles);
            check(forceInterval != null && !forceInterval.isNegative()
                            && forceInterval.compareTo(Duration.ofHours(1)) <= 0,
                    "forceInterval must be 0 to 1 hour: " + forceInterval);
            check(zone != null, "zone must not be null");
            return new XmlLogSink(this);
        }
    }
}
