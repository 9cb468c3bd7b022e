package io.ccsync;

import org.apache.camel.main.Main;

/**
 * The camel-main application: configuration from {@code config/application.properties} and routes from
 * {@code routes/*.camel.yaml}, both read from the working directory so an engineer edits them without recompiling.
 */
public final class CcsyncApplication {
    public static final String CONFIG_LOCATION = "file:config/application.properties";

    private CcsyncApplication() {
    }

    /** A camel-main ready to run; {@code overrides} win over the properties file (tests, profiles, the CLI). */
    public static Main create(java.util.Map<String, String> overrides) {
        Main main = new Main(CcsyncApplication.class);
        main.setDefaultPropertyPlaceholderLocation(CONFIG_LOCATION);
        overrides.forEach(main::addOverrideProperty);
        return main;
    }
}
