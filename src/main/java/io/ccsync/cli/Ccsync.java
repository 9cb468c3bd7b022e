package io.ccsync.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ccsync} command line: one jar, one subcommand per job. */
@Command(name = "ccsync",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Keeps Constant Contact contacts in step with a CRM database or dropped files.",
        subcommands = {InitCommand.class, RunCommand.class, SandboxCommand.class, AuthorizeCommand.class, DeviceLoginCommand.class,
                TokenCommand.class, ReplayCommand.class, CheckCommand.class, RemovalsCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure (the message says why), 2 usage error,",
                "except where a subcommand documents its own."})
public final class Ccsync implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by main() and the tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Ccsync());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // An expected failure speaks for itself; anything else gets its class name too.
            String message = ex instanceof UserFacingException ? ex.getMessage() : ex.toString();
            cmd.getErr().println("ccsync: " + message);
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
