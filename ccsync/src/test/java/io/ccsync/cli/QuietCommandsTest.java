package io.ccsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.SandboxFixture;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that only look, run as a person runs them (a process of their own, with the shipped config and log
 * configuration, settings from the environment): what they print is their own output and nothing else, no Camel
 * start-up log; {@code --verbose} lets it through. How fast they answer is measured by bench/quick-commands, not here.
 */
class QuietCommandsTest {
    @TempDir
    Path dir;

    private Sandbox sandbox;
    private Path tokens;

    @BeforeEach
    void authorize() {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true));
        tokens = dir.resolve("tokens.json");
        SandboxFixture.authorize(sandbox, tokens);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private record Run(int exit, String out, String err) {
    }

    /** `ccsync ARGS` in a JVM of its own, from the project folder, pointed at the sandbox by the environment. */
    private Run ccsync(String... args) throws Exception {
        return ccsync(Path.of("config/logback.xml"), Map.of(), args);
    }

    /** As {@link #ccsync(String...)}, with this log configuration and these variables besides. */
    private Run ccsync(Path logConfig, Map<String, String> moreEnv, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dlogback.configurationFile=" + logConfig, "-cp",
                System.getProperty("java.class.path"), Ccsync.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.putAll(moreEnv);
        env.put("CCSYNC_TOKEN_FILE", tokens.toString());
        env.put("CCSYNC_API_BASE_URL", sandbox.apiUrl());
        env.put("CCSYNC_OAUTH_TOKEN_URL", sandbox.tokenUrl());
        env.put("CC_CLIENT_ID", sandbox.clientId());
        env.put("CC_CLIENT_SECRET", sandbox.clientSecret());
        env.put("CCSYNC_DB_URL", "jdbc:h2:file:" + dir.resolve("ccsync") + ";AUTO_SERVER=TRUE");
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void tokenPrintsItsReportAndNothingElse() throws Exception {
        Run token = ccsync("token");

        assertThat(token.exit()).as(token.out() + token.err()).isZero();
        assertThat(token.out()).startsWith("Constant Contact token: healthy").contains(tokens.toString());
        assertThat(token.err()).as("no log line at all").isEmpty();

        Run json = ccsync("token", "--json");
        assertThat(json.out().strip()).startsWith("{").endsWith("}");
        assertThat(json.err()).isEmpty();
    }

    @Test
    void aQuickCommandSetsItsLogUpInCodeAndStillPrintsWarnings() throws Exception {
        // a log configuration whose reading shows: its file appender creates the file when logback reads it
        Path logFile = dir.resolve("logs/ccsync.log");
        Path logConfig = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%level %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(logFile));
        // set with the file store: the one warning `ccsync token` gives, on standard error
        Map<String, String> key = Map.of("CCSYNC_TOKEN_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");

        Run quiet = ccsync(logConfig, key, "token");

        assertThat(quiet.exit()).as(quiet.out() + quiet.err()).isZero();
        assertThat(logFile).as("the XML configuration was not read").doesNotExist();
        assertThat(quiet.out()).startsWith("Constant Contact token: healthy").doesNotContain("WARN");
        assertThat(quiet.err().lines().toList()).singleElement().asString()
                .matches("\\d{4}-\\d\\d-\\d\\dT\\S+ WARN  \\[main\\] i\\.c\\.auth\\.AuthConfiguration - "
                        + "CCSYNC_TOKEN_KEY is set, but only the jdbc token store encrypts.*");

        Run verbose = ccsync(logConfig, key, "token", "--verbose");
        assertThat(verbose.exit()).as(verbose.out() + verbose.err()).isZero();
        assertThat(logFile).as("--verbose reads it").exists();
        assertThat(Files.readString(logFile)).contains("WARN CCSYNC_TOKEN_KEY is set");
    }

    @Test
    void checkPrintsItsDryRunAndNothingElse() throws Exception {
        Path csv = Files.writeString(dir.resolve("people.csv"), "email,first_name\nada@example.com,Ada\n");

        Run check = ccsync("check", csv.toString());

        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("ada@example.com", "1 would be created");
        assertThat(check.err()).as("no log line at all").isEmpty();
    }

    @Test
    void tokenRefreshStartsCamelQuietlyUnlessVerbose() throws Exception {
        Run refresh = ccsync("token", "refresh");

        assertThat(refresh.exit()).as(refresh.out() + refresh.err()).isZero();
        assertThat(refresh.out()).startsWith("Refreshed.");
        assertThat(refresh.err()).as("Camel started, and said nothing").doesNotContain("org.apache.camel", "INFO");

        Run verbose = ccsync("token", "refresh", "--verbose");
        assertThat(verbose.exit()).as(verbose.out() + verbose.err()).isZero();
        assertThat(verbose.err()).as("--verbose lets Camel's start-up log through").contains("INFO", "Apache Camel");
    }
}
