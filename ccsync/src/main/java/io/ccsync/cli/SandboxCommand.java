package io.ccsync.cli;

import io.ccsync.demo.LocalSandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code ccsync sandbox}: the local Constant Contact of ccsync-sandbox.jar (found beside ccsync.jar at run time), with
 * every argument passed on; {@code ccsync sandbox --help} lists the sandbox's own options.
 */
@Command(name = "sandbox",
        description = {"Run a local Constant Contact (authorization server and V3 API) for trying ccsync with no account.",
                "Prints the settings to put in config/application.properties, then runs until Ctrl+C (or SIGTERM).",
                "Its options: ccsync sandbox --help."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped (Ctrl+C or SIGTERM)", "1:could not start (the port is taken, or ccsync-sandbox.jar "
                + "is not beside ccsync.jar)", "2:usage error: an unknown option or a missing argument"})
public final class SandboxCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        return LocalSandbox.tool()
                .orElseThrow(() -> new UserFacingException("sandbox: " + LocalSandbox.MISSING))
                .run(spec.commandLine().getOut(), spec.commandLine().getErr(), arguments.toArray(String[]::new));
    }
}
