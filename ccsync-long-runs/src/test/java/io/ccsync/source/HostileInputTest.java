package io.ccsync.source;

import io.ccsync.contract.SourceRecord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contact.ContactMapping;
import io.ccsync.contact.ContactPipeline;
import io.ccsync.contact.MappedRecord;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.source.HostileFiles.Expect;
import io.ccsync.source.HostileFiles.Generated;
import io.ccsync.source.HostileFiles.Slot;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-input property (issue 8): for generated files full of what real drops contain (broken quoting, other
 * encodings and invalid UTF-8, megabyte fields, control characters and NULs, deep JSON nesting, JSON syntax errors at
 * random places, ragged rows, empty files, BOMs, huge single lines, binary garbage, random byte damage), ccsync never
 * dies and accounts for every record: each one the file holds is delivered (found in the sandbox), rejected with its
 * line in the file's report, dead-lettered, or lies after the line where reading stopped, which the report of a file
 * in error/ names. A file nothing can be read from goes to error/ with a report.
 *
 * <p>Most files are read directly (the readers, then the shipped mapping and its rules); a smaller number go through
 * the real inbox routes (UTF-8, windows-1252 and UTF-16 folders) and delivery into a sandbox over HTTP, some of them
 * while the sandbox fails requests, so records get dead-lettered; after each batch a good file must still go through.
 *
 * <p>A seeded run: {@code -Dccsync.hostile.seed=S} repeats one. {@code -Dccsync.hostile.tries=N} sets the number of
 * files (48 here; {@code reliability/hostile} runs 2,000), a tenth of them (at least 12) through the route unless
 * {@code -Dccsync.hostile.route-tries} says otherwise. A failure names the seed and the file, keeps the file under
 * target/hostile/, and stops the run; target/hostile/summary.txt has the totals either way.
 */
class HostileInputTest {
    private static final int TRIES = Integer.getInteger("ccsync.hostile.tries", 48);
    private static final int ROUTE_TRIES = Math.min(TRIES,
            Integer.getInteger("ccsync.hostile.route-tries", Math.max(12, TRIES / 10)));
    private static final long SEED = seed();
    private static final int BATCH = 6;
    private static final Duration LANDING = Duration.ofSeconds(120);
    private static final Pattern STOP = Pattern.compile("^(after )?line (\\d+): ");
    private static final Pattern SUMMARY = Pattern.compile("records: +(\\d+) records: (\\d+) created, (\\d+) updated, "
            + "(\\d+) imported \\(created or updated\\), (\\d+) unchanged, (\\d+) rejected, (\\d+) dead-lettered");

    @TempDir
    Path dir;

