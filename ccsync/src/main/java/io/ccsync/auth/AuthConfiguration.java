package io.ccsync.auth;

import static io.ccsync.Settings.bindIfAbsent;
import static io.ccsync.Settings.duration;
import static io.ccsync.Settings.setting;

import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.store.DatabaseConfiguration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.ProducerTemplate;

/**
 * The token beans the routes use: {@code clock}, {@code tokenProcessor}, {@code tokenRejected}, {@code reauthorizationGate},
 * {@code tokenRefreshSteps} and {@code tokenCache}, built from {@code ccsync.oauth.*} and {@code ccsync.token.*}.
 */
@Configuration
public class AuthConfiguration implements CamelConfiguration {
    /**
     * How long a refresh waits for the jdbc store's lease while another live instance keeps renewing it. Its slowest
     * refresh (6 attempts of up to a minute each with backoff between) stays well under this.
     */
    private static final Duration LEASE_WAIT = Duration.ofMinutes(15);
    /**
     * Internal: whether start-up finishes a refresh the last run left half done (it reads the stored row). Off only
     * for {@code ccsync token migrate}, which must open a row that cannot be read as it is.
     */
    public static final String FINISH_ON_START = "ccsync.token.finish-on-start";

    @Override
    public void configure(CamelContext context) {
        bindIfAbsent(context, "clock", Clock.systemUTC()); // tests bind a clock of their own first
        Clock clock = context.getRegistry().lookupByNameAndType("clock", Clock.class);
        OAuthSettings settings = OAuthSettings.from(key -> setting(context, key));
        // A store bound before start (tests that inject faults into a real store) is the one every token bean uses.
        TokenStore bound = context.getRegistry().lookupByNameAndType("tokenStore", TokenStore.class);
        TokenStore store = bound != null ? bound : tokenStore(context);
        RefreshPolicy policy = new RefreshPolicy(
                duration(context, "ccsync.token.refresh-margin"),
                duration(context, "ccsync.token.proactive-refresh-before"),
                Duration.ofDays(Long.parseLong(setting(context, "ccsync.token.keepalive-days"))));
        TokenRefreshSteps steps = new TokenRefreshSteps(store, settings, clock,
                Integer.parseInt(setting(context, "ccsync.token.retry.attempts")));
        if (Boolean.parseBoolean(setting(context, FINISH_ON_START, "true"))) {
            String finished = steps.finishInterruptedRefresh();
            if (finished != null) {
                org.slf4j.LoggerFactory.getLogger(TokenCache.class).warn("On start: {}", finished);
            }
        }
        steps.callingThrough(new TokenRoute(context));
        TokenCache cache = new TokenCache(store, policy, clock, steps, settings.clientId());
        bindIfAbsent(context, "oauthSettings", settings);
        bindIfAbsent(context, "tokenStore", store);
        bindIfAbsent(context, "tokenCache", cache);
        bindIfAbsent(context, "tokenRefreshSteps", steps);
        bindIfAbsent(context, "tokenAnswerJournal", new TokenAnswerJournal(store));
        bindIfAbsent(context, "tokenProcessor", new TokenProcessor(cache));
        bindIfAbsent(context, "tokenRejected", new TokenRejectedProcessor(cache));
        bindIfAbsent(context, "reauthorizationGate", new ReauthorizationGate(cache));
    }

    /**
     * The store named by {@code ccsync.token.store}: {@code file} ({@code ccsync.token.file}) or {@code jdbc} (the
     * {@code token_state} table in ccsyncDb, created here if no other configuration has yet).
     */
    static TokenStore tokenStore(CamelContext context) {
        String kind = setting(context, "ccsync.token.store").strip();
        TokenCipher cipher = TokenCipher.fromSetting(setting(context, "ccsync.token.encryption-key", ""));
        if ("file".equals(kind)) {
            if (cipher.enabled()) {
                org.slf4j.LoggerFactory.getLogger(AuthConfiguration.class).warn("{} is set, but only the jdbc token "
                        + "store encrypts; the file store relies on the file's owner-only permissions.",
                        TokenCipher.VARIABLE);
            }
            return new FileTokenStore(Path.of(setting(context, "ccsync.token.file")));
        }
        if ("jdbc".equals(kind)) {
            DataSource db;
            try {
                db = DatabaseConfiguration.ccsyncDb(context);
            } catch (Exception e) {
                throw new IllegalStateException("ccsync.token.store=jdbc, but ccsync's database ("
                        + JdbcTokenStore.withoutCredentials(setting(context, "ccsync.db.url", "")) + ") cannot be "
                        + "opened: " + e.getMessage(), e);
            }
            String url = db instanceof HikariDataSource hikari ? hikari.getJdbcUrl()
                    : setting(context, "ccsync.db.url", "");
            return new JdbcTokenStore(db, url, setting(context, "ccsync.token.account", "default").strip(), cipher,
                    duration(context, "ccsync.token.lease"), LEASE_WAIT);
        }
        throw new IllegalStateException("ccsync.token.store=" + kind + " is not supported; use file or jdbc.");
    }

    /** Steps 2 to 6 of a refresh through {@code direct:token-refresh}, Camel's wrapper unwrapped for the owner. */
    private static final class TokenRoute implements java.util.function.UnaryOperator<TokenState> {
        private final CamelContext context;
        private volatile ProducerTemplate template;

        TokenRoute(CamelContext context) {
            this.context = context;
        }

        @Override
        public TokenState apply(TokenState current) {
            if (template == null) {
                template = context.createProducerTemplate();
            }
            try {
                return template.requestBody("direct:token-refresh", current, TokenState.class);
            } catch (CamelExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
    }
}
