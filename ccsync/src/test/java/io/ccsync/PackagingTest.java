package io.ccsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example systemd unit keeps what ccsync creates to its own user. */
class PackagingTest {
    @Test
    void theServiceRunsWithAnOwnerOnlyUmask() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("packaging/ccsync.service"));
        int service = lines.indexOf("[Service]");
        int install = lines.indexOf("[Install]");

        assertThat(service).isNotNegative();
        assertThat(lines.subList(service, install)).contains("UMask=0077");
    }
}
