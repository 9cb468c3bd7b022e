package io.ccsync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ccsync.auth.TokenProcessor;
import io.ccsync.sandbox.LoggedRequest;
import io.ccsync.sandbox.Sandbox;
import io.ccsync.sandbox.SandboxOptions;
import io.ccsync.testing.RunningCcsync;
import io.ccsync.testing.SandboxFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The whole benchmark (bench/run): end-to-end throughput against its floor, API calls against the naive approach,
 * the token check's cost, and a small file's latency. Writes {@code latest.json} and {@code latest.md} into the
 * results folder given as the first argument and prints the table. See bench/README.md.
 */
public final class Bench {
    static final int REAL_PER_SECOND = 4;
    static final int REAL_PER_DAY = 10_000;
    /** Records a second the sandbox imports in part 2 (an assumption: Constant Contact publishes no figure). */
    static final int IMPORT_RATE = 1_000;
    /** How many requests the sandbox's request log keeps (the oldest go first). */
    static final int REQUEST_LOG_KEEPS = 10_000;

    private final Path results;
    private final Path work;
    private final Map<String, Object> json = new LinkedHashMap<>();
    private final List<String[]> table = new ArrayList<>();

    private Bench(Path results, Path work) {
        this.results = results;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Path results = Files.createDirectories(Path.of(args[0]));
        Path work = Files.createTempDirectory("ccsync-bench-");
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        int deltaRows = Integer.getInteger("bench.delta.rows", 100_000);
        Bench bench = new Bench(results, work);
        bench.json.put("started", Instant.now().toString());
        bench.json.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " "
                        + System.getProperty("os.version")));
        long t0 = System.nanoTime();
        String only = System.getProperty("bench.only", "1234");
        if (only.contains("1")) {
            bench.throughput(rows);
        }
        if (only.contains("2")) {
            bench.apiCalls(deltaRows);
        }
        if (only.contains("3") || only.contains("4")) {
            bench.latencyAndToken(only.contains("4"), only.contains("3"));
        }
        bench.json.put("bench_seconds", (System.nanoTime() - t0) / 1_000_000_000L);
        bench.write();
        deleteTree(work);
        System.exit(0);
    }

    // 1. end-to-end throughput and its floor

    private void throughput(int rows) throws Exception {
        log("1. throughput: generating " + rows + " rows");
        Path csv = work.resolve("contacts.csv");
        long size = ContactCsv.write(csv, rows, 1, 0);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rows", rows);
        r.put("file_bytes", size);
        r.put("bytes_per_row", Math.round((double) size / rows));
        r.put("heap", "-Xmx256m");

        log("1. floor: stream-parse + map + bulk JSON in a child JVM (-Xmx256m)");
        Map<String, String> floor = parse(runChild(List.of(FloorRun.class.getName(), csv.toString(),
                work.resolve("floor.ndjson").toString()), "FLOOR", Duration.ofMinutes(5)));
        long floorMs = Long.parseLong(floor.get("ms"));
        r.put("floor_ms", floorMs);
        r.put("floor_rows_per_s", rows * 1000L / Math.max(1, floorMs));
        r.put("floor_vmhwm_mb", Long.parseLong(floor.get("vmhwm_kb")) / 1024);
        long floorCpuMs = Long.parseLong(floor.get("cpu_ms"));
        r.put("floor_cpu_ms", floorCpuMs);
        r.put("floor_cpu_by_thread_ms", floor.get("cpu_by_thread_ms"));

        String fallbackHeap = System.getProperty("bench.fallback.heap", "8g");
        Map<String, Object> small = e2e(csv, rows, "256m", Duration.ofMinutes(12)); // a loaded machine is slow
        r.put("ccsync_xmx256m", small);
        Map<String, Object> figures = small;
        if (!Boolean.TRUE.equals(small.get("completed"))) {
            row("1", "end-to-end, " + String.format("%,d", rows) + " rows, -Xmx256m", String.format(
                    "FAILED: %s after %,d records had been imported (%.0f s); heap histogram: every delivered "
                            + "record stays reachable until the file ends (see bench/README.md)",
                    small.get("failure"), small.get("imported_before_failure"), (long) small.get("wall_ms") / 1000.0));
            figures = e2e(csv, rows, fallbackHeap, Duration.ofMinutes(8));
            r.put("ccsync_xmx" + fallbackHeap, figures);
        }
        long ms = (long) figures.get("wall_ms");
        double ratio = (double) ms / floorMs;
        r.put("ratio_to_floor", Math.round(ratio * 100) / 100.0);
        // CPU time, the child's from the file's drop to its report: the machine's other load does not count in it
        long cpuMs = (long) figures.getOrDefault("cpu_ms", -1L);
        double cpuRatio = (double) cpuMs / Math.max(1, floorCpuMs);
        r.put("cpu_ratio_to_floor", Math.round(cpuRatio * 100) / 100.0);
        json.put("throughput", r);
        if (Boolean.TRUE.equals(figures.get("completed"))) {
            row("1", "end-to-end, " + String.format("%,d", rows) + " rows (" + r.get("bytes_per_row")
                    + " B/row), -Xmx" + figures.get("heap"), String.format("%,d rows/s, %.1f s wall, %.1f s CPU, heap "
                            + "peak %d MB, RSS peak %d MB; %,d distinct contacts imported, %,d API calls %s vs the "
                            + "physical minimum %,d for %,d bytes of import data (%.2fx)",
                    figures.get("rows_per_s"), ms / 1000.0, cpuMs / 1000.0,
                    figures.get("heap_peak_mb"), figures.get("vmhwm_mb"),
                    figures.get("distinct_contacts_imported"), figures.get("api_calls"),
                    figures.get("api_calls_by_kind"), figures.get("minimum_calls"), figures.get("import_bytes_sent"),
                    (int) figures.get("api_calls") / (double) Math.max(1L, (long) figures.get("minimum_calls"))));
        }
        row("1", "floor (same reader, mapping, JSON; no Camel/HTTP/DB), -Xmx256m", String.format(
                "%,d rows/s, %.1f s wall, %.1f s CPU, RSS peak %d MB; ccsync/floor = **%.2fx** wall, **%.2fx** CPU "
                        + "(goal <= 2x)", r.get("floor_rows_per_s"), floorMs / 1000.0, floorCpuMs / 1000.0,
                r.get("floor_vmhwm_mb"), ratio, cpuRatio));
    }

    /** One end-to-end run: the sandbox here, ccsync in a child JVM with {@code heap}. */
    private Map<String, Object> e2e(Path csv, int rows, String heap, Duration atMost) throws Exception {
        log("1. ccsync: sandbox in this JVM, ccsync in a child JVM (-Xmx" + heap + ")");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("heap", heap);
        try (Sandbox sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withRateLimit(100_000).withDailyLimit(100_000_000).withImportStepDelay(Duration.ofMillis(1))
                .withImportRate(100_000_000))) {
            Path dir = Files.createDirectories(work.resolve("e2e-" + heap));
            Path inbox = Files.createDirectories(dir.resolve("inbox"));
            Map<String, String> settings = ccsyncSettings(sandbox, dir, "500", "1000");
            settings.put("ccsync.delivery.bulk.poll-interval", "50");
            // the sandbox imports at once here: ccsync is told so, or it would wait for the 1,000 records/s it assumes
            settings.put("ccsync.delivery.bulk.expected-rate", "100000000");
            r.put("settings", Map.of("inbox.poll-delay_ms", 500, "inbox.min-age_ms", 1000,
                    "bulk.poll-interval_ms", 50, "bulk.expected-rate", 100_000_000, "chunk-size", "shipped",
                    "sandbox.import-step-delay_ms", 1));
            int before = sandbox.requests().size(); // the bench's own calls so far are not ccsync's
            Path props = dir.resolve("child.properties");
            Properties p = new Properties();
            p.putAll(settings);
            try (var out = Files.newBufferedWriter(props, StandardCharsets.UTF_8)) {
                p.store(out, null);
            }
            Process child = start(List.of(Child.class.getName(), props.toString(), "contacts.csv"), dir, heap);
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            waitFor(out, "READY", dir);
            Path staged = dir.resolve("contacts.csv");
            Files.copy(csv, staged);
            java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
            timer.schedule(child::destroyForcibly, atMost.toMillis(), TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            Files.move(staged, inbox.resolve("contacts.csv"), StandardCopyOption.ATOMIC_MOVE);
            try {
                Map<String, String> result = parse(waitFor(out, "RESULT", dir));
                long ms = (System.nanoTime() - start) / 1_000_000;
                child.waitFor(1, TimeUnit.MINUTES);
                r.put("completed", true);
                r.put("wall_ms", ms);
                r.put("rows_per_s", rows * 1000L / Math.max(1, ms));
                r.put("heap_peak_mb", Long.parseLong(result.get("heap_peak_bytes")) / (1024 * 1024));
                r.put("vmhwm_mb", Long.parseLong(result.get("vmhwm_kb")) / 1024);
                r.put("cpu_ms", Long.parseLong(result.get("cpu_ms")));
                r.put("cpu_by_thread_ms", result.get("cpu_by_thread_ms"));
                r.put("report", result.get("records"));
            } catch (IllegalStateException e) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                child.waitFor(1, TimeUnit.MINUTES);
                r.put("completed", false);
                r.put("wall_ms", ms);
                // -XX:+ExitOnOutOfMemoryError exits with 3
                r.put("failure", child.exitValue() == 3 ? "OutOfMemoryError (Java heap space)"
                        : "no result within " + atMost.toSeconds() + " s (exit " + child.exitValue() + ")");
                r.put("imported_before_failure", sandbox.contactCount());
            } finally {
                timer.shutdownNow();
            }
            r.put("distinct_contacts_imported", sandbox.contactCount());
            List<LoggedRequest> made = apiCalls(sandbox, before);
            Map<String, Integer> kinds = new LinkedHashMap<>();
            made.forEach(q -> kinds.merge(kind(q), 1, Integer::sum));
            List<com.fasterxml.jackson.databind.node.ObjectNode> imports = sandbox.activities();
            long records = imports.stream().mapToLong(a -> a.path("status").path("items_total_count").asLong()).sum();
            long bytes = imports.stream().mapToLong(a -> a.path("sandbox").path("body_bytes").asLong()).sum();
            r.put("api_calls", made.size());
            r.put("api_calls_by_kind", kinds);
            r.put("import_bytes_sent", bytes);
            // as in part 2: the fewest imports the limits allow for these records and bytes, a POST and a read each
            r.put("minimum_calls", minimumCalls(records, bytes, true));
        }
        return r;
    }

    // 2. API calls: initial load and a 1% delta, against the naive approach

    private void apiCalls(int rows) throws Exception {
        log("2. API calls: " + rows + " contacts, then a 1% delta, at the real limits (4/s, 10,000/day, imports at "
                + IMPORT_RATE + " records/s)");
        Map<String, Object> r = new LinkedHashMap<>();
        try (Sandbox sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withRateLimit(REAL_PER_SECOND).withDailyLimit(REAL_PER_DAY).withImportRate(IMPORT_RATE))) {
            Path dir = Files.createDirectories(work.resolve("calls"));
            Path inbox = Files.createDirectories(dir.resolve("inbox"));
            Map<String, String> settings = ccsyncSettings(sandbox, dir, "500", "1000");
            // the shipped delivery settings: 4 requests/s, 10,000/day, bulk.* as in config/application.properties
            settings.put("ccsync.delivery.rate.per-second", Integer.toString(REAL_PER_SECOND));
            settings.put("ccsync.delivery.rate.per-day", Integer.toString(REAL_PER_DAY));
            r.put("settings", Map.of("rate.per-second", REAL_PER_SECOND, "rate.per-day", REAL_PER_DAY,
                    "sandbox.import-rate", IMPORT_RATE, "delivery", "shipped (chunk-size 1000, bulk.expected-rate "
                            + "1000, poll-interval 2000, max-queued 2)"));
            try (RunningCcsync ccsync = RunningCcsync.start(settings, Map.of())) {
                int before = sandbox.requests().size();
                Path initial = dir.resolve("initial.csv");
                ContactCsv.write(initial, rows, 2, 0);
                long t = System.nanoTime();
                drop(initial, inbox);
                awaitReport(inbox, "initial.csv", Duration.ofMinutes(20));
                long initialMs = (System.nanoTime() - t) / 1_000_000;
                List<LoggedRequest> load = apiCalls(sandbox, before);
                List<com.fasterxml.jackson.databind.node.ObjectNode> loadImports = sandbox.activities();
                int mid = sandbox.requests().size();
                Path delta = dir.resolve("delta.csv");
                ContactCsv.write(delta, rows, 2, 100);
                t = System.nanoTime();
                drop(delta, inbox);
                awaitReport(inbox, "delta.csv", Duration.ofMinutes(10));
                long deltaMs = (System.nanoTime() - t) / 1_000_000;
                List<LoggedRequest> daily = apiCalls(sandbox, mid);
                List<com.fasterxml.jackson.databind.node.ObjectNode> dailyImports = new ArrayList<>(
                        sandbox.activities());
                dailyImports.removeIf(a -> loadImports.stream().anyMatch(b -> b.path("activity_id").asText()
                        .equals(a.path("activity_id").asText())));
                r.put("initial", calls("initial load", rows, rows, load, loadImports, true, initialMs));
                r.put("delta", calls("daily delta (1% changed)", rows, rows / 100, daily, dailyImports, false,
                        deltaMs));
                r.put("distinct_contacts_imported", sandbox.contactCount());
            }
        }
        json.put("api_calls", r);
    }

    /**
     * The fewest calls any client could make to import these records: as few requests as the limits allow for their
     * count and their bytes (measured on the bytes ccsync sent), a POST and one status read each, and for a first
     * load the list ids once (custom fields go by name in an import; a daily run knows the ids from the day before).
     */
    static long minimumCalls(long records, long bytes, boolean firstLoad) {
        return 2 * minimumImports(records, bytes) + (firstLoad ? 1 : 0);
    }

    static long minimumImports(long records, long bytes) {
        return records == 0 ? 0 : Math.max((records + 39_999) / 40_000, (bytes + 3_999_998) / 3_999_999);
    }

    /**
     * The least time at the real limits from the first import POST on: Constant Contact imports the records one
     * import after another at the sandbox's rate (later POSTs are made while the first runs), and the first POST and
     * the last status read take a quarter second each (4/s).
     */
    static double minimumSeconds(long records) {
        return records / (double) IMPORT_RATE + 2.0 / REAL_PER_SECOND;
    }

    /** The API calls (paths under /v3/) the sandbox logged from index {@code from} of its request log on. */
    private static List<LoggedRequest> apiCalls(Sandbox sandbox, int from) {
        List<LoggedRequest> all = sandbox.requests();
        if (all.size() >= REQUEST_LOG_KEEPS) {
            throw new IllegalStateException("the sandbox's request log keeps the last " + REQUEST_LOG_KEEPS
                    + " requests and is full: calls would be missed; use fewer rows");
        }
        return all.subList(from, all.size()).stream().filter(q -> q.path().startsWith("/v3/")).toList();
    }

    private Map<String, Object> calls(String what, int rows, int changed, List<LoggedRequest> requests,
            List<com.fasterxml.jackson.databind.node.ObjectNode> imports, boolean firstLoad, long ms) {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Integer> kinds = new LinkedHashMap<>();
        for (LoggedRequest q : requests) {
            if (q.path().startsWith("/v3/")) {
                kinds.merge(kind(q), 1, Integer::sum);
            }
        }
        int total = kinds.values().stream().mapToInt(Integer::intValue).sum();
        long records = imports.stream().mapToLong(a -> a.path("status").path("items_total_count").asLong()).sum();
        long bytes = imports.stream().mapToLong(a -> a.path("sandbox").path("body_bytes").asLong()).sum();
        long minimum = minimumCalls(records, bytes, firstLoad);
        double minSeconds = minimumSeconds(records);
        double ratio = (double) total / Math.max(1, minimum);
        // the API side alone: from the first import POST to the last status read (the file's pick-up, reading and
        // comparing it with the delivery history come before)
        Instant firstPost = requests.stream().filter(q -> kind(q).equals("import")).map(LoggedRequest::at)
                .min(Instant::compareTo).orElse(null);
        Instant lastRead = requests.stream().filter(q -> kind(q).equals("status poll")).map(LoggedRequest::at)
                .max(Instant::compareTo).orElse(null);
        double apiSeconds = firstPost == null || lastRead == null ? 0
                : Duration.between(firstPost, lastRead).toMillis() / 1000.0;
        // the naive approach: for every contact in the export, GET /contacts?email=… then POST or PUT
        long naive = 2L * rows;
        r.put("rows_in_file", rows);
        r.put("changed_rows", changed);
        r.put("records_imported", records);
        r.put("import_bytes_sent", bytes);
        r.put("ccsync_calls", total);
        r.put("ccsync_calls_by_kind", kinds);
        r.put("minimum_imports", minimumImports(records, bytes));
        r.put("minimum_calls", minimum);
        r.put("calls_ratio_to_minimum", Math.round(ratio * 100) / 100.0);
        r.put("measured_ms", ms);
        r.put("minimum_seconds", Math.round(minSeconds * 10) / 10.0);
        r.put("time_ratio_to_minimum", Math.round(ms / 1000.0 / minSeconds * 100) / 100.0);
        r.put("first_post_to_last_read_s", apiSeconds);
        r.put("api_time_ratio_to_minimum", Math.round(apiSeconds / minSeconds * 100) / 100.0);
        r.put("naive_calls", naive);
        r.put("naive_calls_changed_only", 2L * changed);
        r.put("naive_at_real_limits", realTime(naive));
        row("2", what + ", " + String.format("%,d", rows) + "-row file", String.format(
                "ccsync %,d calls %s for %,d records (%,d bytes of import data) vs the physical minimum %,d (%d "
                        + "imports, a POST and one status read each%s): **%.2fx** (goal <= 1.25x); at the real limits "
                        + "%.1f s from the first import POST to the last status read vs at least %.1f s (imports at "
                        + "%,d records/s): %.2fx (%.0f s from drop to report, the file's pick-up and reading "
                        + "included); naive %,d calls (%s), naive sending only the %,d changed rows %,d (%s)",
                total, kinds, records, bytes, minimum, minimumImports(records, bytes),
                firstLoad ? ", the lists once" : "", ratio, apiSeconds, minSeconds, IMPORT_RATE,
                apiSeconds / minSeconds, ms / 1000.0, naive, realTime(naive), changed, 2L * changed, realTime(2L * changed)));
        return r;
    }

    static String kind(LoggedRequest q) {
        String p = q.path();
        if (p.startsWith("/v3/activities/contacts_json_import")) {
            return "import";
        }
        if (p.startsWith("/v3/activities/")) {
            return "status poll";
        }
        if (p.equals("/v3/activities")) {
            return "activity list";
        }
        if (p.startsWith("/v3/contacts") && q.method().equals("GET")) {
            return "look-up";
        }
        if (p.startsWith("/v3/contact_custom_fields") || p.startsWith("/v3/contact_lists")
                || p.startsWith("/v3/contact_tags")) {
            return "names (fields, lists, tags)";
        }
        if (p.startsWith("/v3/contacts") && q.method().equals("POST")) {
            return "create";
        }
        if (p.startsWith("/v3/contacts") && q.method().equals("PUT")) {
            return "update";
        }
        return "other (" + q.method() + " " + p.replaceAll("/[0-9a-f-]{16,}", "/{id}") + ")";
    }

    /** Under 4 requests/s and 10,000/day: the whole days the quota forces, then the rate-limited hours of the rest. */
    static String realTime(long calls) {
        long fullDays = (calls - 1) / REAL_PER_DAY;
        long lastDay = calls - fullDays * REAL_PER_DAY;
        double lastHours = lastDay / (double) REAL_PER_SECOND / 3600;
        if (fullDays == 0) {
            double seconds = calls / (double) REAL_PER_SECOND;
            return seconds < 120 ? String.format("%.0f s", seconds) : String.format("%.1f min", seconds / 60);
        }
        return String.format("%d days + %.1f h", fullDays, lastHours);
    }

    // 3. token overhead and 4. latency (one ccsync, shipped inbox and bulk settings)

    private void latencyAndToken(boolean latency, boolean token) throws Exception {
        try (Sandbox sandbox = Sandbox.start(SandboxOptions.defaults().withPort(0).withAutoApprove(true)
                .withRateLimit(100_000).withDailyLimit(100_000_000))) {
            Path dir = Files.createDirectories(work.resolve("latency"));
            Path inbox = Files.createDirectories(dir.resolve("inbox"));
            // the shipped settings: inbox poll-delay 5000 ms, min-age 3000 ms, bulk poll-interval 2000 ms
            Map<String, String> settings = ccsyncSettings(sandbox, dir, "5000", "3000");
            try (RunningCcsync ccsync = RunningCcsync.start(settings, Map.of())) {
                if (latency) {
                    latency(sandbox, dir, inbox);
                }
                if (token) {
                    log("3. token overhead");
                    Map<String, Object> t = TokenOverhead.measure(ccsync.context(),
                            ccsync.bean("tokenProcessor", TokenProcessor.class));
                    json.put("token_overhead", t);
                    row("3", "TokenProcessor, token cached (hand-written harness, 5 warm-up + 15 rounds)",
                            String.format("1 thread: median %.0f ns/call (min %.0f); 64 threads: median %.0f ns per call "
                                    + "of aggregate throughput (min %.0f), %.0f ns as each thread sees it; goal < 2,000 ns",
                                    t.get("single_median_ns"), t.get("single_min_ns"), t.get("threads64_median_ns"),
                                    t.get("threads64_min_ns"), t.get("threads64_per_thread_median_ns")));
                }
            }
        }
    }

    private void latency(Sandbox sandbox, Path dir, Path inbox) throws Exception {
        log("4. latency: 100-row file, 5 times");
        List<Long> ms = new ArrayList<>();
        for (int run = 0; run < 5; run++) {
            Path file = dir.resolve("small-" + run + ".csv");
            try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                out.write(ContactCsv.HEADER + "\r\n");
                for (int i = 1; i <= 100; i++) {
                    out.write(ContactCsv.row(1_000_000 * (run + 1) + i, new java.util.SplittableRandom(run * 1000L + i),
                            false) + "\r\n");
                }
            }
            int target = sandbox.contactCount() + 100;
            long start = System.nanoTime();
            Files.move(file, inbox.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            long deadline = start + TimeUnit.MINUTES.toNanos(2);
            while (sandbox.contactCount() < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("run " + run + ": contacts did not arrive within 2 minutes");
                }
                Thread.sleep(10);
            }
            ms.add((System.nanoTime() - start) / 1_000_000);
            awaitReport(inbox, file.getFileName().toString(), Duration.ofMinutes(1));
        }
        List<Long> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("runs_ms", ms);
        r.put("median_ms", sorted.get(2));
        r.put("min_ms", sorted.get(0));
        r.put("max_ms", sorted.get(4));
        r.put("settings", Map.of("inbox.poll-delay_ms", 5000, "inbox.min-age_ms", 3000,
                "inbox.readLockCheckInterval_ms", 500, "bulk.poll-interval_ms", 2000,
                "sandbox.import-step-delay_ms", 50));
        json.put("latency", r);
        row("4", "latency, 100-row file: rename into inbox -> 100 contacts in the sandbox (5 runs)", String.format(
                "median %.1f s, min %.1f s, max %.1f s (shipped settings: poll-delay 5 s, min-age 3 s, bulk "
                        + "poll-interval 2 s)", sorted.get(2) / 1000.0, sorted.get(0) / 1000.0, sorted.get(4) / 1000.0));
    }

    // helpers

    private static Map<String, String> ccsyncSettings(Sandbox sandbox, Path dir, String pollDelay, String minAge)
            throws IOException, InterruptedException {
        Path tokens = dir.resolve("tokens.json");
        SandboxFixture.authorize(sandbox, tokens);
        SandboxFixture.createTheMappingsCustomField(sandbox, new io.ccsync.auth.FileTokenStore(tokens).read().accessToken());
        Map<String, String> s = new LinkedHashMap<>(SandboxFixture.settings(sandbox, tokens));
        s.put("camel.management.enabled", "false");
        s.put("ccsync.token.scheduler-enabled", "false");
        s.put("ccsync.db.url", "jdbc:h2:file:" + dir.resolve("ccsync-" + UUID.randomUUID()));
        s.put("ccsync.crm.enabled", "false");
        s.put("ccsync.optouts.enabled", "false"); // tests that want the opt-out poll turn it on
        s.put("ccsync.crm.url", "jdbc:h2:file:" + dir.resolve("crm"));
        s.put("ccsync.inbox.enabled", "true");
        s.put("ccsync.inbox.dir", dir.resolve("inbox").toString());
        s.put("ccsync.inbox.poll-delay", pollDelay);
        s.put("ccsync.inbox.min-age", minAge);
        s.put("ccsync.delivery.rate.per-second", "100000");
        s.put("ccsync.delivery.rate.per-day", "100000000");
        // BENCH_SETTINGS (bench/run): "name=value,name=value" of ccsync settings to try, over the bench's
        for (String setting : System.getProperty("bench.settings", "").split(",")) {
            int eq = setting.indexOf('=');
            if (eq > 0) {
                s.put(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
            }
        }
        return s;
    }

    private static void drop(Path file, Path inbox) throws IOException {
        Files.move(file, inbox.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path awaitReport(Path inbox, String name, Duration atMost) throws Exception {
        long deadline = System.nanoTime() + atMost.toNanos();
        Path done = inbox.resolve("done");
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(done)) {
                try (var files = Files.list(done)) {
                    Path report = files.filter(f -> f.getFileName().toString().endsWith(name + ".report.txt"))
                            .findFirst().orElse(null);
                    if (report != null) {
                        return report;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + ": no report in " + done + " within " + atMost);
    }

    private Process start(List<String> mainAndArgs, Path dir, String heap) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path")));
        for (String property : List.of("logback.configurationFile", "bench.log")) {
            if (System.getProperty(property) != null) {
                cmd.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        // BENCH_CHILD_JAVA_OPTS (bench/run), e.g. a flight recording per child: {child} becomes FloorRun or Child
        String childName = mainAndArgs.get(0).substring(mainAndArgs.get(0).lastIndexOf('.') + 1);
        for (String option : System.getProperty("bench.child.java-opts", "").trim().split("\\s+")) {
            if (!option.isEmpty()) {
                cmd.add(option.replace("{child}", childName));
            }
        }
        cmd.addAll(mainAndArgs);
        return new ProcessBuilder(cmd).redirectError(dir.resolve("child-err.log").toFile()).start();
    }

    private String runChild(List<String> mainAndArgs, String prefix, Duration atMost) throws Exception {
        Process child = start(mainAndArgs, work, "256m");
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = waitFor(out, prefix, work);
        child.waitFor(atMost.toSeconds(), TimeUnit.SECONDS);
        return line;
    }

    /** Reads the child's output until a line starts with {@code prefix}; the child's log goes to child.log. */
    private static String waitFor(BufferedReader out, String prefix, Path dir) throws IOException {
        try (var log = Files.newBufferedWriter(dir.resolve("child-" + prefix + ".log"), StandardCharsets.UTF_8)) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith(prefix)) {
                    return line;
                }
                log.write(line + "\n");
            }
        }
        throw new IllegalStateException("the child ended before printing " + prefix + "; see " + dir);
    }

    private static Map<String, String> parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        int records = line.indexOf("records:");
        if (records >= 0) {
            m.put("records", line.substring(records + "records:".length()).trim());
            line = line.substring(0, records);
        }
        for (String part : line.trim().split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return m;
    }

    private void row(String part, String what, String result) {
        table.add(new String[] {part, what, result});
        log("   " + what + ": " + result);
    }

    private void write() throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(results.resolve("latest.json"), mapper.writeValueAsString(json));
        StringBuilder md = new StringBuilder("| # | measurement | result |\n|---|---|---|\n");
        for (String[] r : table) {
            md.append("| ").append(r[0]).append(" | ").append(r[1]).append(" | ").append(r[2]).append(" |\n");
        }
        md.append("\nRun of ").append(json.get("started")).append(", ").append(json.get("machine"))
                .append(", bench ").append(json.get("bench_seconds")).append(" s in all.\n");
        Files.writeString(results.resolve("latest.md"), md.toString());
        System.out.println();
        System.out.print(md);
    }

    private static void log(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
