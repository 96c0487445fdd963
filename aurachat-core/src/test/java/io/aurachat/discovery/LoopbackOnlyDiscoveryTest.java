package io.aurachat.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery on a machine with no network but loopback (issue 13): the client's default targets include
 * this machine, so it finds a server there; and where even loopback is down, it says that no probe could
 * be sent. Each case runs {@link LoopbackOnlyMain} in a network namespace of its own ({@code unshare -n}),
 * so the defaults (255.255.255.255 too) reach nothing outside it. Skipped without root or namespaces,
 * unless {@code AURACHAT_REQUIRE_NETNS=1}.
 */
class LoopbackOnlyDiscoveryTest {

    private static final long TIMEOUT_SECONDS = 30;

    @TempDir
    Path dir;

    @BeforeEach
    void namespaces() {
        Unshare.assumeAvailable();
    }

    private List<String> run(boolean loUp, String scenario) throws IOException, InterruptedException {
        Path err = dir.resolve(scenario + ".err");
        Process child = Unshare.java(loUp, LoopbackOnlyMain.class, err, scenario);
        String out = new String(child.getInputStream().readAllBytes(), UTF_8);
        assertTrue(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the child did not finish:\n" + out);
        String report = out + "--- stderr:\n" + Files.readString(err);
        System.out.println(report); // kept in the surefire output file, for diagnosis
        assertEquals(0, child.exitValue(), report);
        return out.lines().toList();
    }

    @Test
    void withOnlyLoopbackTheDefaultTargetsFindEveryServerOnThisMachineOnce() throws Exception {
        List<String> out = run(true, "servers");
        String report = String.join("\n", out);
        String[] ports = out.get(0).split(" ");
        assertEquals("SERVERS", ports[0], report);
        assertEquals("5001", ports[3], report);
        assertEquals("5001", ports[4], report);

        // Both servers share the port: the loopback broadcast reaches both, the unicast probe one of them.
        // Each answered several probes (three rounds, two targets), and each is listed once.
        List<String> found = out.stream().filter(l -> l.startsWith("FOUND ")).toList();
        assertEquals(2, found.size(), report);
        assertEquals(Set.of("FOUND 127.0.0.1 " + ports[1] + " A", "FOUND 127.0.0.1 " + ports[2] + " B"),
                Set.copyOf(found), report);
        String connected = out.stream().filter(l -> l.startsWith("CONNECTED ")).findFirst().orElse("");
        assertTrue(connected.equals("CONNECTED 127.0.0.1 " + ports[1] + " A")
                || connected.equals("CONNECTED 127.0.0.1 " + ports[2] + " B"), report);
        int answered = Integer.parseInt(out.get(out.size() - 1).replace("ANSWERED ", ""));
        assertTrue(answered > found.size(), "several answers, deduplicated: " + report);
    }

    @Test
    void withLoopbackDownNoProbeCanBeSentAndTheClientSaysSo() throws Exception {
        List<String> out = run(false, "nothing");
        String report = String.join("\n", out);
        String unavailable = out.stream().filter(l -> l.startsWith("UNAVAILABLE ")).findFirst().orElse("");
        for (String target : new String[] {"127.0.0.1", "127.255.255.255", "255.255.255.255"}) {
            assertTrue(List.of(unavailable.split(" ")).contains(target), target + " not tried: " + report);
        }
        String message = out.stream().filter(l -> l.startsWith("MESSAGE ")).findFirst().orElse("");
        assertTrue(message.startsWith("MESSAGE no discovery probe could be sent to UDP port 5001: 127.0.0.1: "), report);
        assertTrue(!message.contains("see the log"), report);
        assertTrue(out.contains("CLIENT " + DiscoveryUnavailableException.class.getName()), report);
    }
}
