package io.aurachat.client;

import io.aurachat.protocol.Fingerprint;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The server presented a TLS certificate other than the one this client trusts for it: the one remembered in its
 * {@code known_servers} file, or the one pinned. The connection was closed before anything was sent. Either someone
 * is between the client and the server, or the server has a new certificate; only the user can tell, so the client
 * does not reconnect ({@link TlsTrust}).
 */
public final class UntrustedServerException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String server;
    private final transient Fingerprint expected;
    private final transient Fingerprint presented;
    private final transient Path knownServersFile;

    UntrustedServerException(String server, Fingerprint expected, Fingerprint presented, Path knownServersFile) {
        super(message(server, expected, presented, knownServersFile));
        this.server = server;
        this.expected = expected;
        this.presented = presented;
        this.knownServersFile = knownServersFile;
    }

    private static String message(String server, Fingerprint expected, Fingerprint presented, Path file) {
        String how = file != null ? "remembered" : "pinned";
        String fix = file != null
                ? "If the server really has a new certificate, remove the line for " + server + " from " + file
                        + " and connect again."
                : "Check the fingerprint the server's owner gave you.";
        return "THE TLS CERTIFICATE OF " + server + " IS NOT THE ONE " + (file != null ? "REMEMBERED" : "PINNED")
                + ". Someone may be intercepting the connection.\n"
                + "  " + how + ":  SHA256 " + expected.display() + "\n"
                + "  presented:   SHA256 " + presented.display() + "\n"
                + fix;
    }

    /** The server as the client knows it: {@code host:port} ({@code [v6]:port}). */
    public String server() {
        return server;
    }

    /** The fingerprint the client trusts for it. */
    public Fingerprint expected() {
        return expected;
    }

    /** The fingerprint of the certificate it presented. */
    public Fingerprint presented() {
        return presented;
    }

    /** The known-servers file that holds {@link #expected()}, or {@code null} if it was pinned. */
    public Path knownServersFile() {
        return knownServersFile;
    }
}
