package io.ccsync.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.testing.FreePort;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install package as an operator gets it: target/ccsync-VERSION.tar.gz (built by `mvn package`, so this runs
 * under failsafe after it) unpacked into an empty folder, and bin/ccsync called from another folder.
 */
class DistributionIT {
    private static final String VERSION = System.getProperty("ccsync.version");
    private static final Path TARBALL = Path.of(System.getProperty("ccsync.distribution",
            "target/ccsync-" + VERSION + ".tar.gz"));

    @TempDir
    Path empty;

    @TempDir
    Path elsewhere;

    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        assertThat(TARBALL).as("built by mvn package").exists();
        Process tar = new ProcessBuilder("tar", "xzf", TARBALL.toAbsolutePath().toString())
                .directory(empty.toFile()).redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as(out).isZero();
        home = empty.resolve("ccsync-" + VERSION);
    }

    @Test
    void theTarballHoldsTheInstallFolder() {
        for (String file : List.of("bin/ccsync", "lib/ccsync.jar", "lib/ccsync-sandbox.jar", "config/application.properties",
                "config/mapping.yaml", "config/logback.xml", "routes/token.camel.yaml", "samples/contacts.csv",
                "packaging/ccsync.service", "packaging/README.md", "README.md", "CHANGELOG.md")) {
            assertThat(home.resolve(file)).as(file).isRegularFile();
        }
        assertThat(Files.isExecutable(home.resolve("bin/ccsync"))).as("bin/ccsync is executable").isTrue();
        assertThat(home.resolve("data")).as("no state in the package").doesNotExist();
        assertThat(home.resolve("config/ccsync.env")).as("no local secret (ccsync init's env file)").doesNotExist();
    }

    /** The product jar holds no sandbox class; `ccsync sandbox` finds the sandbox's jar beside it at run time. */
    @Test
    void theSandboxIsBesideTheProductNotInIt() throws Exception {
        try (JarFile product = new JarFile(home.resolve("lib/ccsync.jar").toFile())) {
            assertThat(product.stream().map(JarEntry::getName).filter(n -> n.startsWith("io/ccsync/sandbox/")))
                    .as("sandbox classes in lib/ccsync.jar").isEmpty();
            assertThat(product.stream().map(JarEntry::getName)).contains("io/ccsync/cli/Ccsync.class");
            assertThat(product.getManifest().getMainAttributes().getValue("Class-Path")).isEqualTo("ccsync-sandbox.jar");
        }

        List<String> help = launcher(List.of("sandbox", "--help"), null, 60);

        assertThat(help).anyMatch(l -> l.contains("--auto-approve")).anyMatch(l -> l.contains("--refresh-mode"));
    }

    @Test
    void versionIsThePomsVersion() throws Exception {
        List<String> out = launcher(List.of("--version"), null, 60);

        assertThat(String.join("\n", out)).contains("ccsync " + VERSION).contains("Apache Camel 4.18.0");
    }

    @Test
    void theDemoRunsFromTheUnpackedFolderAndDelivers() throws Exception {
        List<String> seen = launcher(List.of("run", "--profile", "demo", "--max-seconds", "90"),
                "Demo: the sandbox now holds 25 contacts", 120);

        assertThat(seen).anyMatch(l -> l.contains("CRM poll crm: 20 records"))
                .anyMatch(l -> l.contains("contacts.csv: done. 5 records"))
                .noneMatch(l -> l.contains(" ERROR "));
        assertThat(home.resolve("data/demo")).as("state under the install folder, not the caller's").isDirectory();
    }

    /** Runs bin/ccsync from {@code elsewhere} until it exits or logs {@code wanted}; returns its output lines. */
    private List<String> launcher(List<String> args, String wanted, int seconds) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/ccsync").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(elsewhere.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("CAMEL_MANAGEMENT_PORT", Integer.toString(FreePort.get()));
        pb.environment().put("CCSYNC_DEMO_SANDBOX_URL", "http://localhost:" + FreePort.get());
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                lines.add(line);
                if (wanted != null && line.contains(wanted)) {
                    break;
                }
            }
        } finally {
            if (wanted != null) {
                p.destroy();
            }
            assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).isTrue();
        }
        if (wanted == null) {
            assertThat(p.exitValue()).as(String.join("\n", lines)).isZero();
        } else {
            assertThat(lines).as(String.join("\n", lines)).anyMatch(l -> l.contains(wanted));
        }
        return lines;
    }

}
