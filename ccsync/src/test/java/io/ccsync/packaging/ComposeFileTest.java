package io.ccsync.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.Version;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * packaging/compose.yaml, parsed as Compose reads it (YAML merge keys resolved), since no container engine runs on
 * the build machine: three ccsync nodes of this version's image in cluster mode on one PostgreSQL, sharing one inbox,
 * each with its own data volume and a health check on /observe/health, and every setting it passes one ccsync reads.
 */
class ComposeFileTest {
    private static Map<String, Object> services;
    private static String properties;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("packaging/compose.yaml")));
        services = (Map<String, Object>) compose.get("services");
        properties = Files.readString(Path.of("config/application.properties"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        return (Map<String, Object>) services.get(name);
    }

    private static List<String> nodes() {
        return services.keySet().stream().filter(n -> String.valueOf(service(n).get("image")).startsWith("ccsync:"))
                .toList();
    }

    @Test
    void threeNodesOfThisVersionsImageAndPostgres() {
        assertThat(nodes()).containsExactly("ccsync-1", "ccsync-2", "ccsync-3");
        for (String node : nodes()) {
            assertThat(service(node).get("image")).as(node).isEqualTo("ccsync:" + Version.current());
            assertThat(service(node).get("depends_on").toString()).contains("postgres").contains("service_healthy");
        }
        assertThat(String.valueOf(service("postgres").get("image"))).startsWith("postgres:");
        assertThat(service("postgres").get("healthcheck").toString()).contains("pg_isready");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyNodeIsInClusterModeOnThePostgresDatabaseWithOneSharedInbox() {
        Set<String> dataVolumes = new HashSet<>();
        for (String node : nodes()) {
            Map<String, Object> env = (Map<String, Object>) service(node).get("environment");
            assertThat(env).as(node).containsEntry("CCSYNC_CLUSTER_ENABLED", "true")
                    .containsEntry("CCSYNC_TOKEN_STORE", "jdbc").containsEntry("CCSYNC_INBOX_DIR", "/inbox");
            assertThat(env.get("CCSYNC_DB_URL").toString()).startsWith("jdbc:postgresql://postgres:5432/");
            assertThat(env.get("CC_CLIENT_SECRET").toString()).as("secrets come from .env, not this file")
                    .startsWith("${");
            assertThat(env.get("CCSYNC_TOKEN_KEY").toString()).startsWith("${");
            List<String> volumes = (List<String>) service(node).get("volumes");
            assertThat(volumes).contains("inbox:/inbox");
            volumes.stream().filter(v -> v.endsWith(":/app/data")).forEach(dataVolumes::add);
            assertThat(service(node).get("healthcheck").toString()).contains("/observe/health");
        }
        assertThat(dataVolumes).as("each node its own data/").hasSize(3);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyVariableItSetsIsASettingCcsyncReads() {
        for (String node : nodes()) {
            for (String name : ((Map<String, Object>) service(node).get("environment")).keySet()) {
                String key = name.toLowerCase().replace('_', '.');
                boolean asKey = properties.lines().map(l -> l.split("=", 2)[0].trim().replace('-', '.'))
                        .anyMatch(key::equals);
                boolean asEnv = properties.contains("{{env:" + name + ":");
                assertThat(asKey || asEnv).as("%s sets %s, which config/application.properties does not read", node,
                        name).isTrue();
            }
        }
    }

    @Test
    void theImageVersionInTheFileIsThePomsVersion() throws Exception {
        Matcher image = Pattern.compile("image: ccsync:(\\S+)").matcher(Files.readString(Path.of("packaging/compose.yaml")));
        assertThat(image.find()).isTrue();
        assertThat(image.group(1)).isEqualTo(Version.current());
    }
}
