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
 * Turns JMH result files ({@code -rf json}, as run-jmh.sh writes them) into a Markdown table: per benchmark the
 * median of all measured iterations of all forks (sturdier than the mean on a shared machine), JMH's mean with
 * its 99.9% confidence interval, the range, the rate per second, and how many times faster than the Jackson
 * variant of the same benchmark class and parameters ({@code messageJackson} for {@code messageFast} and
 * {@code messageCachedPrefix}: the method whose name is the same first word followed by {@code Jackson}).
 * Several files (runs of the same suite) are summarised by the median of their medians and of their ratios.
 * Pure: it reads text and returns text. Not thread-safe.
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

        /** The median of all measured iterations of all forks (JMH's score if it kept none). */
        double median() {
            double m = JmhReport.median(samples);
            return Double.isNaN(m) ? score : m;
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

    /** Each run's rows, in the order of the files. */
    private final List<List<Row>> runs = new ArrayList<>();

    private JmhReport() {}

    /**
     * Reads JMH JSON result files, one per run of the same suite.
     *
     * @throws IOException if a file cannot be read
     * @throws IllegalArgumentException if no file is given, or one is not JMH's JSON
     */
    public static JmhReport read(List<Path> files) throws IOException {
        List<String> jsons = new ArrayList<>();
        for (Path file : files) {
            jsons.add(Files.readString(file, StandardCharsets.UTF_8));
        }
        return parse(jsons);
    }

    /** {@link #parse(List)} of one run. */
    public static JmhReport parse(String json) {
        return parse(List.of(json));
    }

    /**
     * Parses JMH's JSON of one or more runs: each an array with one object per benchmark and parameter set.
     *
     * @throws IllegalArgumentException if there is no run, or a text is not such an array
     */
    public static JmhReport parse(List<String> jsons) {
        if (jsons.isEmpty()) {
            throw new IllegalArgumentException("no JMH result");
        }
        JmhReport report = new JmhReport();
        for (String json : jsons) {
            report.runs.add(rows(json));
        }
        return report;
    }

    private static List<Row> rows(String json) {
        Object root;
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), json)) {
            p.nextToken();
            root = value(p);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (!(root instanceof List<?> entries)) {
            throw new IllegalArgumentException("not a JMH result: the top level is not an array");
        }
        List<Row> rows = new ArrayList<>();
        for (Object r : entries) {
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
            rows.add(new Row(name, params, String.valueOf(m.get("mode")), String.valueOf(metric.get("scoreUnit")),
                    number(metric.get("score")), number(metric.get("scoreError")), samples, run));
        }
        return rows;
    }

    /**
     * The table, preceded by a line on the JMH and JVM versions and settings of the first benchmark. For one
     * run: median, JMH's mean and confidence interval, range. For several: the median of the runs' medians,
     * each run's median, and the median of the runs' Jackson / this ratios (each run's own pair).
     */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        List<Row> first = runs.get(0);
        if (!first.isEmpty()) {
            Map<String, Object> f = first.get(0).run();
            b.append(runs.size() > 1 ? runs.size() + " runs of " : "")
                    .append("JMH ").append(f.get("jmhVersion")).append(", JDK ").append(f.get("jdkVersion"))
                    .append(" (").append(f.get("vmName")).append(' ').append(f.get("vmVersion")).append("), ")
                    .append(integer(f.get("forks"))).append(" fork(s) × ").append(integer(f.get("measurementIterations")))
                    .append(" × ").append(f.get("measurementTime")).append(" measured after ")
                    .append(integer(f.get("warmupIterations"))).append(" × ").append(f.get("warmupTime"))
                    .append(" of warm-up, JVM options ").append(f.get("jvmArgs")).append(".\n\n");
        }
        if (runs.size() == 1) {
            oneRun(b, first);
        } else {
            severalRuns(b);
        }
        return b.toString();
    }

    private static void oneRun(StringBuilder b, List<Row> rows) {
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
                    .append(perSecond(median)).append(" | ")
                    .append(fmtRatio(ratio(rows, r))).append(" |\n");
        }
    }

    private void severalRuns(StringBuilder b) {
        b.append("| Benchmark | Parameters | Median, ns/op | Medians per run | Per second (median) | Jackson / this | Per run |\n")
                .append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Row r : runs.get(0)) {
            List<Double> medians = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (List<Row> run : runs) {
                for (Row same : run) {
                    if (same.benchmark().equals(r.benchmark()) && same.params().equals(r.params())) {
                        medians.add(same.nanosPerOp(same.median()));
                        ratios.add(ratio(run, same));
                    }
                }
            }
            double median = median(medians);
            b.append("| ").append(r.className()).append('.').append(r.method()).append(" | ")
                    .append(params(r.params())).append(" | ")
                    .append(fmt(median)).append(" | ")
                    .append(String.join(", ", medians.stream().map(JmhReport::fmt).toList())).append(" | ")
                    .append(perSecond(median)).append(" | ")
                    .append(fmtRatio(median(ratios))).append(" | ")
                    .append(ratios.stream().allMatch(v -> Double.isNaN(v)) ? "–"
                            : String.join(", ", ratios.stream().map(JmhReport::fmtRatio).toList()))
                    .append(" |\n");
        }
    }

    /** How many times faster than the row's Jackson sibling in the same run (by medians); NaN if it has none. */
    private static double ratio(List<Row> rows, Row r) {
        String jackson = r.family() + "Jackson";
        for (Row other : rows) {
            if (other.method().equals(jackson) && other.className().equals(r.className())
                    && other.params().equals(r.params())) {
                return other.nanosPerOp(other.median()) / r.nanosPerOp(r.median());
            }
        }
        return Double.NaN;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().filter(v -> !Double.isNaN(v) && !Double.isInfinite(v)).sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String perSecond(double nanosPerOp) {
        return Double.isNaN(nanosPerOp) ? "–" : String.format(Locale.ROOT, "%,.0f", 1e9 / nanosPerOp);
    }

    private static String fmtRatio(double ratio) {
        return Double.isNaN(ratio) || Double.isInfinite(ratio) ? "–" : String.format(Locale.ROOT, "%.2f", ratio);
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
