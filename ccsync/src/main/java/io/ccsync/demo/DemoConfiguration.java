package io.ccsync.demo;

import static io.ccsync.Settings.setting;

import io.ccsync.auth.FileTokenStore;
import io.ccsync.auth.OAuthSettings;
import io.ccsync.auth.TokenResponse;
import io.ccsync.auth.TokenStore;
import io.ccsync.auth.flow.Connected;
import io.ccsync.auth.flow.AuthorizationRequest;
import io.ccsync.auth.flow.TokenEndpoint;
import io.ccsync.contact.ContactMapping;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo profile ({@code ccsync run --profile demo}, {@code ccsync.demo.enabled=true}): a sandbox in this process,
 * an authorization as if a person had clicked Allow, the sample file dropped into the inbox, and a log line whenever
 * the sandbox's contact count changes, so a newcomer sees the whole flow with no account.
 */
@Configuration
public class DemoConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger("ccsync.demo");

    @Override
    public void configure(CamelContext context) throws Exception {
        if (!Boolean.parseBoolean(setting(context, "ccsync.demo.enabled", "false"))) {
            return;
        }
        URI base = URI.create(setting(context, "ccsync.demo.sandbox-url", "http://localhost:9999"));
        LocalSandbox sandbox = LocalSandbox.start(base.getPort(), "--auto-approve");
        context.addService(new DemoService(sandbox));
        LOG.info("Demo: a local Constant Contact sandbox runs at {} (open {} to see contacts arrive)",
                sandbox.baseUrl(), sandbox.inspectorUrl());

        OAuthSettings settings = OAuthSettings.from(key -> setting(context, key, null));
        TokenStore store = new FileTokenStore(Path.of(setting(context, "ccsync.token.file", null)));
        // The sandbox is new on every start, so tokens from an earlier demo mean nothing to it: authorize again.
        TokenResponse tokens = authorize(settings);
        Connected.save(store, tokens, Instant.now()); // as `ccsync authorize` stores them (an older kept answer goes)
        LOG.info("Demo: authorized as {} with scopes {} (what `ccsync authorize` does after a person clicks "
                + "Allow); tokens stored in {}", tokens.accessToken().subject(), tokens.scope(), store.describe());

        createCustomFields(settings, store.read().accessToken(),
                Path.of(setting(context, "ccsync.delivery.mapping-file", "config/mapping-demo.yaml")));

        Path sample = Path.of(setting(context, "ccsync.demo.sample-file", "samples/contacts.csv"));
        Path inbox = Path.of(setting(context, "ccsync.inbox.dir", "data/inbox"));
        if (Files.isRegularFile(sample)) {
            Files.createDirectories(inbox);
            Path target = inbox.resolve(sample.getFileName());
            // Copy under a temporary name and rename, so the inbox never sees a half-written file.
            Path temp = inbox.resolve("." + sample.getFileName() + ".part");
            Files.copy(sample, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Demo: dropped {} into the inbox {}", sample, inbox);
        }
    }

    /**
     * What {@code ccsync authorize} does, with the sandbox's auto-approval in place of a person clicking Allow: the
     * authorize URL answers at once with a redirect carrying the code, which is exchanged with PKCE.
     */
    private static TokenResponse authorize(OAuthSettings settings) throws Exception {
        AuthorizationRequest request = AuthorizationRequest.create(settings);
        HttpResponse<Void> allowed = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                .send(HttpRequest.newBuilder(request.uri()).build(), HttpResponse.BodyHandlers.discarding());
        String query = allowed.headers().firstValue("Location").map(l -> URI.create(l).getRawQuery()).orElse("");
        String code = null;
        String state = null;
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            String value = kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
            if (kv[0].equals("code")) {
                code = value;
            } else if (kv[0].equals("state")) {
                state = value;
            }
        }
        if (allowed.statusCode() != 302 || code == null || !request.state().equals(state)) {
            throw new IllegalStateException("the sandbox did not approve the demo's authorization (HTTP "
                    + allowed.statusCode() + ")");
        }
        return new TokenEndpoint(settings, Clock.systemUTC()).exchangeCode(code, request);
    }

    /**
     * A new account has none of the mapping's custom fields; a person would add them in Constant Contact's UI once.
     * The demo does that through the API, before delivery looks them up by name.
     */
    private static void createCustomFields(OAuthSettings settings, String accessToken, Path mapping)
            throws Exception {
        String api = settings.tokenUrl().resolve("/v3/contact_custom_fields").toString();
        HttpClient http = HttpClient.newHttpClient();
        for (String name : ContactMapping.load(mapping).customFieldNames()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(api))
                    .header("Authorization", "Bearer " + accessToken)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"label\":\"" + name + "\",\"type\":\"string\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 201) {
                LOG.info("Demo: created the custom field '{}' that {} uses", name, mapping);
            } else if (answer.statusCode() != 409) {
                LOG.warn("Demo: could not create the custom field '{}' (HTTP {})", name, answer.statusCode());
            }
        }
    }

    /** Stops the sandbox with Camel and reports contact counts as they change. */
    private static final class DemoService extends ServiceSupport {
        private final LocalSandbox sandbox;
        private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-reporter");
            t.setDaemon(true);
            return t;
        });
        private int lastCount = -1;

        DemoService(LocalSandbox sandbox) {
            this.sandbox = sandbox;
        }

        @Override
        protected void doStart() {
            reporter.scheduleWithFixedDelay(this::report, 1, 2, TimeUnit.SECONDS);
        }

        private void report() {
            int count;
            try {
                count = sandbox.contactCount();
            } catch (Exception e) {
                return; // the next tick reads again
            }
            if (count != lastCount) {
                lastCount = count;
                LOG.info("Demo: the sandbox now holds {} contacts ({})", count, sandbox.inspectorUrl());
            }
        }

        @Override
        protected void doStop() {
            reporter.shutdownNow();
            sandbox.close();
        }
    }
}
