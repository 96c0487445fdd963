package io.aurachat.accounts;

import java.time.Instant;
import java.util.Objects;

/**
 * One registered account, as an {@link AccountStore} keeps it.
 *
 * @param name the name as it was registered ({@code Mario}): the display name of every device logged into it
 * @param key the name folded as the server folds display names for uniqueness (its {@link
 *     io.aurachat.protocol.NameRule#key}; {@code mario} with the standard rule): what identifies the account, what
 *     the store looks it up by and what the audit log records; client objects show {@code name} as {@code "account"}
 * @param passwordHash the password's encoded hash ({@link PasswordHasher#hash}); never the password
 * @param created when it was registered
 */
public record Account(String name, String key, String passwordHash, Instant created) {

    /** Checks that no component is {@code null} or empty. */
    public Account {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(created, "created");
        if (name.isEmpty() || key.isEmpty() || passwordHash.isEmpty()) {
            throw new IllegalArgumentException("an account's name, key and hash are not empty");
        }
    }

    /** A copy with another password hash. */
    public Account withPasswordHash(String hash) {
        return new Account(name, key, hash, created);
    }

    /** Says which account, never its hash. */
    @Override
    public String toString() {
        return "Account[" + name + " (" + key + "), created " + created + "]";
    }
}
