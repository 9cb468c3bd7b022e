package io.ccsync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contract.DeliveryReport;
import io.ccsync.testing.RunningCcsync;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The inbox's file rules (issue 14, items 7 and 10): only regular files are read, a report is never written through
 * a link or over another file, and values from a file reach the report escaped.
 */
class InboxFileRulesTest {
    private static final Instant AT = Instant.parse("2026-03-14T09:30:12Z");
    private static final String STAMP = "20260314-093012";

    @TempDir
    Path dir;

    @Test
    void aSymlinkToACsvOutsideTheInboxIsNotReadAndMovesToErrorWithAReport() throws Exception {
        Path outside = dir.resolve("elsewhere/secret-contacts.csv");
        Files.createDirectories(outside.getParent());
        Files.writeString(outside, "email,first_name\nvictim@example.com,Victim\n");
        StandInDelivery delivery = new StandInDelivery(true);
        try (RunningCcsync ccsync = SourcesUnderTest.start(SourcesUnderTest.settings(dir), delivery)) {
            Path inbox = dir.resolve("inbox");
            Files.createDirectories(inbox);
            Files.createSymbolicLink(inbox.resolve("linked.csv"), outside);
            Files.writeString(inbox.resolve("after.csv"), "email\nafter@example.com\n");

            await().atMost(Duration.ofSeconds(20)).until(() -> delivery.received.size() == 1
                    && find(inbox.resolve("error"), "linked.csv.report.txt") != null);

            assertThat(delivery.received).extracting(r -> r.fields().get("email")).containsExactly("after@example.com");
            String report = Files.readString(find(inbox.resolve("error"), "linked.csv.report.txt"));
            assertThat(report).contains("outcome:  error: a symbolic link: ccsync reads only regular files");
            await().atMost(Duration.ofSeconds(5)).until(() -> find(inbox.resolve("error"), "linked.csv") != null);
            Path moved = find(inbox.resolve("error"), "linked.csv");
            assertThat(Files.isSymbolicLink(moved)).as("the link moved, not its target").isTrue();
            assertThat(outside).exists().hasContent("email,first_name\nvictim@example.com,Victim\n");
        }
    }

    @Test
    void aReportSymlinkPlantedAtTheReportsNameIsNotWrittenThrough() throws Exception {
        Path tokens = dir.resolve("tokens.json");
        Files.writeString(tokens, "{\"refresh_token\":\"keep me\"}");
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox.resolve("done"));
        Files.writeString(inbox.resolve("x.csv"), "email\na@example.com\n");
        Path planted = inbox.resolve("done/" + STAMP + "-x.csv.report.txt");
        Files.createSymbolicLink(planted, tokens);

        Exchange exchange = finish(inbox.resolve("x.csv"), new DeliveryReport());

