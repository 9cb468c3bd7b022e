package io.ccsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ccsync token …} and {@code ccsync check …} are parsed by a command line that holds only that subcommand
 * (so picocli does not build the eight others); a person sees the same help, the same usage errors and the same exit
 * codes as from the whole command line. Every other command still gets the whole one.
 */
class QuickCommandLineTest {

    private record Answer(int exit, String out, String err) {
    }

    private static Answer run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Answer(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void tokenAndCheckGetOnlyTheirOwnSubcommandAndAnswerAsTheWholeCommandLineDoes() {
        assertThat(Ccsync.commandLine("token").getSubcommands()).containsOnlyKeys("token");
        assertThat(Ccsync.commandLine("check", "a.csv").getSubcommands()).containsOnlyKeys("check");
        for (List<String> args : List.of(List.of("token", "--help"), List.of("token", "refresh", "--help"),
                List.of("token", "migrate", "--help"), List.of("check", "--help"), List.of("check"),
                List.of("token", "--no-such-option"), List.of("check", "--encoding"),
                List.of("token", "no-such-subcommand"))) {
            String[] a = args.toArray(String[]::new);
            Answer whole = run(Ccsync.commandLine(), a);
            Answer quick = run(Ccsync.commandLine(a), a);
            assertThat(quick).as("ccsync %s", String.join(" ", args)).isEqualTo(whole);
            assertThat(whole.out() + whole.err()).as("ccsync %s says something", String.join(" ", args)).isNotBlank();
        }
    }

    @Test
    void everyOtherCommandLineHoldsEveryCommand() {
        for (String first : List.of("run", "help", "--help", "--version", "init", "removals", "tokenx")) {
            assertThat(Ccsync.commandLine(first).getSubcommands().keySet()).as("ccsync %s", first)
                    .isEqualTo(Ccsync.commandLine().getSubcommands().keySet())
                    .contains("init", "run", "token", "check", "removals", "help");
        }
        assertThat(Ccsync.commandLine().getSubcommands().keySet()).as("the order --help lists them in")
                .containsExactly("init", "run", "sandbox", "authorize", "device-login", "token", "replay", "check",
                        "removals", "help");
    }
}
