/**
 * Server certificates ({@link io.aurachat.bouncycastle.ServerIdentity}) and Argon2id password hashing ({@link
 * io.aurachat.bouncycastle.Argon2idHasher}) on BouncyCastle; the PHC string codec and the PEM file handling are
 * package-private beside them.
 */
package io.aurachat.bouncycastle;
