/**
 * What an AuraChat server needs from BouncyCastle: X.509 server certificates for its TLS port (made self-signed on
 * first start, or a user's PEM files) and an Argon2id {@link io.aurachat.accounts.PasswordHasher}. The API shows
 * only JDK types, so BouncyCastle is not read by callers ({@code requires}, not {@code requires transitive}); it
 * registers no JCA provider. docs/bouncycastle.md says how to use it.
 */
module io.aurachat.bouncycastle {
    requires transitive io.aurachat.core;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires org.slf4j;

    exports io.aurachat.bouncycastle;
}
