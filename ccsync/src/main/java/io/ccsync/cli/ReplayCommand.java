package io.ccsync.cli;

import io.ccsync.CcsyncApplication;
import io.ccsync.delivery.DeadLetters;
import io.ccsync.contract.DeliveryReport;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ccsync replay}: sends the dead letter again through the delivery routes of {@code ccsync run}. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Send the records in the dead letter (ccsync.db.url) to Constant Contact again, through the "
                + "same delivery routes, budget and tokens as `ccsync run`. A record delivered now leaves the dead "
                + "letter; one that fails again stays there with its new reason. Safe while `ccsync run` runs: "
                + "both share the API budget of the key, so give each a share of ccsync.delivery.rate.*."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every record was delivered, unchanged or rejected (see the report); or nothing to do",
            "1:some records are still in the dead letter, or replay could not run",
            "2:usage error: an unknown option or a missing argument (`ccsync replay --help`)"})
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Load config/application-NAME.properties over config/application.properties.")
    String profile;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "1000",
            description = "Records per call to the delivery route (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return replay(profile, Map.of(), chunk, spec.commandLine().getOut());
    }

    /**
     * Starts camel-main with the delivery and token routes only (no sources, no schedules), replays, stops.
     * {@code overrides} win over the config files (tests).
     */
    public static int replay(String profile, Map<String, String> overrides, int chunk, PrintWriter out) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camel.main.routes-include-pattern", "file:routes/token.camel.yaml,"
                + "file:routes/error-handling.camel.yaml,file:routes/delivery*.camel.yaml");
        settings.put("camel.main.routes-reload-enabled", "false");
        settings.put("camel.management.enabled", "false");
        settings.put("ccsync.delivery.check-names-at-start", "false");
        settings.put("camel.main.auto-configuration-log-summary", "false");
        settings.put("camel.main.startup-summary-level", "Off");
        settings.putAll(overrides);
        Main main = CcsyncApplication.create(profile, settings);
        try {
            main.start();
            CamelContext context = main.getCamelContext();
            DeadLetters letters = context.getRegistry().lookupByNameAndType("deadLetters", DeadLetters.class);
            int waiting = letters.list().size();
            if (waiting == 0) {
                out.println("The dead letter is empty: nothing to replay.");
                return 0;
            }
            out.println("Replaying " + waiting + " records from the dead letter...");
            out.flush();
            ProducerTemplate template = context.createProducerTemplate();
            DeliveryReport report = letters.replay(template, chunk);
            out.println(report.summary());
            List<DeliveryReport.Problem> problems = new java.util.ArrayList<>(report.rejected());
            problems.addAll(report.deadLettered());
            problems.forEach(p -> out.println("  " + p));
            out.flush();
            return report.deadLettered().isEmpty() ? 0 : 1;
        } catch (Exception e) {
            throw new UserFacingException("replay failed: " + e.getMessage(), e);
        } finally {
            main.stop();
        }
    }
}
