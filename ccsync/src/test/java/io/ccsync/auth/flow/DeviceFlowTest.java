package io.ccsync.auth.flow;

import io.ccsync.sandbox.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccsync.auth.TokenState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device flow against the sandbox's real endpoints. Polling waits move the sandbox's clock instead of sleeping,
 * so "5 seconds" and "10 minutes" pass at once, exactly as the server counts them.
 */
class DeviceFlowTest {
    private static final Pattern USER_CODE = Pattern.compile("enter the code\\s+(\\S+)");

    @TempDir
    Path dir;

    private final MutableClock serverClock = MutableClock.startingNow();
    private final StringWriter out = new StringWriter();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private TestSandbox sandbox;

    @BeforeEach
    void start() {
        sandbox = TestSandbox.start(dir, o -> o.withClock(serverClock).withDeviceInterval(Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    /** A person on another device: the user code as printed, then Allow or Deny on the verification page. */
    private void decide(String decision) {
        Matcher m = USER_CODE.matcher(out.toString());
        assertThat(m.find()).as("user code printed").isTrue();
        Consent.post(URI.create(sandbox.sandbox.deviceVerificationUrl()),
                Map.of("user_code", m.group(1), "decision", decision), null);
    }

    private DeviceFlow flow(DeviceFlow.Sleeper sleeper) {
        return new DeviceFlow(sandbox.settings(), sandbox.store(), Clock.systemUTC(), d -> {
            sleeps.add(d);
            sleeper.sleep(d);
        }, new PrintWriter(out, true));
    }

    @Test
    void printsTheUrlAndCodeThenStoresTheTokensOnceApproved() {
        Connected connected = flow(d -> {
            serverClock.advance(d);
            if (sleeps.size() == 2) {
                decide("allow");
            }
        }).run();

        assertThat(out.toString()).contains(sandbox.sandbox.deviceVerificationUrl(), "?user_code=");
        assertThat(connected.scopes()).contains("contact_data", "offline_access");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5));
        TokenState stored = sandbox.store().read();
        assertThat(stored.version()).isEqualTo(1);
        assertThat(stored.refreshToken()).isNotNull();
        assertThat(out.toString()).doesNotContain(stored.accessToken()).doesNotContain(stored.refreshToken())
                .doesNotContain(sandbox.sandbox.clientSecret());
    }

    @Test
    void slowDownAddsFiveSecondsToTheInterval() {
        flow(d -> {
            // The second wait is seen by the server as too short (its clock moves 2 s): it answers slow_down.
            serverClock.advance(sleeps.size() == 2 ? Duration.ofSeconds(2) : d);
            if (sleeps.size() == 3) {
                decide("allow");
            }
        }).run();

        assertThat(sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10));
        assertThat(out.toString()).contains("poll more slowly: now every 10 seconds");
        assertThat(sandbox.store().read().hasTokens()).isTrue();
    }

    @Test
    void anExpiredCodeStopsWithAMessage() {
        assertThatThrownBy(() -> flow(d -> serverClock.advance(Duration.ofMinutes(11))).run())
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("the code expired before anyone approved it (expired_token)")
                .hasMessageContaining("Run `ccsync device-login` again");
        assertThat(sandbox.store().read().hasTokens()).isFalse();
    }

    @Test
    void aDenialStopsWithAMessage() {
        assertThatThrownBy(() -> flow(d -> {
            serverClock.advance(d);
            decide("deny");
        }).run())
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("access was denied on the device approval page (access_denied)");
        assertThat(sandbox.store().read().hasTokens()).isFalse();
    }
}
