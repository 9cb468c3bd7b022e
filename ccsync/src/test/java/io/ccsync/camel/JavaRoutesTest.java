package io.ccsync.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ccsync.auth.TokenCache;
import io.ccsync.ops.RouteFilesReload;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.FreePort;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Routes in Java beside the YAML ones: the shipped samples/routes/RestContacts.java, copied into routes/, is compiled at start with the shipped
 * config, contacts POSTed to it arrive in the sandbox, and a save of the .java file is compiled and reloaded (or,
 * when it does not compile, not applied) as a YAML save is.
 */
class JavaRoutesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> reloadLog = new ListAppender<>();
    private Sandbox sandbox;
    private RunningCcsync ccsync;
    private Path routes;
    private int port;

    @AfterEach
    void stop() {
        reloadLogger().detachAppender(reloadLog);
        if (ccsync != null) {
            ccsync.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void theShippedJavaRouteIsOffByDefault() throws Exception {
        start(Map.of());

        assertThat(ccsync.context().getRoute("rest-contacts")).as("compiled and loaded").isNotNull();
        assertThat(ccsync.context().getRouteController().getRouteStatus("rest-contacts").isStarted()).isFalse();
    }

    @Test
    void contactsPostedToTheJavaRouteArriveInTheSandbox() throws Exception {
        start(Map.of("ccsync.rest.enabled", "true"));

        HttpResponse<String> answer = post("/contacts", """
                [{"email": "rest1@example.com", "first_name": "Rea", "last_name": "Stone"},
                 {"email": "rest2@example.com", "first_name": "Reb"},
                 {"email": "not-an-email", "first_name": "Nope"}]""");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).contains("3 records").contains("1 rejected").contains("not-an-email");
        assertThat(sandbox.contact("rest1@example.com").path("last_name").asText()).isEqualTo("Stone");
        assertThat(sandbox.contact("rest2@example.com").path("first_name").asText()).isEqualTo("Reb");
        assertThat(post("/contacts", "{not json").statusCode()).isEqualTo(400);
    }

    @Test
    void aSavedJavaRouteIsCompiledAndReloadedAndAMistakeIsNotApplied() throws Exception {
        start(Map.of("ccsync.rest.enabled", "true", "camel.main.routes-reload-enabled", "true"));
        Path file = routes.resolve("RestContacts.java");
        String shipped = Files.readString(file);

        Files.writeString(file, shipped.replace("platform-http:/contacts?", "platform-http:/partner/contacts?"));
        await().atMost(Duration.ofSeconds(60)).until(() -> logged("Routes reloaded after a change to"));
        HttpResponse<String> answer = post("/partner/contacts", "{\"email\": \"partner1@example.com\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(sandbox.contact("partner1@example.com").path("email_address").path("address").asText())
                .isEqualTo("partner1@example.com");
        assertThat(ccsync.context().getRouteController().getRouteStatus("file-inbox").isStarted())
                .as("the YAML routes came back with it").isTrue();

        Files.writeString(file, shipped.replace("routeId(\"rest-contacts\")", "routeId(\"rest-contacts\") oops"));
        await().atMost(Duration.ofSeconds(60)).until(() -> logged("RestContacts.java was not applied"));
        assertThat(post("/partner/contacts", "{\"email\": \"partner2@example.com\"}").statusCode())
                .as("the last routes that compiled still run").isEqualTo(200);
        assertThat(sandbox.contact("partner2@example.com").path("email_address").path("address").asText())
                .isEqualTo("partner2@example.com");
    }

    @Test
    void aJavaRouteCallsTheApiThroughTheTokenProcessorAsTheYamlRoutesDo() throws Exception {
        start(Map.of());
        PluginHelper.getRoutesLoader(ccsync.context()).loadRoutes(ResourceHelper.fromString("ListsCheck.java", """
                public class ListsCheck extends org.apache.camel.builder.RouteBuilder {
                    public void configure() {
                        from("direct:lists").routeId("lists-check")
                                .process("tokenProcessor")
                                .to("{{ccsync.api.base-url}}/contact_lists")
                                .convertBodyTo(String.class);
                        from("direct:lists-without-token").routeId("lists-without-token")
                                .to("{{ccsync.api.base-url}}/contact_lists?throwExceptionOnFailure=false")
                                .setBody(header("CamelHttpResponseCode"));
                    }
                }
                """));

        assertThat(ccsync.template().requestBody("direct:lists", null, String.class)).contains("\"lists\"");
        assertThat(ccsync.template().requestBody("direct:lists-without-token", null, Integer.class))
                .as("the API wants the token the processor sets").isEqualTo(401);
    }

    private void start(Map<String, String> more) throws Exception {
        reloadLog.start();
        reloadLogger().addAppender(reloadLog);
        routes = Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        // as docs/sources.md says: copy the shipped example into routes/ to use it
        Files.copy(Path.of("samples/routes/RestContacts.java"), routes.resolve("RestContacts.java"));
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true).withRateLimit(1_000)
                .withImportStepDelay(Duration.ofMillis(5)));
        Path tokens = dir.resolve("tokens.json");
        SandboxFixture.authorize(sandbox, tokens);
        port = FreePort.get();
        Map<String, String> settings = new LinkedHashMap<>(SandboxFixture.settings(sandbox, tokens));
        settings.putAll(Map.of(
                // the shipped pattern (YAML and Java), in this test's copy of routes/
                "camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml,file:" + routes + "/*.java",
                "camel.main.routes-reload-directory", routes.toString(),
                "ccsync.rest.port", Integer.toString(port),
                "ccsync.inbox.enabled", "true",
                "ccsync.inbox.dir", dir.resolve("inbox").toString(),
                "ccsync.db.url", "jdbc:h2:file:" + dir.resolve("ccsync"),
                "ccsync.delivery.check-names-at-start", "false"));
        settings.putAll(more);
        ccsync = RunningCcsync.start(settings, Map.of());
        SandboxFixture.createTheMappingsCustomField(sandbox, ccsync.bean("tokenCache", TokenCache.class)
                .accessToken().value());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Logger reloadLogger() {
        return (Logger) LoggerFactory.getLogger(RouteFilesReload.class);
    }

    private boolean logged(String text) {
        synchronized (reloadLog.list) {
            return reloadLog.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
        }
    }

}
