package io.ccsync.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image `mvn verify` builds where Debian's tools are (Jib, on a base made of Debian packages; no Docker engine here):
 * its config (non-root user, volumes, labels, entrypoint, ports) and its layers (the JVM, the application, config/ and
 * routes/, a data/ folder the ccsync user owns). Where the test runs as root, the image's files are also run, as the
 * ccsync user in a chroot, the way a container engine would start them. Skipped, saying so, where the image profile is off.
 */
class ImageIT {
    private static final String VERSION = System.getProperty("ccsync.version");
    private static final String IMAGE = System.getProperty("ccsync.image");

    @TempDir
    static Path unpacked;

    private static JsonNode config;
    private static JsonNode manifest;
    private static List<String> files;

    @BeforeAll
    static void unpack() throws Exception {
        assumeTrue(IMAGE != null, "the image is built by the image profile, on where /usr/bin/dpkg-deb exists (a Debian or Ubuntu machine)");
        assertThat(Path.of(IMAGE)).as("jib:buildTar output").exists();
        run(unpacked, "tar", "xf", IMAGE);
        ObjectMapper json = new ObjectMapper();
        manifest = json.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
        config = json.readTree(unpacked.resolve(manifest.get("Config").asText()).toFile());
        files = new ArrayList<>();
        for (JsonNode layer : manifest.get("Layers")) {
            files.addAll(run(unpacked, "tar", "tvzf", layer.asText()).lines().toList());
        }
    }

    @Test
    void runsAsTheNonRootCcsyncUserWithConfigRoutesAndDataAsVolumes() {
        JsonNode c = config.get("config");
        assertThat(c.get("User").asText()).isEqualTo("10001:10001");
        assertThat(c.get("WorkingDir").asText()).isEqualTo("/app");
        assertThat(names(c.get("Volumes"))).containsExactlyInAnyOrder("/app/config", "/app/routes", "/app/data");
        assertThat(names(c.get("ExposedPorts"))).contains("8080/tcp");
        assertThat(c.get("Entrypoint").toString()).contains("io.ccsync.cli.Ccsync");
        assertThat(c.get("Cmd").toString()).isEqualTo("[\"run\"]");
        assertThat(c.get("Env").toString()).as("probes reach the management port from outside the container")
                .contains("CAMEL_MANAGEMENT_HOST=0.0.0.0");
        assertThat(manifest.get("RepoTags").toString()).contains("ccsync:" + VERSION);
    }

    @Test
    void labelsCarryTheVersionAndTheHealthProbes() {
        JsonNode labels = config.get("config").get("Labels");
        assertThat(labels.get("org.opencontainers.image.version").asText()).isEqualTo(VERSION);
        assertThat(labels.get("io.ccsync.probe.liveness").asText()).endsWith(":8080/observe/health/live");
        assertThat(labels.get("io.ccsync.probe.readiness").asText()).endsWith(":8080/observe/health/ready");
    }

    @Test
    void layersHoldTheJvmTheApplicationItsFoldersAndTheProbeTool() {
        for (String path : List.of("usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                "usr/lib/jvm/java-17-openjdk-amd64/lib/modules", "usr/lib/jvm/java-17-openjdk-amd64/lib/security/cacerts",
                "lib/x86_64-linux-gnu/libc.so.6", "bin/busybox", "etc/passwd",
                "app/libs/camel-main-4.18.0.jar", "app/classes/io/ccsync/cli/Ccsync.class",
                "app/resources/io/ccsync/version.properties", "app/config/application.properties",
                "app/routes/token.camel.yaml", "app/samples/routes/RestContacts.java", "app/samples/contacts.csv")) {
            assertThat(files).as(path).anyMatch(l -> l.endsWith(" " + path) || l.endsWith(" ./" + path)
                    || l.contains(" " + path + " -> ") || l.contains(" ./" + path + " -> "));
        }
        assertThat(files).as("no local secret (ccsync init's env file)").noneMatch(l -> l.endsWith("config/ccsync.env"));
        assertThat(files).as("data/ belongs to the ccsync user, owner-only")
                .anyMatch(l -> l.startsWith("drwx------ 10001/10001") && l.matches(".* (\\./)?app/data/?$"));
    }

    @Test
    void theImagesFilesRunAsTheCcsyncUser() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "starting the image's files needs root for chroot and /proc (no container engine here)");
        Path root = Files.createDirectories(unpacked.resolve("rootfs"));
        for (JsonNode layer : manifest.get("Layers")) {
            run(root, "tar", "xzf", unpacked.resolve(layer.asText()).toString());
        }
        String entrypoint = String.join(" ", new ObjectMapper().convertValue(config.get("config").get("Entrypoint"),
                String[].class));
        String out = run(unpacked, "sh", "-c", "mount -t proc proc '" + root + "/proc' && "
                + "chroot --userspec=10001:10001 '" + root + "' /bin/busybox sh -c 'cd /app && id -u && "
                + entrypoint + " --version'; status=$?; umount '" + root + "/proc'; exit $status");

        assertThat(out).contains("10001").contains("ccsync " + VERSION).contains("Apache Camel 4.18.0");
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }
}
