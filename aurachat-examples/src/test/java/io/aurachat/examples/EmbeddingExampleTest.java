package io.aurachat.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's embedding example prints what the README says it prints. */
class EmbeddingExampleTest {

    @Test
    void serverWithCustomCommandAndSinkAndAClient() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            EmbeddingExample.run(out);
        }
        // close() returned: the listener has run and the server has stopped, so the output is complete. The log
        // sink runs on its own thread, so its line may come before or after the listener's.
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().sorted().toList();
        assertEquals(List.of("ECHO replied: hello", "Mario (private): a note to myself",
                "log: Mario sent \"a note to myself\" to c1"), lines);
    }
}
