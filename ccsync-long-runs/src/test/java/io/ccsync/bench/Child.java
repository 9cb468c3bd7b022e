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
            System.out.println("RESULT heap_peak_bytes=" + heapPeak() + " vmhwm_kb=" + vmHwmKb() + " " + records);
            System.out.flush();
        }
        System.exit(0);
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
