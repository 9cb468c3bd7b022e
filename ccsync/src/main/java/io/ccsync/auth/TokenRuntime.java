package io.ccsync.auth;

import io.ccsync.CcsyncApplication;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The token beans and the token route without the rest of the integration: what the one-shot commands
 * ({@code ccsync authorize}, {@code ccsync token}) use, so they read the same settings, the same store and refresh
 * through the same single-flight path as {@code ccsync run}.
 */
public final class TokenRuntime implements AutoCloseable {
    private final Main main;
    private final CamelContext context;

    private TokenRuntime(Main main) {
        this.main = main;
        this.context = main.getCamelContext();
    }

    /** Starts camel-main with only {@code routes/token.camel.yaml}; {@code overrides} win over config (tests). */
    public static TokenRuntime start(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camel.main.routes-include-pattern", "file:routes/token.camel.yaml");
        settings.put("camel.main.routes-reload-enabled", "false");
        settings.put("camel.management.enabled", "false");
        settings.putAll(overrides);
        Main main = CcsyncApplication.create(settings);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start ccsync's token runtime: " + e.getMessage(), e);
        }
        return new TokenRuntime(main);
    }

    /** The Camel context: its http component is the one {@code camel.component.http.*} configures. */
    public CamelContext context() {
        return context;
    }

    public TokenCache tokenCache() {
        return bean("tokenCache", TokenCache.class);
    }

    public TokenStore tokenStore() {
        return bean("tokenStore", TokenStore.class);
    }

    public OAuthSettings oauthSettings() {
        return bean("oauthSettings", OAuthSettings.class);
    }

    public java.time.Clock clock() {
        return bean("clock", java.time.Clock.class);
    }

    /** A setting from config/application.properties (environment overrides applied). */
    public String property(String key) {
        return io.ccsync.Settings.setting(context, key);
    }

    private <T> T bean(String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    @Override
    public void close() {
        main.stop();
    }
}
