package io.ccsync.auth.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccsync.testing.FreePort;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The one-shot receiver on its own: what it accepts, refuses, and how it ends. */
class LoopbackReceiverTest {
    private static final String STATE = "the-right-state";
    private static final Connected CONNECTED = new Connected("someone", "client", "contact_data offline_access",
            Instant.parse("2030-01-01T00:00:00Z"), "tokens.json");

    private final int port = FreePort.get();
    private final RedirectUri redirect = RedirectUri.of(URI.create("http://localhost:" + port + "/callback"));
    private final StringWriter log = new StringWriter();
    private final AtomicInteger exchanges = new AtomicInteger();

    private LoopbackReceiver receiver() {
        return new LoopbackReceiver(redirect, STATE, code -> {
            exchanges.incrementAndGet();
            return CONNECTED;
        }, new PrintWriter(log, true));
    }

    private HttpResponse<String> callback(String query) {
        return Consent.get(URI.create(redirect + "?" + query));
    }

    @Test
    void listensOn127001OnlyAtTheRedirectUrisPort() throws Exception {
        try (LoopbackReceiver r = receiver()) {
            assertThat(r.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(r.address().getPort()).isEqualTo(port);
            InetAddress external = nonLoopbackAddress();
            if (external != null) { // a machine with a network address: the receiver must not answer there
                try (Socket s = new Socket()) {
                    assertThatThrownBy(() -> s.connect(new InetSocketAddress(external, port), 2000))
                            .isInstanceOf(java.io.IOException.class);
                }
            }
        }
    }

    @Test
    void aCodeWithTheRightStateIsExchangedOnceAndTheBrowserToldItCanClose() {
        try (LoopbackReceiver r = receiver()) {
            HttpResponse<String> page = callback("code=abc&state=" + STATE);

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("You can close this window");
            assertThat(r.await(Duration.ofSeconds(5))).isEqualTo(CONNECTED);
            assertThat(callback("code=abc&state=" + STATE).statusCode()).isEqualTo(409);
            assertThat(exchanges).hasValue(1);
        }
    }

    @Test
    void aWrongStateIsRefusedAndTheReceiverKeepsWaitingForTheRightOne() {
        try (LoopbackReceiver r = receiver()) {
            HttpResponse<String> forged = callback("code=stolen&state=someone-elses");

            assertThat(forged.statusCode()).isEqualTo(400);
            assertThat(forged.body()).contains("state does not match", "refused");
            assertThat(log.toString()).contains("Refused an answer", "state does not match", "Still waiting");
            assertThat(exchanges).hasValue(0);

            CompletableFuture<Connected> waiting = CompletableFuture.supplyAsync(() -> r.await(Duration.ofSeconds(5)));
            callback("code=abc&state=" + STATE);
            assertThat(waiting.join()).isEqualTo(CONNECTED);
        }
    }

    @Test
    void aMissingStateIsRefusedToo() {
        try (LoopbackReceiver r = receiver()) {
            assertThat(callback("code=abc").statusCode()).isEqualTo(400);
            assertThat(exchanges).hasValue(0);
        }
    }

    @Test
    void accessDeniedEndsWithAPlainMessage() {
        try (LoopbackReceiver r = receiver()) {
            HttpResponse<String> page = callback("error=access_denied&error_description=The+resource+owner+denied"
                    + "&state=" + STATE);

            assertThat(page.body()).contains("access was denied");
            assertThatThrownBy(() -> r.await(Duration.ofSeconds(5)))
                    .isInstanceOf(AuthorizationException.class)
                    .hasMessageContaining("access was denied on Constant Contact's consent page")
                    .hasMessageContaining("Run `ccsync authorize` again and choose Allow");
        }
    }

    @Test
    void aFailedExchangeIsShownToTheBrowserAndEndsTheWait() {
        try (LoopbackReceiver r = new LoopbackReceiver(redirect, STATE, code -> {
            throw new AuthorizationException("the exchange failed: do this");
        }, new PrintWriter(log, true))) {
            HttpResponse<String> page = callback("code=abc&state=" + STATE);

            assertThat(page.statusCode()).isEqualTo(400);
            assertThat(page.body()).contains("the exchange failed: do this");
            assertThatThrownBy(() -> r.await(Duration.ofSeconds(5))).hasMessage("the exchange failed: do this");
        }
    }

    @Test
    void otherPathsAreNotTheCallback() {
        try (LoopbackReceiver r = receiver()) {
            assertThat(Consent.get(URI.create("http://localhost:" + port + "/favicon.ico")).statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void givesUpAfterTheTimeoutNamingTheRedirectUri() {
        try (LoopbackReceiver r = receiver()) {
            assertThatThrownBy(() -> r.await(Duration.ofMillis(200)))
                    .isInstanceOf(AuthorizationException.class)
                    .hasMessageContaining("no answer reached " + redirect)
                    .hasMessageContaining("stopped waiting and stored nothing")
                    .hasMessageContaining("register exactly " + redirect);
        }
    }

    @Test
    void aBusyPortIsReportedBeforeAnyoneIsSentToTheBrowser() throws Exception {
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(this::receiver)
                    .isInstanceOf(AuthorizationException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + port)
                    .hasMessageContaining("another program is using it");
        }
    }

    private static InetAddress nonLoopbackAddress() throws Exception {
        List<NetworkInterface> nics = Collections.list(NetworkInterface.getNetworkInterfaces());
        for (NetworkInterface nic : nics) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return a;
                    }
                }
            }
        }
        return null;
    }
}
