package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTokenStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aFirstAnswerKeptBeforeAnyPairIsStoredAtStartNotDropped() {
        KeptAnswerCases.aFirstAnswerKeptBeforeAnyPairIsStoredAtStart(new FileTokenStore(dir.resolve("tokens.json")));
    }

    @Test
    void aFirstAnswerThatCannotBeUsedStaysKeptAndTheStartSaysToAuthorize() {
        KeptAnswerCases.aFirstAnswerThatCannotBeUsedStaysKeptAndTheStartSaysToAuthorize(
                new FileTokenStore(dir.resolve("tokens.json")));
    }

    @Test
    void aStoreWithNoFileIsEmpty() {
        assertThat(new FileTokenStore(dir.resolve("tokens.json")).read()).isEqualTo(TokenState.EMPTY);
    }

    @Test
    void writtenStateReadsBackWhole() {
        FileTokenStore store = new FileTokenStore(dir.resolve("data/tokens.json"));
        TokenState state = TestJwts.authorizedState(NOW, Duration.ofHours(24), "refresh-1");
        store.write(state);
        assertThat(new FileTokenStore(dir.resolve("data/tokens.json")).read()).isEqualTo(state);
    }

    @Test
    void tokenFileAndFolderAreOwnerOnly() throws Exception {
        Path file = dir.resolve("data/tokens.json");
        new FileTokenStore(file).write(TestJwts.authorizedState(NOW, Duration.ofHours(24), "r"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void previousGenerationIsKeptAsBackup() throws Exception {
        Path file = dir.resolve("tokens.json");
        FileTokenStore store = new FileTokenStore(file);
        TokenState first = TestJwts.authorizedState(NOW, Duration.ofHours(24), "refresh-1");
        store.write(first);
        store.write(first.refreshStarting(NOW));
        TokenState backup = new FileTokenStore(dir.resolve("tokens.json.bak")).read();
        assertThat(backup).isEqualTo(first);
    }

    @Test
    void aWriteBasedOnAnOldVersionIsRefused() {
        FileTokenStore store = new FileTokenStore(dir.resolve("tokens.json"));
        TokenState first = TestJwts.authorizedState(NOW, Duration.ofHours(24), "refresh-1");
        store.write(first);
        store.write(first.refreshStarting(NOW));
        assertThatThrownBy(() -> store.write(first.refreshFailed("x", NOW)))
                .isInstanceOf(TokenStore.ConcurrentUpdateException.class)
                .hasMessageContaining("expected version 1, found 2");
    }

    @Test
    void aSymlinkedTokenFileIsRefused() throws Exception {
        Path real = dir.resolve("elsewhere.json");
        Files.writeString(real, "{}");
        Path link = Files.createSymbolicLink(dir.resolve("tokens.json"), real);
        assertThatThrownBy(() -> new FileTokenStore(link).read())
                .hasMessageContaining("symbolic link")
                .hasMessageContaining("ccsync.token.file");
    }

    @Test
    void noTemporaryFilesAreLeftBehind() throws Exception {
        FileTokenStore store = new FileTokenStore(dir.resolve("tokens.json"));
        TokenState state = TestJwts.authorizedState(NOW, Duration.ofHours(24), "r");
        store.write(state);
        store.write(state.refreshStarting(NOW));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("tokens.json", "tokens.json.bak", "tokens.json.lock");
        }
    }

    @Test
    void aDamagedFileNamesTheBackupAndTheFix() throws Exception {
        Path file = dir.resolve("tokens.json");
        Files.writeString(file, "{\"version\": 3, \"access_tok");
        assertThatThrownBy(() -> new FileTokenStore(file).read())
                .hasMessageContaining("tokens.json.bak")
                .hasMessageContaining("ccsync authorize");
    }

    @Test
    void concurrentWritersNeverLoseAnUpdate() throws Exception {
        FileTokenStore store = new FileTokenStore(dir.resolve("tokens.json"));
        store.write(TestJwts.authorizedState(NOW, Duration.ofHours(24), "r"));
        int threads = 8;
        int attemptsEach = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> wins = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            wins.add(pool.submit(() -> {
                int won = 0;
                for (int i = 0; i < attemptsEach; i++) {
                    try {
                        store.write(store.read().refreshFailed("attempt", NOW));
                        won++;
                    } catch (TokenStore.ConcurrentUpdateException lost) {
                        // another thread wrote between our read and write: exactly what CAS must catch
                    }
                }
                return won;
            }));
        }
        int total = 0;
        for (Future<Integer> f : wins) {
            total += f.get();
        }
        pool.shutdown();
        assertThat(store.read().version()).isEqualTo(1 + total);
    }
}
