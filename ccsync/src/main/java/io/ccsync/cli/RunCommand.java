package io.ccsync.cli;

import io.ccsync.CcsyncApplication;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the integration: camel-main with config/ and routes/ from the working directory. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start the integration: the routes in routes/*.camel.yaml with the settings in "
                + "config/application.properties, both read from the working directory.",
                "Stops on Ctrl+C (or SIGTERM) after in-flight work finishes."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped (Ctrl+C, SIGTERM or --max-seconds)", "1:could not start, or stopped on an error",
            "2:usage error: an unknown option or a missing argument (`ccsync run --help`)"})
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Also load config/application-NAME.properties over the defaults (for example: demo).")
    String profile;

    @Option(names = "--max-seconds", paramLabel = "N",
            description = "Stop by itself after N seconds (for scripts and smoke tests).")
    Integer maxSeconds;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (maxSeconds != null) {
            overrides.put("camel.main.duration-max-seconds", maxSeconds.toString());
        }
        Main main = CcsyncApplication.inspectable(CcsyncApplication.create(profile, overrides));
        main.run();
        return main.getExitCode();
    }
}