    private final ContactPipeline pipeline = new ContactPipeline(ContactMapping.load(Path.of("config/mapping.yaml")));
    private final ObjectMapper json = new ObjectMapper();
    private final Totals totals = new Totals();
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hostile-reader");
        t.setDaemon(true);
        return t;
    });
    private Sandbox sandbox;
    private RunningCcsync ccsync;

    private static long seed() {
        String s = System.getProperty("ccsync.hostile.seed", "");
        return s.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(s.strip());
    }

    @Test
    void noHostileFileKillsTheInboxOrLosesARecord() throws Exception {
        System.out.println("hostile input: seed " + SEED + ", " + TRIES + " files (" + ROUTE_TRIES + " through the "
                + "inbox route)");
        Random seeds = new Random(SEED);
        String tag = Long.toString(SEED & 0xffffffL, 36);
        long started = System.nanoTime();
        try {
            int direct = TRIES - ROUTE_TRIES;
            for (int i = 0; i < direct; i++) {
                long fileSeed = seeds.nextLong();
                Generated g = new HostileFiles(new Random(fileSeed), tag).next(i, 40, true);
                attempt(i, fileSeed, g, () -> {
                    Read read = readDirectly(g, 1 + new Random(fileSeed).nextInt(30));
                    Tally tally = verifyModel(g, read);
                    accountDirectly(read, tally);
                });
                totals.directFiles++;
            }
            if (ROUTE_TRIES > 0) {
                startCcsync();
                int batchNo = 0;
                for (int i = direct; i < TRIES; i += BATCH, batchNo++) {
                    List<Dropped> batch = new ArrayList<>();
                    for (int j = i; j < Math.min(TRIES, i + BATCH); j++) {
                        long fileSeed = seeds.nextLong();
                        Generated g = new HostileFiles(new Random(fileSeed), tag).next(j, 25, j % 3 == 0);
                        batch.add(new Dropped(j, fileSeed, g));
                    }
                    routeBatch(batch, batchNo % 3 == 1); // every third batch while the sandbox fails requests
                }
            }
        } finally {
            totals.seconds = (System.nanoTime() - started) / 1e9;
            writeSummary();
            reader.shutdownNow();
            if (ccsync != null) {
                ccsync.close();
            }
            if (sandbox != null) {
                sandbox.close();
            }
        }
        assertThat(totals.unaccounted).as("records unaccounted for").isZero();
        assertThat(totals.deaths).as("process deaths").isZero();
    }

    /**
     * Oversized records beyond the heap (issue 14, item 8): an NDJSON line, a CSV quote never closed near the start
     * and one JSON object, each {@code -Dccsync.hostile.oversized-mb} (96 here; {@code reliability/hostile} runs 300)
     * and generated streaming, dropped with a good file into the real inbox of a ccsync child JVM whose heap is
     * smaller than any of them ({@code -Dccsync.hostile.oversized-heap}, 64m). It must not die: the oversized record
     * is rejected by its line (the file read on where it can be) and the good file after it is delivered.
     */
    @Test
    void oversizedRecordsBeyondTheHeapNeitherKillTheProcessNorStopTheInbox() throws Exception {
        long megabytes = Long.getLong("ccsync.hostile.oversized-mb", 96);
        String heap = System.getProperty("ccsync.hostile.oversized-heap", "64m");
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path staging = Files.createDirectories(dir.resolve("staging"));
        for (HostileFiles.Oversized shape : HostileFiles.Oversized.values()) {
            shape.write(staging.resolve(shape.file), megabytes << 20);
            Files.move(staging.resolve(shape.file), inbox.resolve(shape.file));
        }
        Files.writeString(staging.resolve("after.csv"), "email\nafter@example.com\n");
        Files.move(staging.resolve("after.csv"), inbox.resolve("after.csv"));
        Files.setLastModifiedTime(inbox.resolve("after.csv"), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 1000)); // read last (the inbox goes by modification time)
        long started = System.nanoTime();

        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                HostileOversizedRun.class.getName(), dir.toString(), "4"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        boolean ended = child.waitFor(10, TimeUnit.MINUTES);
        if (!ended) {
            child.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("child.log"));
        String tail = log.length() > 4000 ? log.substring(log.length() - 4000) : log;
        assertThat(ended).as("the child ended within 10 minutes: " + tail).isTrue();
        assertThat(child.exitValue()).as("the child's exit (3: out of memory): " + tail).isZero();

        String delivered = log.lines().filter(l -> l.startsWith("DELIVERED ")).findFirst().orElseThrow();
        for (HostileFiles.Oversized shape : HostileFiles.Oversized.values()) {
            assertThat(delivered).as(shape.file).contains(shape.delivered);
            Path report;
            try (Stream<Path> files = Files.list(inbox.resolve(shape.folder))) {
                report = files.filter(p -> p.getFileName().toString().endsWith(shape.file + ".report.txt"))
                        .findFirst().orElseThrow(() -> new AssertionError(shape.file + " not in " + shape.folder));
            }
            assertThat(Files.readString(report)).as(shape.file).contains(shape.report);
        }
        assertThat(delivered).contains("after@example.com").doesNotContain("huge@example.com")
                .doesNotContain("csv2@example.com");
        String summary = String.format(Locale.ROOT, "oversized records: an NDJSON line, a CSV quote never closed and a "
                + "JSON object of %d MB each under -Xmx%s: each rejected by its line (the NDJSON and JSON files read "
                + "on to their end), 0 process deaths, the next file delivered (%.0f s)%n", megabytes, heap,
                (System.nanoTime() - started) / 1e9);
        System.out.print(summary);
        Path file = Path.of(System.getProperty("ccsync.surefire.reports", "target/surefire-reports"))
                .resolveSibling("hostile").resolve("oversized.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, summary, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- reading directly

    /** What reading a file found: its records and the reader's rejections in order, and why it stopped, if it did. */
    record Read(List<SourceRecord> records, List<Long> rejectedLines, String failure) {
        long stopLine() {
            Matcher m = failure == null ? null : STOP.matcher(failure);
            return m != null && m.find() ? Long.parseLong(m.group(2)) : 0;
        }
    }

    private Read readDirectly(Generated g, int chunkSize) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("direct"));
        Path file = folder.resolve(g.name.isEmpty() ? "unnamed" : g.name);
        Files.write(file, g.bytes);
        Future<Read> reading = reader.submit(() -> {
            InboxFile f = InboxFile.open(file, g.charset, "auto", chunkSize, json);
            List<SourceRecord> records = new ArrayList<>();
            try {
                while (f.hasNext()) {
                    List<SourceRecord> chunk = f.next();
                    assertThat(chunk).isNotEmpty().hasSizeLessThanOrEqualTo(chunkSize);
                    records.addAll(chunk);
                }
            } finally {
                f.close();
            }
            List<Long> rejected = f.readProblems().rejected().stream().map(p -> lineOf(p.origin(), f.name()))
                    .toList();
            return new Read(records, rejected, f.failure());
        });
        try {
            return reading.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            totals.deaths++;
            reading.cancel(true);
            throw new AssertionError("reading hung for 60 s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            totals.deaths++;
            throw new AssertionError("an exception escaped the reader: " + e.getCause(), e.getCause());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** How the model's records fared: counted for the totals. */
    static final class Tally {
        long notRead; // modelled records after the line where reading stopped
        final Map<Long, Expect> strict = new HashMap<>(); // line -> expectation, where the model stands
    }

    private Tally verifyModel(Generated g, Read read) {
        Tally tally = new Tally();
        if (g.unreadable) {
            assertThat(read.failure()).as("a file nothing can be read from goes to error/").isNotNull();
            assertThat(read.records()).as("records read from an unreadable file").isEmpty();
            assertThat(read.rejectedLines()).as("lines rejected in an unreadable file").isEmpty();
            return tally;
        }
        long lines = lines(g);
        List<Long> recordLines = read.records().stream().map(r -> lineOf(r.position())).toList();
        assertThat(recordLines).as("record lines in order").isSorted()
                .allSatisfy(l -> assertThat(l).isBetween(1L, lines));
        assertThat(read.rejectedLines()).as("rejected lines in order").isSorted()
                .allSatisfy(l -> assertThat(l).isBetween(1L, lines));
        // damage anywhere may come first: a quote never closed is only found at the end of the file
        boolean fatal = g.fatalLine > 0 && g.chaosLine == 0;
        long bound = Math.min(g.modelledBefore(), g.fatalLine > 0 ? g.fatalLine : Long.MAX_VALUE);

        Map<Long, SourceRecord> byLine = new LinkedHashMap<>();
        for (SourceRecord r : read.records()) {
            if (lineOf(r.position()) < bound) {
                assertThat(byLine.put(lineOf(r.position()), r)).as("two records at %s", r.position()).isNull();
            }
        }
        Set<Long> rejected = new HashSet<>();
        for (long l : read.rejectedLines()) {
            if (l < bound) {
                assertThat(rejected.add(l)).as("line %d rejected twice", l).isTrue();
            }
        }
        for (Slot s : g.slots) {
            if (s.lastLine() >= bound) { // starts before the damage but reaches into it: whatever became of it
                byLine.remove(s.firstLine());
                rejected.remove(s.firstLine());
                continue;
            }
            tally.strict.put(s.firstLine(), s.expect());
            String what = "the " + s.kind() + " record at line " + s.firstLine();
            if (s.expect() == Expect.REJECTED) {
                if (!rejected.remove(s.firstLine())) {
                    totals.unaccounted++;
                    throw new AssertionError(what + " must be rejected by the reader; it was "
                            + (byLine.containsKey(s.firstLine()) ? "read as a record" : "neither read nor rejected"));
                }
                continue;
            }
            SourceRecord r = byLine.remove(s.firstLine());
            if (r == null) {
                totals.unaccounted++;
                throw new AssertionError(what + " was " + (rejected.contains(s.firstLine())
                        ? "rejected by the reader" : "neither read nor rejected") + (read.failure() == null ? ""
                        : " (reading stopped: " + read.failure() + ")"));
            }
            if (s.email() != null) {
                assertThat(email(r)).as(what + ": its email cell").isEqualTo(s.email());
            }
            MappedRecord mapped = pipeline.map(r.fields());
            if (s.expect() == Expect.VALID) {
                assertThat(mapped.ok()).as(what + " must map cleanly: %s", mapped.rejections()).isTrue();
            } else if (s.expect() == Expect.INVALID) {
                assertThat(mapped.ok()).as(what + " must break a rule").isFalse();
            }
        }
        assertThat(byLine.keySet()).as("records the file does not hold at those lines").isEmpty();
        assertThat(rejected).as("lines rejected where the file holds no broken record").isEmpty();

        if (fatal) {
            assertThat(read.failure()).as("reading must stop at line %d (%s)", g.fatalLine, g.fatalKind).isNotNull();
            long stop = read.stopLine();
            if (g.fatalAtOrAfter) {
                assertThat(stop).as("the line the report names for: %s", read.failure())
                        .isGreaterThanOrEqualTo(g.fatalLine);
            } else {
                assertThat(stop).as("the line the report names for: %s", read.failure()).isEqualTo(g.fatalLine);
            }
            Set<String> after = new HashSet<>();
            for (Slot s : g.slots) {
                if (s.firstLine() > g.fatalLine && s.email() != null && s.expect() != Expect.INVALID) { // unique
                    after.add(s.email());
                }
                if (s.firstLine() > g.fatalLine) {
                    tally.notRead++;
                }
            }
            assertThat(read.records()).as("records read past the stop").noneMatch(r -> after.contains(email(r)));
        } else if (g.chaosLine == 0) {
            assertThat(read.failure()).as("a file with nothing fatal is read to the end").isNull();
        }
        return tally;
    }

    private void accountDirectly(Read read, Tally tally) {
        totals.recordsIn += read.records().size() + read.rejectedLines().size() + tally.notRead;
        totals.rejected += read.rejectedLines().size();
        totals.notRead += tally.notRead;
        for (SourceRecord r : read.records()) {
            if (pipeline.map(r.fields()).ok()) {
                totals.deliverable++;
            } else {
                totals.rejected++;
            }
        }
    }

    // ---------------------------------------------------------------- through the inbox route and the sandbox

    record Dropped(int index, long seed, Generated file) {
    }

    private void startCcsync() throws Exception {
        sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true).withRateLimit(100_000)
                .withDailyLimit(100_000_000).withImportStepDelay(Duration.ofMillis(5)));
        Path tokens = dir.resolve("tokens.json");
        SandboxFixture.createTheMappingsCustomField(sandbox, SandboxFixture.authorize(sandbox, tokens).read()
                .accessToken());
        Map<String, String> settings = SourcesUnderTest.settings(dir);
        settings.putAll(SandboxFixture.settings(sandbox, tokens));
        settings.put("ccsync.source.chunk-size", "25");
        settings.put("ccsync.delivery.bulk.poll-interval", "50");
        settings.put("ccsync.delivery.retry.attempts", "1");
        settings.put("ccsync.delivery.retry.delay", "10");
        settings.put("ccsync.delivery.retry.max-delay", "50");
        settings.put("ccsync.delivery.rate.per-second", "100000");
        settings.put("ccsync.delivery.rate.per-day", "100000000");
        ccsync = RunningCcsync.start(settings, Map.of());
        for (String encoding : List.of("windows-1252", "UTF-16")) {
            ccsync.withYamlRoutes("inbox-" + encoding, """
                    - templatedRoute:
                        routeTemplateRef: file-inbox
                        routeId: inbox-%s
                        parameters:
                          - name: directory
                            value: "%s"
                          - name: encoding
                            value: %s
                    """.formatted(encoding, inbox(encoding), encoding));
        }
        canary(-1); // also looks the mapping's list and custom field up before any fault is switched on
    }

    private Path inbox(String encoding) {
        return dir.resolve(encoding.equals("UTF-8") ? "inbox" : "inbox-" + encoding);
    }

    private void routeBatch(List<Dropped> batch, boolean faults) throws Exception {
        if (faults) {
            sandbox.setFailRate(0.3);
        }
        Map<Dropped, Read> expected = new LinkedHashMap<>();
        try {
            for (Dropped d : batch) { // read directly first: the model is checked, and the route must agree
                attempt(d.index(), d.seed(), d.file(), () -> {
                    Read read = readDirectly(d.file(), 25);
                    tallies.put(d, verifyModel(d.file(), read));
                    expected.put(d, read);
                });
                d.file().story.add("through the route");
                drop(d.file());
            }
            long deadline = System.nanoTime() + (faults ? Duration.ofSeconds(45) : LANDING).toNanos();
            while (System.nanoTime() < deadline && !allLanded(batch)) {
                Thread.sleep(100);
            }
        } finally {
            sandbox.setFailRate(0);
        }
        long deadline = System.nanoTime() + LANDING.toNanos();
        while (System.nanoTime() < deadline && !allLanded(batch)) {
            Thread.sleep(100);
        }
        Set<String> inSandbox = sandboxEmails();
        for (Dropped d : batch) {
            attempt(d.index(), d.seed(), d.file(), () -> verifyRoute(d, expected.get(d), inSandbox));
            totals.routeFiles++;
        }
        for (String id : List.of("file-inbox", "inbox-windows-1252", "inbox-UTF-16")) {
            ServiceStatus status = ccsync.context().getRouteController().getRouteStatus(id);
            if (status != ServiceStatus.Started) {
                totals.deaths++;
                throw new AssertionError("route " + id + " is " + status + " after batch " + batch);
            }
        }
        canary(batch.get(0).index());
    }

    private final Map<Dropped, Tally> tallies = new HashMap<>();

    private void drop(Generated g) throws IOException {
        Path staging = Files.createDirectories(dir.resolve("staging"));
        Path inbox = Files.createDirectories(inbox(g.charset.name()));
        Path tmp = staging.resolve(g.name);
        Files.write(tmp, g.bytes);
        Files.move(tmp, inbox.resolve(g.name)); // written elsewhere, moved in whole
    }

    private boolean allLanded(List<Dropped> batch) throws IOException {
        for (Dropped d : batch) {
            if (landed(d.file()) == null) {
                return false;
            }
        }
        return true;
    }

    /** The moved file in done/ or error/ (moved after its report is written), or null. */
    private Path landed(Generated g) throws IOException {
        Path inbox = inbox(g.charset.name());
        for (String folder : List.of("done", "error")) {
            Path d = inbox.resolve(folder);
            if (Files.isDirectory(d)) {
                try (Stream<Path> files = Files.list(d)) {
                    Path found = files.filter(p -> p.getFileName().toString()
                            .matches("\\d{8}-\\d{6}-" + Pattern.quote(g.name))).findFirst().orElse(null);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        return null;
    }

    private void verifyRoute(Dropped d, Read read, Set<String> inSandbox) throws Exception {
        Generated g = d.file();
        Path moved = landed(g);
        if (moved == null) {
            totals.deaths++;
            boolean stuck = Files.exists(inbox(g.charset.name()).resolve(g.name));
            throw new AssertionError("the file did not land in done/ or error/ within " + LANDING.toSeconds() + " s"
                    + (stuck ? " (it is still in the inbox: its exchange keeps failing)" : ""));
        }
        String folder = moved.getParent().getFileName().toString();
        assertThat(folder).as("where the file went (reading %s)", read.failure() == null ? "finished"
                : "stopped: " + read.failure()).isEqualTo(read.failure() == null ? "done" : "error");
        String report = Files.readString(moved.resolveSibling(moved.getFileName() + ".report.txt"),
                StandardCharsets.UTF_8);
        Matcher m = SUMMARY.matcher(report);
        assertThat(m.find()).as("the report's records line:\n%s", report).isTrue();
        long total = Long.parseLong(m.group(1));
        long confirmed = Long.parseLong(m.group(2)) + Long.parseLong(m.group(3)) + Long.parseLong(m.group(4))
                + Long.parseLong(m.group(5));
        long rejectedCount = Long.parseLong(m.group(6));
        long deadCount = Long.parseLong(m.group(7));
        assertThat(total).as("records in the report = records read + lines the reader rejected")
                .isEqualTo(read.records().size() + read.rejectedLines().size());
        List<Long> rejected = entries(report, "Rejected", g.name);
        List<Long> dead = entries(report, "Dead-lettered", g.name);
        assertThat(rejected).as("rejected lines listed").hasSize((int) rejectedCount);
        assertThat(dead).as("dead-lettered lines listed").hasSize((int) deadCount);

        Tally tally = tallies.get(d);
        List<Long> rejectedLeft = new ArrayList<>(rejected);
        for (long line : read.rejectedLines()) {
            assertThat(rejectedLeft.remove(line)).as("the reader rejected line %d: the report must name it", line)
                    .isTrue();
        }
        long delivered = 0;
        List<Long> deadLeft = new ArrayList<>(dead);
        for (SourceRecord r : read.records()) {
            long line = lineOf(r.position());
            Expect expect = tally.strict.get(line);
            if (rejectedLeft.remove(line)) {
                assertThat(expect).as("a valid record rejected at line %d:\n%s", line, report)
                        .isNotEqualTo(Expect.VALID);
                continue;
            }
            assertThat(expect).as("an invalid record not rejected at line %d", line).isNotEqualTo(Expect.INVALID);
            if (deadLeft.remove(line)) {
                assertThat(deadLetterKept(g.name + " " + r.position())).as("dead letter of %s kept", r.origin())
                        .isTrue();
                continue;
            }
            String email = email(r) == null ? "" : email(r).strip().toLowerCase(Locale.ROOT);
            if (!inSandbox.contains(email)) {
                totals.unaccounted++;
                throw new AssertionError(r.origin() + " <" + email + "> is neither rejected nor dead-lettered in the "
                        + "report, and not in the sandbox:\n" + report);
            }
            delivered++;
        }
        assertThat(rejectedLeft).as("rejected lines naming no record read").isEmpty();
        assertThat(deadLeft).as("dead-lettered lines naming no record read").isEmpty();
        assertThat(delivered).as("records delivered per the report").isEqualTo(confirmed);

        totals.recordsIn += total + tally.notRead;
        totals.delivered += delivered;
        totals.rejected += rejectedCount;
        totals.deadLettered += deadCount;
        totals.notRead += tally.notRead;
    }

    /** The line numbers of one section's entries ("NAME line 17: reason"), in the report's order. */
    private static List<Long> entries(String report, String section, String name) {
        List<Long> lines = new ArrayList<>();
        boolean in = false;
        Pattern entry = Pattern.compile("^" + Pattern.quote(name) + " line (\\d+)[ :]");
        for (String line : report.split("\n", -1)) {
            if (line.startsWith("Rejected (") || line.startsWith("Dead-lettered (")) {
                in = line.startsWith(section + " (");
                continue;
            }
            Matcher m = entry.matcher(line);
            if (in && m.find()) {
                lines.add(Long.parseLong(m.group(1)));
            }
        }
        return lines;
    }

    private boolean deadLetterKept(String origin) throws Exception {
        DataSource db = ccsync.bean("ccsyncDb", DataSource.class);
        try (Connection c = db.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM delivery_dead_letter WHERE origin = ?")) {
            st.setString(1, origin);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    private Set<String> sandboxEmails() {
        Set<String> emails = new HashSet<>();
        sandbox.contacts().forEach(c -> emails.add(c.path("email_address").path("address").asText()
                .toLowerCase(Locale.ROOT)));
        return emails;
    }

    /** A good file after every batch: the inbox must still take it, and its contacts must arrive. */
    private void canary(int after) throws Exception {
        String name = "canary-" + (after + 1) + ".csv";
        String a = "canary-" + (after + 1) + "-a@example.com";
        String b = "canary-" + (after + 1) + "-b@example.com";
        Generated g = new Generated();
        g.name = name;
        g.bytes = ("email,first_name\n" + a + ",Ann\n" + b + ",Bob\n").getBytes(StandardCharsets.UTF_8);
        drop(g);
        long deadline = System.nanoTime() + LANDING.toNanos();
        Path moved = null;
        while (System.nanoTime() < deadline && (moved = landed(g)) == null) {
            Thread.sleep(100);
        }
        Set<String> emails = sandboxEmails();
        if (moved == null || !moved.getParent().getFileName().toString().equals("done") || !emails.contains(a)
                || !emails.contains(b)) {
            totals.deaths++;
            throw new AssertionError("the good file " + name + " did not go through after the files before it: "
                    + (moved == null ? "still not processed" : moved + ", sandbox has a: " + emails.contains(a)
                    + ", b: " + emails.contains(b)));
        }
        totals.canaries++;
    }

    // ---------------------------------------------------------------- helpers

    interface Check {
        void run() throws Exception;
    }

    /** Runs one try; a failure names the seeds and the file, and keeps the file for a look. */
    private void attempt(int index, long fileSeed, Generated g, Check check) throws Exception {
        try {
            check.run();
        } catch (AssertionError | Exception e) {
            totals.failed++;
            Path kept = Path.of(System.getProperty("ccsync.surefire.reports", "target/surefire-reports"))
                    .resolveSibling("hostile").resolve("failed-" + SEED + "-" + index + "-" + g.name);
            Files.createDirectories(kept.getParent());
            Files.write(kept, g.bytes);
            totals.failure = "file " + index + " failed: " + e.getMessage();
            throw new AssertionError("hostile input, run seed " + SEED + " (repeat with -Dccsync.hostile.seed="
                    + SEED + " -Dccsync.hostile.tries=" + TRIES + "), file " + index + " (file seed " + fileSeed
                    + "): " + g + "\nkept at " + kept + "\n" + e.getMessage(), e);
        }
    }

    private static long lineOf(String position) {
        return Long.parseLong(position.substring("line ".length()));
    }

    private static long lineOf(String origin, String name) {
        return Long.parseLong(origin.substring(name.length() + " line ".length()));
    }

    private static String email(SourceRecord r) {
        for (Map.Entry<String, String> f : r.fields().entrySet()) {
            if (f.getKey().strip().equalsIgnoreCase("email")) {
                return f.getValue();
            }
        }
        return null;
    }

    /** Lines in the file as the readers count them (LF, CRLF or a lone CR), plus one for a last line without one. */
    private static long lines(Generated g) {
        String text = new String(g.bytes, g.charset);
        long n = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                n++;
            }
        }
        return n;
    }

    private void writeSummary() throws IOException {
        String summary = totals.render(SEED, TRIES);
        System.out.println(summary);
        Path file = Path.of(System.getProperty("ccsync.surefire.reports", "target/surefire-reports"))
                .resolveSibling("hostile").resolve("summary.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, summary, StandardCharsets.UTF_8);
    }

    /** The run's figures. */
    static final class Totals {
        long directFiles;
        long routeFiles;
        long recordsIn;
        long delivered;
        long deliverable;
        long rejected;
        long deadLettered;
        long notRead;
        long unaccounted;
        long deaths;
        long canaries;
        long failed;
        double seconds;
        String failure;

        String render(long seed, int tries) {
            long accounted = delivered + deliverable + rejected + deadLettered + notRead;
            return String.format(Locale.ROOT, """
                    hostile input: seed %d, %d of %d files checked (%d read directly, %d through the inbox route \
                    and the sandbox) in %.0f s
                      records in      %8d  (what the files hold: records read, lines the reader rejected, and \
                    modelled records after the line where reading stopped)
                      delivered       %8d  (through the route: created, updated or imported, and found in the sandbox)
                      deliverable     %8d  (read directly: mapped and valid, would be delivered)
                      rejected        %8d  (named by line in the report: by the reader or by the mapping's rules)
                      dead-lettered   %8d  (named by line in the report and kept in delivery_dead_letter)
                      not read        %8d  (after the line where reading stopped; the file is in error/, its \
                    report names that line)
                      unaccounted     %8d  (records in - all of the above: %d)
                      process deaths  %8d  (an exception out of a reader, a hang, a file stuck in the inbox, a \
                    stopped inbox route, a good file not going through; %d good files went through after batches)
                    %s""", seed, directFiles + routeFiles, tries, directFiles, routeFiles, seconds, recordsIn,
                    delivered, deliverable, rejected, deadLettered, notRead, unaccounted, recordsIn - accounted,
                    deaths, canaries, failure == null ? "result: passed" : "result: FAILED, " + failure);
        }
    }
}
