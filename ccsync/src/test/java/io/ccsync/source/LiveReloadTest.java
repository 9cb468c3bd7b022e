package io.ccsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ccsync.auth.TokenCache;
import io.ccsync.ops.RouteFilesReload;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.support.FileWatcherResourceReloadStrategy;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Editing a route file while ccsync runs (camel.main.routes-reload-enabled, as the demo has it): an engineer adds a
 * second inbox to a copy of the shipped routes/inbox.camel.yaml and files dropped into it arrive in the sandbox,
 * while the first inbox keeps working.
 */
class LiveReloadTest {
    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> reloadLog = new ListAppender<>();
    /** What Camel's own file watcher logs (its reload errors). */
    private final ListAppender<ILoggingEvent> camelLog = new ListAppender<>();
    private Sandbox sandbox;
    private RunningCcsync ccsync;

    @AfterEach
    void stop() {
        reloadLogger().detachAppender(reloadLog);
        camelWatcherLogger().detachAppender(camelLog);
        if (ccsync != null) {
            ccsync.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void aSecondInboxAddedToTheRouteFileWhileRunningTakesFiles() throws Exception {
        Path routes = start();

        Path leads = dir.resolve("leads");
        Files.writeString(routes.resolve("inbox.camel.yaml"), """

                - templatedRoute:
                    routeTemplateRef: file-inbox
                    routeId: file-inbox-leads
                    parameters:
                      - name: directory
                        value: "%s"
                """.formatted(leads), StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        await().atMost(Duration.ofSeconds(30)).until(() -> started("file-inbox-leads"));
        drop(leads, "leads.csv", "email,first_name,last_name\nlead1@example.com,Lea,One\n");
        drop(dir.resolve("inbox"), "contacts.csv", "email,first_name,last_name\nfirst1@example.com,Fio,First\n");

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            assertThat(sandbox.contact("lead1@example.com").path("first_name").asText()).isEqualTo("Lea");
            assertThat(sandbox.contact("first1@example.com").path("first_name").asText()).isEqualTo("Fio");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> reportIn(leads.resolve("done")));
    }

    @Test
    void aRouteFileSavedWithAMistakeLeavesTheRunningRoutesAsTheyWere() throws Exception {
        Path routes = start();
        String crm = Files.readString(routes.resolve("crm.camel.yaml"));

        Files.writeString(routes.resolve("crm.camel.yaml"), crm.replace("routeTemplateRef: crm-poll",
                "routeTemplateRef: [crm-poll"));
        await().atMost(Duration.ofSeconds(30)).until(() -> logged("crm.camel.yaml was not applied"));

        assertThat(ccsync.context().getRouteController().getRouteStatus("file-inbox")).as("file-inbox")
                .isEqualTo(org.apache.camel.ServiceStatus.Started);
        assertThat(ccsync.context().getRoute("crm-poll")).isNotNull();
        drop(dir.resolve("inbox"), "contacts.csv", "email,first_name,last_name\nstill1@example.com,Sti,Ll\n");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(sandbox.contact("still1@example.com").path("first_name").asText()).isEqualTo("Sti"));
    }

    /*
     * Why RouteFilesReload exists, checked against the Camel on the classpath: the two tests below give the saves back
     * to Camel's own reload (RouteWatcherReloadStrategy as it is when no ResourceReload is set) and show that it still
     * leaves ccsync without its routes. When one of them fails after a Camel upgrade, Camel's reload may do the job
     * alone: run aSecondInbox... and aRouteFileSavedWithAMistake... without RouteFilesReload, and retire it if they pass.
     */

    @Test
    void camelsOwnReloadStillLoadsAFileOfSeveralRoutesTwiceAndLeavesTheInboxGone() throws Exception {
        Path routes = start();
        camelsOwnReload();

        Files.writeString(routes.resolve("inbox.camel.yaml"), """

                - templatedRoute:
                    routeTemplateRef: file-inbox
                    routeId: file-inbox-leads
                    parameters:
                      - name: directory
                        value: "%s"
                """.formatted(dir.resolve("leads")), StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        // CAMEL-24866 (fixed upstream after 4.18.0): every other file is loaded again once per route it holds
        await().atMost(Duration.ofSeconds(30)).until(() -> logged(camelLog, "duplicate route id detected"));
        assertThat(ccsync.context().getRoute("file-inbox-leads")).as("the inbox the save added").isNull();
        assertThat(ccsync.context().getRoute("file-inbox")).as("the inbox that ran before the save").isNull();
    }

    @Test
    void camelsOwnReloadStillLeavesNoRoutesAfterASaveWithAMistake() throws Exception {
        Path routes = start();
        camelsOwnReload();
        int before = ccsync.context().getRoutes().size();
        assertThat(ccsync.context().getRoute("file-inbox")).as("the inbox before the save").isNotNull();
        assertThat(ccsync.context().getRoute("crm-poll")).as("the CRM poll before the save").isNotNull();

        String crm = Files.readString(routes.resolve("crm.camel.yaml"));
        Files.writeString(routes.resolve("crm.camel.yaml"), crm.replace("routeTemplateRef: crm-poll",
                "routeTemplateRef: [crm-poll"));

        // CAMEL-24860 (fixed upstream after 4.18.0): the routes are removed first, and not restored when the load fails
        await().atMost(Duration.ofSeconds(30)).until(() -> logged(camelLog, "Error reloading routes"));
        assertThat(before).as("every route file's routes").isGreaterThan(10);
        assertThat(ccsync.context().getRoute("file-inbox")).isNull();
        assertThat(ccsync.context().getRoute("crm-poll")).isNull();
        assertThat(ccsync.context().getRoutes().size()).isLessThan(before / 2);
    }

    /** Hands the saves back to Camel: its watcher, restarted without a ResourceReload, installs its own. */
    private void camelsOwnReload() {
        camelLog.start();
        camelWatcherLogger().addAppender(camelLog);
        RouteWatcherReloadStrategy watcher = ccsync.context().hasService(RouteWatcherReloadStrategy.class);
        assertThat(watcher.getResourceReload()).isInstanceOf(RouteFilesReload.class);
        watcher.stop();
        watcher.setResourceReload(null);
        watcher.start();
        assertThat(watcher.getResourceReload()).isNotNull().isNotInstanceOf(RouteFilesReload.class);
    }

    private static Logger camelWatcherLogger() {
        return (Logger) LoggerFactory.getLogger(FileWatcherResourceReloadStrategy.class);
    }

    private static boolean logged(ListAppender<ILoggingEvent> appender, String text) {
        synchronized (appender.list) {
            return appender.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
        }
    }

    private boolean started(String routeId) {
        return ccsync.context().getRoute(routeId) != null
                && ccsync.context().getRouteController().getRouteStatus(routeId).isStarted();
    }

    private static Logger reloadLogger() {
        return (Logger) LoggerFactory.getLogger(RouteFilesReload.class);
    }

    private boolean logged(String text) {
        return logged(reloadLog, text);
    }

    private Path start() throws Exception {
        reloadLog.start();
        reloadLogger().addAppender(reloadLog);
        Path routes = Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true).withRateLimit(1_000)
                .withImportStepDelay(Duration.ofMillis(5)));
        Path tokens = dir.resolve("tokens.json");
        SandboxFixture.authorize(sandbox, tokens);
        Map<String, String> settings = new LinkedHashMap<>(SandboxFixture.settings(sandbox, tokens));
        settings.putAll(Map.of(
                "camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml",
                "camel.main.routes-reload-enabled", "true",
                "camel.main.routes-reload-directory", routes.toString(),
                "ccsync.inbox.enabled", "true",
                "ccsync.inbox.dir", dir.resolve("inbox").toString(),
                "ccsync.inbox.poll-delay", "100",
                "ccsync.inbox.min-age", "200",
                "ccsync.db.url", "jdbc:h2:file:" + dir.resolve("ccsync"),
                "ccsync.delivery.check-names-at-start", "false",
                "ccsync.delivery.bulk.poll-interval", "50"));
        ccsync = RunningCcsync.start(settings, Map.of());
        SandboxFixture.createTheMappingsCustomField(sandbox, ccsync.bean("tokenCache", TokenCache.class)
                .accessToken().value());
        return routes;
    }


    private void drop(Path inbox, String name, String text) throws IOException {
        Files.createDirectories(inbox);
        Path tmp = dir.resolve(name + ".writing");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, inbox.resolve(name));
    }

    private static boolean reportIn(Path done) throws IOException {
        if (!Files.isDirectory(done)) {
            return false;
        }
        try (Stream<Path> files = Files.list(done)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith("leads.csv.report.txt"));
        }
    }
}
