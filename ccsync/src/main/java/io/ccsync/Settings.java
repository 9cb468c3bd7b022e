package io.ccsync;

import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.util.TimeUtils;

/**
 * How the {@code @Configuration} classes read settings and bind beans: one place for both rules. Settings come from
 * config/application.properties with environment overrides applied, as Camel resolves them.
 */
public final class Settings {
    private Settings() {
    }

    /** A setting that must be present; its absence names the key and the file. */
    public static String setting(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key)
                .orElseThrow(() -> new IllegalStateException("missing setting " + key
                        + " in config/application.properties"));
    }

    /** A setting with a fallback when absent. */
    public static String setting(CamelContext context, String key, String fallback) {
        return context.getPropertiesComponent().resolveProperty(key).orElse(fallback);
    }

    /** A duration setting: {@code 5m}, {@code 30s}, {@code 1h} or milliseconds. */
    public static Duration duration(CamelContext context, String key) {
        return Duration.ofMillis(TimeUtils.toMilliSeconds(setting(context, key)));
    }

    /** Binds a bean under {@code name} unless one is there already (a test may bind its own first). */
    public static void bindIfAbsent(CamelContext context, String name, Object bean) {
        if (context.getRegistry().lookupByName(name) == null) {
            context.getRegistry().bind(name, bean);
        }
    }
}
