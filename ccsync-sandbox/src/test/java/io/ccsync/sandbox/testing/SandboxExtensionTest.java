package io.ccsync.sandbox.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.sandbox.Sandbox;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as another project would use it: a real sandbox over HTTP, per class or per test. */
class SandboxExtensionTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static SandboxExtension perClass = SandboxExtension.with(o -> o.withAutoApprove(true));

    private static final Set<String> BASES_SEEN_PER_CLASS = new HashSet<>();

    @Test
    void aLoginGivesTokensThatTheApiAccepts() throws Exception {
        JsonNode tokens = new ObjectMapper().readTree(perClass.login());
        assertThat(tokens.path("refresh_token").asText()).isNotEmpty();

        HttpResponse<String> lists = HTTP.send(HttpRequest.newBuilder(
                URI.create(perClass.sandbox().apiUrl() + "/contact_lists"))
                .header("Authorization", "Bearer " + tokens.path("access_token").asText()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(lists.statusCode()).isEqualTo(200);
        BASES_SEEN_PER_CLASS.add(perClass.sandbox().baseUrl());
    }

    @Test
    void theSameSandboxServesEveryTestOfTheClass(Sandbox parameter) {
        assertThat(parameter).isSameAs(perClass.sandbox());
        BASES_SEEN_PER_CLASS.add(parameter.baseUrl());
    }

    @AfterAll
    static void oneSandboxForTheClass() {
        assertThat(BASES_SEEN_PER_CLASS).hasSize(1);
    }

    @Nested
    class PerTest {
        @RegisterExtension
        SandboxExtension perTest = new SandboxExtension();

        @Test
        void eachTestGetsANewAccount() throws Exception {
            assertThat(perTest.sandbox().baseUrl()).isNotEqualTo(perClass.sandbox().baseUrl());
            assertThat(perTest.sandbox().contacts()).isEmpty();
            String base = perTest.sandbox().baseUrl();
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/sandbox")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void outsideATestItSaysHowToRegisterIt() {
        assertThatThrownBy(() -> new SandboxExtension().sandbox())
                .hasMessageContaining("@RegisterExtension");
    }

    @Test
    void stoppedAfterItsScope() throws Exception {
        SandboxExtension extension = new SandboxExtension();
        extension.beforeEach(null);
        String base = extension.sandbox().baseUrl();
        extension.afterEach(null);
        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(URI.create(base + "/sandbox")).build(),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(ConnectException.class);
    }
}
