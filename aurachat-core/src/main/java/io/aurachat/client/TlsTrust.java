package io.aurachat.client;

import io.aurachat.protocol.Fingerprint;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link ChatClient} decides whether to trust a server's TLS certificate. AuraChat servers have no certificate
 * authority: a server is known by the SHA-256 fingerprint of its certificate, as an SSH server by its host key.
 *
 * <ul>
 *   <li>{@link #knownServers(Path)}: trust on first use. The first certificate a server presents is remembered in
 *       a {@code known_servers} file; later connections must present the same one, and a different one is refused
 *       with {@link UntrustedServerException} (showing both fingerprints) until the user removes the old line.
 *   <li>{@link #pinned(Fingerprint)}: only a certificate with this fingerprint is accepted (given on the command
 *       line, read off the server's console); nothing is remembered.
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class TlsTrust {
    private final KnownServers knownServers;
    private final Fingerprint pinned;

    private TlsTrust(KnownServers knownServers, Fingerprint pinned) {
        this.knownServers = knownServers;
        this.pinned = pinned;
    }

    /** Trust on first use, remembered in {@code file} (made, with its directory, on first use). */
    public static TlsTrust knownServers(Path file) {
        return new TlsTrust(new KnownServers(Objects.requireNonNull(file, "file")), null);
    }

    /** Trust on first use, remembered in {@link KnownServers#defaultFile()}. */
    public static TlsTrust knownServers() {
        return knownServers(KnownServers.defaultFile());
    }

    /** Only the certificate with this fingerprint. */
    public static TlsTrust pinned(Fingerprint fingerprint) {
        return new TlsTrust(null, Objects.requireNonNull(fingerprint, "fingerprint"));
    }

    /** The known-servers file, or {@code null} when pinned. */
    public KnownServers knownServersFile() {
        return knownServers;
    }

    /** The pinned fingerprint, or {@code null} for trust on first use. */
    public Fingerprint pinnedFingerprint() {
        return pinned;
    }

    /**
     * Decides on the certificate {@code presented} by the server known as {@code server} ({@code host:port}).
     *
     * @return whether it was seen for the first time (and is now remembered)
     * @throws UntrustedServerException if it is not the one pinned or remembered
     */
    boolean check(String server, Fingerprint presented) throws UntrustedServerException {
        if (pinned != null) {
            if (!pinned.equals(presented)) {
                throw new UntrustedServerException(server, pinned, presented, null);
            }
            return false;
        }
        return knownServers.checkOrRemember(server, presented);
    }

    @Override
    public String toString() {
        return pinned != null ? "TlsTrust[pinned " + pinned + "]" : "TlsTrust[" + knownServers.file() + "]";
    }
}
