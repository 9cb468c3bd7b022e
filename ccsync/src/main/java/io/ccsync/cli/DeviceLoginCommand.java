package io.ccsync.cli;

import io.ccsync.auth.TokenEndpointException;
import io.ccsync.auth.TokenRuntime;
import io.ccsync.auth.flow.AuthorizationException;
import io.ccsync.auth.flow.Connected;
import io.ccsync.auth.flow.DeviceFlow;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ccsync device-login}: the one-time authorization for a machine without a browser. */
@Command(name = "device-login", mixinStandardHelpOptions = true,
        description = {"Connect ccsync to a Constant Contact account from a machine without a browser (the device "
                + "flow): prints a URL and a code; a person opens the URL on any device, enters the code and "
                + "chooses Allow, and ccsync stores the tokens where `ccsync run` finds them.",
                "Your application must use the device flow in the Constant Contact developer portal."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:connected, tokens stored", "1:not connected (the message says why and what to do)",
            "2:usage error: an unknown option or a missing argument (`ccsync device-login --help`)"})
public final class DeviceLoginCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Settings that win over config/application.properties (tests). */
    Map<String, String> overrides = new LinkedHashMap<>();
    /** How polls wait (tests move a clock instead). */
    DeviceFlow.Sleeper sleeper = d -> Thread.sleep(d.toMillis());

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (TokenRuntime runtime = TokenRuntime.start(TokenCommand.oneShot(overrides))) {
            Connected connected = new DeviceFlow(runtime.oauthSettings(), runtime.tokenStore(), runtime.clock(),
                    sleeper, out, runtime.context()).run();
            out.println(connected.describe(runtime.clock().instant()));
            out.flush();
            return 0;
        } catch (AuthorizationException | TokenEndpointException e) {
            throw new UserFacingException(e.getMessage(), e);
        }
    }
}
