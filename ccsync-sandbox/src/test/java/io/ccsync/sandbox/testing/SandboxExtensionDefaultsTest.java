package io.ccsync.sandbox.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.sandbox.Sandbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code @ExtendWith} with nothing to configure: the defaults, on a free port, as a test-method parameter. */
@ExtendWith(SandboxExtension.class)
class SandboxExtensionDefaultsTest {

    @Test
    void aParameterIsARunningSandboxOnAFreePort(Sandbox sandbox) throws Exception {
        assertThat(URI.create(sandbox.baseUrl()).getPort()).isNotEqualTo(9999);
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/sandbox"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    }
}
