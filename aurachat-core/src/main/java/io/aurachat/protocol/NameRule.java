package io.aurachat.protocol;

import java.text.Normalizer;
import java.util.Locale;

/**
 * A server's own rule for display names, on top of the rules every server applies (PROTOCOL.md,
 * <em>Names</em>): which names it refuses, and when two names count as the same one.
 *
 * <p>The built-in rules already refuse names that are too long, that start or end with a space, that hold
 * control or formatting characters, that render blank, or that look like a client id once compatibility
 * characters are folded (NFKC: {@code c１２} is {@code c12}). What they do not know is which letters of
 * different scripts look alike ({@code с12} with a Cyrillic es): that takes Unicode's confusables data
 * (UTS #39), which is too big for the core module. The {@code aurachat-names-icu} module has a rule built
 * on ICU4J's {@code SpoofChecker}, and the reference server uses it.
 *
 * <p>Implementations must be thread-safe and fast (they run on an I/O thread for every {@code NAME}).
 */
public interface NameRule {

    /**
     * Why {@code name} is refused, or {@code null} if this rule accepts it. Called only for names that
     * passed the built-in rules.
     */
    String problem(String name);

    /**
     * The key that decides uniqueness: two connected clients cannot hold names with the same key. The
     * standard key folds compatibility characters and case.
     */
    default String key(String name) {
        return standardKey(name);
    }

    /** The built-in rules alone, with the standard key. */
    static NameRule standard() {
        return Standard.INSTANCE;
    }

    /** NFKC, then lower case (ROOT): {@code Ｍario}, {@code mario} and {@code MARIO} share a key. */
    static String standardKey(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** The standard rule: nothing beyond the built-in rules. */
    enum Standard implements NameRule {
        INSTANCE;

        @Override
        public String problem(String name) {
            return null;
        }

        @Override
        public String toString() {
            return "the standard name rules";
        }
    }
}
