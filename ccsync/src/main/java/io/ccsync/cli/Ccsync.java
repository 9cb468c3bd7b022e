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
        footer = {"", "Exit codes, the same for every command (its --help lists those it returns):",
                "  0  done (token: healthy)",
                "  1  failed, or a problem to report (the message says which)",
                "  2  usage error",
                "  3  re-authorization needed (run `ccsync authorize`)",
                "  4  a file, the mapping, the database or the token store cannot be read"})
public final class Ccsync implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        QuietLog.ownProcess();
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
