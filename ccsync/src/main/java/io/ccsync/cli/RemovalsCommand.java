package io.ccsync.cli;

import static io.ccsync.Settings.setting;

import com.zaxxer.hikari.HikariDataSource;
import io.ccsync.CcsyncApplication;
import io.ccsync.lifecycle.RemovalBatches;
import io.ccsync.store.DatabaseConfiguration;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.CamelContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ccsync removals list|approve|discard}: the removal batches in ccsync's database, and the one way to let a held
 * batch go (or drop it). Works while {@code ccsync run} runs: the running ccsync applies an approved batch within
 * {@code ccsync.lifecycle.apply-delay}.
 */
@Command(name = "removals", mixinStandardHelpOptions = true,
        description = {"The removals sources reported (docs/lifecycle.md). More than ccsync.lifecycle.max-removals in "
                + "one CRM poll or one file are held (health DOWN) until approved here. Without a subcommand: list."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (list: nothing held)", "1:list: some removals are held; approve/discard: nothing "
                + "matched", "2:usage error", "4:ccsync's database (ccsync.db.*) could not be read"})
public final class RemovalsCommand implements Callable<Integer> {
    private static final String DB_SETTINGS = "ccsync.db.url, ccsync.db.user, ccsync.db.password";

    @Spec
    CommandSpec spec;

    private final Map<String, String> overrides;

    public RemovalsCommand() {
        this(Map.of());
    }

    /** {@code overrides} win over config/application.properties (tests). */
    public RemovalsCommand(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    @Override
    public Integer call() {
        return list();
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Show the batches: held, waiting to be applied, and the latest applied.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:nothing held", "1:some removals are held", "2:usage error",
                    "4:ccsync's database (ccsync.db.*) could not be read"})
    public int list() {
        return withBatches(batches -> {
            PrintWriter out = spec.commandLine().getOut();
            List<RemovalBatches.Batch> all = batches.list();
            List<RemovalBatches.Batch> shown = all.subList(Math.max(0, all.size() - 20), all.size());
            if (shown.isEmpty()) {
                out.println("No removals recorded.");
            }
            for (RemovalBatches.Batch b : shown) {
                out.printf("%6d  %-9s  %-17s  %6d  %s  %s%s%n", b.id(), b.state().name().toLowerCase(),
                        b.policy().setting(), b.count(), b.createdAt(), b.origin(),
                        b.note() == null ? "" : "  (" + b.note() + ")");
            }
            long held = all.stream().filter(b -> b.state() == RemovalBatches.State.HELD).count();
            if (held > 0) {
                out.println(held + " batch(es) held: `ccsync removals approve ID` lets one go (no ID: all of them), "
                        + "`ccsync removals discard ID` drops it.");
            }
            out.flush();
            return held > 0 ? 1 : 0;
        });
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Let held removals go: the batch ID given, or every held batch.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:approved", "1:nothing held matched", "2:usage error",
                    "4:ccsync's database (ccsync.db.*) could not be read"})
    public int approve(@Parameters(paramLabel = "ID", arity = "0..1") Long id) {
        return withBatches(batches -> {
            int n = batches.approve(id);
            PrintWriter out = spec.commandLine().getOut();
            out.println(n == 0 ? "Nothing held" + (id == null ? "" : " with id " + id) + ": nothing approved."
                    : n + " batch(es) approved: the running ccsync applies them within ccsync.lifecycle.apply-delay.");
            out.flush();
            return n == 0 ? 1 : 0;
        });
    }

    @Command(name = "discard", mixinStandardHelpOptions = true,
            description = "Drop held removals: nothing of them is applied.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:discarded", "1:nothing held matched", "2:usage error",
                    "4:ccsync's database (ccsync.db.*) could not be read"})
    public int discard(@Parameters(paramLabel = "ID", arity = "0..1") Long id) {
        return withBatches(batches -> {
            int n = batches.discard(id);
            PrintWriter out = spec.commandLine().getOut();
            out.println(n == 0 ? "Nothing held" + (id == null ? "" : " with id " + id) + ": nothing discarded."
                    : n + " batch(es) discarded.");
            out.flush();
            return n == 0 ? 1 : 0;
        });
    }

    private interface Work {
        int run(RemovalBatches batches) throws SQLException;
    }

    private int withBatches(Work work) {
        try (AutoCloseable quiet = OneShot.quiet(false)) { // a command's answer, not the pool's log lines
            return withBatchesQuietly(work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) { // closing the log's quiet: not the command's failure
            throw new IllegalStateException(e);
        }
    }

    private int withBatchesQuietly(Work work) {
        CamelContext config = CcsyncApplication.settings(overrides); // never started: nothing to stop
        String url = setting(config, "ccsync.db.url");
        try (HikariDataSource db = DatabaseConfiguration.pool("ccsync-removals", url, setting(config, "ccsync.db.user"),
                setting(config, "ccsync.db.password"))) {
            DatabaseConfiguration.applySchema(db);
            return work.run(new RemovalBatches(() -> db, Clock.systemUTC()));
        } catch (Exception e) {
            // a JDBC URL may carry a password: the driver's message names the setting instead
            spec.commandLine().getErr().println("ccsync: cannot use ccsync's database (" + DB_SETTINGS + "): "
                    + String.valueOf(e.getMessage()).replace(url, "ccsync.db.url"));
            return ExitCodes.CANNOT_READ;
        }
    }
}
