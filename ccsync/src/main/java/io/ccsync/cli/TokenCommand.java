package io.ccsync.cli;

import io.ccsync.auth.AccessToken;
import io.ccsync.auth.JdbcTokenStore;
import io.ccsync.auth.ReauthorizationRequiredException;
import io.ccsync.auth.RefreshPolicy;
import io.ccsync.auth.TokenEndpointException;
import io.ccsync.auth.TokenRuntime;
import io.ccsync.auth.TokenState;
import io.ccsync.auth.flow.Durations;
import io.ccsync.auth.flow.TokenReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.util.TimeUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ccsync token}: the stored token's state, never a secret value; {@code ccsync token refresh}. */
@Command(name = "token", mixinStandardHelpOptions = true,
        subcommands = {TokenCommand.Refresh.class, TokenCommand.Migrate.class},
        description = {"Show the stored Constant Contact token's state: account (subject), client, scopes, issue "
                + "and expiry times, time left, refresh-token mode and age, the last refresh, whether "
                + "re-authorization is needed, and where the tokens are stored. Never prints a token or secret."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:healthy: the access token is good beyond the refresh margin (ccsync.token.refresh-margin)",
            "1:the access token has expired or is within the refresh margin, and can be refreshed",
            "2:usage error: an unknown option or a missing argument (`ccsync token --help`)",
            "3:re-authorization needed: nothing stored, or the refresh token is gone or refused; "
                    + "run `ccsync authorize`",
            "4:the token store cannot be read (the message says why: the file, the database, the key)"})
public final class TokenCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print the state as one JSON object (for scripts).")
    boolean json;

    @Option(names = "--verbose", description = "Let Camel's and ccsync's log through (warnings only otherwise).")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** Settings that win over config/application.properties (tests). */
    Map<String, String> overrides = new LinkedHashMap<>();

    /**
     * The settings for a one-shot command's token runtime: Camel's start-up summaries off, so what the command prints
     * (the JSON of {@code --json} above all) is not buried in them; {@code overrides} still win.
     */
    static Map<String, String> oneShot(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camel.main.auto-configuration-log-summary", "false");
        settings.put("camel.main.startup-summary-level", "Off");
        settings.putAll(overrides);
        return settings;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // the settings and the store alone, no CamelContext started: answers at once
        try (AutoCloseable quiet = OneShot.quiet(verbose)) {
            OneShot.Tokens opened;
            try {
                opened = OneShot.tokens(overrides);
            } catch (RuntimeException e) {
                return cannotRead(e);
            }
            try (OneShot.Tokens tokens = opened) {
                TokenState state;
                try {
                    state = tokens.store().read(); // as stored: a pasted non-JWT is reported, not thrown
                } catch (RuntimeException e) {
                    return cannotRead(e);
                }
                return report(tokens, state, out);
            }
        }
    }

    /** Prints the state; its health is the exit code (0, 1 or 3, the same as the JSON's exit_code). */
    private int report(OneShot.Tokens tokens, TokenState state, PrintWriter out) {
        Duration margin = Duration.ofMillis(TimeUtils.toMilliSeconds(tokens.setting("ccsync.token.refresh-margin")));
        TokenReport report = TokenReport.of(state, new RefreshPolicy(margin, margin, Duration.ofDays(180)),
                tokens.store().describe(), tokens.clock().instant());
        out.print(json ? report.json() + System.lineSeparator() : report.text());
        out.flush();
        return report.health().exitCode();
    }

    /**
     * A store that cannot be opened or read (a database down, a wrong key, an unreadable file) is not "a refresh is
     * due" (1): monitoring must see that nothing could be said about the token.
     */
    private int cannotRead(RuntimeException e) {
        spec.commandLine().getErr().println("ccsync: " + (e instanceof UserFacingException ? e.getMessage() : e));
        return ExitCodes.CANNOT_READ;
    }

    /** {@code ccsync token refresh}: one refresh now, through the same single-flight path as {@code ccsync run}. */
    @Command(name = "refresh", mixinStandardHelpOptions = true,
            description = {"Refresh the access token now, through the same single-flight path as `ccsync run` "
                    + "(safe while it runs), and print the new expiry."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:refreshed and stored", "1:the refresh failed; the stored tokens are unchanged",
                "2:usage error: an unknown option or a missing argument (`ccsync token refresh --help`)",
                "3:re-authorization needed: run `ccsync authorize`"})
    static final class Refresh implements Callable<Integer> {

        @ParentCommand
        TokenCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--verbose", description = "Let Camel's start-up log through (warnings only otherwise).")
        boolean verbose;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (AutoCloseable quiet = OneShot.quiet(verbose || parent.verbose);
                 TokenRuntime runtime = TokenRuntime.start(oneShot(parent.overrides))) {
                AccessToken fresh = runtime.tokenCache().refreshNow();
                TokenState state = runtime.tokenCache().state();
                Instant now = runtime.clock().instant();
                out.println("Refreshed. The new access token is good until " + fresh.expiresAt() + " ("
                        + Durations.relative(Duration.between(now, fresh.expiresAt())) + ").");
                out.println(switch (state.refreshMode()) {
                    case ROTATING -> "The refresh token rotated: the new one is stored and the old one is dead.";
                    case LONG_LIVED -> "The refresh token is long-lived: the same one came back.";
                    case UNKNOWN -> "";
                });
                out.println("Tokens stored in " + runtime.tokenStore().describe() + ".");
                out.flush();
                return 0;
            } catch (ReauthorizationRequiredException e) {
                spec.commandLine().getErr().println("ccsync: " + e.getMessage());
                return ExitCodes.REAUTHORIZE;
            } catch (TokenEndpointException e) {
                throw new UserFacingException(e.getMessage(), e);
            }
        }
    }

    /** {@code ccsync token migrate}: encrypts a jdbc row stored in plain text before a key was set. */
    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = {"Encrypt tokens that the jdbc store holds in plain text (stored before CCSYNC_TOKEN_KEY "
                    + "was set) with the configured key. Safe while other nodes run: done under the refresh lease. "
                    + "Until then ccsync refuses a plain-text row while a key is set."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:encrypted, or nothing was stored in plain text",
                "1:no key is set, or the store is not jdbc (the file store relies on owner-only permissions)",
                "2:usage error: an unknown option or a missing argument (`ccsync token migrate --help`)"})
    static final class Migrate implements Callable<Integer> {

        @ParentCommand
        TokenCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Map<String, String> settings = new LinkedHashMap<>(parent.overrides);
            settings.put(io.ccsync.auth.AuthConfiguration.FINISH_ON_START, "false"); // the row cannot be read yet
            // the store alone, as `ccsync token` opens it: no CamelContext started, no route needed
            try (AutoCloseable quiet = OneShot.quiet(parent.verbose); OneShot.Tokens tokens = OneShot.tokens(settings)) {
                if (!(tokens.store() instanceof JdbcTokenStore jdbc)) {
                    throw new UserFacingException("ccsync token migrate encrypts the jdbc token store; this one is "
                            + tokens.store().describe() + " (ccsync.token.store=file), which is not encrypted "
                            + "and relies on the file's owner-only permissions.");
                }
                try {
                    out.println(jdbc.encryptPlaintext()
                            ? "Encrypted the tokens in " + jdbc.describe() + " with the configured key."
                            : "Nothing to encrypt: the tokens in " + jdbc.describe() + " are already encrypted "
                            + "(or none are stored).");
                } catch (IllegalStateException e) {
                    throw new UserFacingException(e.getMessage(), e);
                }
                out.flush();
                return 0;
            }
        }
    }
}
