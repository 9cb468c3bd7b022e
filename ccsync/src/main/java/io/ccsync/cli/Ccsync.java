package io.ccsync.cli;

import io.ccsync.Version;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ccsync} command line: one jar, one subcommand per job. */
@Command(name = "ccsync",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Keeps Constant Contact contacts in step with a CRM database or dropped files.",
        footer = {"", "Exit codes, the same for every command (its --help lists those it returns):",
                "  0  done (token: healthy)",
                "  1  failed, or a problem to report (the message says which)",
                "  2  usage error",
                "  3  re-authorization needed (run `ccsync authorize`)",
                "  4  a file, the mapping, the database or the token store cannot be read"})
public final class Ccsync implements Runnable {
    /** The subcommands, in the order the help lists them (added in code: see {@link #commandLine(String...)}). */
    private static final List<Class<?>> COMMANDS = List.of(InitCommand.class, RunCommand.class, SandboxCommand.class,
            AuthorizeCommand.class, DeviceLoginCommand.class, TokenCommand.class, ReplayCommand.class,
            CheckCommand.class, RemovalsCommand.class, CommandLine.HelpCommand.class);
    /**
     * The commands that only look and must answer at once: run as {@code ccsync token …} or {@code ccsync check …},
     * the command line is built with that one subcommand. picocli builds every command it is given (and loads what
     * their fields name: the sandbox, the database pool, Jackson), which was a third of such a command's time.
     */
    private static final Map<String, Class<?>> QUICK = Map.of("token", TokenCommand.class, "check", CheckCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        QuietLog.ownProcess();
        if (args.length > 0 && QUICK.containsKey(args[0])) {
            OneShot.logLater(); // nothing has logged yet: the quiet log may wait for the first logger
        }
        System.exit(commandLine(args).execute(args));
    }

    /** The configured command line, every command in it, shared by main() and the tests. */
    public static CommandLine commandLine() {
        return configured(COMMANDS);
    }

    /**
     * The command line for these arguments: for {@code token} and {@code check} with only that subcommand (their
     * parsing, help and errors are the same: a subcommand's usage names only itself and its parent), otherwise all.
     */
    static CommandLine commandLine(String... args) {
        Class<?> quick = args.length == 0 ? null : QUICK.get(args[0]);
        return configured(quick == null ? COMMANDS : List.of(quick));
    }

    private static CommandLine configured(List<Class<?>> commands) {
        CommandLine cli = new CommandLine(new Ccsync());
        commands.forEach(cli::addSubcommand);
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
