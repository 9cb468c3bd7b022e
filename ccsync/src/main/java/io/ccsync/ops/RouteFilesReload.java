package io.ccsync.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload of {@code routes/*.camel.yaml} and {@code routes/*.java} ({@code camel.main.routes-reload-enabled=true};
 * the files {@code camel.main.routes-include-pattern} names), in place of what Camel
 * 4.18's watcher does on a save. Camel's own reload loads every other file once per route it holds (CAMEL-24866, a
 * "duplicate route id" with our files of several routes) and, when a load fails, does not bring back the routes it
 * removed first (CAMEL-24860), so a save used to leave ccsync with no routes. Both are fixed upstream after 4.18.0;
 * LiveReloadTest's camelsOwnReload* tests show Camel's reload alone still fails on the Camel we build with, and fail
 * once an upgrade makes this class unnecessary. Here a save replaces all routes with those of
 * every route file, the saved one as it is now; when the new set does not load (a YAML mistake), the last set that
 * did is loaded again and the error says which file to fix (for a .java file, the compiler's line). A Java route is
 * compiled again with all the others (jOOR), so one mechanism serves both DSLs. Camel's watcher still notices the saves.
 */
public final class RouteFilesReload implements ResourceReload {
    private static final Logger LOG = LoggerFactory.getLogger(RouteFilesReload.class);
    /** How long a saved file must stay as it is before it is loaded. */
    private static final long SETTLE_MILLIS = 300;

    private final CamelContext context;

    /** The route files as last loaded successfully: location → text. */
    private final Map<String, String> lastGood;
    /** Each file's text as last tried, applied or not. */
    private final Map<String, String> lastTried;

    private RouteFilesReload(CamelContext context, Map<String, String> loaded) {
        this.context = context;
        this.lastGood = loaded;
        this.lastTried = new HashMap<>(loaded);
    }

    /** Takes over the saves Camel's watcher sees, if live reload is on; call once the context has started. */
    static void install(CamelContext context) throws Exception {
        RouteWatcherReloadStrategy watcher = context.hasService(RouteWatcherReloadStrategy.class);
        if (watcher == null) {
            return;
        }
        String pattern = context.resolvePropertyPlaceholders("{{camel.main.routes-include-pattern}}");
        Map<String, String> loaded = new LinkedHashMap<>();
        for (String part : pattern.split(",")) {
            for (Resource file : PluginHelper.getPackageScanResourceResolver(context).findResources(part.trim())) {
                loaded.put(file.getLocation(), read(file));
            }
        }
        watcher.setResourceReload(new RouteFilesReload(context, loaded));
    }

    @Override
    public synchronized void onReload(String name, Resource saved) throws Exception {
        Map<String, String> candidate = new LinkedHashMap<>(lastGood);
        String location = locationOf(saved);
        String text = settled(saved);
        if (Objects.equals(text, lastTried.get(location))) {
            return; // one save often raises several events: the content decides, not the event
        }
        lastTried.put(location, text);
        if (text != null) {
            candidate.put(location, text);
        } else {
            candidate.remove(location);
        }
        try {
            int routes = load(candidate);
            lastGood.clear();
            lastGood.putAll(candidate);
            LOG.info("Routes reloaded after a change to {}: {} routes", name, routes);
        } catch (Exception e) {
            load(lastGood);
            LOG.error("{} was not applied: {}. Fix the file and save it again; the routes as they were before the "
                    + "change are running again.", name, describe(e));
        }
    }

    /**
     * The file's text once it stops changing (null when it was deleted): an editor's save truncates, then writes, and
     * reloading the half-written file would drop its routes for a moment.
     */
    private static String settled(Resource saved) throws IOException, InterruptedException {
        String text = saved.exists() ? read(saved) : null;
        while (true) {
            Thread.sleep(SETTLE_MILLIS);
            String again = saved.exists() ? read(saved) : null;
            if (Objects.equals(text, again)) {
                return text;
            }
            text = again;
        }
    }

    /** The location the file was first loaded under, so a save replaces it instead of adding a second copy. */
    private String locationOf(Resource saved) {
        Path path = Path.of(saved.getLocation().replaceFirst("^file:", "")).toAbsolutePath().normalize();
        for (String known : lastGood.keySet()) {
            if (Path.of(known.replaceFirst("^file:", "")).toAbsolutePath().normalize().equals(path)) {
                return known;
            }
        }
        return saved.getLocation();
    }

    private int load(Map<String, String> files) throws Exception {
        context.getRouteController().removeAllRoutes();
        context.removeRouteTemplates("*");
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        for (RouteConfigurationDefinition configuration : List.copyOf(model.getRouteConfigurationDefinitions())) {
            model.removeRouteConfiguration(configuration);
        }
        List<Resource> resources = new ArrayList<>();
        files.forEach((location, text) -> resources.add(ResourceHelper.fromString(location, text)));
        PluginHelper.getRoutesLoader(context).loadRoutes(resources);
        return context.getRoutes().size();
    }

    /** Camel's message and, when it wraps one, the parser's (which names the line). */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.getMessage() : e.getMessage() + ": " + root.getMessage();
    }

    private static String read(Resource resource) throws IOException {
        try (InputStream in = resource.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
