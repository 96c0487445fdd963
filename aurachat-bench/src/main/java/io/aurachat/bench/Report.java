package io.aurachat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Turns the JSON lines of a comparison (every workload against AuraChat and Redis) into a Markdown
 * table with the AuraChat / Redis ratio of each figure and the target. Pure: it reads lines
 * and returns text, so it is tested without servers. Not thread-safe.
 */
public final class Report {

    private static final JsonFactory JSON = new JsonFactory();

    /** One run, as read back: figure name to String, Long, Double or Boolean. */
    private record Run(Map<String, Object> fields) {
        String str(String key) {
            Object v = fields.get(key);
            return v == null ? "" : v.toString();
        }

        double num(String key) {
            return fields.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
        }

        boolean verified() {
            return Boolean.TRUE.equals(fields.get("verified"));
        }

        String group() {
            return str("workload") + "/" + str("clients") + "/" + str("window") + "/" + str("offeredRate")
                    + "/" + str("floodWindow");
        }
    }

    /** Workload group, then target, then its runs in the order they ran (one per round). */
    private final Map<String, Map<String, List<Run>>> groups = new LinkedHashMap<>();

    /**
     * Reads every non-blank line of {@code file}. Several runs of the same workload and target (rounds,
     * {@code BENCH_REPEAT}) are summarised by their medians; the ratio is the median of the per-round
     * ratios, the n-th AuraChat run paired with the n-th Redis run.
     */
    public static Report read(Path file) throws IOException {
        Report report = new Report();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                report.add(line);
            }
        }
        return report;
    }

    /**
     * Adds one JSON line written by {@link Result#toJson()}.
     *
     * @throws IllegalArgumentException if the line is not such an object
     */
    public Report add(String line) {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + line);
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (v) {
                    case VALUE_STRING -> fields.put(name, p.getString());
                    case VALUE_NUMBER_INT -> fields.put(name, p.getLongValue());
                    case VALUE_NUMBER_FLOAT -> fields.put(name, p.getDoubleValue());
                    case VALUE_TRUE, VALUE_FALSE -> fields.put(name, v == JsonToken.VALUE_TRUE);
                    case START_ARRAY -> {
                        List<String> items = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            items.add(p.getString());
                        }
                        fields.put(name, String.join("; ", items));
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new IllegalArgumentException("unexpected " + t + " in " + line);
            }
        } catch (tools.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("not a result line: " + line, e);
        }
        Run run = new Run(fields);
        groups.computeIfAbsent(run.group(), k -> new LinkedHashMap<>())
                .computeIfAbsent(run.str("target"), k -> new ArrayList<>()).add(run);
        return this;
    }

    /** The Markdown tables: figures with ratios and targets, then CPU use during each measuring window. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        String redisName = redisLabel();
        b.append("| Workload | Figure | AuraChat | ").append(redisName)
                .append(" | AuraChat / Redis | Target | Met |\n|---|---|---:|---:|---:|---|---|\n");
        for (Map<String, List<Run>> g : groups.values()) {
            List<Run> a = g.getOrDefault(Target.AURACHAT.wireName(), List.of());
            List<Run> r = g.getOrDefault(Target.REDIS.wireName(), List.of());
            Run any = a.isEmpty() ? r.get(0) : a.get(0);
            String workload = any.str("workload");
            int rounds = Math.max(a.size(), r.size());
            String title = title(any) + (rounds > 1 ? " (median of " + rounds + " runs)" : "");
            switch (workload) {
                case "direct" -> row(b, title, "messages/s", a, r, "messagesPerSecond", 1, Goal.HIGHER, "≥ 1.0");
                case "fanout" -> row(b, title, "deliveries/s", a, r, "deliveriesPerSecond", 1, Goal.HIGHER, "≥ 1.0");
                case "latency" -> {
                    row(b, title, "p99 latency, µs", a, r, "p99Micros", 1, Goal.LOWER, "≤ 1.0");
                    row(b, "", "p50 latency, µs", a, r, "p50Micros", 1, Goal.NONE, "");
                    row(b, "", "p99.9 latency, µs", a, r, "p999Micros", 1, Goal.NONE, "");
                    row(b, "", "delivered/s", a, r, "messagesPerSecond", 1, Goal.NONE, "");
                    row(b, "", "generator's pacer lag p99, µs", a, r, "pacerLagP99Micros", 1, Goal.NONE, "");
                }
                case "flood" -> {
                    row(b, title, "others' p99 latency, µs", a, r, "p99Micros", 1, Goal.LOWER, "≤ 1.0");
                    row(b, "", "flooder's messages/s", a, r, "floodMessagesPerSecond", 1, Goal.HIGHER, "≥ 1.0");
                    row(b, "", "others' p50 latency, µs", a, r, "p50Micros", 1, Goal.NONE, "");
                    row(b, "", "others' p99.9 latency, µs", a, r, "p999Micros", 1, Goal.NONE, "");
                    row(b, "", "others' delivered/s", a, r, "messagesPerSecond", 1, Goal.NONE, "");
                    row(b, "", "generator's pacer lag p99, µs", a, r, "pacerLagP99Micros", 1, Goal.NONE, "");
                }
                case "idle" -> {
                    row(b, title, "RSS per connection, KiB (cold)", a, r, "bytesPerConnectionCold", 1024, Goal.KIB4, "≤ 4 KiB");
                    row(b, "", "RSS per connection, KiB (warm, see README)", a, r, "bytesPerConnectionWarm", 1024, Goal.NONE, "");
                    row(b, "", "connects/s (cold)", a, r, "connectsPerSecondCold", 1, Goal.NONE, "");
                    row(b, "", "connects/s (warm)", a, r, "connectsPerSecondWarm", 1, Goal.NONE, "");
                }
                default -> row(b, title, "?", a, r, "none", 1, Goal.NONE, "");
            }
        }
        b.append("\nCPU during each measuring window, in cores (this machine has ")
                .append(Runtime.getRuntime().availableProcessors()).append("):\n\n")
                .append("| Workload | Target | Server | Generator event loops | Generator process |\n|---|---|---:|---:|---:|\n");
        for (Map<String, List<Run>> g : groups.values()) {
            for (Run run : g.values().stream().flatMap(List::stream).toList()) {
                // idle has no measuring window: its CPU figures cover the cold connect round
                String suffix = run.str("workload").equals("idle") ? "ConnectingCold" : "";
                if (Double.isNaN(run.num("generatorLoopCpuCores" + suffix))) {
                    continue;
                }
                b.append("| ").append(title(run)).append(suffix.isEmpty() ? "" : " (while connecting, cold)")
                        .append(" | ").append(run.str("target")).append(" | ")
                        .append(fmt(run.num("serverCpuCores" + suffix), 2)).append(" | ")
                        .append(fmt(run.num("generatorLoopCpuCores" + suffix), 2)).append(" | ")
                        .append(fmt(run.num("generatorProcessCpuCores"), 2)).append(" |\n");
            }
        }
        List<String> invalid = new ArrayList<>();
        for (Map<String, List<Run>> g : groups.values()) {
            for (Run run : g.values().stream().flatMap(List::stream).toList()) {
                if (!run.verified()) {
                    invalid.add(title(run) + " / " + run.str("target") + ": " + run.str("failures"));
                }
            }
        }
        if (!invalid.isEmpty()) {
            b.append("\n**Runs that failed their correctness checks (their figures are not valid):**\n\n");
            invalid.forEach(s -> b.append("- ").append(s).append('\n'));
        }
        return b.toString();
    }

    private String redisLabel() {
        for (Map<String, List<Run>> g : groups.values()) {
            for (Run r : g.getOrDefault(Target.REDIS.wireName(), List.of())) {
                if (!r.str("targetLabel").isEmpty()) {
                    return r.str("targetLabel");
                }
            }
        }
        return "Redis";
    }

    private static String title(Run run) {
        String n = String.format(Locale.ROOT, "%,d", (long) run.num("clients"));
        return switch (run.str("workload")) {
            case "direct" -> "direct, " + n + " clients, window " + run.str("window");
            case "fanout" -> "fan-out 1 → " + n + ", window " + run.str("window");
            case "latency" -> "latency, " + n + " clients, "
                    + String.format(Locale.ROOT, "%,d", (long) run.num("offeredRate")) + " msg/s offered";
            case "flood" -> "flood, " + n + " clients, "
                    + String.format(Locale.ROOT, "%,d", (long) run.num("offeredRate")) + " msg/s offered, 1 flooder, window "
                    + String.format(Locale.ROOT, "%,d", (long) run.num("floodWindow"));
            case "idle" -> "idle, " + n + " connections";
            default -> run.str("workload");
        };
    }

    private enum Goal { HIGHER, LOWER, KIB4, NONE }

    private static void row(StringBuilder b, String title, String figure, List<Run> a, List<Run> r, String key,
            double unit, Goal goal, String target) {
        double av = median(a, key, unit);
        double rv = median(r, key, unit);
        // a ratio to (or of) a figure at or below zero means nothing: e.g. Redis's warm memory growth is about 0
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), r.size()); i++) {
            double x = a.get(i).num(key);
            double y = r.get(i).num(key);
            if (a.get(i).verified() && r.get(i).verified() && x > 0 && y > 0) {
                ratios.add(x / y);
            }
        }
        double ratio = median(ratios);
        String met = switch (goal) {
            case HIGHER -> Double.isNaN(ratio) ? "?" : ratio >= 1.0 ? "yes" : "no";
            case LOWER -> Double.isNaN(ratio) ? "?" : ratio <= 1.0 ? "yes" : "no";
            case KIB4 -> Double.isNaN(av) ? "?" : av <= 4.0 ? "yes" : "no";
            case NONE -> "";
        };
        int decimals = unit > 1 || Math.abs(av) < 100 ? 1 : 0;
        b.append("| ").append(title).append(" | ").append(figure).append(" | ")
                .append(cell(a, av, decimals)).append(" | ").append(cell(r, rv, decimals)).append(" | ")
                .append(fmt(ratio, 2)).append(" | ").append(target).append(" | ").append(met).append(" |\n");
    }

    /** The median of the verified runs' figure, or of all runs' if none is verified (then marked INVALID). */
    private static double median(List<Run> runs, String key, double unit) {
        List<Run> valid = runs.stream().filter(Run::verified).toList();
        return median((valid.isEmpty() ? runs : valid).stream().map(run -> run.num(key) / unit).toList());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().filter(v -> !Double.isNaN(v)).sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String cell(List<Run> runs, double value, int decimals) {
        if (runs.isEmpty()) {
            return "–";
        }
        long invalid = runs.stream().filter(run -> !run.verified()).count();
        String mark = invalid == 0 ? "" : invalid == runs.size() ? " (INVALID)" : " (" + invalid + " of " + runs.size() + " runs INVALID)";
        return fmt(value, decimals) + mark;
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
