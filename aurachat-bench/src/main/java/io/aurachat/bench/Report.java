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
 * Turns the JSON lines of a comparison (every workload against each server configuration: AuraChat as shipped,
 * the AuraChat engine alone, Redis) into Markdown tables: each configuration's figure, the ratio of each AuraChat
 * column to Redis, the target and whether each AuraChat column meets it; then CPU use during each
 * measuring window. Pure: it reads lines and returns text, so it is tested without servers. Not thread-safe.
 */
public final class Report {

    private static final JsonFactory JSON = new JsonFactory();
    private static final String CPU_PER_DELIVERY = "serverCpuMicrosPerDelivery";
    private static final String TLS_SUFFIX = "-tls";

    /** One run, as read back: figure name to String, Long, Double or Boolean. */
    private record Run(Map<String, Object> fields) {
        String str(String key) {
            Object v = fields.get(key);
            return v == null ? "" : v.toString();
        }

        double num(String key) {
            if (fields.get(key) instanceof Number n) {
                return n.doubleValue();
            }
            if (key.equals(CPU_PER_DELIVERY)) { // lines written before the generator computed it
                double rate = num(str("workload").equals("fanout") ? "deliveriesPerSecond" : "messagesPerSecond")
                        + (fields.containsKey("floodMessagesPerSecond") ? num("floodMessagesPerSecond") : 0);
                return num("serverCpuCores") * 1e6 / rate;
            }
            return Double.NaN;
        }

        boolean verified() {
            return Boolean.TRUE.equals(fields.get("verified"));
        }

        /**
         * The report's column: the server's configuration ({@code shipped}, {@code engine}), else its target; with
         * {@code -tls} after it for a run over TLS ({@code engine-tls}).
         */
        String setup() {
            String setup = str("setup");
            setup = setup.isEmpty() ? str("target") : setup;
            return tls() && !setup.endsWith(TLS_SUFFIX) ? setup + TLS_SUFFIX : setup;
        }

        /** Whether the generator's connections did TLS (lines from before TLS have no such figure: plain). */
        boolean tls() {
            return Boolean.TRUE.equals(fields.get("tls"));
        }

        boolean redis() {
            return str("target").equals(Target.REDIS.wireName());
        }

        String group() {
            return str("workload") + "/" + str("clients") + "/" + str("window") + "/" + str("offeredRate")
                    + "/" + str("floodWindow") + "/" + str("named");
        }
    }

    /** Workload group, then setup, then its runs in the order they ran (one per round). */
    private final Map<String, Map<String, List<Run>>> groups = new LinkedHashMap<>();
    /** Every setup, in the order first seen, and whether it is a Redis one. */
    private final Map<String, Boolean> setups = new LinkedHashMap<>();
    private String redisLabel = "";
    /** Every run, in the order added. */
    private final List<Run> all = new ArrayList<>();

