package io.ccsync.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/ccsync from a copied distribution folder, called from another folder. The jar is a small manifest jar whose
 * Class-Path is this test's classpath: the launcher runs `java -jar lib/ccsync.jar` exactly as with the shaded jar,
 * without a package build inside the test.
 */
class LauncherTest {
    @TempDir
    Path dist;

    @TempDir
    Path elsewhere;

    @BeforeEach
    void copyDistribution() throws Exception {
        for (String folder : List.of("bin", "config", "routes", "samples")) {
            copy(Path.of(folder), dist.resolve(folder));
        }
        dist.resolve("bin/ccsync").toFile().setExecutable(true);
        Files.createDirectories(dist.resolve("lib"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "io.ccsync.cli.Ccsync");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                        .map(p -> Path.of(p).toUri().toString()).collect(Collectors.joining(" ")));
        try (OutputStream out = Files.newOutputStream(dist.resolve("lib/ccsync.jar"));
             JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private record Run(int exit, String output) {
    }

    @TempDir
    Path cds;

    private Run launcher(String... args) throws Exception {
        return launcherWithCds(cds.toString(), args);
    }

    /** {@code cdsDir}: CCSYNC_CDS_DIR, where the quick commands keep their class-data archive (never the home's). */
    private Run launcherWithCds(String cdsDir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("sh", dist.resolve("bin/ccsync").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(elsewhere.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("CCSYNC_CDS_DIR", cdsDir);
        pb.environment().put("HOME", cds.resolve("home").toString()); // the default cache folder, should off fail
        pb.environment().remove("XDG_CACHE_HOME");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), output);
    }

    @Test
    void versionAndHelpWorkFromACopiedFolderCalledFromElsewhere() throws Exception {
        Run version = launcher("--version");
        Run help = launcher("--help");

        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output()).contains("ccsync ").contains("Apache Camel 4.18.0");
        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(help.output()).contains("run").contains("check").contains("token");
    }

    @Test
    void checkFindsTheInstalledMappingAndTheCallersRelativeFile() throws Exception {
        Files.writeString(elsewhere.resolve("mine.csv"), "email,first_name\njane@example.com,Jane\n");

        Run check = launcher("check", "mine.csv");

        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("No delivery history found")
                .contains("create     line 2  jane@example.com");
        assertThat(dist.resolve("data")).as("checking creates no database").doesNotExist();
    }

    @Test
    void theQuickCommandsWriteTheirClassArchiveOnceAndPrintTheSameWithIt() throws Exception {
        Files.writeString(elsewhere.resolve("mine.csv"), "email,first_name\njane@example.com,Jane\n");

        Run first = launcher("check", "mine.csv");
        List<Path> archives = archives();
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(archives.get(0));
        Run second = launcher("check", "mine.csv");

        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(archives).as("one archive, moved into place whole").hasSize(1)
                .allSatisfy(a -> assertThat(a.getFileName().toString()).matches("ccsync-check-\\d+\\.jsa"));
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).as("the JVM's archive notes never mix with the output")
                .isEqualTo(first.output()).doesNotContain("[cds]", "warning");
        assertThat(archives()).as("used, not written again").isEqualTo(archives);
        assertThat(Files.getLastModifiedTime(archives.get(0))).isEqualTo(written);

        Files.delete(archives.get(0));
        Run off = launcherWithCds("off", "check", "mine.csv");
        assertThat(off.output()).isEqualTo(first.output());
        assertThat(archives()).as("CCSYNC_CDS_DIR=off keeps none").isEmpty();
    }

    /** Every class-data archive under the test's cache folders. */
    private List<Path> archives() throws Exception {
        try (Stream<Path> files = Files.walk(cds)) {
            return files.filter(f -> f.toString().endsWith(".jsa")).toList();
        }
    }
}
