package io.ccsync.sandbox;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Starts the local Constant Contact sandbox and runs until Ctrl+C, SIGTERM or (in a host process such as ccsync's
 * demo) the calling thread's interrupt. Run by {@link SandboxTool}: {@code java -jar ccsync-sandbox.jar} or
 * {@code ccsync sandbox}.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = {"Run a local Constant Contact (authorization server and V3 API) for trying ccsync with no account.",
                "Prints the settings to put in config/application.properties, then runs until Ctrl+C (or SIGTERM)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped (Ctrl+C or SIGTERM)", "1:could not start (the port is taken, for example)",
            "2:usage error: an unknown option or a missing argument (`ccsync sandbox --help`)"})
final class SandboxCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "Port on localhost (0: any free port). Default: ${DEFAULT-VALUE}.")
    int port = 9999;

    @Option(names = "--auto-approve", description = "Skip the consent page: authorize redirects at once; device codes are approved at once.")
    boolean autoApprove;

    @Option(names = "--access-ttl", paramLabel = "SECONDS", description = "Access token lifetime. Default: ${DEFAULT-VALUE} (24 h, as Constant Contact).")
    long accessTtl = 86_400;

    @Option(names = "--refresh-mode", paramLabel = "MODE", converter = ModeConverter.class,
            description = "rotating (each refresh kills the earlier refresh tokens) or long-lived. Default: rotating.")
    RefreshMode refreshMode = RefreshMode.ROTATING;

    @Option(names = "--client-id", paramLabel = "ID", description = "The client id (API key). Default: the fixed demo client.")
    String clientId = SandboxOptions.DEMO_CLIENT_ID;

    @Option(names = "--client-secret", paramLabel = "SECRET", description = "The client secret. Default: the demo client's.")
    String clientSecret = SandboxOptions.DEMO_CLIENT_SECRET;

    @Option(names = "--redirect-uri", paramLabel = "URI", description = "A registered redirect URI (repeatable). Default: "
            + SandboxOptions.DEMO_REDIRECT_URI + ".")
    List<String> redirectUris;

    @Option(names = "--rate-limit", paramLabel = "N", description = "V3 requests per second per client. Default: ${DEFAULT-VALUE}.")
    int rateLimit = 4;

    @Option(names = "--daily-limit", paramLabel = "N", description = "V3 requests per UTC day per client. Default: ${DEFAULT-VALUE}.")
    int dailyLimit = 10_000;

    @Option(names = "--token-rate-limit", paramLabel = "N", description = "Token requests per second per client. Default: ${DEFAULT-VALUE}.")
    int tokenRateLimit = 1;

    @Option(names = "--fail-rate", paramLabel = "R", description = "Fraction (0-1) of API and token requests answered 500 or 503. Default: 0.")
    double failRate;

    @Option(names = "--drop-rate", paramLabel = "R", description = "Fraction (0-1) of API and token requests whose connection is closed unanswered. Default: 0.")
    double dropRate;

    @Option(names = "--lost-answer-rate", paramLabel = "R", description = "Fraction (0-1) of API and token requests handled in full whose answer is then lost (connection closed before the response). Default: 0.")
    double lostAnswerRate;

    @Option(names = "--latency", paramLabel = "MS", description = "Delay added to every API and token request. Default: 0.")
    long latencyMs;

    @Option(names = "--import-rate", paramLabel = "N", description = "Bulk import records processed per second, one import at a time (an assumption: Constant Contact publishes no figure). Default: ${DEFAULT-VALUE}.")
    int importRate = 1_000;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for the fault draws, for reproducible runs.")
    Long seed;

    @Override
    public Integer call() {
        SandboxOptions options;
        try {
            options = SandboxOptions.defaults()
                    .withPort(port).withAutoApprove(autoApprove).withAccessTtl(Duration.ofSeconds(accessTtl))
                    .withRefreshMode(refreshMode).withClientId(clientId).withClientSecret(clientSecret)
                    .withRateLimit(rateLimit).withDailyLimit(dailyLimit).withTokenRateLimit(tokenRateLimit)
                    .withFailRate(failRate).withDropRate(dropRate).withLostAnswerRate(lostAnswerRate)
                    .withLatency(Duration.ofMillis(latencyMs)).withImportRate(importRate);
            if (redirectUris != null && !redirectUris.isEmpty()) {
                options = options.withRedirectUris(redirectUris);
            }
            if (seed != null) {
                options = options.withSeed(seed);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "sandbox: " + e.getMessage());
        }
        Sandbox sandbox;
        try {
            sandbox = Sandbox.start(options);
        } catch (UncheckedIOException e) {
            spec.commandLine().getErr().println("sandbox: " + e.getMessage() + "; choose another with --port");
            spec.commandLine().getErr().flush();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            sandbox.close();
            stopped.countDown();
        }, "ccsync-sandbox-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            printBanner(sandbox, spec.commandLine().getOut());
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // interrupted by a host process (ccsync's demo stopping): stop here, not at JVM exit
            sandbox.close();
            if (stopped.getCount() > 0) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        return 0;
    }

    private void printBanner(Sandbox sandbox, PrintWriter out) {
        SandboxOptions o = sandbox.options();
        out.println("Constant Contact sandbox running at " + sandbox.baseUrl() + " (Ctrl+C stops it)");
        out.println();
        out.println("Put these in config/application.properties (or the environment):");
        out.println("  ccsync.api.base-url = " + sandbox.apiUrl());
        out.println("  ccsync.oauth.authorize-url = " + sandbox.authorizeUrl());
        out.println("  ccsync.oauth.token-url = " + sandbox.tokenUrl());
        out.println("  ccsync.oauth.device-url = " + sandbox.deviceUrl());
        out.println("  ccsync.oauth.redirect-uri = " + sandbox.redirectUri());
        out.println("  CC_CLIENT_ID=" + sandbox.clientId());
        out.println("  CC_CLIENT_SECRET=" + sandbox.clientSecret() + "   (the sandbox's own demo secret)");
        out.println();
        out.println("Inspector:     " + sandbox.inspectorUrl());
        out.println("Signing keys:  " + sandbox.keysUrl());
        out.println("Device page:   " + sandbox.deviceVerificationUrl());
        out.printf(Locale.ROOT, "Behaviour:     %s consent, access tokens %d s, %s refresh tokens,%n",
                o.autoApprove() ? "auto-approved" : "interactive", o.accessTtl().toSeconds(),
                o.refreshMode() == RefreshMode.ROTATING ? "rotating" : "long-lived");
        out.printf(Locale.ROOT, "               %d req/s and %d/day per client on /v3, %d token req/s",
                o.rateLimit(), o.dailyLimit(), o.tokenRateLimit());
        if (o.failRate() > 0 || o.dropRate() > 0 || o.lostAnswerRate() > 0 || !o.latency().isZero()) {
            out.printf(Locale.ROOT, ",%n               faults: fail %.2f, drop %.2f, lost answer %.2f, latency %d ms%s",
                    o.failRate(), o.dropRate(), o.lostAnswerRate(), o.latency().toMillis(),
                    o.seed() == null ? "" : ", seed " + o.seed());
        }
        out.println();
        out.flush();
    }

    /** Accepts rotating, long-lived (and long_lived, any case). */
    static final class ModeConverter implements ITypeConverter<RefreshMode> {
        @Override
        public RefreshMode convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "rotating" -> RefreshMode.ROTATING;
                case "long-lived" -> RefreshMode.LONG_LIVED;
                default -> throw new picocli.CommandLine.TypeConversionException(
                        "refresh mode must be rotating or long-lived, was " + value);
            };
        }
    }
}
