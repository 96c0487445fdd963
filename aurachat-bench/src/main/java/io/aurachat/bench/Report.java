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
            return str("workload") + "/" + str("clients") + "/" + str("window") + "/" + str("offeredRate");
        }
    }

    private final Map<String, Map<String, Run>> groups = new LinkedHashMap<>();

    /** Reads every non-blank line of {@code file}; a later run of the same workload and target replaces an earlier one. */
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
        groups.computeIfAbsent(run.group(), k -> new LinkedHashMap<>()).put(run.str("target"), run);
        return this;
    }

    /** The Markdown tables: figures with ratios and targets, then CPU use during each measuring window. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        String redisName = redisLabel();
        b.append("| Workload | Figure | AuraChat | ").append(redisName)
                .append(" | AuraChat / Redis | Target | Met |\n|---|---|---:|---:|---:|---|---|\n");
        for (Map<String, Run> g : groups.values()) {
            Run a = g.get(Target.AURACHAT.wireName());
            Run r = g.get(Target.REDIS.wireName());
            Run any = a != null ? a : r;
            String workload = any.str("workload");
            String title = title(any);
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
        for (Map<String, Run> g : groups.values()) {
            for (Run run : g.values()) {
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
        for (Map<String, Run> g : groups.values()) {
            for (Run run : g.values()) {
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
        for (Map<String, Run> g : groups.values()) {
            Run r = g.get(Target.REDIS.wireName());
            if (r != null && !r.str("targetLabel").isEmpty()) {
                return r.str("targetLabel");
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
            case "idle" -> "idle, " + n + " connections";
            default -> run.str("workload");
        };
    }

    private enum Goal { HIGHER, LOWER, KIB4, NONE }

    private static void row(StringBuilder b, String title, String figure, Run a, Run r, String key, double unit,
            Goal goal, String target) {
        double av = a == null ? Double.NaN : a.num(key) / unit;
        double rv = r == null ? Double.NaN : r.num(key) / unit;
        // a ratio to (or of) a figure at or below zero means nothing: e.g. Redis's warm memory growth is about 0
        double ratio = av > 0 && rv > 0 ? av / rv : Double.NaN;
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

    private static String cell(Run run, double value, int decimals) {
        if (run == null) {
            return "–";
        }
        return fmt(value, decimals) + (run.verified() ? "" : " (INVALID)");
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
