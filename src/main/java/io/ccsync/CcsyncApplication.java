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
        return main;
    }
}
