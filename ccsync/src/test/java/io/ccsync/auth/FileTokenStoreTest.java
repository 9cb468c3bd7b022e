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

    /** The file is read with the streaming parser and written by the mapper: the two must agree on every field. */
    @Test
    void theReaderTakesEveryFieldTheMapperWritesAndWhatTheMapperWouldRead() throws Exception {
        TokenState full = new TokenState(7, "access", "refresh", "contact_data offline_access", NOW,
                TokenState.RefreshMode.LONG_LIVED, NOW.plusSeconds(60), "invalid_grant",
                "the refresh token was refused", NOW.plusMillis(1_500));
        for (var component : TokenState.class.getRecordComponents()) {
            assertThat(component.getAccessor().invoke(full)).as("%s set in this test", component.getName()).isNotNull();
        }
        assertThat(FileTokenStore.parse(FileTokenStore.mapper().writeValueAsBytes(full))).isEqualTo(full);

        for (String tolerated : List.of("{}", "{\"version\": null, \"refresh_mode\": null}",
                "{\"version\": \"3\", \"access_token\": \"a\", \"newer\": {\"x\": [1, {\"y\": 2}]}, \"scope\": \"s\"}",
                "{\"refresh_token_since\": 1700000000, \"last_refresh_at\": 1700000000.25, "
                        + "\"refresh_started_at\": \"2026-11-23T11:00:00+01:00\", \"refresh_mode\": \"ROTATING\"}")) {
            byte[] json = tolerated.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(FileTokenStore.parse(json)).as(tolerated)
                    .isEqualTo(FileTokenStore.mapper().readValue(json, TokenState.class));
        }
        for (String refused : List.of("[]", "{\"refresh_mode\": \"SOMETIMES\"}", "{\"last_refresh_at\": \"noon\"}")) {
            Path file = dir.resolve("refused.json");
            Files.writeString(file, refused);
            assertThatThrownBy(() -> new FileTokenStore(file).read()).as(refused)
                    .hasMessageContaining("cannot be read").hasMessageContaining("refused.json.bak");
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
