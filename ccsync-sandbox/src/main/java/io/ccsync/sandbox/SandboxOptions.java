package io.ccsync.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything a sandbox can be told at start. Immutable: each {@code with…} returns a changed copy.
 * The defaults mirror Constant Contact (24 h access tokens, rotating refresh tokens, 4 requests/s,
 * 10,000/day, 1 token request/s) with a fixed demo client so the printed settings stay valid across restarts.
 */
public final class SandboxOptions {

    /** The demo client: fixed so config written once keeps working. Not a secret of anything real. */
    public static final String DEMO_CLIENT_ID = "5f0c8e6e-3b7a-4c1e-9d2f-6a1b2c3d4e5f";
    public static final String DEMO_CLIENT_SECRET = "sandbox-demo-secret";
    public static final String DEMO_REDIRECT_URI = "http://localhost:8765/callback";

    private int port = 9999;
    private boolean autoApprove;
    private Duration accessTtl = Duration.ofSeconds(86_400);
    private RefreshMode refreshMode = RefreshMode.ROTATING;
    private String clientId = DEMO_CLIENT_ID;
    private String clientSecret = DEMO_CLIENT_SECRET;
    private List<String> redirectUris = List.of(DEMO_REDIRECT_URI);
    private int rateLimit = 4;
    private int dailyLimit = 10_000;
    private int tokenRateLimit = 1;
    private double failRate;
    private double dropRate;
    private double lostAnswerRate;
    private Duration latency = Duration.ZERO;
    private Long seed;
    private Clock clock = Clock.systemUTC();
    private Duration codeTtl = Duration.ofMinutes(5);
    private Duration refreshIdleTtl = Duration.ofDays(180);
    private Duration deviceCodeTtl = Duration.ofMinutes(10);
    private Duration deviceInterval = Duration.ofSeconds(5);
    private int importBatchSize = 1_000;
    private Duration importStepDelay = Duration.ofMillis(50);
    private int importQueueLimit = 1_000;
    private int importRate = 1_000;

    private SandboxOptions() {
    }

    public static SandboxOptions defaults() {
        return new SandboxOptions();
    }

    private SandboxOptions copy(Consumer<SandboxOptions> change) {
        SandboxOptions c = new SandboxOptions();
        c.port = port;
        c.autoApprove = autoApprove;
        c.accessTtl = accessTtl;
        c.refreshMode = refreshMode;
        c.clientId = clientId;
        c.clientSecret = clientSecret;
        c.redirectUris = redirectUris;
        c.rateLimit = rateLimit;
        c.dailyLimit = dailyLimit;
        c.tokenRateLimit = tokenRateLimit;
        c.failRate = failRate;
        c.dropRate = dropRate;
        c.lostAnswerRate = lostAnswerRate;
        c.latency = latency;
        c.seed = seed;
        c.clock = clock;
        c.codeTtl = codeTtl;
        c.refreshIdleTtl = refreshIdleTtl;
        c.deviceCodeTtl = deviceCodeTtl;
        c.deviceInterval = deviceInterval;
        c.importBatchSize = importBatchSize;
        c.importStepDelay = importStepDelay;
        c.importQueueLimit = importQueueLimit;
        c.importRate = importRate;
        change.accept(c);
        return c;
    }

    /** 0 picks any free port (tests); the default is 9999. */
    public SandboxOptions withPort(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        return copy(c -> c.port = port);
    }

    /** Skip the consent page and approve device codes at once (scripts and tests). */
    public SandboxOptions withAutoApprove(boolean autoApprove) {
        return copy(c -> c.autoApprove = autoApprove);
    }

    public SandboxOptions withAccessTtl(Duration ttl) {
        return copy(c -> c.accessTtl = positive(ttl, "access TTL"));
    }

    public SandboxOptions withRefreshMode(RefreshMode mode) {
        return copy(c -> c.refreshMode = Objects.requireNonNull(mode));
    }

    public SandboxOptions withClientId(String id) {
        return copy(c -> c.clientId = nonBlank(id, "client id"));
    }

    public SandboxOptions withClientSecret(String secret) {
        return copy(c -> c.clientSecret = nonBlank(secret, "client secret"));
    }

    /** The registered redirect URIs, matched character for character. */
    public SandboxOptions withRedirectUris(List<String> uris) {
        if (uris == null || uris.isEmpty()) {
            throw new IllegalArgumentException("at least one redirect URI is needed");
        }
        return copy(c -> c.redirectUris = List.copyOf(uris));
    }

    /** V3 requests per rolling second per client id. */
    public SandboxOptions withRateLimit(int perSecond) {
        return copy(c -> c.rateLimit = atLeastOne(perSecond, "rate limit"));
    }

    /** V3 requests per UTC day per client id. */
    public SandboxOptions withDailyLimit(int perDay) {
        return copy(c -> c.dailyLimit = atLeastOne(perDay, "daily limit"));
    }

    /** Token endpoint requests per rolling second per client id. */
    public SandboxOptions withTokenRateLimit(int perSecond) {
        return copy(c -> c.tokenRateLimit = atLeastOne(perSecond, "token rate limit"));
    }

