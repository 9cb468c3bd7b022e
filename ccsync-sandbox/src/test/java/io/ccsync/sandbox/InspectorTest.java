package io.ccsync.sandbox;

import static io.ccsync.sandbox.Http.get;
import static io.ccsync.sandbox.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /sandbox: state for people and tests, never a secret. */
class InspectorTest {
    static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(Http.relaxed());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    @Test
    void contactsJsonListsEveryContactIncludingDeletedOnes() {
        String token = Http.accessToken(sandbox);
        String id = json(Http.api(sandbox, token, "POST", "/v3/contacts",
                "{\"email_address\":{\"address\":\"ins@example.com\"},\"create_source\":\"Account\"}")).get("contact_id").asText();
        Http.api(sandbox, token, "DELETE", "/v3/contacts/" + id, null);

        JsonNode contacts = json(get(sandbox.baseUrl() + "/sandbox/api/contacts")).get("contacts");

        assertThat(contacts).hasSize(1);
        assertThat(contacts.get(0).get("deleted_at").asText()).isNotEmpty();
        assertThat(sandbox.contacts()).hasSize(1);
    }

    @Test
    void tokensJsonShowsJtiClientScopesExpiryAndStatusButNoTokenValue() {
        JsonNode issued = json(SandboxLogin.login(sandbox));
        String refresh = issued.get("refresh_token").asText();
        JsonNode refreshed = json(Http.refresh(sandbox, refresh));

        HttpResponse<String> r = get(sandbox.baseUrl() + "/sandbox/api/tokens");
        JsonNode tokens = json(r).get("tokens");

        assertThat(r.body()).doesNotContain(issued.get("access_token").asText(), refresh,
                refreshed.get("refresh_token").asText(), refreshed.get("access_token").asText());
        JsonNode access = tokens.get(0);
        assertThat(access.get("jti").asText()).startsWith("AT.");
        assertThat(access.get("client_id").asText()).isEqualTo(sandbox.clientId());
        assertThat(Http.texts(access.get("scopes"))).containsExactly("contact_data", "offline_access");
        assertThat(access.has("expires_at")).isTrue();
        assertThat(tokens).anyMatch(t -> t.get("kind").asText().equals("refresh") && t.get("status").asText().equals("used"));
        assertThat(tokens).anyMatch(t -> t.get("kind").asText().equals("refresh") && t.get("status").asText().equals("active"));
    }

    @Test
    void requestsJsonHasMethodPathStatusClientAndTimeWithSecretsRedacted() {
        String code = Http.code(sandbox);
        String url = sandbox.tokenUrl() + "?grant_type=authorization_code&code=" + code + "&redirect_uri=" + sandbox.redirectUri();
        HttpResponse<String> t = Http.send(Http.request(url, "Authorization", Http.basic(sandbox.clientId(), sandbox.clientSecret()))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        String accessToken = json(t).get("access_token").asText();
        Http.api(sandbox, accessToken, "GET", "/v3/contacts?email=x@example.com", null);

        HttpResponse<String> r = get(sandbox.baseUrl() + "/sandbox/api/requests");

        assertThat(r.body()).doesNotContain(code, accessToken, sandbox.clientSecret());
        JsonNode requests = json(r).get("requests");
        JsonNode token = requests.get(requests.size() - 2);
        assertThat(token.get("method").asText()).isEqualTo("POST");
        assertThat(token.get("path").asText()).startsWith("/oauth2/default/v1/token?").contains("code=***");
        assertThat(token.get("status").asInt()).isEqualTo(200);
        assertThat(token.get("client_id").asText()).isEqualTo(sandbox.clientId());
        assertThat(token.get("at").asText()).isNotEmpty();
        JsonNode api = requests.get(requests.size() - 1);
        assertThat(api.get("path").asText()).isEqualTo("/v3/contacts?email=x@example.com");
        assertThat(api.get("client_id").asText()).isEqualTo(sandbox.clientId());
        assertThat(sandbox.requests()).last().satisfies(l -> {
            assertThat(l.method()).isEqualTo("GET");
            assertThat(l.status()).isEqualTo(200);
        });
    }

    @Test
    void theHtmlPageListsContactsActivitiesTokensAndRequests() {
        String token = Http.accessToken(sandbox);
        Http.api(sandbox, token, "POST", "/v3/contacts",
                "{\"email_address\":{\"address\":\"page@example.com\"},\"create_source\":\"Account\"}");

        HttpResponse<String> page = get(sandbox.inspectorUrl());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
        assertThat(page.body()).contains("page@example.com", "id=\"activities\"", "id=\"tokens\"", "id=\"requests\"")
                .doesNotContain(token);
    }

    @Test
    void resetClearsTheData() {
        String token = Http.accessToken(sandbox);
        Http.api(sandbox, token, "POST", "/v3/contacts",
                "{\"email_address\":{\"address\":\"reset@example.com\"},\"create_source\":\"Account\"}");

        HttpResponse<String> r = Http.send(Http.request(sandbox.baseUrl() + "/sandbox/api/reset")
                .POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(json(get(sandbox.baseUrl() + "/sandbox/api/contacts")).get("contacts")).isEmpty();
        assertThat(Http.api(sandbox, token, "GET", "/v3/contacts", null).statusCode()).isEqualTo(200);
    }
}
