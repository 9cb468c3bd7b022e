package io.ccsync.cli;

import static io.ccsync.Settings.setting;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.CcsyncApplication;
import io.ccsync.contact.ContactMapping;
import io.ccsync.contact.ContactPipeline;
import io.ccsync.contact.MappingException;
import io.ccsync.delivery.DeltaStore;
import io.ccsync.delivery.DeltaStore.Delta;
import io.ccsync.lifecycle.PendingOptOuts;
import io.ccsync.cli.DryRun;
import io.ccsync.store.DatabaseConfiguration;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ccsync check FILE…}: the dry run of a file before it is dropped into the inbox. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Dry run: read each file as the inbox would (CSV with a header, JSON array, NDJSON), map and "
                + "validate every record with config/mapping.yaml, compare each contact with the delivery history in "
                + "ccsync's database (ccsync.db.url), and print what would be created, updated, left unchanged and "
                + "rejected and why (line, field, rule). Calls no API and writes nothing.",
                "create: ccsync never delivered this email (should Constant Contact have it from elsewhere, it is "
                + "updated); update: delivered before with other values; unchanged: delivered before with these "
                + "values, so it costs no API call."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:nothing would be rejected", "1:some records would be rejected",
            "2:usage error: an unknown option or a missing argument (`ccsync check --help`)",
            "4:a file, the mapping or ccsync's database (ccsync.db.*) could not be read"})
public final class CheckCommand implements Callable<Integer> {
    /** The settings that name the database, for error messages (never their values: the password is one). */
    private static final String DB_SETTINGS = "ccsync.db.url, ccsync.db.user, ccsync.db.password";

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Files to check (.csv, .json, .ndjson, .jsonl).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON object (for scripts): every record's action, totals.")
    boolean json;

    @Option(names = "--mapping", paramLabel = "FILE",
            description = "The field mapping (default: ccsync.delivery.mapping-file, config/mapping.yaml).")
    Path mapping;

    @Option(names = "--encoding", paramLabel = "CHARSET",
            description = "The files' encoding (default: ccsync.inbox.encoding, UTF-8).")
    String encoding;

    @Option(names = "--delimiter", paramLabel = "CHAR",
            description = "The CSV delimiter: auto, tab or the character (default: ccsync.inbox.delimiter, auto).")
    String delimiter;

    @Option(names = "--verbose", description = "Let Camel's and ccsync's log through (warnings only otherwise).")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** Removals files among the files checked (ccsync.inbox.removals-pattern). */
    private RemovalsCheck removals;

    private final Map<String, String> overrides;

    public CheckCommand() {
        this(Map.of());
    }

    /** {@code overrides} win over config/application.properties (tests). */
    public CheckCommand(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    @Override
    public Integer call() throws Exception {
        try (AutoCloseable quiet = OneShot.quiet(verbose)) {
            return check();
        }
    }

    private int check() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CamelContext config = CcsyncApplication.settings(overrides); // never started: nothing to stop
        ContactPipeline pipeline;
        Charset charset;
        try {
            pipeline = new ContactPipeline(ContactMapping.load(mapping != null ? mapping
                    : Path.of(setting(config, "ccsync.delivery.mapping-file", "config/mapping.yaml"))));
            charset = Charset.forName(encoding != null ? encoding : setting(config, "ccsync.inbox.encoding", "UTF-8"));
        } catch (MappingException | IllegalArgumentException | UncheckedIOException e) {
            err.println("ccsync: " + e.getMessage());
            return ExitCodes.CANNOT_READ;
        }
        String csvDelimiter = delimiter != null ? delimiter : setting(config, "ccsync.inbox.delimiter", "auto");
        String url = setting(config, "ccsync.db.url");
        try (Connection db = DatabaseConfiguration.openExisting(url, setting(config, "ccsync.db.user"),
                setting(config, "ccsync.db.password"))) {
            DeltaStore history = history(db);
            DryRun dryRun = new DryRun(pipeline, charset, csvDelimiter, history);
            removals = new RemovalsCheck(config, pipeline.mapping(), charset, csvDelimiter, history == null ? null : db);
            List<DryRun.Summary> summaries = json ? checkJson(dryRun, history != null, out)
                    : checkText(dryRun, history != null, out);
            if (!json) {
                PendingOptOuts.describe(db, !setting(config, "ccsync.crm.optout-sql", "").isBlank())
                        .forEach(out::println);
            }
            out.flush();
            if (summaries.stream().anyMatch(s -> s.unreadable() != null)) {
                return ExitCodes.CANNOT_READ;
            }
            return summaries.stream().anyMatch(s -> s.rejected() > 0) ? ExitCodes.FAILED : ExitCodes.OK;
        } catch (SQLException e) {
            out.flush();
            // a JDBC URL may carry a password: the driver's message names the setting instead
            err.println("ccsync: cannot read the delivery history in ccsync's database (" + DB_SETTINGS + "): "
                    + String.valueOf(e.getMessage()).replace(url, "ccsync.db.url"));
            return ExitCodes.CANNOT_READ;
        }
    }

