package io.ccsync.ops;

import static io.ccsync.Settings.bindIfAbsent;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page: {@link SourceRuns} (bean {@code sourceRuns}) watches the sources from start, and once Camel has
 * started, {@link StatusPage} is served at {@code /observe/status} on the management port next to
 * {@code /observe/health} (nothing is served when {@code camel.management.enabled} is false).
 */
@Configuration
public class StatusConfiguration implements CamelConfiguration {
    static final String SOURCE_RUNS = "sourceRuns";
    private static final Logger LOG = LoggerFactory.getLogger(StatusConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Clock clock = context.getRegistry().lookupByNameAndType("clock", Clock.class);
        bindIfAbsent(context, SOURCE_RUNS, new SourceRuns(clock == null ? Clock.systemUTC() : clock));
        context.getManagementStrategy().addEventNotifier(
                context.getRegistry().lookupByNameAndType(SOURCE_RUNS, SourceRuns.class));
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                serve(ctx);
            }
        });
    }

    private static void serve(CamelContext context) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null) {
            return;
        }
        StatusPage page = new StatusPage(context);
        // a blocking handler: the page reads files and the database, never on Vert.x's event loop
        server.getRouter().route(StatusPage.PATH).method(io.vertx.core.http.HttpMethod.GET)
                .blockingHandler(http -> {
                    try {
                        http.response().putHeader("Content-Type", "text/html; charset=utf-8")
                                .putHeader("Cache-Control", "no-store")
                                .end(io.vertx.core.buffer.Buffer.buffer(page.html().getBytes(StandardCharsets.UTF_8)));
                    } catch (RuntimeException e) {
                        LOG.warn("The status page could not be made: {}", e.toString());
                        http.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
                                .end("The status page could not be made; the log says why.");
                    }
                }, false);
        LOG.info("Status page: http://localhost:{}{}", server.getPort(), StatusPage.PATH);
    }
}
