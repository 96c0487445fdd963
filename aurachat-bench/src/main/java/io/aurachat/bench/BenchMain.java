package io.aurachat.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The generator's command line: {@code run} measures one workload against one server and appends its
 * JSON line to a file; {@code report} turns such a file into the comparison table. run-bench.sh drives
 * both; docs/performance.md explains the workloads. {@code jmh-report} makes the table of JMH result
 * files for run-jmh.sh; {@code pom-property} reads a property of the POMs for run-bench.sh.
 */
@Command(name = "aurachat-bench", mixinStandardHelpOptions = true, version = "AuraChat bench 0.1.0",
        description = "Load generator: AuraChat vs Redis pub/sub.",
        subcommands = {BenchMain.RunCommand.class, BenchMain.ReportCommand.class, BenchMain.JmhReportCommand.class,
                BenchMain.PomPropertyCommand.class})
public final class BenchMain {

    private BenchMain() {}

    /**
     * Runs the command line and exits: 0 when the run passed its checks, 1 when it did not, 2 for bad options.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    /** {@code run}: one workload against one server. */
    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Run one workload against one server; print its figures and append a JSON line to --out.")
    static final class RunCommand implements Callable<Integer> {
        @Option(names = "--target", required = true, description = "aurachat or redis")
        String target;
        @Option(names = "--setup", defaultValue = "", description = "the server's configuration, the report's column"
                + " (run-bench.sh: shipped or engine for AuraChat). Default: the target's name")
        String setup;
        @Option(names = "--workload", required = true, description = "direct, fanout, latency, flood, idle (named clients)"
                + " or idle-unnamed")
        String workload;
        @Option(names = "--port", required = true, description = "the server's port on 127.0.0.1")
        int port;
        @Option(names = "--host", defaultValue = "127.0.0.1", description = "a loopback address. Default: ${DEFAULT-VALUE}")
        String host;
        @Option(names = "--pid", defaultValue = "0", description = "the server's process id (memory and CPU figures)")
        long pid;
        @Option(names = "--label", defaultValue = "", description = "the server's name in results, e.g. 'Redis 7.0.15'")
        String label;
        @Option(names = "--clients", defaultValue = "100", description = "N. Default: ${DEFAULT-VALUE}")
        int clients;
        @Option(names = "--window", defaultValue = "16", description = "messages in flight per sender. Default: ${DEFAULT-VALUE}")
        int window;
        @Option(names = "--rate", defaultValue = "20000", description = "offered msg/s (latency, flood). Default: ${DEFAULT-VALUE}")
        int rate;
        @Option(names = "--flood-window", defaultValue = "1024", description = "flood: the flooder's messages in flight. Default: ${DEFAULT-VALUE}")
        int floodWindow;
        @Option(names = "--warmup", defaultValue = "3", description = "seconds before measuring. Default: ${DEFAULT-VALUE}")
        double warmup;
        @Option(names = "--duration", defaultValue = "10", description = "seconds measured. Default: ${DEFAULT-VALUE}")
        double duration;
        @Option(names = "--settle", defaultValue = "3", description = "idle: quiet seconds before each memory reading. Default: ${DEFAULT-VALUE}")
        double settle;
        @Option(names = "--threads", defaultValue = "1", description = "event-loop threads. Default: ${DEFAULT-VALUE}")
        int threads;
        @Option(names = "--limit", defaultValue = "0", description = "stop after this many messages (0: none)")
        long limit;
        @Option(names = "--connect-concurrency", defaultValue = "256", description = "connections set up at once. Default: ${DEFAULT-VALUE}")
        int connectConcurrency;
        @Option(names = "--timeout", defaultValue = "60", description = "longest wait without progress during setup or draining, seconds. Default: ${DEFAULT-VALUE}")
        double timeout;
        @Option(names = "--tls", description = "every connection does TLS 1.3 (--port is the server's TLS port)")
        boolean tls;
        @Option(names = "--tls-cipher-suites", split = ",", paramLabel = "SUITE",
                description = "TLS: offer only these suites (e.g. TLS_AES_128_GCM_SHA256), which pins the server's choice."
                        + " Default: the JDK's")
        List<String> tlsCipherSuites = List.of();
        @Option(names = "--out", description = "append the JSON line to this file")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            Settings settings;
            try {
                settings = Settings.builder(parse(Target.class, target), parse(Workload.class, workload),
                                new InetSocketAddress(InetAddress.getByName(host), port))
                        .serverPid(pid).targetLabel(label).setup(setup).clients(clients).window(window).rate(rate)
                        .floodWindow(floodWindow).warmup(seconds(warmup)).duration(seconds(duration)).settle(seconds(settle))
                        .threads(threads).messageLimit(limit).connectConcurrency(connectConcurrency)
                        .timeout(seconds(timeout)).tls(tls).tlsCipherSuites(tlsCipherSuites).build();
            } catch (IllegalArgumentException e) {
                err.println("aurachat-bench run: " + e.getMessage());
                return 2;
            }
            Result result = Driver.run(settings);
            result.put("jdk", Runtime.version().toString());
            PrintWriter o = spec.commandLine().getOut();
            o.println(settings.workload().wireName() + " against " + settings.setup()
                    + (label.isEmpty() ? "" : " (" + label + ")") + ":");
            o.print(result.toTable());
            String json = result.toJson();
            o.println(json);
            o.flush();
            if (out != null) {
                Files.writeString(out, json + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            return result.verified() ? 0 : 1;
        }

        private static Duration seconds(double s) {
            return Duration.ofNanos((long) (s * 1e9));
        }

        private static <E extends Enum<E>> E parse(Class<E> type, String name) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(name.replace("-", "_")) || e.name().equalsIgnoreCase(name.replace("-", ""))) {
                    return e;
                }
            }
            throw new IllegalArgumentException("unknown " + type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + ": " + name);
        }
    }

    /** {@code report}: the comparison table of a results file. */
    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Print the AuraChat / Redis table (Markdown) of a file of JSON result lines.")
    static final class ReportCommand implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "RESULTS", description = "a file written by run --out")
        Path results;
        @Option(names = "--md", description = "also write the table to this file")
        Path markdown;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            String table = Report.read(results).markdown();
            spec.commandLine().getOut().print(table);
            spec.commandLine().getOut().flush();
            if (markdown != null) {
                Files.writeString(markdown, table, StandardCharsets.UTF_8);
            }
            return 0;
        }
    }

    /** {@code jmh-report}: the table of JMH result files, one per run of the suite. */
    @Command(name = "jmh-report", mixinStandardHelpOptions = true,
            description = "Print the Markdown table (medians, Jackson / fast ratios) of JMH JSON result files, one per run.")
    static final class JmhReportCommand implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "RESULTS", arity = "1..*", description = "files written by JMH's -rf json")
        List<Path> results;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            try {
                spec.commandLine().getOut().print(JmhReport.read(results).markdown());
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("aurachat-bench jmh-report: " + results + ": " + e.getMessage());
                return 1;
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** {@code pom-property}: a property's value from {@code project/properties} of POM files. */
    @Command(name = "pom-property", mixinStandardHelpOptions = true,
            description = "Print the value of a property of the first POM that defines it (whitespace collapsed).")
    static final class PomPropertyCommand implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", paramLabel = "NAME", description = "e.g. aurachat.server.jvmOptions")
        String name;
        @CommandLine.Parameters(index = "1..*", arity = "1..*", paramLabel = "POM", description = "pom.xml files, first wins")
        List<Path> poms;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                spec.commandLine().getOut().println(PomProperty.value(name, poms));
            } catch (IllegalArgumentException | IOException e) {
                spec.commandLine().getErr().println("aurachat-bench pom-property: " + poms + ": " + e.getMessage());
                return 1;
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
