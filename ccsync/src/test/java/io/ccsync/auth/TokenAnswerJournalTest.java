package io.ccsync.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccsync.sandbox.RefreshMode;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token endpoint's answer is kept by the HTTP client itself ({@link TokenAnswerJournal}), through the real token
 * route against the sandbox over HTTP: by the time Camel hands the answer on, it is already in the store.
 */
class TokenAnswerJournalTest {
    @TempDir
    Path dir;

    @Test
    void theRawAnswerIsInTheStoreBeforeTheRouteReadsIt() throws Exception {
        try (Sandbox sandbox = sandbox(); TokenStoreAndCcsync both = start(sandbox)) {
            TokenStore store = both.store;
            RunningCcsync ccsync = both.ccsync;
            AtomicReference<String> answer = new AtomicReference<>();
            AtomicReference<Optional<String>> keptThen = new AtomicReference<>();
            // Right after the HTTP call, before the response step (or anything of Camel's) reads the answer.
            AdviceWith.adviceWith(ccsync.context(), "token-endpoint", a -> a.weaveByType(org.apache.camel.model.ToDefinition.class).after()
                    .process(e -> {
                        keptThen.set(store.incoming());
                        String body = e.getMessage().getBody(String.class);
                        answer.set(body);
                        e.getMessage().setBody(body); // read once here; the response step reads the same text
                    }));

            ccsync.bean("tokenCache", TokenCache.class).refreshNow();

            assertThat(answer.get()).contains("refresh_token");
            assertThat(keptThen.get()).as("the answer kept when the HTTP call returned").contains(answer.get());
            assertThat(store.incoming()).as("cleared once the pair was stored").isEmpty();
            assertThat(TokenAnswerJournal.lastTiming()).isNotNull();
        }
    }

    @Test
    void aCallThatGetsNoAnswerLeavesNoKeptAnswerAndTheNextRefreshWorks() throws Exception {
        try (Sandbox sandbox = sandbox(); TokenStoreAndCcsync both = start(sandbox)) {
            FileTokenStore store = (FileTokenStore) both.store;
            RunningCcsync ccsync = both.ccsync;
            TokenCache cache = ccsync.bean("tokenCache", TokenCache.class);
            sandbox.setDropRate(1.0); // every token call: the connection closes without a word
            assertThatThrownBy(cache::refreshNow).isNotNull();
            // The slot was opened for an answer that never came: an empty file, which is no kept answer.
            Path incoming = Path.of(store.file() + ".incoming");
            assertThat(!Files.exists(incoming) || Files.size(incoming) == 0).isTrue();
            assertThat(store.incoming()).isEmpty();
            try (var files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains("rehearsal"));
            }

            sandbox.setDropRate(0);
            cache.refreshNow();
            assertThat(sandbox.refreshTokenUsable(store.read().refreshToken())).isTrue();
        }
    }

    private static Sandbox sandbox() {
        return Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withRefreshMode(RefreshMode.ROTATING).withTokenRateLimit(100));
    }

    /** Authorized first: ccsync reads the stored tokens when it starts. */
    private TokenStoreAndCcsync start(Sandbox sandbox) {
        TokenStore store = SandboxFixture.authorize(sandbox, dir.resolve("tokens.json"));
        return new TokenStoreAndCcsync(store, RunningCcsync.start(settings(sandbox), Map.of()));
    }

    private record TokenStoreAndCcsync(TokenStore store, RunningCcsync ccsync) implements AutoCloseable {
        @Override
        public void close() {
            ccsync.close();
        }
    }

    private Map<String, String> settings(Sandbox sandbox) {
        Map<String, String> s = new LinkedHashMap<>(SandboxFixture.settings(sandbox, dir.resolve("tokens.json")));
        s.put("ccsync.db.url", "jdbc:h2:mem:journal-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        s.put("ccsync.token.retry.attempts", "1");
        s.put("ccsync.token.retry.delay", "10");
        return s;
    }
}
