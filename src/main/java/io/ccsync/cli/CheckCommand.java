package io.ccsync.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contact.ContactMapping;
import io.ccsync.contact.ContactPipeline;
import io.ccsync.contact.MappingException;
import io.ccsync.ops.DryRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ccsync check FILE…}: the dry run of a file before it is dropped into the inbox. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Dry run: read each file as the inbox would (CSV with a header, JSON array, NDJSON), map and "
                + "validate every record with config/mapping.yaml, and print what would be sent and what would be "
                + "rejected and why (line, field, rule). Calls no API and writes nothing.",
                "Unchanged contacts (already delivered with the same values) are not told apart yet: that needs "
                + "the delta store; they are counted as would-send."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every record would be sent", "1:some records would be rejected",
            "2:a file (or the mapping) could not be read"})
public final class CheckCommand implements Callable<Integer> {
    static final String UNCHANGED_NOTE = "unchanged contacts are not told apart: that needs the delta store; they "
            + "are counted as would-send";

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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Properties config = config();
        DryRun dryRun;
        try {
            Path mappingFile = mapping != null ? mapping
                    : Path.of(setting(config, "ccsync.delivery.mapping-file", "config/mapping.yaml"));
            dryRun = new DryRun(new ContactPipeline(ContactMapping.load(mappingFile)),
                    Charset.forName(encoding != null ? encoding : setting(config, "ccsync.inbox.encoding", "UTF-8")),
                    delimiter != null ? delimiter : setting(config, "ccsync.inbox.delimiter", "auto"));
        } catch (MappingException | IllegalArgumentException | UncheckedIOException e) {
            spec.commandLine().getErr().println("ccsync: " + e.getMessage());
            return 2;
        }
        List<DryRun.Summary> summaries = json ? checkJson(dryRun, out) : checkText(dryRun, out);
        out.flush();
        if (summaries.stream().anyMatch(s -> s.unreadable() != null)) {
            return 2;
        }
        return summaries.stream().anyMatch(s -> s.rejected() > 0) ? 1 : 0;
    }

    private List<DryRun.Summary> checkText(DryRun dryRun, PrintWriter out) {
        List<DryRun.Summary> summaries = new ArrayList<>();
        for (Path file : callerFiles()) {
            out.println(file + ":");
            DryRun.Summary s = dryRun.check(file, new DryRun.Listener() {
                @Override
                public void send(String position, String email, boolean optedOut) {
                    out.println("  send    " + position + "  " + email + (optedOut ? "  (opted out: sent as "
                            + "unsubscribed)" : ""));
                }

                @Override
                public void reject(String position, String field, String rule, String message) {
                    out.println("  REJECT  " + position + "  " + (field == null ? "" : field + " ") + "(" + rule
                            + "): " + message);
                }
            });
            summaries.add(s);
            if (s.unreadable() != null) {
                out.println("  UNREADABLE: " + s.unreadable());
            }
            out.println("  " + (s.format() == null ? "" : s.format() + ": ") + s.records() + " records, " + s.send()
                    + " would be sent, " + s.rejected() + " rejected");
        }
        long send = summaries.stream().mapToLong(DryRun.Summary::send).sum();
        long rejected = summaries.stream().mapToLong(DryRun.Summary::rejected).sum();
        long unreadable = summaries.stream().filter(s -> s.unreadable() != null).count();
        out.println("Total: " + summaries.size() + " file(s), " + send + " would be sent (created or updated), "
                + rejected + " rejected" + (unreadable > 0 ? ", " + unreadable + " unreadable" : "")
                + ". No API call was made; " + UNCHANGED_NOTE + ".");
        return summaries;
    }

    private List<DryRun.Summary> checkJson(DryRun dryRun, PrintWriter out) throws IOException {
        List<DryRun.Summary> summaries = new ArrayList<>();
        try (JsonGenerator g = new ObjectMapper().getFactory().createGenerator(new NonClosing(out))) {
            g.writeStartObject();
            g.writeArrayFieldStart("files");
            for (Path file : callerFiles()) {
                g.writeStartObject();
                g.writeStringField("file", file.toString());
                g.writeArrayFieldStart("results");
                DryRun.Summary s = dryRun.check(file, new DryRun.Listener() {
                    @Override
                    public void send(String position, String email, boolean optedOut) {
                        write(() -> {
                            g.writeStartObject();
                            g.writeStringField("position", position);
                            g.writeStringField("action", "send");
                            g.writeStringField("email", email);
                            g.writeBooleanField("optedOut", optedOut);
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
                g.writeNumberField("send", s.send());
                g.writeNumberField("rejected", s.rejected());
                g.writeStringField("unreadable", s.unreadable());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("totals");
            g.writeNumberField("files", summaries.size());
            g.writeNumberField("send", summaries.stream().mapToLong(DryRun.Summary::send).sum());
            g.writeNumberField("rejected", summaries.stream().mapToLong(DryRun.Summary::rejected).sum());
            g.writeNumberField("unreadable", summaries.stream().filter(s -> s.unreadable() != null).count());
            g.writeEndObject();
            g.writeStringField("unchanged", UNCHANGED_NOTE);
            g.writeEndObject();
        }
        out.println();
        return summaries;
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

    /** config/application.properties from the working directory, if there is one (no Camel is started). */
    private static Properties config() throws IOException {
        Properties p = new Properties();
        Path file = Path.of("config/application.properties");
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }

    /** The environment variable as Camel maps it wins, then the file, then the default. */
    private static String setting(Properties config, String key, String fallback) {
        String env = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        return env != null ? env : config.getProperty(key, fallback).trim();
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
