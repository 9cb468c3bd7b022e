package io.ccsync.lifecycle;

import io.ccsync.contact.ContactMapping;
import io.ccsync.contract.SourceRecord;
import io.ccsync.source.Watermarks;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where sources say a contact is gone ({@code removals} in routes/crm.camel.yaml and routes/removals.camel.yaml): a CRM
 * row whose {@code ccsync.crm.deleted-column} is set, or every email of a file named like
 * {@code ccsync.inbox.removals-pattern}. The emails are written to {@link RemovalBatches} before the source moves on
 * (watermark, file move), one batch per poll or file; a batch over {@code ccsync.lifecycle.max-removals} is held.
 * Nothing here calls the API: {@link RemovalsApply} does, for approved batches.
 */
public final class RemovalsSteps {
    /** Exchange property: the open batch of the CRM poll running on this exchange. */
    static final String BATCH = "CcsyncRemovalBatch";
    private static final Logger LOG = LoggerFactory.getLogger(RemovalsSteps.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Set<String> NOT_DELETED = Set.of("", "false", "0", "no", "n", "f");

    private final RemovalBatches batches;
    private final RemovalsSettings settings;
    private final Supplier<ContactMapping> mapping;
    private final Supplier<Watermarks> watermarks;
    private final Clock clock;

    public RemovalsSteps(RemovalBatches batches, RemovalsSettings settings, Supplier<ContactMapping> mapping,
            Supplier<Watermarks> watermarks, Clock clock) {
        this.batches = batches;
        this.settings = settings;
        this.mapping = mapping;
        this.watermarks = watermarks;
        this.clock = clock;
    }

    // ---- the CRM poll ----

    /**
     * The chunk less its deleted rows; their emails join the poll's batch (none without
     * {@code ccsync.crm.deleted-column}). A chunk of only deleted rows advances the watermark here, as delivery would
     * have: its removals are stored, so the rows are done with.
     */
    public List<SourceRecord> fromCrm(Exchange exchange, List<SourceRecord> records, String name) throws SQLException {
        String column = settings.deletedColumn();
        if (column.isEmpty() || records.isEmpty()) {
            return records;
        }
        List<SourceRecord> kept = new ArrayList<>(records.size());
        Set<String> removed = new LinkedHashSet<>();
        for (SourceRecord r : records) {
            if (deleted(r.fields(), column)) {
                email(r).ifPresent(removed::add);
            } else {
                kept.add(r);
            }
        }
        if (records.size() == kept.size()) {
            return records;
        }
        RemovalPolicy policy = settings.policy(name);
        if (policy == RemovalPolicy.IGNORE) {
            LOG.info("CRM poll {}: {} rows marked deleted ({}) not delivered; {} = ignore, so nothing is removed",
                    name, records.size() - kept.size(), column, RemovalsSettings.ON_REMOVED);
        } else if (!removed.isEmpty()) {
            Long batch = exchange.getProperty(BATCH, Long.class);
            if (batch == null) {
                batch = batches.open("CRM poll " + name, policy);
                exchange.setProperty(BATCH, batch);
            }
            batches.add(batch, removed);
        }
        if (kept.isEmpty()) {
            watermarks.get().advance(exchange, name);
        }
        return kept;
    }

    /** After the poll's last chunk: its batch is held or approved; the body passes through. */
    public void closePoll(Exchange exchange, String name) throws SQLException {
        Long batch = exchange.getProperty(BATCH, Long.class);
        exchange.removeProperty(BATCH);
        if (batch != null) {
            close(batch, "CRM poll " + name);
        }
    }

    private static boolean deleted(Map<String, String> fields, String column) {
        String value = fields.get(column);
        if (value == null) {
            for (Map.Entry<String, String> e : fields.entrySet()) {
                if (e.getKey().equalsIgnoreCase(column)) {
                    value = e.getValue();
                }
            }
        }
        return value != null && !NOT_DELETED.contains(value.strip().toLowerCase(Locale.ROOT));
    }

    // ---- a removals file ----

    /**
     * Reads a removals file dropped into the inbox: its emails become one batch (unless the policy is ignore), and it
     * moves to done/ with a report beside it, or to error/ when it could not be read to the end; then nothing of it
     * is applied (a list cut short is not a list of who left).
     */
    public String fromFile(Exchange exchange, String encoding, String delimiter) throws IOException, SQLException {
        Path path = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        RemovalsFile read = RemovalsFile.read(path, Charset.forName(encoding.strip()), delimiter, mapping.get());
        Set<String> emails = read.emails();
        List<String> lines = read.problems();
        String failure = read.failure();
        long records = read.records();
        RemovalPolicy policy = settings.policy("inbox");
        String outcome;
        if (failure != null) {
            outcome = "error: " + failure + "; nothing is removed (fix the file and drop it again)";
        } else if (policy == RemovalPolicy.IGNORE) {
            outcome = "done: " + emails.size() + " removals ignored (" + RemovalsSettings.ON_REMOVED + " = ignore)";
        } else {
            long batch = batches.open(path.getFileName().toString(), policy);
            batches.add(batch, emails);
            outcome = close(batch, path.getFileName().toString());
        }
        String moveTo = (failure == null ? "done/" : "error/") + LocalDateTime.now(clock).format(STAMP) + "-"
                + path.getFileName();
        Path report = path.getParent().resolve(moveTo + ".report.txt");
        Files.createDirectories(report.getParent());
        try (Writer out = Files.newBufferedWriter(report, StandardCharsets.UTF_8)) {
            out.write("ccsync removals report for " + path.getFileName() + "\n");
            out.write("read at:  " + clock.instant() + "\n");
            out.write("outcome:  " + outcome + "\n");
            out.write("records:  " + records + " read, " + emails.size() + " emails\n");
            if (!lines.isEmpty()) {
                out.write("\nNot removed:\n");
                for (String line : lines) {
                    out.write("  " + line + "\n");
                }
            }
        }
        exchange.getMessage().setHeader("CcsyncMoveTo", moveTo);
        exchange.getMessage().setHeader("CcsyncReport", report.toString());
        exchange.getMessage().setHeader("CcsyncOutcome", outcome); // the status page's line for the file
        return outcome;
    }

    // ---- both ----

    private String close(long batch, String origin) throws SQLException {
        long allowed = settings.limit().allowed(batches.knownContacts());
        Optional<RemovalBatches.Batch> closed = batches.close(batch, allowed, null);
        if (closed.isEmpty()) {
            return "done: no removals";
        }
        RemovalBatches.Batch b = closed.get();
        if (b.state() == RemovalBatches.State.HELD) {
            String why = heldMessage(b, settings.limit(), allowed);
            LOG.warn(why);
            return "held: " + why;
        }
        LOG.info("{}: {} removals ({}) to apply, batch {}", origin, b.count(), b.policy().setting(), b.id());
        return "done: " + b.count() + " removals (" + b.policy().setting() + ") to apply, batch " + b.id();
    }

    /** The one sentence health, logs and {@code ccsync removals list} use for a held batch. */
    static String heldMessage(RemovalBatches.Batch b, RemovalLimit limit, long allowed) {
        return b.count() + " removals (" + b.policy().setting() + ") from " + b.origin() + " are held: more than "
                + RemovalsSettings.MAX_REMOVALS + " = " + limit + (limit.count() < 0 ? " (" + allowed + " now)" : "")
                + ". See them with `ccsync removals list`; let them go with `ccsync removals approve " + b.id()
                + "`, or drop them with `ccsync removals discard " + b.id() + "`";
    }

    private Optional<String> email(SourceRecord r) {
        return RemovalsFile.email(r, mapping.get());
    }
}
