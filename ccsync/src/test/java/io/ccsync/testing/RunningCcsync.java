package io.ccsync.testing;

import io.ccsync.CcsyncApplication;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * ccsync as `ccsync run` starts it (real config/application.properties, real routes/*.camel.yaml), with only the
 * edges overridden: where the servers are, where files go. Tests add routes in YAML, as an engineer would.
 */
public final class RunningCcsync implements AutoCloseable {
    private final Main main;
    private final ProducerTemplate template;

    private RunningCcsync(Main main) {
        this.main = main;
        this.template = main.getCamelContext().createProducerTemplate();
    }

    /** Starts with the shipped config and routes plus {@code overrides}; {@code beans} are bound first (a clock). */
    public static RunningCcsync start(Map<String, String> overrides, Map<String, Object> beans) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camel.management.enabled", "false");
        settings.put("ccsync.token.scheduler-enabled", "false");
        settings.put("ccsync.inbox.enabled", "false"); // tests that want the inbox point it at their own folder
        settings.put("ccsync.crm.enabled", "false");
        settings.put("ccsync.optouts.enabled", "false"); // tests that want the opt-out poll turn it on
        settings.putAll(overrides);
        Main main = CcsyncApplication.create(settings);
        beans.forEach(main::bind);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new RunningCcsync(main);
    }

    /** Adds routes written in YAML, as they would be in routes/*.camel.yaml. */
    public RunningCcsync withYamlRoutes(String name, String yaml) {
        try {
            PluginHelper.getRoutesLoader(context()).loadRoutes(ResourceHelper.fromString(name + ".camel.yaml", yaml));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public ProducerTemplate template() {
        return template;
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    @Override
    public void close() {
        main.stop();
    }
}
