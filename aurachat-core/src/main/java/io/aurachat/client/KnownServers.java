package io.aurachat.client;

import io.aurachat.protocol.Fingerprint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@code known_servers} file, like SSH's {@code known_hosts}: one line per server, {@code host:port fingerprint}
 * ({@code [v6-address]:port} for IPv6), where the fingerprint is the SHA-256 of the server's certificate in 64
 * lower-case hex digits. Blank lines and lines starting with {@code #} are ignored. The user edits it with any
 * editor; to trust a server's new certificate, delete its line.
 *
 * <p>Bounded: a file over {@link #MAX_BYTES} is refused rather than read. Thread-safe within one JVM (a lock); two
 * programs appending at once each write whole lines.
 */
public final class KnownServers {
    /** The largest file read: 1 MiB (some 12,000 servers). */
    public static final long MAX_BYTES = 1 << 20;

    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();

    /** The file at {@code file}; it need not exist yet. */
    public KnownServers(Path file) {
        this.file = file;
    }

    /** {@code ~/.aurachat/known_servers}. */
    public static Path defaultFile() {
        return Path.of(System.getProperty("user.home"), ".aurachat", "known_servers");
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** How a server is written in the file: {@code host:port}, {@code [v6]:port}. */
    public static String key(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The fingerprint remembered for {@code server} ({@link #key}).
     *
     * @throws UncheckedIOException if the file cannot be read or is too big
     */
    public Optional<Fingerprint> lookup(String server) {
        lock.lock();
        try {
            return Optional.ofNullable(read().get(server));
        } finally {
            lock.unlock();
        }
    }

    /** Every server remembered, in file order (the first line for a server counts). */
    public Map<String, Fingerprint> entries() {
        lock.lock();
        try {
            return read();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Checks {@code presented} against the line for {@code server}, or adds a line if there is none.
     *
     * @return {@code true} if it was not known and has been remembered now
     * @throws UntrustedServerException if the file remembers another fingerprint for it
     */
    boolean checkOrRemember(String server, Fingerprint presented) throws UntrustedServerException {
        lock.lock();
        try {
            Fingerprint known = read().get(server);
            if (known != null) {
                if (!known.equals(presented)) {
                    throw new UntrustedServerException(server, known, presented, file);
                }
                return false;
            }
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.writeString(file, server + " " + presented.hex() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            return true;
        } catch (UntrustedServerException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file, e);
        } finally {
            lock.unlock();
        }
    }

    private Map<String, Fingerprint> read() {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new UncheckedIOException(new IOException(file + " is over " + MAX_BYTES + " bytes"));
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new LinkedHashMap<>();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, Fingerprint> entries = new LinkedHashMap<>();
        for (String line : lines) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split("\\s+");
            if (parts.length < 2) {
                continue;
            }
            try {
                entries.putIfAbsent(parts[0], Fingerprint.parse(parts[1]));
            } catch (IllegalArgumentException e) {
                // A line that is not ours: left alone, as SSH does with lines it cannot read.
            }
        }
        return entries;
    }

    @Override
    public String toString() {
        return "KnownServers[" + file + "]";
    }
}
