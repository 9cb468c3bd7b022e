package io.ccsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.auth.TokenState;
import io.ccsync.auth.flow.Consent;
import io.ccsync.auth.flow.TestSandbox;
import io.ccsync.contact.ContactMapping;
import io.ccsync.testing.SandboxFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ccsync init` driven by its flags alone, as automation runs it, against the sandbox: secrets to an owner-only env
 * file, the authorization, and a mapping made from a sample's header and the account's names; the classic mistakes
 * stop it with their message. The same steps typed in a real terminal: InitInTerminalTest.
 */
class InitCommandTest {
    @TempDir
    Path dir;

    private TestSandbox sandbox;
    private Path env;
    private Path mapping;

    @BeforeEach
    void start() throws Exception {
        sandbox = TestSandbox.start(dir, o -> o.withAutoApprove(true));
        // the account's owner made a custom field, outside ccsync
        Path owner = dir.resolve("owner-tokens.json");
        SandboxFixture.authorize(sandbox.sandbox, owner);
        SandboxFixture.createTheMappingsCustomField(sandbox.sandbox,
                new io.ccsync.auth.FileTokenStore(owner).read().accessToken());
        env = dir.resolve("config/ccsync.env");
        mapping = dir.resolve("config/mapping.yaml");
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private Cli.Result init(Map<String, String> overrides, String... args) {
        List<String> all = new ArrayList<>(List.of("init", "--non-interactive", "--env-file", env.toString(),
                "--mapping", mapping.toString()));
        all.addAll(List.of(args));
        return Cli.start(overrides, cli -> {
            InitCommand init = (InitCommand) cli.getSubcommands().get("init").getCommand();
            init.overrides.putAll(overrides);
            init.env = Map.of();
            init.browser = url -> {
                new Thread(() -> Consent.allow(url)).start(); // the "system browser"
                return true;
            };
        }, all.toArray(String[]::new)).await();
    }

    /** The sandbox's endpoints and token file, but no credentials: init is given them. */
    private Map<String, String> endpoints() {
        Map<String, String> o = new java.util.LinkedHashMap<>(sandbox.overrides());
        o.remove("ccsync.oauth.client-id");
        o.remove("ccsync.oauth.client-secret");
        o.remove("ccsync.oauth.redirect-uri");
        return o;
    }

    @Test
    void flagsAloneConnectTheAccountAndWriteTheSecretsAndAMappingThatFits() throws Exception {
        Path sample = Files.writeString(dir.resolve("export.csv"), "Email Address;First Name;Surname;Company;"
                + "Mobile;ZIP;Favourite Colour;Shoe Size\nada@example.com;Ada;Lovelace;Engines;555;12345;blue;38\n");
        String properties = Files.readString(Path.of("config/application.properties"));

        Cli.Result result = init(endpoints(), "--client-id", sandbox.sandbox.clientId(), "--client-secret",
                sandbox.sandbox.clientSecret(), "--redirect-uri", sandbox.redirectUri, "--sample", sample.toString());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out()).contains("Connected account: sandbox.user@example.com", "General Interest",
                "bin/ccsync run", "/observe/status");
        // the secrets: in the env file, owner-only, and nowhere else
        assertThat(Files.getPosixFilePermissions(env)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(env)).contains("CC_CLIENT_ID=" + sandbox.sandbox.clientId(),
                "CC_CLIENT_SECRET=" + sandbox.sandbox.clientSecret(), "CCSYNC_OAUTH_REDIRECT_URI=" + sandbox.redirectUri);
        assertThat(Files.readString(Path.of("config/application.properties"))).isEqualTo(properties);
        TokenState stored = sandbox.store().read();
        assertThat(result.all()).doesNotContain(sandbox.sandbox.clientSecret(), stored.accessToken(),
                stored.refreshToken());
        // the mapping: the sure matches, the list, a comment for the rest, and ccsync accepts it
        String yaml = Files.readString(mapping);
        assertThat(yaml).contains("email: \"Email Address\"", "first_name: \"First Name\"", "last_name: \"Surname\"",
                "company_name: \"Company\"", "{column: \"Mobile\", kind: mobile}", "postal_code: \"ZIP\"",
                "\"favourite_colour\": \"Favourite Colour\"", "default: [\"General Interest\"]", "#   Shoe Size");
        ContactMapping parsed = ContactMapping.load(mapping);
        assertThat(parsed.customFieldNames()).containsExactly("favourite_colour");
        assertThat(parsed.listNames()).containsExactly("General Interest");
        assertThat(Files.exists(dir.resolve("config/mapping.yaml.bak"))).isFalse();

        // run again: connected already, no second authorization; the previous mapping is kept as .bak
        Cli.Result again = init(endpoints(), "--client-id", sandbox.sandbox.clientId(), "--client-secret",
                sandbox.sandbox.clientSecret(), "--redirect-uri", sandbox.redirectUri, "--sample", sample.toString());
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out()).contains("Already connected");
        assertThat(Files.readString(dir.resolve("config/mapping.yaml.bak"))).isEqualTo(yaml);
    }

    @Test
    void theClassicMistakesStopItWithTheirFix() {
        Map<String, String> endpoints = endpoints();
        String id = sandbox.sandbox.clientId();

        Cli.Result swapped = init(endpoints, "--client-id", "my-secret-value", "--client-secret", id);
        assertThat(swapped.exitCode()).isEqualTo(1);
        assertThat(swapped.err()).contains("look swapped");

        Cli.Result notAUuid = init(endpoints, "--client-id", "My App", "--client-secret", "s3cret");
        assertThat(notAUuid.err()).contains("is a UUID", "developer portal");

        Cli.Result https = init(endpoints, "--client-id", id, "--client-secret", "s3cret", "--redirect-uri",
                "https://localhost:8765/callback");
        assertThat(https.exitCode()).isEqualTo(1);
        assertThat(https.err()).contains("must look like http://localhost:8765/callback");

        Cli.Result noSuchList = init(endpoints, "--client-id", id, "--client-secret", sandbox.sandbox.clientSecret(),
                "--redirect-uri", sandbox.redirectUri, "--list", "Customers");
        assertThat(noSuchList.exitCode()).isEqualTo(1);
        assertThat(noSuchList.err()).contains("no list named 'Customers'", "General Interest");

        assertThat(Files.exists(mapping)).as("nothing mapped after a mistake").isFalse();
    }
}
