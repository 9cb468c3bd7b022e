package io.ccsync.auth;

/**
 * Where the token pair lives between runs. A write is durable when it returns: a rotated refresh token is never
 * used before it is safely stored. Writes compare-and-swap on {@link TokenState#version()} so that several threads,
 * or several instances sharing a database, cannot overwrite each other's newer pair.
 */
public interface TokenStore {

    /** The stored state, or {@link TokenState#EMPTY} when nothing was ever stored. */
    TokenState read();

    /**
     * Stores {@code next} if the stored version is still {@code next.version() - 1}.
     *
     * @throws ConcurrentUpdateException when someone else wrote first; re-read and decide again
     */
    void write(TokenState next);

    /**
     * Runs {@code work} (a refresh: read, call the token endpoint, write) while no other thread or instance can
     * refresh. The lock must outlive the slowest token call, so two holders never spend the same refresh token.
     */
    <T> T withRefreshLock(java.util.function.Supplier<T> work);

    /**
     * Keeps a token endpoint answer the moment it arrives, before it is validated and stored: a process killed in
     * between does not lose the rotated pair, because the next refresh, or the next start, finishes from it
     * ({@link TokenRefreshSteps#finishFromKeptAnswer}). Durable when it returns. Inside a refresh, refused once this
     * instance no longer holds the refresh lock (jdbc lease), so a stale answer cannot pass for the current one.
     */
    void keepIncoming(String tokenResponseBody);

    /**
     * Opens, before the token request leaves, where {@link TokenAnswerJournal} keeps the answer the instant it
     * arrives; what it keeps is what {@link #incoming()} returns. This default keeps through {@link #keepIncoming}.
     */
    default AnswerSlot openAnswerSlot() {
        return new AnswerSlot() {
            @Override
            public long keep(byte[] answer) {
                keepIncoming(new String(answer, java.nio.charset.StandardCharsets.UTF_8));
                return System.nanoTime();
            }

            @Override
            public void rehearse(byte[] dummy) {
                // nothing prepared to rehearse
            }

            @Override
            public String describe() {
                return TokenStore.this.describe();
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }

    /** The answer kept by {@link #keepIncoming}, until a pair is stored from it or it is found stale. */
    java.util.Optional<String> incoming();

    /** Forgets the kept answer once its pair is stored (or found stale); fenced like {@link #keepIncoming}. */
    void clearIncoming();

    /**
     * Whether this thread still holds the refresh lock it took ({@link #withRefreshLock}): a jdbc lease can be taken
     * over by another node when this one froze past it. Asked before every token call and every retry.
     */
    default boolean holdsRefreshLock() {
        return true;
    }

    /** Where the tokens are, for messages ("data/tokens.json", "jdbc:postgresql://…"): never a secret. */
    String describe();

    /** Another writer stored a newer version first. */
    final class ConcurrentUpdateException extends RuntimeException {
        public ConcurrentUpdateException(long expected, long found) {
            super("token store changed underneath us: expected version " + expected + ", found " + found);
        }
    }
}
