package io.ccsync.cluster;

import io.ccsync.testing.RunningCcsync;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One node of {@link ClusterRunTest} in a JVM of its own: ccsync as `ccsync run` starts it (shipped config and routes,
 * real delivery), with the settings given as {@code key=value} arguments. Prints {@code READY} once started, then
 * runs until the test stops it or kills it with SIGKILL.
 */
public final class ClusterRunNode {
    private ClusterRunNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        RunningCcsync ccsync = RunningCcsync.start(settings, Map.of());
        Runtime.getRuntime().addShutdownHook(new Thread(ccsync::close));
        System.out.println("READY " + ccsync.context().getName());
        System.out.flush();
        Thread.currentThread().join(); // until stopped or killed
    }
}
