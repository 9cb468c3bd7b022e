package io.ccsync;

import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;

/**
 * The camel-main application: configuration from {@code config/application.properties} and routes from
 * {@code routes/*.camel.yaml}, both read from the working directory so an engineer edits them without recompiling.
 */
public final class CcsyncApplication {
    public static final String CONFIG_LOCATION = "file:config/application.properties";

    static {
        // before anything loads H2: its AUTO_SERVER then listens on loopback only
        io.ccsync.store.DatabaseConfiguration.h2OnLoopback();
    }

    private CcsyncApplication() {
    }

    /** A camel-main ready to run; {@code overrides} win over the properties file (tests, profiles, the CLI). */
    public static Main create(java.util.Map<String, String> overrides) {
        return create(null, overrides);
    }

    /**
     * As {@link #create(java.util.Map)}, with {@code config/application-PROFILE.properties} loaded over
     * {@code config/application.properties} when a profile is named.
     */
    public static Main create(String profile, java.util.Map<String, String> overrides) {
        Main main = new Main(CcsyncApplication.class);
        // With several locations the first one that has a key wins, so the profile goes first.
        main.setDefaultPropertyPlaceholderLocation(profile == null ? CONFIG_LOCATION
                : "file:config/application-" + profile + ".properties," + CONFIG_LOCATION);
        overrides.forEach(main::addOverrideProperty);
        main.bind("cliConnectorFactory", cliConnector(false));
        return main;
    }

    /**
     * Lets Camel JBang ({@code camel get}, {@code camel top}, {@code camel trace}) see this process: only the long-running
     * {@code ccsync run}. The connector owns its JVM (removing its ~/.camel/PID file stops the process), so a one-shot
     * command, or a test running several nodes in one JVM, keeps it off.
     */
    public static Main inspectable(Main main) {
        main.bind("cliConnectorFactory", cliConnector(true));
        return main;
    }

    private static DefaultCliConnectorFactory cliConnector(boolean enabled) {
        DefaultCliConnectorFactory factory = new DefaultCliConnectorFactory();
        factory.setEnabled(enabled);
        return factory;
    }

    /**
     * The settings alone, resolved by Camel's properties component as camel-main resolves them (the same file,
     * {@code {{env:NAME:default}}} placeholders, environment overrides, {@code overrides} winning), without starting
     * Camel: for a command that must not start routes or set up the database ({@code ccsync check}). Read them with
     * {@link Settings}.
     */
    public static CamelContext settings(java.util.Map<String, String> overrides) {
        CamelContext context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation(CONFIG_LOCATION);
        Properties winning = new Properties();
        winning.putAll(overrides);
        context.getPropertiesComponent().setOverrideProperties(winning);
        return context;
    }
}
