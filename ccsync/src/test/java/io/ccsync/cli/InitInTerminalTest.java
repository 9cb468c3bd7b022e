package io.ccsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccsync.auth.FileTokenStore;
import io.ccsync.auth.TokenState;
import io.ccsync.auth.flow.Consent;
import io.ccsync.auth.flow.TestSandbox;
import io.ccsync.testing.SandboxFixture;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `bin/ccsync init` as a new user runs it: in a real terminal (tmux), from an installed copy of ccsync, typing the
 * API key, the secret (not echoed), the redirect URI and a sample file's path, and clicking Allow on the consent page
 * whose URL it printed. Then `bin/ccsync token refresh` works with no credential in the environment (the launcher
 * reads the env file init wrote), and `bin/ccsync run`, the command init printed, delivers the sample with the mapping
 * init wrote and shows it on the status page: no file edited by hand.
 */
class InitInTerminalTest {
    private static final Pattern URL = Pattern.compile("(http://\\S+/authorize\\?\\S+)");

    @TempDir
    Path dir;

    private TestSandbox sandbox;
    private Path dist;
    private final String session = "ccsync-init-" + ProcessHandle.current().pid();

    @BeforeEach
    void install() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "no terminal to drive: /usr/bin/tmux is "
                + "missing (Debian: apt-get install -y tmux); init's steps are tested by their flags in InitCommandTest");
        sandbox = TestSandbox.start(dir, o -> o.withAutoApprove(true));
        Path owner = dir.resolve("owner-tokens.json");
        SandboxFixture.authorize(sandbox.sandbox, owner);
        SandboxFixture.createTheMappingsCustomField(sandbox.sandbox, new FileTokenStore(owner).read().accessToken());
        dist = Files.createDirectory(dir.resolve("ccsync"));
        for (String folder : List.of("bin", "config", "routes")) {
            copy(Path.of(folder), dist.resolve(folder));
        }
        Files.deleteIfExists(dist.resolve("config/ccsync.env")); // a developer's own, if any
        Files.createDirectories(dist.resolve("lib"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Ccsync.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                        .map(p -> Path.of(p).toUri().toString()).collect(Collectors.joining(" ")));
        try (OutputStream out = Files.newOutputStream(dist.resolve("lib/ccsync.jar"));
             JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (sandbox != null) {
            new ProcessBuilder("tmux", "kill-session", "-t", session).start().waitFor(10, TimeUnit.SECONDS);
            sandbox.close();
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    /** Where the sandbox is, and where tokens go: what a real install has in its config already. */
    private Map<String, String> endpoints() {
        return Map.of("CCSYNC_API_BASE_URL", sandbox.sandbox.apiUrl(),
                "CCSYNC_OAUTH_AUTHORIZE_URL", sandbox.sandbox.authorizeUrl(),
                "CCSYNC_OAUTH_TOKEN_URL", sandbox.sandbox.tokenUrl(),
                "CCSYNC_TOKEN_FILE", sandbox.tokenFile.toString(),
                "JAVA_HOME", System.getProperty("java.home"));
    }

    private String tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** The screen, wrapped lines joined. */
    private String screen() throws Exception {
        return tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", session);
    }

    private String awaitScreen(String text) {
        String[] seen = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            seen[0] = screen();
            assertThat(seen[0]).contains(text);
        });
        return seen[0];
    }

    private void type(String text) throws Exception {
        tmux("send-keys", "-t", session, "-l", text);
        tmux("send-keys", "-t", session, "Enter");
    }

    @Test
    void aPersonAnswersInitsQuestionsInATerminalAndCcsyncIsSetUp() throws Exception {
        Path sample = Files.writeString(dir.resolve("export.csv"),
                "E-mail,First Name,Surname,Company,Zip,Favourite Colour,Notes\nada@example.com,Ada,L,E,1,blue,x\n");
        StringBuilder command = new StringBuilder("cd " + dir + " && env");
        endpoints().forEach((k, v) -> command.append(' ').append(k).append("='").append(v).append('\''));
        command.append(" sh ").append(dist.resolve("bin/ccsync")).append(" init --no-browser; echo EXITED=$?; sleep 600");
        tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "60", command.toString());

        awaitScreen("API key (client id, a UUID):");
        type(sandbox.sandbox.clientId());
        awaitScreen("Secret (Enter for none");
        type(sandbox.sandbox.clientSecret());
        awaitScreen("Redirect URI registered for the application [http://localhost:8765/callback]:");
        type(sandbox.redirectUri);
        String consent = awaitScreen("/authorize?");
        Matcher url = URL.matcher(consent);
        assertThat(url.find()).as(consent).isTrue();
        Consent.allow(URI.create(url.group(1))); // the person clicks Allow in their browser
        awaitScreen("A sample contact file to match its columns (Enter to skip):");
        type(sample.toString());
        String done = awaitScreen("EXITED=");

        assertThat(done).contains("Connected account: sandbox.user@example.com", "EXITED=0", "bin/ccsync run",
                "http://localhost:8080/observe/status");
        TokenState stored = sandbox.store().read();
        assertThat(done).as("the secret is not echoed, no token is shown").doesNotContain(
                sandbox.sandbox.clientSecret(), stored.accessToken(), stored.refreshToken());
        Path env = dist.resolve("config/ccsync.env");
        assertThat(Files.getPosixFilePermissions(env)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(dist.resolve("config/mapping.yaml"))).contains("email: \"E-mail\"",
                "first_name: \"First Name\"", "last_name: \"Surname\"", "postal_code: \"Zip\"",
                "\"favourite_colour\": \"Favourite Colour\"", "default: [\"General Interest\"]", "#   Notes");

        // the launcher gives the next command the credentials init saved: none is in this environment
        ProcessBuilder refresh = new ProcessBuilder("sh", dist.resolve("bin/ccsync").toString(), "token", "refresh")
                .directory(dir.toFile()).redirectErrorStream(true);
        refresh.environment().remove("CC_CLIENT_ID");
        refresh.environment().remove("CC_CLIENT_SECRET");
        refresh.environment().putAll(endpoints());
        Process p = refresh.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).startsWith("Refreshed.");

        // the command init printed starts syncing: the sample, dropped into the inbox, reaches the account with the
        // mapping init wrote, and the status page init named reports it
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        ProcessBuilder run = new ProcessBuilder("sh", dist.resolve("bin/ccsync").toString(), "run")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile());
        run.environment().remove("CC_CLIENT_ID");
        run.environment().remove("CC_CLIENT_SECRET");
        run.environment().putAll(endpoints());
        run.environment().putAll(Map.of("CAMEL_MANAGEMENT_PORT", Integer.toString(port),
                "CCSYNC_INBOX_DIR", inbox.toString(), "CCSYNC_INBOX_POLL_DELAY", "200", "CCSYNC_INBOX_MIN_AGE", "100"));
        Process ccsync = run.start();
        try {
            Files.copy(sample, inbox.resolve("export.csv"));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(sandbox.sandbox.contactCount()).as(Files.readString(dir.resolve("run.log")))
                            .isEqualTo(1));
            var contact = sandbox.sandbox.contact("ada@example.com");
            assertThat(contact.path("first_name").asText()).isEqualTo("Ada");
            assertThat(contact.path("custom_fields").get(0).path("value").asText()).isEqualTo("blue");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/observe/status")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                assertThat(page).contains("sandbox.user@example.com", "export.csv", "1 records: ",
                        "<b>done/</b>: 1 file");
            });
        } finally {
            ccsync.destroy();
            ccsync.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
