package io.aurachat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Turns a JMH result file ({@code -rf json}, as run-jmh.sh writes it) into a Markdown table: per benchmark the
 * median of all measured iterations of all forks (sturdier than the mean on a shared machine), JMH's mean with
 * its 99.9% confidence interval, the range, the rate per second, and how many times faster than the Jackson
 * variant of the same benchmark class and parameters ({@code messageJackson} for {@code messageFast} and
 * {@code messageCachedPrefix}: the method whose name is the same first word followed by {@code Jackson}). Pure:
 * it reads text and returns text. Not thread-safe.
 */
public final class JmhReport {

    private static final JsonFactory JSON = new JsonFactory();

    /** One benchmark with one set of parameters. */
    private record Row(String benchmark, Map<String, String> params, String mode, String unit, double score,
            double error, List<Double> samples, Map<String, Object> run) {

        String className() {
            String name = benchmark.substring(0, benchmark.lastIndexOf('.'));
            return name.substring(name.lastIndexOf('.') + 1);
        }

        String method() {
            return benchmark.substring(benchmark.lastIndexOf('.') + 1);
        }

        /** The method name up to its first capital: the family that its Jackson variant belongs to. */
        String family() {
            String m = method();
            int i = 0;
            while (i < m.length() && !Character.isUpperCase(m.charAt(i))) {
                i++;
            }
            return m.substring(0, i);
        }

        double median() {
            List<Double> sorted = samples.stream().filter(v -> !Double.isNaN(v)).sorted().toList();
            int n = sorted.size();
            if (n == 0) {
                return score;
            }
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        /** Nanoseconds per operation of a figure in this row's unit, or NaN for a unit that is not a rate or a time. */
        double nanosPerOp(double value) {
            String[] parts = unit.split("/");
            if (parts.length != 2) {
                return Double.NaN;
            }
            if (parts[1].equals("op")) {
                return value * nanos(parts[0]);
            }
            if (parts[0].equals("ops")) {
                return nanos(parts[1]) / value;
            }
            return Double.NaN;
        }

        private static double nanos(String timeUnit) {
            return switch (timeUnit) {
                case "ns" -> 1;
                case "us" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "min" -> 60e9;
                default -> Double.NaN;
            };
        }
    }

    private final List<Row> rows = new ArrayList<>();

    private JmhReport() {}

    /**
     * Reads a JMH JSON result file.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not JMH's JSON
     */
    public static JmhReport read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses JMH's JSON: an array with one object per benchmark and parameter set.
     *
     * @throws IllegalArgumentException if the text is not such an array
     */
    public static JmhReport parse(String json) {
        JmhReport report = new JmhReport();
        Object root;
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), json)) {
            p.nextToken();
            root = value(p);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (!(root instanceof List<?> runs)) {
            throw new IllegalArgumentException("not a JMH result: the top level is not an array");
        }
        for (Object r : runs) {
            if (!(r instanceof Map<?, ?> m) || !(m.get("benchmark") instanceof String name)
                    || !(m.get("primaryMetric") instanceof Map<?, ?> metric)) {
                throw new IllegalArgumentException("not a JMH result entry: " + r);
            }
            Map<String, String> params = new LinkedHashMap<>();
            if (m.get("params") instanceof Map<?, ?> ps) {
                ps.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
            }
            List<Double> samples = new ArrayList<>();
            if (metric.get("rawData") instanceof List<?> forks) {
                for (Object fork : forks) {
                    if (fork instanceof List<?> iterations) {
                        iterations.forEach(v -> samples.add(number(v)));
                    }
                }
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> run = (Map<String, Object>) m;
            report.rows.add(new Row(name, params, String.valueOf(m.get("mode")), String.valueOf(metric.get("scoreUnit")),
                    number(metric.get("score")), number(metric.get("scoreError")), samples, run));
        }
        return report;
    }

    /** The table, preceded by a line on the JMH and JVM versions and settings of the first benchmark. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        if (!rows.isEmpty()) {
            Map<String, Object> first = rows.get(0).run();
            b.append("JMH ").append(first.get("jmhVersion")).append(", JDK ").append(first.get("jdkVersion"))
                    .append(" (").append(first.get("vmName")).append(' ').append(first.get("vmVersion")).append("), ")
                    .append(integer(first.get("forks"))).append(" fork(s) × ").append(integer(first.get("measurementIterations")))
                    .append(" × ").append(first.get("measurementTime")).append(" measured after ")
                    .append(integer(first.get("warmupIterations"))).append(" × ").append(first.get("warmupTime"))
                    .append(" of warm-up, JVM options ").append(first.get("jvmArgs")).append(".\n\n");
        }
        b.append("| Benchmark | Parameters | Median, ns/op | Mean ± 99.9% CI (JMH) | Range | Per second (median) | Jackson / this |\n")
                .append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            double median = r.nanosPerOp(r.median());
            double min = Double.NaN;
            double max = Double.NaN;
            for (double s : r.samples()) {
                double ns = r.nanosPerOp(s);
                min = Double.isNaN(min) || ns < min ? ns : min;
                max = Double.isNaN(max) || ns > max ? ns : max;
            }
            b.append("| ").append(r.className()).append('.').append(r.method()).append(" | ")
                    .append(params(r.params())).append(" | ")
                    .append(fmt(median)).append(" | ")
                    .append(fmt(r.score())).append(" ± ").append(fmt(r.error())).append(' ').append(r.unit()).append(" | ")
                    .append(fmt(min)).append("–").append(fmt(max)).append(" | ")
                    .append(Double.isNaN(median) ? "–" : String.format(Locale.ROOT, "%,.0f", 1e9 / median)).append(" | ")
                    .append(ratio(r)).append(" |\n");
        }
        return b.toString();
    }

    /** How many times faster than the row's Jackson sibling (by medians), "–" if it has none. */
    private String ratio(Row r) {
        String jackson = r.family() + "Jackson";
        for (Row other : rows) {
            if (other.method().equals(jackson) && other.className().equals(r.className())
                    && other.params().equals(r.params())) {
                double ratio = other.nanosPerOp(other.median()) / r.nanosPerOp(r.median());
                return Double.isNaN(ratio) || Double.isInfinite(ratio) ? "–" : String.format(Locale.ROOT, "%.2f", ratio);
            }
        }
        return "–";
    }

    private static String params(Map<String, String> params) {
        List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(", ", parts);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%,.0f", v);
    }

    private static String integer(Object v) {
        double d = number(v);
        return Double.isNaN(d) ? "?" : Long.toString((long) d);
    }

    /** A JSON number; JMH writes NaN (an error from one iteration) as the string "NaN". */
    private static double number(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** The value at the parser's current token: Map, List, String, Double, Boolean or null. */
    private static Object value(JsonParser p) {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IllegalArgumentException("empty input");
        }
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalArgumentException("unexpected " + t);
        };
    }
}
