package io.ccsync.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contract.DeliveryReport;
import io.ccsync.contract.Progress;
import io.ccsync.contract.Printable;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox route's two steps around delivery ({@code inboxFiles} in routes/inbox.camel.yaml): {@link #open} turns
 * the picked-up file into chunks of records, {@link #finish} writes the report and says where the file goes.
 */
public final class InboxFiles {
    private static final Logger LOG = LoggerFactory.getLogger(InboxFiles.class);
    /** Where the file consumer moves the file, relative to the inbox: done/… or error/…. */
    public static final String MOVE_TO = "CcsyncMoveTo";
    /** The file's name, escaped for the log. */
    public static final String NAME = "CcsyncFileName";
    /** The report's path, for the log. */
    public static final String REPORT = "CcsyncReport";
    /** Exchange property: the {@link Progress} of the file or poll being delivered, advanced per delivered chunk. */
    public static final String PROGRESS = "CcsyncProgress";
    private static final String FILE = "CcsyncInboxFile";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final int chunkSize;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration progressInterval;
    private final int maxRecord;

    /** {@code progressInterval}: how often a long file logs a progress line ({@code ccsync.progress.interval}). */
    public InboxFiles(int chunkSize, ObjectMapper json, Clock clock, Duration progressInterval) {
        this(chunkSize, json, clock, progressInterval, RecordLimit.DEFAULT);
    }

    /** {@code maxRecord}: the most characters one record may hold ({@code ccsync.inbox.max-record-size}). */
    public InboxFiles(int chunkSize, ObjectMapper json, Clock clock, Duration progressInterval, int maxRecord) {
        this.chunkSize = chunkSize;
        this.json = json;
        this.clock = clock;
        this.progressInterval = progressInterval;
        this.maxRecord = maxRecord;
    }

    /**
     * The file's records in chunks (an iterator for a streaming split); closed when the exchange completes. The
     * file's {@link Progress} (records delivered, and how far through the file's bytes) goes along in
     * {@link #PROGRESS} for {@link DeliveryReports} to advance; the route's log line is the summary.
     */
    public InboxFile open(Exchange exchange, String encoding, String delimiter) {
        Path path = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        InboxFile file = InboxFile.open(path, charset(encoding), delimiter, chunkSize, json, maxRecord);
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            LOG.warn("{}: refused, {}; it moves to error/ unread", Printable.of(file.name()), file.failure());
        }
        exchange.setProperty(FILE, file);
        exchange.setProperty(PROGRESS, Progress.of(file.name(), -1, progressInterval).reading(file::bytesRead,
                file.size()));
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                file.close();
            }
        });
        return file;
    }

    private static Charset charset(String encoding) {
        try {
            return Charset.forName(encoding.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the inbox encoding '" + encoding + "' is not one Java knows; use a "
                    + "name such as UTF-8, windows-1252, ISO-8859-1 or UTF-16", e);
        }
    }

    /**
     * After the split: the whole file's report (read problems plus the chunks' delivery reports in the body) is written
     * beside where the file goes, done/ or error/ with a time stamp so a file dropped again never overwrites history.
     */
    public DeliveryReport finish(Exchange exchange) throws IOException {
        InboxFile file = exchange.getProperty(FILE, InboxFile.class);
        file.close();
        DeliveryReport report = new DeliveryReport().merge(file.readProblems());
        DeliveryReport delivered = exchange.getMessage().getBody() instanceof DeliveryReport d ? d : null;
        if (delivered != null) {
            report.merge(delivered);
        }
        Path inbox = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class)).getParent();
        String folder = file.failure() == null ? "done/" : "error/";
        String stamp = LocalDateTime.now(clock).format(STAMP);
        String moveTo = null;
        Path reportFile = null;
        // the report is created new, never through a link or over another file: a name taken (the same file name
        // dropped twice in one second, or something planted there) gets a counter after the stamp instead
        for (int n = 0; reportFile == null; n++) {
            moveTo = folder + stamp + (n == 0 ? "" : "-" + n) + "-" + file.name();
            Path candidate = inbox.resolve(moveTo + ".report.txt");
            if (Files.exists(inbox.resolve(moveTo), LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                FileReport.write(candidate, file, report, clock.instant());
                reportFile = candidate;
            } catch (FileAlreadyExistsException taken) {
                if (n >= 99) {
                    throw new IOException("no free report name in " + inbox.resolve(folder) + " for " + file.name()
                            + " after 100 tries; clear out that folder");
                }
            }
        }
        exchange.getMessage().setHeader(MOVE_TO, moveTo);
        exchange.getMessage().setHeader(REPORT, Printable.of(reportFile));
        // for the route's log line: the name and the outcome come from the file, so they are escaped
        exchange.getMessage().setHeader("CcsyncOutcome", Printable.of(FileReport.outcome(file, report)));
        exchange.getMessage().setHeader(NAME, Printable.of(file.name()));
        return report;
    }
}
