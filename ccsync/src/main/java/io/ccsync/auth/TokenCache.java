package io.ccsync.auth;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current access token in memory, backed by the token store, refreshed single-flight.
 *
 * <p>The hot path is one volatile read and one comparison of instants. When a refresh is due, every thread that
 * notices queues on one lock; the first one refreshes (inside the store's refresh lock, so other processes and nodes
 * wait too) and the others find the new token when they get the lock: however many callers, one refresh per expiry.
 */
public final class TokenCache {
    private static final Logger LOG = LoggerFactory.getLogger(TokenCache.class);

    /** Exchanges the stored refresh token for a new pair and stores it before returning (the token route). */
    @FunctionalInterface
    public interface Refresher {
        TokenState refresh(TokenState current);
    }

    /** What the store held when last read, its access token parsed once, and whether it may be used as it is. */
    private record Current(TokenState state, AccessToken token, boolean usable) {
    }

    static final String NOT_AUTHORIZED = "no Constant Contact tokens are stored yet. Run `ccsync authorize` (or "
            + "`ccsync device-login` on a server without a browser) once.";

    private final TokenStore store;
    private final RefreshPolicy policy;
    private final Clock clock;
    private final Refresher refresher;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final List<Consumer<Boolean>> authorizationListeners = new CopyOnWriteArrayList<>();
    private volatile Current current;
    /** Set when the token endpoint refused the client configuration; only a restart with new settings clears it. */
    private volatile String refusal;
    private final String clientId;

    public TokenCache(TokenStore store, RefreshPolicy policy, Clock clock, Refresher refresher) {
        this(store, policy, clock, refresher, null);
    }

    /**
     * @param clientId the configured client: stored tokens issued to another ({@code cid}) are refused, not used;
     *                 null to accept any
     */
    public TokenCache(TokenStore store, RefreshPolicy policy, Clock clock, Refresher refresher, String clientId) {
        this.clientId = clientId;
        this.store = store;
        this.policy = policy;
        this.clock = clock;
        this.refresher = refresher;
    }

    /**
     * A token good for at least the refresh margin; refreshes first when needed.
     *
     * @throws ReauthorizationRequiredException when only {@code ccsync authorize} can help
     */
    public AccessToken accessToken() {
        Current c = current;
        if (c != null && c.usable && refusal == null && !policy.due(c.token, clock.instant())) {
            return c.token;
        }
        refreshLock.lock();
        try {
            c = currentOrLoad();
            requireAuthorized(c);
            if (!policy.due(c.token, clock.instant())) {
                return c.token; // another thread refreshed while this one waited
            }
            return refresh(stored -> policy.due(stored.token, clock.instant()));
        } finally {
            refreshLock.unlock();
        }
    }

    /**
     * The API answered 401 to {@code failed}. Refreshes only if {@code failed} is still the current token: when
     * many requests fail with the same old token, the first refreshes and the rest get its result.
     */
    public AccessToken rejected(AccessToken failed) {
        refreshLock.lock();
        try {
            Current c = currentOrLoad();
            requireAuthorized(c);
            if (!c.token.value().equals(failed.value())) {
                return c.token;
            }
            return refresh(stored -> stored.token.value().equals(failed.value()));
        } finally {
            refreshLock.unlock();
        }
    }

    /**
     * For the scheduled route: adopts what the store holds (another process may have authorized or refreshed), then
     * refreshes when the token nears its end or the refresh token is getting old. Returns what it did, for the log.
     */
    public String refreshAhead() {
        refreshLock.lock();
        try {
            Current c = adopt(store.read());
            if (!usable(c.state)) {
                return "waiting for a person: " + reason(c.state);
            }
            if (!policy.dueAhead(c.state, c.token, clock.instant())) {
                return "token good until " + c.token.expiresAt() + "; nothing to do";
            }
            // Decided on what the store held a moment ago: another node (or a sync here) may be refreshing it right
            // now. Ask again once we hold the store's refresh lock, so that we do not refresh the pair it just got.
            boolean[] refreshed = {false};
            AccessToken fresh = refresh(stored -> refreshed[0] = policy.dueAhead(stored.state, stored.token,
                    clock.instant()));
            return refreshed[0] ? "refreshed ahead of time; new token good until " + fresh.expiresAt()
                    : "refreshed meanwhile by another thread or instance; token good until " + fresh.expiresAt();
        } finally {
            refreshLock.unlock();
        }
    }

    /** Forces one refresh through the same single-flight path ({@code ccsync token refresh}). */
    public AccessToken refreshNow() {
        refreshLock.lock();
        try {
            requireAuthorized(currentOrLoad());
            return refresh(stored -> true);
        } finally {
            refreshLock.unlock();
        }
    }

    /** What the store holds now, as last seen by this process. */
    public TokenState state() {
        return currentOrLoad().state;
    }

