package io.aurachat.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one run, in the order they were added: written as one JSON line (for the report
 * and for people's scripts) and as a short human-readable block. Not thread-safe.
 */
public final class Result {

    private final Map<String, Object> fields = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    /** Adds or replaces a figure; {@code value} is a String, a Number or a Boolean. */
    public Result put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    /** Records why the run is not valid; a run with any failure is not {@link #verified()}. */
    public Result fail(String why) {
        failures.add(why);
        return this;
    }

    /** Whether every correctness check passed (no loss, right recipients, no errors). */
    public boolean verified() {
        return failures.isEmpty();
    }

    /** What went wrong, in order; empty when {@link #verified()}. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** A figure, or {@code null}. */
    public Object get(String key) {
        return fields.get(key);
    }

    /** A numeric figure as a long. */
    public long getLong(String key) {
        Object v = fields.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("no numeric figure " + key + " in " + fields.keySet());
        }
        return n.longValue();
    }

    /** One line of JSON, without its line break. */
    public String toJson() {
        StringBuilder b = new StringBuilder(512).append('{');
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            string(b, e.getKey()).append(':');
            value(b, e.getValue()).append(',');
        }
        string(b, "verified").append(':').append(verified()).append(',');
        string(b, "failures").append(":[");
        for (int i = 0; i < failures.size(); i++) {
            string(b, failures.get(i)).append(i + 1 < failures.size() ? "," : "");
        }
        return b.append("]}").toString();
    }

    private static StringBuilder value(StringBuilder b, Object v) {
        if (v instanceof Double d) {
            return b.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null");
        }
        if (v instanceof Number || v instanceof Boolean) {
            return b.append(v);
        }
        return string(b, String.valueOf(v));
    }

    private static StringBuilder string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    /** A few aligned lines for people: every figure, then the verdict. */
    public String toTable() {
        StringBuilder b = new StringBuilder();
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(8);
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object v = e.getValue();
            String text = v instanceof Double d ? String.format(Locale.ROOT, "%,.1f", d)
                    : v instanceof Long || v instanceof Integer ? String.format(Locale.ROOT, "%,d", v) : String.valueOf(v);
            b.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", e.getKey(), text));
        }
        b.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", "verified",
                verified() ? "yes (no loss, right recipients, no errors)" : "NO"));
        for (String f : failures) {
            b.append("    - ").append(f).append(System.lineSeparator());
        }
        return b.toString();
    }
}
