package io.ccsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A web page that points its own name at 127.0.0.1 (DNS rebinding) must not drive the sandbox: requests are sent over a
 * raw socket, because that is the only way to choose the Host header as such a browser would send it.
 */
class DnsRebindingTest {
    private Sandbox sandbox;
    private int port;

    @BeforeEach
    void start() {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withAccessTtl(Duration.ofMinutes(10)));
        port = java.net.URI.create(sandbox.apiUrl()).getPort();
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private String get(String path, String host, String origin) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "Connection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    @Test
    void aRequestForAnotherHostNameIsMisdirected() throws Exception {
        String answer = get("/sandbox", "attacker.example:" + port, null);

        assertThat(status(answer)).isEqualTo(421);
        assertThat(answer).contains("attacker.example").contains("localhost, 127.0.0.1 or [::1]");
    }

    @Test
    void aPageFromAnotherOriginIsForbiddenEvenWithALoopbackHost() throws Exception {
        String answer = get("/sandbox", "localhost:" + port, "http://attacker.example");

        assertThat(status(answer)).isEqualTo(403);
        assertThat(answer).contains("attacker.example");
    }

    @Test
    void loopbackNamesAndTheirOwnPagesAreServed() throws Exception {
        assertThat(status(get("/sandbox", "localhost:" + port, null))).isEqualTo(200);
        assertThat(status(get("/sandbox", "127.0.0.1:" + port, "http://127.0.0.1:" + port))).isEqualTo(200);
        assertThat(status(get("/sandbox", "[::1]:" + port, "http://localhost:" + port))).isEqualTo(200);
        assertThat(status(get("/sandbox", "LOCALHOST", "http://[::1]:" + port))).isEqualTo(200);
    }
}
