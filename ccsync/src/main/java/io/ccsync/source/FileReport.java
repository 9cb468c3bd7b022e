package io.ccsync.source;

import io.ccsync.contract.DeliveryReport;
import io.ccsync.contract.Printable;
import java.io.IOException;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report written beside a processed file ({@code done/NAME.report.txt} or {@code error/NAME.report.txt}): the
 * outcome in one line, then every rejected or dead-lettered line by number, with the reason.
 */
final class FileReport {
    private static final Pattern LINE = Pattern.compile("line (\\d+)");

    private FileReport() {
    }

    /**
     * Creates {@code reportFile}, never through a symbolic link and never over an existing file (a link planted at the
     * report's name could otherwise have the report overwrite what it points at): {@link FileAlreadyExistsException}
     * when the name is taken.
     */
    static void write(Path reportFile, InboxFile file, DeliveryReport report, Instant at) throws IOException {
        Files.createDirectories(reportFile.getParent());
        try (Writer out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(reportFile,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                StandardCharsets.UTF_8))) {
            // every value that came from the file is escaped: one report line per line, no terminal sequences
            out.write("ccsync report for " + Printable.of(file.name()) + "\n");
            out.write("read at:  " + at + (file.description() == null ? "" : " as " + Printable.of(file.description()))
                    + "\n");
            out.write("outcome:  " + Printable.of(outcome(file, report)) + "\n");
            out.write("records:  " + report.summary() + "\n");
            section(out, "Rejected (fix these lines and drop them again in a new file)", report.rejected());
            section(out, "Dead-lettered (valid, but Constant Contact did not take them; replayable)",
                    report.deadLettered());
        }
    }

    static String outcome(InboxFile file, DeliveryReport report) {
        if (file.failure() != null) {
            return "error: " + file.failure()
                    + (file.records() > 0 ? " (the " + file.records() + " records before it were processed)" : "");
        }
        if (file.note() != null) {
            return "done: " + file.note();
        }
        if (report.total() == 0) {
            return "done: the file holds no records";
        }
        return "done";
    }

    private static void section(Writer out, String title, List<DeliveryReport.Problem> problems) throws IOException {
        if (problems.isEmpty()) {
            return;
        }
        List<DeliveryReport.Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingLong(p -> line(p.origin())));
        out.write("\n" + title + ":\n");
        for (DeliveryReport.Problem p : sorted) {
            out.write(Printable.of(p) + "\n");
        }
    }

    private static long line(String origin) {
        Matcher m = LINE.matcher(origin);
        return m.find() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }
}
