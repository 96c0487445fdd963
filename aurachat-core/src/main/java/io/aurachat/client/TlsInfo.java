package io.aurachat.client;

import io.aurachat.protocol.Fingerprint;

/**
 * What a {@link ChatClient}'s current connection knows of the server's TLS.
 *
 * @param fingerprint the SHA-256 fingerprint of the certificate the server presented
 * @param firstContact whether this connection met the server for the first time, so that its fingerprint was
 *     remembered now (trust on first use): worth showing the user, who can compare it with the server's console
 * @param protocol the protocol version negotiated, e.g. {@code TLSv1.3}
 * @param cipherSuite the cipher suite negotiated
 */
public record TlsInfo(Fingerprint fingerprint, boolean firstContact, String protocol, String cipherSuite) {}
