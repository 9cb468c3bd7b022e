package io.ccsync.cli;

import io.ccsync.auth.TokenEndpointException;
import io.ccsync.auth.TokenRuntime;
import io.ccsync.auth.flow.AuthorizationException;
import io.ccsync.auth.flow.AuthorizeFlow;
import io.ccsync.auth.flow.Browser;
import io.ccsync.auth.flow.Connected;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ccsync authorize}: the one-time browser authorization. */
@Command(name = "authorize", mixinStandardHelpOptions = true,
        description = {"Connect ccsync to a Constant Contact account, once: opens Constant Contact's consent page "
                + "(and always prints its URL), receives the answer on ccsync.oauth.redirect-uri on this machine, "
                + "and stores the tokens where `ccsync run` finds them.",
                "Authorization code flow with PKCE (S256) and state; the code is exchanged the moment it arrives."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:connected, tokens stored", "1:not connected (the message says why and what to do)",
            "2:usage error: an unknown option or a missing argument (`ccsync authorize --help`)"})
public final class AuthorizeCommand implements Callable<Integer> {

    @Option(names = "--no-browser", description = "Only print the URL; open it yourself (on any browser that can "
            + "reach this machine's redirect URI).")
    boolean noBrowser;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Give up when no answer came after this many seconds (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Spec
    CommandSpec spec;

    /** Settings that win over config/application.properties (tests). */
    Map<String, String> overrides = new LinkedHashMap<>();
    /** How the browser is opened (tests replace it). */
    Browser browser = Browser.SYSTEM;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (TokenRuntime runtime = TokenRuntime.start(TokenCommand.oneShot(overrides))) {
            Connected connected = new AuthorizeFlow(runtime.oauthSettings(), runtime.tokenStore(), runtime.clock(),
                    noBrowser ? Browser.NONE : browser, out, runtime.context()).run(Duration.ofSeconds(timeoutSeconds));
            out.println(connected.describe(runtime.clock().instant()));
            out.flush();
            return 0;
        } catch (AuthorizationException | TokenEndpointException e) {
            throw new UserFacingException(e.getMessage(), e);
        }
    }
}
