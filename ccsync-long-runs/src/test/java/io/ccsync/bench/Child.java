package io.ccsync.bench;

import io.ccsync.testing.RunningCcsync;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * ccsync as `ccsync run` starts it (shipped config and routes), in a child JVM, with the settings the bench gives it
 * in a properties file. Prints READY once started, then waits until the file named in the second argument has its
 * report in done/, and prints {@code RESULT heap_peak_bytes=… vmhwm_kb=…} with the report's records line.
 */
public final class Child {
    private Child() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (var in = new InputStreamReader(new FileInputStream(args[0]), StandardCharsets.UTF_8)) {
            p.load(in);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        Path done = Path.of(settings.get("ccsync.inbox.dir")).resolve("done");
        String name = args[1];
        try (RunningCcsync ccsync = RunningCcsync.start(settings, Map.of())) {
            long cpuAtReady = cpuNanos();
            Map<String, Long> threadsAtReady = cpuByThreadKind();
            System.out.println("READY");
            System.out.flush();
            Path report = null;
            while (report == null) {
                Thread.sleep(100);
                if (Files.isDirectory(done)) {
                    try (var files = Files.list(done)) {
                        report = files.filter(f -> f.getFileName().toString().endsWith(name + ".report.txt"))
                                .findFirst().orElse(null);
                    }
                }
            }
            Thread.sleep(200); // the report is written in one go; let it land
            String records = Files.readAllLines(report).stream().filter(l -> l.startsWith("records:")).findFirst()
                    .orElse("records: ?");
            System.out.println("RESULT heap_peak_bytes=" + heapPeak() + " vmhwm_kb=" + vmHwmKb() + " cpu_ms="
                    + (cpuNanos() - cpuAtReady) / 1_000_000 + " cpu_by_thread_ms="
                    + since(threadsAtReady, cpuByThreadKind()) + " " + records);
            System.out.flush();
        }
        System.exit(0);
    }

    /**
     * CPU time this process has used (every thread: the work's, the JIT's, the GC's), or -1: on a shared machine a
     * fairer measure than the wall clock, which counts the time other processes had the cores.
     */
    static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * CPU milliseconds by kind of thread (Linux: /proc/self/task; empty elsewhere): gc, jit, camel (the routes,
     * the inbox's among them), h2 (its background writers), other. Threads ended meanwhile are not counted.
     */
    static Map<String, Long> cpuByThreadKind() {
        Map<String, Long> ms = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim(); // the first 15 characters
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                    String kind = name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")
                            ? "gc" : name.contains("CompilerThre") ? "jit" : name.startsWith("Camel")
                            ? "camel" : name.startsWith("H2") || name.startsWith("MVStore") ? "h2" : "other";
                    ms.merge(kind, ticks * 10, Long::sum); // USER_HZ is 100
                } catch (Exception gone) {
                    // the thread ended while being read
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return ms;
    }

    /** {@code after - before} per kind, as {@code kind:ms,…}. */
    static String since(Map<String, Long> before, Map<String, Long> after) {
        StringBuilder out = new StringBuilder();
        after.forEach((kind, ms) -> out.append(out.length() == 0 ? "" : ",").append(kind).append(':')
                .append(ms - before.getOrDefault(kind, 0L)));
        return out.toString();
    }

    /** The sum of the heap pools' peak use since start. */
    static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** The process's peak resident set (Linux), or -1. */
    static long vmHwmKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }
}
