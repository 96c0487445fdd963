package io.aurachat.names.icu;

import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import io.aurachat.protocol.NameRule;
import java.util.regex.Pattern;

/**
 * A {@link NameRule} from Unicode's confusables data (UTS #39, through ICU4J's {@link SpoofChecker}):
 *
 * <ul>
 *   <li>a name whose <em>skeleton</em> is that of a client id is refused: {@code с12} (Cyrillic es),
 *       {@code ｃ12}, {@code cl2} are all read as {@code c12};
 *   <li>names with the same skeleton count as the same name, so {@code Аlice} (Cyrillic A) is
 *       {@code name-taken} while {@code Alice} is connected, and so is {@code ALICE} (the skeleton is taken
 *       of the case-folded name).
 * </ul>
 *
 * <p>Names in any script stay allowed, mixed ones too: only a collision or an id look-alike is refused.
 * Thread-safe (a {@code SpoofChecker} is immutable once built). About 14 MB of ICU4J come with it, which is
 * why it is a module of its own and not part of the core.
 */
public final class ConfusableNameRule implements NameRule {
    private final SpoofChecker checker = new SpoofChecker.Builder().setChecks(SpoofChecker.CONFUSABLE).build();
    private final Normalizer2 foldCase = Normalizer2.getNFKCCasefoldInstance();
    /** The skeletons of everything shaped like an id: the skeleton of c or C, then those of digits. */
    private final Pattern idSkeleton;

    /** The rule, with ICU4J's bundled confusables data. */
    public ConfusableNameRule() {
        StringBuilder first = new StringBuilder();
        StringBuilder digits = new StringBuilder();
        for (String c : new String[] {"c", "C"}) {
            first.append(first.isEmpty() ? "" : "|").append(Pattern.quote(skeleton(c)));
        }
        for (char d = '0'; d <= '9'; d++) {
            digits.append(digits.isEmpty() ? "" : "|").append(Pattern.quote(skeleton(String.valueOf(d))));
        }
        this.idSkeleton = Pattern.compile("(?:" + first + ")(?:" + digits + ")+");
    }

    /** Decimal digits of every script as ASCII digits: {@code ١٢} is 12 (confusables do not map them all). */
    private static String asciiDigits(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (Character.isDigit(cp)) {
                b.append((char) ('0' + Character.digit(cp, 10)));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }

    private String skeleton(String name) {
        return checker.getSkeleton(name);
    }

    @Override
    public String problem(String name) {
        String folded = asciiDigits(foldCase.normalize(name));
        if (idSkeleton.matcher(skeleton(name)).matches() || idSkeleton.matcher(skeleton(folded)).matches()) {
            return "a name may not look like a client id";
        }
        return null;
    }

    /** The skeleton of the NFKC-case-folded name: confusable names share it. */
    @Override
    public String key(String name) {
        return skeleton(foldCase.normalize(name));
    }

    @Override
    public String toString() {
        return "confusable names (UTS #39, ICU4J)";
    }
}