    /**
     * Reads every non-blank line of {@code file}. Several runs of the same workload and setup (rounds,
     * {@code BENCH_REPEAT}) are summarised by their medians; a ratio is the median of the per-round
     * ratios, the n-th run of an AuraChat setup paired with the n-th Redis run.
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
        return add(new Run(fields));
    }

    private Report add(Run run) {
        all.add(run);
        groups.computeIfAbsent(run.group(), k -> new LinkedHashMap<>())
                .computeIfAbsent(run.setup(), k -> new ArrayList<>()).add(run);
        setups.putIfAbsent(run.setup(), run.redis());
        if (run.redis() && redisLabel.isEmpty()) {
            redisLabel = run.str("targetLabel");
        }
        return this;
    }

    /** The Redis setup every AuraChat column is compared with (the first seen), or {@code null}. */
    private String reference() {
        return setups.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** The shipped server with its audit log off (run-bench.sh's target {@code nolog}): what the log costs. */
    static final String NO_LOG = "shipped-nolog";

    /** The setups compared with the reference: shipped, shipped-nolog, engine, aurachat, then any other. */
    private List<String> compared() {
        String reference = reference();
        return setups.keySet().stream().filter(k -> !k.equals(reference))
                .sorted(java.util.Comparator.comparingInt(Report::rank)).toList();
    }

    private static int rank(String setup) {
        return switch (base(setup)) {
            case "shipped" -> 0;
            case NO_LOG -> 1;
            case "engine" -> 2;
            case "aurachat" -> 3;
            default -> 4;
        };
    }

    /** A setup without its {@code -tls}: the server's configuration. */
    private static String base(String setup) {
        return setup.endsWith(TLS_SUFFIX) ? setup.substring(0, setup.length() - TLS_SUFFIX.length()) : setup;
    }

    /** A setup's column heading. */
    private String heading(String setup) {
        String tls = setup.endsWith(TLS_SUFFIX) ? " over TLS" : "";
        if (setup.equals(reference()) || Boolean.TRUE.equals(setups.get(setup))) {
            return (redisLabel.isEmpty() ? "Redis" : redisLabel) + tls;
        }
        return switch (base(setup)) {
            case "shipped" -> "AuraChat as shipped";
            case NO_LOG -> "As shipped, --no-audit-log";
            case "engine" -> "AuraChat engine";
            case "aurachat" -> "AuraChat";
            default -> base(setup);
        } + tls;
    }

    /** A compared setup's short name, in its ratio and Met headings. */
    private static String shortName(String setup) {
        return setup.equals("aurachat") ? "AuraChat" : setup.equals("aurachat-tls") ? "AuraChat-TLS" : setup;
    }

    /** The reference's short name in the ratio headings. */
    private String referenceName() {
        String reference = reference();
        return reference != null && reference.endsWith(TLS_SUFFIX) ? "Redis-TLS" : "Redis";
    }

    /** The runs for which {@code keep} holds, as a report of their own. */
    private Report subset(java.util.function.Predicate<Run> keep) {
        Report r = new Report();
        all.stream().filter(keep).forEach(r::add);
        return r;
    }

    /**
     * The Markdown tables: figures with ratios and targets, then CPU use during each measuring window. With runs over
     * TLS among them: the comparison over TLS, the one without (if any plain run is there), the cost of TLS (each
     * target's TLS figure over its plain one, where both were measured), and which TLS session each TLS target had.
     */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        if (all.stream().noneMatch(Run::tls)) {
            mainTable(b);
            costOfLog(b);
        } else {
            Report tls = subset(Run::tls);
            Report plain = subset(run -> !run.tls());
            b.append("### Over TLS\n\n");
            tls.mainTable(b);
            tls.costOfLog(b);
            b.append("\nTLS sessions the generator's connections agreed on:");
            for (String setup : tls.setups.keySet()) {
                java.util.Set<String> sessions = new java.util.LinkedHashSet<>();
                for (Map<String, List<Run>> g : tls.groups.values()) {
                    for (Run run : g.getOrDefault(setup, List.of())) {
                        sessions.add(run.str("tlsProtocol") + " " + run.str("tlsCipherSuite"));
                    }
                }
                b.append(' ').append(setup).append(": ").append(String.join(", ", sessions)).append(';');
            }
            b.setLength(b.length() - 1);
            b.append(".\n");
            if (!plain.all.isEmpty()) {
                b.append("\n### Without TLS\n\n");
                plain.mainTable(b);
                plain.costOfLog(b);
                costOfTls(b);
            }
        }
        cpuTable(b);
        return b.toString();
    }

    /**
     * What the audit log costs (issue 13: at most 10% of direct and fan-out throughput): the shipped server against
     * itself with {@code --no-audit-log}, for every direct and fan-out workload that has both, as the median of the
     * per-round ratios (round n with the log against round n without). Nothing when no run has both.
     */
    private void costOfLog(StringBuilder b) {
        StringBuilder rows = new StringBuilder();
        for (Map<String, List<Run>> g : groups.values()) {
            Run any = g.values().iterator().next().get(0);
            String workload = any.str("workload");
            if (!workload.equals("direct") && !workload.equals("fanout")) {
                continue;
            }
            for (String withLog : g.keySet().stream().filter(k -> base(k).equals("shipped")).toList()) {
                List<Run> on = g.get(withLog);
                List<Run> off = g.get(NO_LOG + withLog.substring("shipped".length()));
                if (off == null) {
                    continue;
                }
                String rate = workload.equals("direct") ? "messagesPerSecond" : "deliveriesPerSecond";
                List<Double> perRound = new ArrayList<>();
                List<Double> cpu = new ArrayList<>();
                for (int i = 0; i < Math.min(on.size(), off.size()); i++) {
                    if (on.get(i).verified() && off.get(i).verified() && off.get(i).num(rate) > 0) {
                        perRound.add(on.get(i).num(rate) / off.get(i).num(rate));
                        if (off.get(i).num(CPU_PER_DELIVERY) > 0) {
                            cpu.add(on.get(i).num(CPU_PER_DELIVERY) / off.get(i).num(CPU_PER_DELIVERY));
                        }
                    }
                }
                double median = median(perRound);
                rows.append("| ").append(title(any)).append(withLog.endsWith(TLS_SUFFIX) ? ", TLS" : "").append(" | ")
                        .append(perRound.stream().map(x -> fmt(x, 2)).collect(java.util.stream.Collectors.joining(" ")))
                        .append(" | ").append(fmt(median, 2)).append(" | ").append(fmt(median(cpu), 2))
                        .append(" | ≥ 0.90 | ").append(Double.isNaN(median) ? "?" : median >= 0.90 ? "yes" : "no")
                        .append(" |\n");
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        b.append("\n### What the audit log costs\n\nThe shipped server against itself with `--no-audit-log` (target"
                + " `nolog`), same run: throughput with the log over throughput without, per round and the median;"
                + " server CPU per delivered message, with over without.\n\n| Workload | Throughput, log / no log, per"
                + " round | Median | Server CPU per delivery, log / no log | Target | Met |\n|---|---|---:|---:|---|---|\n")
                .append(rows);
    }

    /**
     * Each target's TLS figures against its plain ones, for every workload and target measured both ways: the
     * medians, and the median of the per-round ratios (round n over TLS against round n without).
     */
    private void costOfTls(StringBuilder b) {
        b.append("\n### The cost of TLS\n\nEach target over TLS against the same target without, same run: the"
                + " median of the per-round ratios TLS / plain (below 1.0 for a rate: TLS is slower; above 1.0 for"
                + " CPU per delivery: TLS costs more).\n\n| Workload | Target | Figure | Plain | TLS | TLS / plain |\n"
                + "|---|---|---|---:|---:|---:|\n");
        for (Map<String, List<Run>> g : groups.values()) {
            Run any = g.values().iterator().next().get(0);
            String title = title(any);
            List<String> bases = g.keySet().stream().filter(k -> k.endsWith(TLS_SUFFIX)).map(Report::base)
                    .filter(g::containsKey).sorted(java.util.Comparator.comparingInt(Report::rank)
                            .thenComparing(k -> Boolean.TRUE.equals(setups.get(k)) ? 1 : 0)).toList();
            String[][] figures = switch (any.str("workload")) {
                case "direct" -> new String[][] {{"messages/s", "messagesPerSecond"}, {"server CPU per delivered message, µs", CPU_PER_DELIVERY}};
                case "fanout" -> new String[][] {{"deliveries/s", "deliveriesPerSecond"}, {"server CPU per delivery, µs", CPU_PER_DELIVERY}};
                case "latency" -> new String[][] {{"p99 latency, µs", "p99Micros"}, {"server CPU per delivered message, µs", CPU_PER_DELIVERY}};
                case "flood" -> new String[][] {{"others' p99 latency, µs", "p99Micros"}, {"flooder's messages/s", "floodMessagesPerSecond"}};
                default -> new String[][] {{"RSS per connection, KiB (cold)", "bytesPerConnectionCold"}};
            };
            for (String base : bases) {
                List<Run> plain = g.get(base);
                List<Run> tls = g.get(base + TLS_SUFFIX);
                for (String[] f : figures) {
                    double unit = f[1].startsWith("bytes") ? 1024 : 1;
                    double p = median(plain, f[1], unit);
                    double t = median(tls, f[1], unit);
                    List<Double> perRound = new ArrayList<>();
                    for (int i = 0; i < Math.min(plain.size(), tls.size()); i++) {
                        double x = tls.get(i).num(f[1]);
                        double y = plain.get(i).num(f[1]);
                        if (tls.get(i).verified() && plain.get(i).verified() && x > 0 && y > 0) {
                            perRound.add(x / y);
                        }
                    }
                    int d = f[1].equals(CPU_PER_DELIVERY) ? 2 : Math.abs(p) < 100 ? 1 : 0;
                    b.append("| ").append(title).append(" | ").append(heading(base)).append(" | ").append(f[0])
                            .append(" | ").append(cell(plain, p, d)).append(" | ").append(cell(tls, t, d)).append(" | ")
                            .append(fmt(median(perRound), 2)).append(" |\n");
                    title = "";
                }
            }
        }
    }

    /** The main table: figures with ratios and targets. */
    private void mainTable(StringBuilder b) {
        String reference = reference();
        List<String> compared = compared();
        List<String> columns = new ArrayList<>(compared);
        if (reference != null) {
            columns.add(reference);
        }
        b.append("| Workload | Figure |");
        columns.forEach(c -> b.append(' ').append(heading(c)).append(" |"));
        compared.forEach(c -> b.append(' ').append(shortName(c)).append(" / ").append(referenceName()).append(" |"));
        b.append(" Target |");
        compared.forEach(c -> b.append(compared.size() == 1 ? " Met |" : " Met, " + shortName(c) + " |"));
        b.append("\n|---|---|");
        b.append("---:|".repeat(columns.size() + compared.size())).append("---|");
        b.append("---|".repeat(compared.size())).append('\n');
        for (Map<String, List<Run>> g : groups.values()) {
            Table t = new Table(b, g, compared, reference);
            Run any = g.values().iterator().next().get(0);
            int rounds = g.values().stream().mapToInt(List::size).max().orElse(1);
            t.title = title(any) + (rounds > 1 ? " (median of " + rounds + " runs)" : "");
            switch (any.str("workload")) {
                case "direct" -> {
                    t.row("messages/s", "messagesPerSecond", 1, Goal.HIGHER, "≥ 1.0", -1);
                    t.row("server CPU per delivered message, µs", CPU_PER_DELIVERY, 1, Goal.LOWER, "≤ 1.0", 2);
                }
                case "fanout" -> {
                    t.row("deliveries/s", "deliveriesPerSecond", 1, Goal.HIGHER, "≥ 1.0", -1);
                    t.row("server CPU per delivery, µs", CPU_PER_DELIVERY, 1, Goal.LOWER, "≤ 1.0", 2);
                }
                case "latency" -> {
                    t.row("p99 latency, µs", "p99Micros", 1, Goal.LOWER, "≤ 1.0", -1);
                    t.row("server CPU per delivered message, µs", CPU_PER_DELIVERY, 1, Goal.LOWER, "≤ 1.0", 2);
                    t.row("p50 latency, µs", "p50Micros", 1, Goal.NONE, "", -1);
                    t.row("p99.9 latency, µs", "p999Micros", 1, Goal.NONE, "", -1);
                    t.row("delivered/s", "messagesPerSecond", 1, Goal.NONE, "", -1);
                    t.row("generator's pacer lag p99, µs", "pacerLagP99Micros", 1, Goal.NONE, "", -1);
                }
                case "flood" -> {
                    t.row("others' p99 latency, µs", "p99Micros", 1, Goal.LOWER, "≤ 1.0", -1);
                    t.row("flooder's messages/s", "floodMessagesPerSecond", 1, Goal.HIGHER, "≥ 1.0", -1);
                    t.row("server CPU per delivered message, µs", CPU_PER_DELIVERY, 1, Goal.LOWER, "≤ 1.0", 2);
                    t.row("others' p50 latency, µs", "p50Micros", 1, Goal.NONE, "", -1);
                    t.row("others' p99.9 latency, µs", "p999Micros", 1, Goal.NONE, "", -1);
                    t.row("others' delivered/s", "messagesPerSecond", 1, Goal.NONE, "", -1);
                    t.row("generator's pacer lag p99, µs", "pacerLagP99Micros", 1, Goal.NONE, "", -1);
                }
                case "idle", "idle-unnamed" -> {
                    boolean named = Boolean.TRUE.equals(any.fields().get("named"));
                    t.row("RSS per connection, KiB (cold: before connecting to settled)", "bytesPerConnectionCold", 1024,
                            Goal.KIB4, "≤ 4 KiB", 1);
                    t.row("settled after, s (first connect to quiet, cold)", "settledSecondsCold", 1,
                            named ? Goal.SECONDS10 : Goal.NONE, named ? "≤ 10 s" : "", 1);
                    t.row("RSS per connection, KiB (warm, see docs/performance.md)", "bytesPerConnectionWarm", 1024,
                            Goal.NONE, "", 1);
                    t.row("connects/s (cold)", "connectsPerSecondCold", 1, Goal.NONE, "", -1);
                    t.row("connects/s (warm)", "connectsPerSecondWarm", 1, Goal.NONE, "", -1);
                    t.row("server CPU from first connect to settled, s (cold)", "serverCpuSecondsToSettleCold", 1,
                            Goal.NONE, "", 2);
                    if (named) {
                        t.row("rename notices the clients read (cold)", "renameNoticesCold", 1, Goal.NONE, "", 0);
                    }
                }
                default -> t.row("?", "none", 1, Goal.NONE, "", -1);
            }
        }
        if (!compared.isEmpty() && reference != null) {
            b.append("\nEach ratio is an AuraChat column over ").append(referenceName()).append(": the median of the"
                    + " per-round ratios (round n of one against round n of the other), so it need not equal the"
                    + " quotient of the medians.\n");
        }
    }

    /** CPU use during each measuring window, then the runs that failed their checks. */
    private void cpuTable(StringBuilder b) {
        List<String> columns = new ArrayList<>(compared());
        if (reference() != null) {
            columns.add(reference());
        }
        b.append("\nCPU during each measuring window, in cores (this machine has ")
                .append(Runtime.getRuntime().availableProcessors()).append("), and the server's CPU time per delivered"
                        + " message (fan-out: per delivery):\n\n")
                .append("| Workload | Target | Server | Server CPU per delivered message, µs | Generator event loops"
                        + " | Generator process |\n|---|---|---:|---:|---:|---:|\n");
        for (Map<String, List<Run>> g : groups.values()) {
            for (String column : columns) {
                for (Run run : g.getOrDefault(column, List.of())) {
                    // idle has no measuring window: its CPU figures cover the cold connect round
                    boolean idle = run.str("workload").startsWith("idle");
                    String suffix = idle ? "ConnectingCold" : "";
                    if (Double.isNaN(run.num("generatorLoopCpuCores" + suffix))) {
                        continue;
                    }
                    b.append("| ").append(title(run)).append(idle ? " (while connecting, cold)" : "")
                            .append(" | ").append(column).append(" | ")
                            .append(fmt(run.num("serverCpuCores" + suffix), 2)).append(" | ")
                            .append(idle ? "–" : fmt(run.num(CPU_PER_DELIVERY), 2)).append(" | ")
                            .append(fmt(run.num("generatorLoopCpuCores" + suffix), 2)).append(" | ")
                            .append(fmt(run.num("generatorProcessCpuCores"), 2)).append(" |\n");
                }
            }
        }
        List<String> invalid = new ArrayList<>();
        for (Map<String, List<Run>> g : groups.values()) {
            for (String column : columns) {
                for (Run run : g.getOrDefault(column, List.of())) {
                    if (!run.verified()) {
                        invalid.add(title(run) + " / " + column + ": " + run.str("failures"));
                    }
                }
            }
        }
        if (!invalid.isEmpty()) {
            b.append("\n**Runs that failed their correctness checks (their figures are not valid):**\n\n");
            invalid.forEach(x -> b.append("- ").append(x).append('\n'));
        }
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
            case "idle", "idle-unnamed" -> "idle, " + n + " connections"
                    + switch (run.str("named")) {
                        case "true" -> ", named";
                        case "false" -> ", unnamed";
                        default -> ""; // written before the idle clients could set names: they did not
                    };
            default -> run.str("workload");
        };
    }

    private enum Goal { HIGHER, LOWER, KIB4, SECONDS10, NONE }

    /** The rows of one workload group. */
    private static final class Table {
        private final StringBuilder b;
        private final Map<String, List<Run>> runs;
        private final List<String> compared;
        private final String reference;
        /** The group's title, on its first row only. */
        String title;

        Table(StringBuilder b, Map<String, List<Run>> runs, List<String> compared, String reference) {
            this.b = b;
            this.runs = runs;
            this.compared = compared;
            this.reference = reference;
        }

        /**
         * One figure: each setup's median, each compared setup's ratio to the reference and whether it meets the
         * goal. {@code decimals} -1: one below 100, none above (and one for any figure divided by a unit).
         */
        void row(String figure, String key, double unit, Goal goal, String target, int decimals) {
            List<Run> r = reference == null ? List.of() : runs.getOrDefault(reference, List.of());
            double rv = median(r, key, unit);
            List<Double> values = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (String c : compared) {
                List<Run> a = runs.getOrDefault(c, List.of());
                values.add(median(a, key, unit));
                // a ratio to (or of) a figure at or below zero means nothing: e.g. Redis's warm memory growth is about 0
                List<Double> perRound = new ArrayList<>();
                for (int i = 0; i < Math.min(a.size(), r.size()); i++) {
                    double x = a.get(i).num(key);
                    double y = r.get(i).num(key);
                    if (a.get(i).verified() && r.get(i).verified() && x > 0 && y > 0) {
                        perRound.add(x / y);
                    }
                }
                ratios.add(median(perRound));
            }
            double first = values.stream().filter(v -> !Double.isNaN(v)).findFirst().orElse(rv);
            int d = decimals >= 0 ? decimals : unit > 1 || Math.abs(first) < 100 ? 1 : 0;
            b.append("| ").append(title).append(" | ").append(figure).append(" | ");
            title = "";
            for (int i = 0; i < compared.size(); i++) {
                b.append(cell(runs.getOrDefault(compared.get(i), List.of()), values.get(i), d)).append(" | ");
            }
            if (reference != null) {
                b.append(cell(r, rv, d)).append(" | ");
            }
            for (double ratio : ratios) {
                b.append(fmt(ratio, 2)).append(" | ");
            }
            b.append(target).append(" |");
            for (int i = 0; i < compared.size(); i++) {
                double ratio = ratios.get(i);
                double value = values.get(i);
                String met = switch (goal) {
                    case HIGHER -> Double.isNaN(ratio) ? "?" : ratio >= 1.0 ? "yes" : "no";
                    case LOWER -> Double.isNaN(ratio) ? "?" : ratio <= 1.0 ? "yes" : "no";
                    case KIB4 -> Double.isNaN(value) ? "?" : value <= 4.0 ? "yes" : "no";
                    case SECONDS10 -> Double.isNaN(value) ? "?" : value <= 10.0 ? "yes" : "no";
                    case NONE -> "";
                };
                b.append(' ').append(met).append(" |");
            }
            b.append('\n');
        }
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
