package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The reference server's command line: help and bad options, without starting anything. */
class ServerMainTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ServerMain());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsTheOptions() {
        Run run = run("--help");
        assertEquals(0, run.exitCode());
        for (String option : new String[] {"--port", "--bind", "--idle-timeout", "--name", "--max-clients",
            "--discovery-port", "--no-discovery"}) {
            assertTrue(run.out().contains(option), option + " missing from:\n" + run.out());
        }
    }

    @Test
    void badValuesAreReportedWithoutAStackTrace() {
        Run negative = run("--idle-timeout", "-1");
        assertEquals(2, negative.exitCode());
        assertTrue(negative.err().contains("--idle-timeout"), negative.err());

        Run port = run("--port", "70000");
        assertEquals(2, port.exitCode());
        assertTrue(port.err().contains("port must be 0 to 65535"), port.err());

        Run notANumber = run("--port", "abc");
        assertEquals(2, notANumber.exitCode());
        assertTrue(notANumber.err().contains("--port"), notANumber.err());

        Run udp = run("--discovery-port", "70000");
        assertEquals(2, udp.exitCode());
        assertTrue(udp.err().contains("discovery port must be 0 to 65535"), udp.err());

        for (Run run : new Run[] {negative, port, notANumber, udp}) {
            assertTrue(!run.err().contains("\tat "), "no stack trace:\n" + run.err());
        }
    }
}
