package io.aurachat;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The package map of docs/ARCHITECTURE.md holds: no cycles, and the implementation packages stay unexported. */
class PackageCyclesTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.aurachat");

    @Test
    void theCoresPackagesDependOnEachOtherWithoutCycles() {
        slices().matching("io.aurachat.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void theHubKnowsNoTransportAndNoServer() {
        for (JavaClass c : CORE) {
            if (c.getPackageName().equals("io.aurachat.hub")) {
                c.getDirectDependenciesFromSelf().forEach(d -> {
                    String target = d.getTargetClass().getPackageName();
                    assertFalse(target.equals("io.aurachat.tcp") || target.equals("io.aurachat.server"),
                            d.getDescription());
                });
            }
        }
    }

    @Test
    void theHistoryPackageDependsOnlyOnTheJdk() {
        int classes = 0;
        for (JavaClass c : CORE) {
            if (c.getPackageName().equals("io.aurachat.history")) {
                classes++;
                c.getDirectDependenciesFromSelf().forEach(d -> {
                    JavaClass target = d.getTargetClass().isArray()
                            ? d.getTargetClass().getBaseComponentType() : d.getTargetClass();
                    String from = target.getPackageName();
                    assertTrue(target.isPrimitive() || from.startsWith("java.") || from.equals("io.aurachat.history"),
                            d.getDescription());
                });
            }
        }
        assertTrue(classes > 0, "no class of io.aurachat.history was imported");
    }

    @Test
    void theAccountsPackageDependsOnlyOnTheJdk() {
        int classes = 0;
        for (JavaClass c : CORE) {
            if (c.getPackageName().equals("io.aurachat.accounts")) {
                classes++;
                c.getDirectDependenciesFromSelf().forEach(d -> {
                    JavaClass target = d.getTargetClass().isArray()
                            ? d.getTargetClass().getBaseComponentType() : d.getTargetClass();
                    String from = target.getPackageName();
                    assertTrue(target.isPrimitive() || from.startsWith("java.") || from.startsWith("javax.crypto")
                            || from.equals("io.aurachat.accounts"), d.getDescription());
                });
            }
        }
        assertTrue(classes > 0, "no class of io.aurachat.accounts was imported");
    }

    @Test
    void theImportedPackagesAreTheOnesTheMapNames() {
        Set<String> packages = new TreeSet<>();
        CORE.forEach(c -> packages.add(c.getPackageName()));
        assertEquals(new TreeSet<>(Set.of("io.aurachat.accounts", "io.aurachat.client", "io.aurachat.command",
                "io.aurachat.discovery", "io.aurachat.history", "io.aurachat.hub", "io.aurachat.internal", "io.aurachat.log", "io.aurachat.protocol",
                "io.aurachat.server", "io.aurachat.tcp", "io.aurachat.testing", "io.aurachat.transport")), packages);
    }

    @Test
    void moduleInfoExportsTheApiAndNotTheImplementation() throws Exception {
        // The core's own module-info.class, beside its classes (tests may run on the class path, where a
        // resource lookup finds another module's first).
        java.nio.file.Path classes = java.nio.file.Path.of(
                io.aurachat.server.ChatServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        java.lang.module.ModuleDescriptor descriptor;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(classes.resolve("module-info.class"))) {
            descriptor = java.lang.module.ModuleDescriptor.read(in);
        }
        assertEquals("io.aurachat.core", descriptor.name());
        Set<String> exported = new TreeSet<>();
        descriptor.exports().forEach(e -> {
            assertTrue(e.targets().isEmpty(), "no qualified exports: " + e);
            exported.add(e.source());
        });
        assertEquals(new TreeSet<>(Set.of("io.aurachat.accounts", "io.aurachat.client", "io.aurachat.command",
                "io.aurachat.discovery", "io.aurachat.history", "io.aurachat.log", "io.aurachat.protocol", "io.aurachat.server", "io.aurachat.testing",
                "io.aurachat.transport")), exported);
    }
}