    /** The delta store on this one read-only connection, or null when nothing was ever delivered. */
    private static DeltaStore history(Connection db) throws SQLException {
        if (db == null) {
            return null;
        }
        DataSource one = new SingleConnectionDataSource(db, true); // spring-jdbc, there for camel-sql
        DeltaStore store = new DeltaStore(() -> one, Clock.systemUTC());
        return store.exists() ? store : null;
    }

    private List<DryRun.Summary> checkText(DryRun dryRun, boolean history, PrintWriter out) throws SQLException {
        out.println(history ? "Compared with the delivery history in ccsync's database (ccsync.db.url)."
                : "No delivery history found in ccsync's database (ccsync.db.url): nothing was delivered yet, so every "
                        + "valid record would be created.");
        List<DryRun.Summary> summaries = new ArrayList<>();
        for (Path file : callerFiles()) {
            out.println(file + ":");
            if (removals.check(file, out)) {
                continue; // a removals file: not contacts to deliver (RemovalsCheck says what it would do)
            }
            DryRun.Summary s = dryRun.check(file, new DryRun.Listener() {
                @Override
                public void valid(String position, String email, boolean optedOut, List<String> tags, Delta delta) {
                    boolean sent = delta != Delta.UNCHANGED;
                    out.println(line(action(delta), position, email
                            + (sent && optedOut ? "  (opted out: sent as unsubscribed)" : "")
                            + (tags.isEmpty() ? "" : "  tags: " + String.join(", ", tags))));
                }

                @Override
                public void reject(String position, String field, String rule, String message) {
                    out.println(line("REJECT", position, (field == null ? "" : field + " ") + "(" + rule + "): "
                            + message));
                }
            });
            summaries.add(s);
            if (s.unreadable() != null) {
                out.println("  UNREADABLE: " + s.unreadable());
            }
            out.println("  " + (s.format() == null ? "" : s.format() + ": ") + s.records() + " records: "
                    + s.created() + " to create, " + s.updated() + " to update, " + s.unchanged() + " unchanged, "
                    + s.rejected() + " rejected");
        }
        long unreadable = summaries.stream().filter(s -> s.unreadable() != null).count();
        out.println("Total: " + summaries.size() + " file(s): " + sum(summaries, DryRun.Summary::created)
                + " would be created (new to ccsync), " + sum(summaries, DryRun.Summary::updated) + " updated, "
                + sum(summaries, DryRun.Summary::unchanged) + " unchanged (no call), "
                + sum(summaries, DryRun.Summary::rejected) + " rejected"
                + (unreadable > 0 ? ", " + unreadable + " unreadable" : "") + ". No API call was made.");
        return summaries;
    }

    private static String line(String action, String position, String what) {
        return String.format("  %-9s  %s  %s", action, position, what);
    }

    /** The word a user and a script see for what delivery would do. */
    static String action(Delta delta) {
        return switch (delta) {
            case NEW -> "create";
            case CHANGED -> "update";
            case UNCHANGED -> "unchanged";
        };
    }