        assertThat(tokens).hasContent("{\"refresh_token\":\"keep me\"}");
        assertThat(Files.isSymbolicLink(planted)).isTrue();
        assertThat(exchange.getMessage().getHeader(InboxFiles.MOVE_TO)).isEqualTo("done/" + STAMP + "-1-x.csv");
        assertThat(inbox.resolve("done/" + STAMP + "-1-x.csv.report.txt")).content()
                .startsWith("ccsync report for x.csv\n");
    }

    @Test
    void aSecondFileOfTheSameNameInTheSameSecondKeepsBothReports() throws Exception {
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        Files.writeString(inbox.resolve("x.csv"), "email\na@example.com\n");
        finish(inbox.resolve("x.csv"), new DeliveryReport());
        Files.move(inbox.resolve("x.csv"), inbox.resolve("done/" + STAMP + "-x.csv")); // as the route moves it
        Files.writeString(inbox.resolve("x.csv"), "email\nb@example.com\n");

        Exchange second = finish(inbox.resolve("x.csv"), new DeliveryReport());

        assertThat(second.getMessage().getHeader(InboxFiles.MOVE_TO)).isEqualTo("done/" + STAMP + "-1-x.csv");
        assertThat(inbox.resolve("done/" + STAMP + "-x.csv.report.txt")).exists();
    }

    @Test
    void valuesFromTheFileReachTheReportAndTheLogHeadersEscaped() throws Exception {
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        String name = "evil\u001b[2J.csv";
        Files.writeString(inbox.resolve(name), "email\nx@example.com\n");
        DeliveryReport delivered = new DeliveryReport();
        delivered.reject(new DeliveryReport.Problem(name + " line 2", null, "email",
                "'x\u001b]0;pwned\u0007@example.com\nccsync report for forged.csv' is not an email address"));

        Exchange exchange = finish(inbox.resolve(name), delivered);

        String report = Files.readString(inbox.resolve(exchange.getMessage().getHeader(InboxFiles.MOVE_TO)
                + ".report.txt"), StandardCharsets.UTF_8);
        assertThat(report).doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(report.lines()).filteredOn(l -> l.startsWith("ccsync report for")).hasSize(1);
        assertThat(report).contains("ccsync report for evil\\u001b[2J.csv")
                .contains("'x\\u001b]0;pwned\\u0007@example.com\\nccsync report for forged.csv' is not an email");
        assertThat(exchange.getMessage().getHeader(InboxFiles.NAME, String.class)).isEqualTo("evil\\u001b[2J.csv");
        assertThat(exchange.getMessage().getHeader(InboxFiles.REPORT, String.class)).doesNotContain("\u001b");
    }

    @Test
    void theInboxAndCrmLogLinesCarryFileNamesAndRejectedValuesEscaped() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger("file-inbox"),
                (Logger) LoggerFactory.getLogger("crm-poll"));
        loggers.forEach(l -> l.addAppender(log));
        StandInDelivery delivery = new StandInDelivery(true);
        delivery.rejectAll = "email: 'x\u001b[2J\nFORGED line' is not an email address";
        java.util.Map<String, String> settings = SourcesUnderTest.settings(dir);
        settings.put("ccsync.crm.enabled", "true");
        try (RunningCcsync ccsync = SourcesUnderTest.start(settings, delivery)) {
            Path inbox = Files.createDirectories(dir.resolve("inbox"));
            Files.writeString(inbox.resolve("evil\u001b]0;title\u0007.csv"), "email\na@example.com\n");

            await().atMost(Duration.ofSeconds(20)).until(() -> lines(log).stream().anyMatch(l -> l.contains(".csv: "))
                    && lines(log).stream().anyMatch(l -> l.startsWith("CRM poll crm rejected")));

            List<String> lines = lines(log);
            assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain("\u001b", "\u0007", "\n"));
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("evil\\u001b]0;title\\u0007.csv: done."))
                    .anySatisfy(l -> assertThat(l).contains("'x\\u001b[2J\\nFORGED line' is not an email"));
        } finally {
            loggers.forEach(l -> l.detachAppender(log));
        }
    }

    private static List<String> lines(ListAppender<ILoggingEvent> log) {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** The route's two inbox steps on {@code file}, with {@code delivered} as the split's result, at {@link #AT}. */
    private static Exchange finish(Path file, DeliveryReport delivered) throws Exception {
        InboxFiles files = new InboxFiles(100, new ObjectMapper(), Clock.fixed(AT, ZoneOffset.UTC), Duration.ofHours(1));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.FILE_PATH, file.toString());
        InboxFile opened = files.open(exchange, "UTF-8", "auto");
        opened.forEachRemaining(List::size);
        exchange.getMessage().setBody(delivered);
        files.finish(exchange);
        return exchange;
    }

    private static Path find(Path folder, String name) throws Exception {
        if (!Files.isDirectory(folder)) {
            return null;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().matches("\\d{8}-\\d{6}(-\\d+)?-"
                    + java.util.regex.Pattern.quote(name))).filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
                    .findFirst().orElse(null);
        }
    }
}