    /**
     * Why stored tokens that the server has not refused cannot be used: the token endpoint refused the client
     * configuration (invalid_client and the like), or they were issued to another client id. Null otherwise.
     */
    public String configurationProblem() {
        TokenState state = currentOrLoad().state;
        return refusal != null ? refusal : otherClient(state) != null ? reason(state) : null;
    }

    /** Whether the stored tokens can be used (or refreshed) without a person. */
    public boolean usable() {
        return usable(currentOrLoad().state);
    }

    /** Called with false when tokens stop being usable (re-authorization needed) and true when they are again. */
    public void onAuthorizationChange(Consumer<Boolean> listener) {
        authorizationListeners.add(listener);
    }

    /**
     * Refreshes inside the store's refresh lock if {@code stillNeeded} says so of what the store holds then: another
     * thread, process or node may have refreshed while we waited for the lock, and a rotating refresh token must not
     * be spent again for the same expiry.
     */
    private AccessToken refresh(java.util.function.Predicate<Current> stillNeeded) {
        return store.withRefreshLock(() -> {
            // The store is the truth: another process or node may have refreshed while we waited for the lock.
            Current c = adopt(store.read());
            requireAuthorized(c);
            if (!stillNeeded.test(c)) {
                return c.token;
            }
            try {
                return adopt(refresher.refresh(c.state)).token;
            } catch (ReauthorizationRequiredException e) {
                if (e.configurationRefused()) {
                    refuse(e.getMessage());
                } else {
                    adopt(store.read()); // the refresh stored the verdict; make it ours (logs it once)
                }
                throw e;
            } catch (RuntimeException e) {
                adoptQuietly(); // the failure's outcome may be stored; the pair is the one from before
                throw e;
            }
        });
    }

    /**
     * The token endpoint refused ccsync's configuration (invalid_client and the like): no call can succeed until the
     * settings change, which takes a restart. Work stops now, once, instead of asking the endpoint on every poll.
     */
    private void refuse(String reason) {
        boolean first = refusal == null;
        refusal = reason;
        if (first) {
            LOG.error("Constant Contact access is not available: {} Routes that call the API take no new work "
                    + "until then.", reason);
            authorizationListeners.forEach(l -> l.accept(false));
        }
    }

    private void adoptQuietly() {
        try {
            adopt(store.read());
        } catch (RuntimeException ignored) {
            // The store failing is what failed the refresh; the caller sees that failure.
        }
    }

    private Current currentOrLoad() {
        Current c = current;
        return c != null ? c : adopt(store.read());
    }

    private Current adopt(TokenState state) {
        Current before = current;
        if (before != null && before.state.version() == state.version()) {
            return before;
        }
        Current next = new Current(state, state.hasTokens() ? AccessToken.parse(state.accessToken()) : null,
                state.hasTokens() && state.reauthorization() == null && otherClient(state) == null);
        current = next;
        boolean wasUsable = before != null && usable(before.state);
        boolean isUsable = usable(state);
        if (!isUsable && (before == null || wasUsable)) {
            LOG.error("Constant Contact access is not available: {} Routes that call the API take no new work "
                    + "until then.", reason(state));
            authorizationListeners.forEach(l -> l.accept(false));
        } else if (isUsable && before != null && !wasUsable) {
            LOG.info("Constant Contact access is authorized again; routes resume.");
            authorizationListeners.forEach(l -> l.accept(true));
        }
        // A crash marker seen here says nothing on its own: read outside the store's refresh lock, it is as often
        // another process's refresh in flight. A refresh the last run left half done is judged, and said if it needs
        // a person, at start under the lock (TokenRefreshSteps.finishInterruptedRefresh).
        return next;
    }

    private boolean usable(TokenState state) {
        Current c = current;
        boolean fine = c != null && c.state == state ? c.usable
                : state.hasTokens() && state.reauthorization() == null && otherClient(state) == null;
        return refusal == null && fine;
    }

    private String reason(TokenState state) {
        if (refusal != null) {
            return refusal;
        }
        if (!state.hasTokens()) {
            return NOT_AUTHORIZED;
        }
        String other = otherClient(state);
        return other != null ? "the stored tokens (" + store.describe() + ") were issued to client " + other
                + ", but ccsync is configured with client " + clientId + " (CC_CLIENT_ID): they belong to another "
                + "application, and spending them would mix two applications' tokens. Set CC_CLIENT_ID back to "
                + other + ", or run `ccsync authorize` to connect with " + clientId + "." : state.reauthorization();
    }

    /** The {@code cid} of the stored access token when it is not the configured client's, else null. */
    private String otherClient(TokenState state) {
        if (clientId == null || !state.hasTokens()) {
            return null;
        }
        String cid;
        try {
            cid = AccessToken.parse(state.accessToken()).clientId();
        } catch (RuntimeException e) {
            return null; // not a JWT: reported where it is parsed
        }
        return cid != null && !cid.equals(clientId) ? cid : null;
    }

    private void requireAuthorized(Current c) {
        if (!usable(c.state)) {
            throw new ReauthorizationRequiredException(reason(c.state));
        }
    }
}