    private static long sum(List<DryRun.Summary> summaries, ToLongFunction<DryRun.Summary> count) {
        return summaries.stream().mapToLong(count).sum();
    }

    private List<DryRun.Summary> checkJson(DryRun dryRun, boolean history, PrintWriter out)
            throws IOException, SQLException {
        List<DryRun.Summary> summaries = new ArrayList<>();
        try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(new NonClosing(out))) {
            g.writeStartObject();
            g.writeBooleanField("history", history);
            g.writeArrayFieldStart("files");
            for (Path file : callerFiles()) {
                g.writeStartObject();
                g.writeStringField("file", file.toString());
                var removal = removals.inspect(file);
                if (removal.isPresent()) { // a removals file: what it would remove, not contacts to deliver
                    g.writeObjectFieldStart("removals");
                    g.writeNumberField("emails", removal.get().read().emails().size());
                    g.writeStringField("policy", removal.get().policy().setting());
                    g.writeBooleanField("held", removal.get().held());
                    g.writeStringField("unreadable", removal.get().read().failure());
                    g.writeEndObject();
                    g.writeEndObject();
                    continue;
                }
                g.writeArrayFieldStart("results");
                DryRun.Summary s = dryRun.check(file, new DryRun.Listener() {
                    @Override
                    public void valid(String position, String email, boolean optedOut, List<String> tags,
                            Delta delta) {
                        write(() -> {
                            g.writeStartObject();
                            g.writeStringField("position", position);
                            g.writeStringField("action", action(delta));
                            g.writeStringField("email", email);
                            g.writeBooleanField("optedOut", optedOut);
                            g.writeArrayFieldStart("tags");
                            for (String tag : tags) {
                                g.writeString(tag);
                            }
                            g.writeEndArray();
                            g.writeEndObject();
                        });
                    }

                    @Override
                    public void reject(String position, String field, String rule, String message) {
                        write(() -> {
                            g.writeStartObject();
                            g.writeStringField("position", position);
                            g.writeStringField("action", "reject");
                            g.writeStringField("field", field);
                            g.writeStringField("rule", rule);
                            g.writeStringField("message", message);
                            g.writeEndObject();
                        });
                    }
                });
                summaries.add(s);
                g.writeEndArray();
                g.writeStringField("format", s.format());
                g.writeNumberField("records", s.records());
                writeCounts(g, List.of(s));
                g.writeStringField("unreadable", s.unreadable());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("totals");
            g.writeNumberField("files", summaries.size());
            writeCounts(g, summaries);
            g.writeNumberField("unreadable", summaries.stream().filter(s -> s.unreadable() != null).count());
            g.writeEndObject();
            g.writeEndObject();
        }
        out.println();
        return summaries;
    }

    /** {@code send} is create plus update: what would cost API calls. */
    private static void writeCounts(JsonGenerator g, List<DryRun.Summary> summaries) throws IOException {
        g.writeNumberField("create", sum(summaries, DryRun.Summary::created));
        g.writeNumberField("update", sum(summaries, DryRun.Summary::updated));
        g.writeNumberField("unchanged", sum(summaries, DryRun.Summary::unchanged));
        g.writeNumberField("send", sum(summaries, DryRun.Summary::send));
        g.writeNumberField("rejected", sum(summaries, DryRun.Summary::rejected));
    }

    /** Relative paths from where bin/ccsync was called (it changes into the install folder), else as given. */
    private List<Path> callerFiles() {
        String caller = System.getenv("CCSYNC_CALLER_DIR");
        return caller == null ? files : files.stream().map(f -> Path.of(caller).resolve(f)).toList();
    }

    private interface JsonWrite {
        void run() throws IOException;
    }

    private static void write(JsonWrite w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets the JSON generator finish without closing the command's writer. */
    private static final class NonClosing extends java.io.Writer {
        private final PrintWriter out;

        NonClosing(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(char[] buf, int off, int len) {
            out.write(buf, off, len);
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
