package io.ccsync.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccsync.contact.ContactMapping;
import io.ccsync.contact.MappingException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mapping in use follows the file's saved content; a save with a mistake is refused once and changes nothing. */
class LiveMappingTest {
    @TempDir
    Path dir;

    @Test
    void aSavedChangeBecomesTheMappingInUseAndABrokenSaveIsRefusedOnce() throws Exception {
        Path file = dir.resolve("mapping.yaml");
        Files.copy(Path.of("config/mapping.yaml"), file);
        LiveMapping live = LiveMapping.load(file);
        ContactMapping first = live.get();

        assertThat(live.reloadIfChanged()).as("nothing saved").isEmpty();

        Files.writeString(file, "email: [not, a, column\n");
        assertThatThrownBy(live::reloadIfChanged).isInstanceOf(MappingException.class)
                .hasMessageContaining(file.toString());
        assertThat(live.reloadIfChanged()).as("the same broken content is not reported again").isEmpty();
        assertThat(live.get()).isSameAs(first);

        Files.writeString(file, Files.readString(Path.of("config/mapping-demo.yaml")));
        assertThat(live.reloadIfChanged()).isPresent();
        assertThat(live.get().customFieldNames()).containsExactly("favourite_colour");
        assertThat(live.pipeline().mapping()).isSameAs(live.get());
    }
}