    /** The fraction of /v3 and token requests answered 500 or 503 before anything else happens. */
    public SandboxOptions withFailRate(double rate) {
        return copy(c -> c.failRate = fraction(rate, "fail rate"));
    }

    /** The fraction of /v3 and token requests whose connection is closed with no response. */
    public SandboxOptions withDropRate(double rate) {
        return copy(c -> c.dropRate = fraction(rate, "drop rate"));
    }

    /**
     * The fraction of /v3 and token requests handled in full (state changed, logged with their real status) whose
     * answer is then lost: the connection is closed before the response is written.
     */
    public SandboxOptions withLostAnswerRate(double rate) {
        return copy(c -> c.lostAnswerRate = fraction(rate, "lost answer rate"));
    }

    /** Added before every /v3 and token request is answered. */
    public SandboxOptions withLatency(Duration latency) {
        return copy(c -> c.latency = notNegative(latency, "latency"));
    }

    /** Makes the fault draws reproducible; without one they are random. */
    public SandboxOptions withSeed(long seed) {
        return copy(c -> c.seed = seed);
    }

    /** The time for token and code expiry, device polling and the daily quota; tests pass a controllable one. */
    public SandboxOptions withClock(Clock clock) {
        return copy(c -> c.clock = Objects.requireNonNull(clock));
    }

    /** How long an authorization code lives (Constant Contact: 5 minutes). */
    public SandboxOptions withCodeTtl(Duration ttl) {
        return copy(c -> c.codeTtl = positive(ttl, "code TTL"));
    }

    /** A refresh token unused this long expires (Constant Contact: 180 days). */
    public SandboxOptions withRefreshIdleTtl(Duration ttl) {
        return copy(c -> c.refreshIdleTtl = positive(ttl, "refresh idle TTL"));
    }

    public SandboxOptions withDeviceCodeTtl(Duration ttl) {
        return copy(c -> c.deviceCodeTtl = positive(ttl, "device code TTL"));
    }

    /** The polling interval the device flow asks for; polling faster earns slow_down. */
    public SandboxOptions withDeviceInterval(Duration interval) {
        return copy(c -> c.deviceInterval = positive(interval, "device interval"));
    }

    /** Bulk import granularity: records handled per step (percent_done moves a step at a time). */
    public SandboxOptions withImportBatchSize(int records) {
        return copy(c -> c.importBatchSize = atLeastOne(records, "import batch size"));
    }

    /**
     * The shortest pause before each step (also how long an activity stays initialized once it is its turn); the
     * import rate makes the pause longer when the step's records need more time.
     */
    public SandboxOptions withImportStepDelay(Duration delay) {
        return copy(c -> c.importStepDelay = notNegative(delay, "import step delay"));
    }

    /**
     * Bulk import speed: records an account's imports process per second, one import at a time, as Constant Contact
     * does. The default, 1,000 a second, is an assumption (Constant Contact publishes no figure); tests that want
     * imports done at once set a high rate.
     */
    public SandboxOptions withImportRate(int recordsPerSecond) {
        return copy(c -> c.importRate = atLeastOne(recordsPerSecond, "import rate"));
    }

    /** Queued (initialized or processing) activities allowed before a new import gets 429. */
    public SandboxOptions withImportQueueLimit(int activities) {
        return copy(c -> c.importQueueLimit = atLeastOne(activities, "import queue limit"));
    }

    public int port() { return port; }
    public boolean autoApprove() { return autoApprove; }
    public Duration accessTtl() { return accessTtl; }
    public RefreshMode refreshMode() { return refreshMode; }
    public String clientId() { return clientId; }
    public String clientSecret() { return clientSecret; }
    public List<String> redirectUris() { return redirectUris; }
    public int rateLimit() { return rateLimit; }
    public int dailyLimit() { return dailyLimit; }
    public int tokenRateLimit() { return tokenRateLimit; }
    public double failRate() { return failRate; }
    public double dropRate() { return dropRate; }
    public double lostAnswerRate() { return lostAnswerRate; }
    public Duration latency() { return latency; }
    /** The fault seed, or null for an unseeded random. */
    public Long seed() { return seed; }
    public Clock clock() { return clock; }
    public Duration codeTtl() { return codeTtl; }
    public Duration refreshIdleTtl() { return refreshIdleTtl; }
    public Duration deviceCodeTtl() { return deviceCodeTtl; }
    public Duration deviceInterval() { return deviceInterval; }
    public int importBatchSize() { return importBatchSize; }
    public Duration importStepDelay() { return importStepDelay; }
    public int importQueueLimit() { return importQueueLimit; }
    public int importRate() { return importRate; }

    static double fraction(double rate, String what) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new IllegalArgumentException(what + " must be between 0 and 1, was " + rate);
        }
        return rate;
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }

    private static Duration notNegative(Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + d);
        }
        return d;
    }

    private static int atLeastOne(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, was " + n);
        }
        return n;
    }

    private static String nonBlank(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return s;
    }
}
