package io.aurachat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run-bench.sh's reading of the shipped server's JVM options from the POMs. */
class PomPropertyTest {

    private static Path pom(Path dir, String name, String properties) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "<?xml version=\"1.0\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
                + "  <!-- <properties><x>commented out</x></properties> -->\n"
                + "  <profiles><profile><properties><x>a profile's</x></properties></profile></profiles>\n"
                + "  <properties>" + properties + "</properties>\n</project>\n");
        return p;
    }

    @Test
    void theFirstPomThatDefinesItWinsAndReferencesAreResolved(@TempDir Path dir) throws Exception {
        Path examples = pom(dir, "examples.xml", "<heap>-Xmx1g</heap>\n<x>\n   -Xms64m ${heap}\n   -XX:+UseSerialGC </x>");
        Path root = pom(dir, "root.xml", "<x>root's</x><y>only in root</y>");
        assertEquals("-Xms64m -Xmx1g -XX:+UseSerialGC", PomProperty.value("x", List.of(examples, root)));
        assertEquals("only in root", PomProperty.value("y", List.of(examples, root)));
        assertEquals("root's", PomProperty.value("x", List.of(root, examples)));
    }

    @Test
    void aMissingPropertyOrReferenceIsAnError(@TempDir Path dir) throws Exception {
        Path p = pom(dir, "pom.xml", "<x>${nowhere}</x><loop>${loop}</loop>");
        assertThrows(IllegalArgumentException.class, () -> PomProperty.value("absent", List.of(p)));
        assertThrows(IllegalArgumentException.class, () -> PomProperty.value("x", List.of(p)));
        assertThrows(IllegalArgumentException.class, () -> PomProperty.value("loop", List.of(p)));
    }

    /** The property the shipped server's start commands use exists, so run-bench.sh's shipped target can start. */
    @Test
    void theProjectDefinesTheShippedJvmOptions() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String options = PomProperty.value("aurachat.server.jvmOptions",
                List.of(root.resolve("aurachat-examples/pom.xml"), root.resolve("pom.xml")));
        assertTrue(options.startsWith("-"), options);
    }
}
