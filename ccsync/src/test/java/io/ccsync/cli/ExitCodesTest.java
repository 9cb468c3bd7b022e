package io.ccsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.auth.flow.TokenReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One table of exit codes (ExitCodes) for every command: each command's --help lists exactly the codes it returns,
 * each code means the same everywhere, and a usage error is 2 and nothing else is.
 */
class ExitCodesTest {
    /** What each command returns, as its --help lists it. */
    private static final Map<String, Set<Integer>> CODES = Map.ofEntries(
            Map.entry("init", Set.of(0, 1, 2)),
            Map.entry("run", Set.of(0, 1, 2)),
            Map.entry("sandbox", Set.of(0, 1, 2)),
            Map.entry("authorize", Set.of(0, 1, 2)),
            Map.entry("device-login", Set.of(0, 1, 2)),
            Map.entry("token", Set.of(0, 1, 2, 3, 4)),
            Map.entry("token refresh", Set.of(0, 1, 2, 3)),
            Map.entry("token migrate", Set.of(0, 1, 2)),
            Map.entry("replay", Set.of(0, 1, 2)),
            Map.entry("check", Set.of(0, 1, 2, 4)));

    /** What the shared codes say in every list that has them. */
    private static final Map<Integer, String> MEANING = Map.of(
            ExitCodes.USAGE, "usage error",
            ExitCodes.REAUTHORIZE, "re-authorization needed",
            ExitCodes.CANNOT_READ, "cannot be read|could not be read");

    @TempDir
    Path dir;

    /** Every registered command and subcommand but picocli's help, by its full name ("token refresh"). */
    private static Map<String, CommandLine> commands() {
        Map<String, CommandLine> all = new LinkedHashMap<>();
        List<CommandLine> todo = new ArrayList<>(Ccsync.commandLine().getSubcommands().values());
        while (!todo.isEmpty()) {
            CommandLine c = todo.remove(0);
            if (c.getCommand() instanceof CommandLine.HelpCommand) {
                continue;
            }
            all.put(c.getCommandSpec().qualifiedName(" ").substring("ccsync ".length()), c);
            todo.addAll(c.getSubcommands().values());
        }
        return all;
    }

    @Test
    void everyCommandListsItsCodesFromTheOneTable() {
        Map<String, CommandLine> commands = commands();
        assertThat(commands.keySet()).containsAll(CODES.keySet());

        commands.forEach((name, c) -> {
            Map<String, String> listed = c.getCommandSpec().usageMessage().exitCodeList();
            Set<Integer> codes = new TreeSet<>();
            listed.keySet().forEach(k -> codes.add(Integer.parseInt(k.strip())));
            // a command added later (not pinned above) still lists 0 and 2 and only codes of the table
            Set<Integer> expected = CODES.get(name);
            if (expected != null) {
                assertThat(codes).as("ccsync %s --help", name).isEqualTo(new TreeSet<>(expected));
            } else {
                assertThat(codes).as("ccsync %s --help", name).contains(0, 2).isSubsetOf(0, 1, 2, 3, 4);
            }
            listed.forEach((code, text) -> {
                String meaning = MEANING.get(Integer.parseInt(code.strip()));
                if (meaning != null) {
                    assertThat(text).as("ccsync %s --help, exit code %s", name, code).containsPattern(meaning);
                }
            });
            assertThat(c.getUsageMessage(CommandLine.Help.Ansi.OFF)).as("ccsync %s --help", name)
                    .contains("Exit codes:");
        });
        assertThat(Ccsync.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF))
                .contains("2  usage error", "3  re-authorization needed", "4  a file, the mapping, the database or the token");
    }

    @Test
    void aUsageErrorIsTwoForEveryCommandAndNothingRuns() {
        assertThat(Cli.run(Map.of(), "no-such-command").exitCode()).isEqualTo(ExitCodes.USAGE);
        commands().keySet().forEach(name -> {
            List<String> args = new ArrayList<>(List.of(name.split(" ")));
            args.add("--no-such-option");
            Cli.Result r = Cli.run(Map.of(), args.toArray(String[]::new));
            assertThat(r.exitCode()).as("ccsync %s --no-such-option: %s", name, r.all()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).containsAnyOf("Unknown option: '--no-such-option'", "Missing required parameter");
        });
        assertThat(Cli.run(Map.of(), "check").exitCode()).as("a missing FILE").isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void tokensHealthIsTheTablesCode() {
        assertThat(TokenReport.Health.HEALTHY.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(TokenReport.Health.REFRESH_DUE.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(TokenReport.Health.REAUTHORIZATION_NEEDED.exitCode()).isEqualTo(ExitCodes.REAUTHORIZE);
    }

    @Test
    void aTokenStoreThatCannotBeOpenedIsFourNotOne() {
        Cli.Result r = Cli.run(Map.of("ccsync.token.file", dir.resolve("tokens.json").toString(),
                "ccsync.token.store", "jdbc", "ccsync.db.url", "jdbc:h2:tcp://127.0.0.1:1/nowhere"), "token");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(ExitCodes.CANNOT_READ);
        assertThat(r.err()).startsWith("ccsync: ").contains("ccsync's database").contains("cannot be opened");
        assertThat(r.out()).isEmpty();
    }
}
