package io.ccsync.ops;

import static io.ccsync.Settings.bindIfAbsent;
import static io.ccsync.Settings.duration;
import static io.ccsync.Settings.setting;

import io.ccsync.auth.AccessToken;
import io.ccsync.auth.TokenCache;
import io.ccsync.auth.TokenState;
import io.ccsync.delivery.ApiBudget;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.StartupListener;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.ComponentCustomizer;

/**
 * What an operator watches: the token health check ({@code /observe/health}, check {@code ccsync-token}), the
 * {@link Metrics} bean {@code metrics}, the token and quota gauges, the refresh counter and the API calls by endpoint
 * and status ({@code /observe/metrics}).
 * Everything here only reads the token cache and the API budget; nothing refreshes or spends a call.
 */
@Configuration
public class OpsConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Metrics metrics = new Metrics(() -> context.getRegistry()
                .lookupByNameAndType(Metrics.REGISTRY_BEAN, MeterRegistry.class));
        Duration margin = duration(context, "ccsync.token.refresh-margin");
        bindIfAbsent(context, "metrics", metrics);
        bindIfAbsent(context, "tokenHealthCheck", new TokenHealthCheck(() -> tokenCache(context), margin,
                () -> context.getRegistry().lookupByNameAndType("clock", Clock.class), () -> quotaUsed(context)));
        context.getManagementStrategy().addEventNotifier(new RefreshOutcomes(metrics));
        ApiCalls apiCalls = new ApiCalls(metrics, setting(context, "ccsync.api.base-url"));
        context.getManagementStrategy().addEventNotifier(apiCalls);
        // every http and https endpoint (API, token endpoint) reports its requests to it; it keeps the API's
        bindIfAbsent(context, "apiCallsListener", ComponentCustomizer.forType(HttpComponent.class,
                http -> http.setHttpActivityListener(apiCalls)));
        // The served registry exists once camel-micrometer has started: register the gauges then.
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // ccsync_api_limiter_wait_seconds: the budget (DeliveryConfiguration) is bound by now
                ApiBudget budget = ctx.getRegistry().lookupByNameAndType("apiBudget", ApiBudget.class);
                if (budget != null) {
                    budget.reportWaitsTo(metrics::limiterWait);
                }
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) throws Exception {
                gauges(ctx, metrics.registry());
                RouteFilesReload.install(ctx);
            }
        });
    }

    static void gauges(CamelContext context, MeterRegistry registry) {
        Clock clock = context.getRegistry().lookupByNameAndType("clock", Clock.class);
        Gauge.builder("ccsync.token.seconds.remaining", context, c -> secondsLeft(tokenCache(c), clock))
                .description("Seconds until the current access token expires (0: expired or none)")
                .register(registry);
        Gauge.builder("ccsync.token.reauthorization.needed", context,
                c -> tokenCache(c).usable() ? 0 : 1)
                .description("1 when only `ccsync authorize` can reconnect Constant Contact")
                .register(registry);
        Gauge.builder("ccsync.api.quota.used", context, c -> Math.max(0, quotaUsed(c)))
                .description("API calls spent today (UTC) against the daily quota").register(registry);
        context.getPropertiesComponent().resolveProperty("ccsync.delivery.rate.per-day").ifPresent(limit ->
                Gauge.builder("ccsync.api.quota.limit", () -> Double.parseDouble(limit))
                        .description("The daily API quota (ccsync.delivery.rate.per-day)").register(registry));
    }

    static double secondsLeft(TokenCache tokens, Clock clock) {
        TokenState state = tokens.state();
        if (!state.hasTokens()) {
            return 0;
        }
        try {
            Duration left = Duration.between(clock.instant(), AccessToken.parse(state.accessToken()).expiresAt());
            return Math.max(0, left.toSeconds());
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    private static TokenCache tokenCache(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("tokenCache", TokenCache.class);
    }

    /** API calls spent today, or -1 when delivery's budget is not in this process. */
    private static int quotaUsed(CamelContext context) {
        ApiBudget budget = context.getRegistry().lookupByNameAndType("apiBudget", ApiBudget.class);
        return budget == null ? -1 : budget.usedToday();
    }
}
