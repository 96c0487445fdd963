package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A program running in a real terminal: a detached tmux session of fixed size on a tmux server of its own
 * (a private socket, so parallel builds and a developer's own tmux never meet), driven with
 * {@code send-keys} and read with {@code capture-pane}. The pane stays after the program exits, so its last
 * screen and exit status can still be read. {@link #close()} kills the tmux server and the program with it.
 */
final class Tmux implements AutoCloseable {

    /** How long a screen may take to show what a test waits for (a JVM starts in the pane). */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final String TMUX = "tmux";
    private static final String EXIT_STATUS = "\\[exit status \\d+\\]";

    /** The tmux server's socket: a private one, deleted by {@link #close()} (tmux leaves it behind). */
    private final Path socket = Path.of(System.getProperty("java.io.tmpdir"), "aurachat-tmux-" + UUID.randomUUID());
    private final String session = "chat";

    /** Whether {@code tmux -V} works; asked once per test JVM. */
    private static volatile Boolean installed;

    private Tmux() {}

    /**
     * Skips the calling test if tmux is missing, or fails it if {@code AURACHAT_REQUIRE_TMUX=1} (CI).
     */
    static void assumeInstalled() {
        if (installed == null) {
            installed = probe();
        }
        if ("1".equals(System.getenv("AURACHAT_REQUIRE_TMUX"))) {
            assertTrue(installed, "AURACHAT_REQUIRE_TMUX=1 but tmux is not installed (apt-get install tmux)");
        }
        Assumptions.assumeTrue(installed,
                "tmux is not installed: the terminal client's screen tests need it (apt-get install tmux)");
    }

    private static boolean probe() {
        try {
            Process p = new ProcessBuilder(TMUX, "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts {@code command} in a new detached session of {@code columns} x {@code rows}.
     *
     * @param command the program and its arguments, run without a shell
     */
    static Tmux start(int columns, int rows, List<String> command) throws IOException {
        Tmux tmux = new Tmux();
        // The pane first runs cat (waiting on its TTY), so that remain-on-exit is set before the program
        // runs: a program that ends at once still leaves its screen behind.
        tmux.run("new-session", "-d", "-s", tmux.session, "-x", Integer.toString(columns),
                "-y", Integer.toString(rows), "cat");
        tmux.run("set-option", "-t", tmux.session, "remain-on-exit", "on");
        // The exit status is printed by a shell around the program instead of read from tmux: Debian's tmux
        // (built with libutempter) sometimes misses the SIGCHLD and never learns it (tmux issues 311, 4559).
        // The shell traps Ctrl+C (its child gets the default action back) so that it outlives the program.
        List<String> respawn = new ArrayList<>(List.of("respawn-pane", "-k", "-t", tmux.session,
                "sh", "-c", "trap true INT; \"$@\"; echo \"[exit status $?]\"", "sh"));
        respawn.addAll(command);
        tmux.run(respawn.toArray(String[]::new));
        return tmux;
    }

    /** Types {@code text} as it is (no key names). */
    void type(String text) throws IOException {
        run("send-keys", "-t", session, "-l", text);
    }

    /** Presses keys by tmux name: {@code Enter}, {@code Up}, {@code C-c}, {@code C-d}... */
    void press(String... keys) throws IOException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
        args.addAll(List.of(keys));
        run(args.toArray(String[]::new));
    }

    /** The visible screen, one string per row, trailing spaces removed. */
    List<String> screen() throws IOException {
        return run("capture-pane", "-p", "-t", session).lines().map(String::stripTrailing).toList();
    }

    /** The screen as one text, for failure messages. */
    String screenText() throws IOException {
        return String.join("\n", screen());
    }

    /** Waits until the screen satisfies {@code condition}, and returns that screen. */
    List<String> await(String what, Predicate<List<String>> condition) {
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        try {
            return Awaitility.await(what).atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .until(() -> {
                        List<String> screen = screen();
                        last.set(0, screen);
                        return screen;
                    }, condition::test);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; the screen was:\n" + String.join("\n", last.get(0)), e);
        }
    }

    /** Waits until some row of the screen contains {@code text}. */
    List<String> awaitText(String text) {
        return await("a row containing '" + text + "'", screen -> screen.stream().anyMatch(l -> l.contains(text)));
    }

    /** Waits for the program to exit, and returns its exit status (128 + n if signal n killed it). */
    int awaitExit() {
        List<String> screen = await("the program's exit", rows -> row(rows, EXIT_STATUS) >= 0);
        String line = screen.get(row(screen, EXIT_STATUS));
        return Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1, line.length() - 1));
    }

    /** The last row with text on it: where the cursor is while a line is typed. */
    static String lastRow(List<String> screen) {
        for (int i = screen.size() - 1; i >= 0; i--) {
            if (!screen.get(i).isBlank()) {
                return screen.get(i);
            }
        }
        return "";
    }

    /** The index of the first row that matches {@code regex}, or -1. */
    static int row(List<String> screen, String regex) {
        for (int i = 0; i < screen.size(); i++) {
            if (screen.get(i).matches(regex)) {
                return i;
            }
        }
        return -1;
    }

    /** Kills the tmux server of this session, and the program if it still runs. */
    @Override
    public void close() throws IOException {
        try {
            run("kill-server");
        } catch (IOException e) {
            // already gone
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    private String run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(TMUX, "-S", socket.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("tmux " + String.join(" ", args) + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + out);
        }
        return out;
    }
}
