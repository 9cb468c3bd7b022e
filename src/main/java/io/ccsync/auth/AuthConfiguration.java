package io.ccsync.auth;

import static io.ccsync.Settings.bindIfAbsent;
import static io.ccsync.Settings.duration;
import static io.ccsync.Settings.setting;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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

    @Override
    public void configure(CamelContext context) {
        bindIfAbsent(context, "clock", Clock.systemUTC()); // tests bind a clock of their own first
        Clock clock = context.getRegistry().lookupByNameAndType("clock", Clock.class);
        OAuthSettings settings = OAuthSettings.from(key -> setting(context, key));
        TokenStore store = tokenStore(context);
        RefreshPolicy policy = new RefreshPolicy(
                duration(context, "ccsync.token.refresh-margin"),
                duration(context, "ccsync.token.proactive-refresh-before"),
                Duration.ofDays(Long.parseLong(setting(context, "ccsync.token.keepalive-days"))));
        TokenRefreshSteps steps = new TokenRefreshSteps(store, settings, clock,
                Integer.parseInt(setting(context, "ccsync.token.retry.attempts")));
        String finished = steps.finishInterruptedRefresh();
        if (finished != null) {
            org.slf4j.LoggerFactory.getLogger(TokenCache.class).warn("On start: {}", finished);
        }
        TokenCache cache = new TokenCache(store, policy, clock, new RouteRefresher(context));
        bindIfAbsent(context, "oauthSettings", settings);
        bindIfAbsent(context, "tokenStore", store);
        bindIfAbsent(context, "tokenCache", cache);
        bindIfAbsent(context, "tokenRefreshSteps", steps);
        bindIfAbsent(context, "tokenProcessor", new TokenProcessor(cache));
        bindIfAbsent(context, "tokenRejected", new TokenRejectedProcessor(cache));
        bindIfAbsent(context, "reauthorizationGate", new ReauthorizationGate(cache));
    }

    /** The store named by {@code ccsync.token.store}. */
    static TokenStore tokenStore(CamelContext context) {
        String kind = setting(context, "ccsync.token.store");
        if ("file".equals(kind)) {
            return new FileTokenStore(Path.of(setting(context, "ccsync.token.file")));
        }
        throw new IllegalStateException("ccsync.token.store=" + kind + " is not supported; use file.");
    }

    /** Refreshes through {@code direct:token-refresh}, unwrapping Camel's wrapper so callers see the real cause. */
    private static final class RouteRefresher implements TokenCache.Refresher {
        private final CamelContext context;
        private volatile ProducerTemplate template;

        RouteRefresher(CamelContext context) {
            this.context = context;
        }

        @Override
        public TokenState refresh(TokenState current) {
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
