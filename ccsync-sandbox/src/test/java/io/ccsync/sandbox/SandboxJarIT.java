package io.ccsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The runnable jar on its own, as an integration in another language would run it: {@code java -jar}, no ccsync. */
class SandboxJarIT {
    private static final Path JAR = Path.of(System.getProperty("ccsync.sandbox.jar",
            "target/ccsync-sandbox/ccsync-sandbox.jar"));

    @Test
    void theJarRunsASandboxThatAnswersAndStopsOnSigterm() throws Exception {
        assertThat(JAR).as("built by mvn package").isRegularFile();
        Process sandbox = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "--port", "0", "--auto-approve").redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(sandbox.getInputStream(),
                StandardCharsets.UTF_8))) {
            Matcher running = null;
            for (String line; (line = out.readLine()) != null; ) {
                Matcher m = Pattern.compile("sandbox running at (http://\\S+)").matcher(line);
                if (m.find()) {
                    running = m;
                    break;
                }
            }
            assertThat(running).as("the banner's first line").isNotNull();
            HttpResponse<String> inspector = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(running.group(1) + "/sandbox")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(inspector.statusCode()).isEqualTo(200);
        } finally {
            sandbox.destroy(); // SIGTERM
        }
        assertThat(sandbox.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(sandbox.exitValue()).as("stopped cleanly").isIn(0, 143);
    }
}
