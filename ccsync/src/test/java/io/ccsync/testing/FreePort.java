package io.ccsync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A port for a server a test starts later (a ccsync's management port, a redirect URI). It is free now and below
 * the kernel's ephemeral range, so nothing that binds port 0 in the meantime can be given it: not H2's
 * AUTO_SERVER, and not the local end of any outgoing connection. A port from {@code new ServerSocket(0)} lies in
 * that range. Once in CI, the H2 server of the very ccsync the port was meant for took it, and the test's health
 * requests reached H2.
 */
public final class FreePort {
    private static final int LOWEST = 10_000;
    private static final int ABOVE = ephemeralStart();
    /** Each port is offered once per JVM, from a random start, so that two JVMs seldom try the same ones. */
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(ABOVE - LOWEST));

    private FreePort() {
    }

    public static int get() {
        for (int tries = 0; tries < 1_000; tries++) {
            int port = LOWEST + Math.floorMod(NEXT.getAndIncrement(), ABOVE - LOWEST);
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // in use: the next one
            }
        }
        throw new UncheckedIOException(new IOException("no free port between " + LOWEST + " and " + ABOVE));
    }

    /** The first port of the kernel's ephemeral range (Linux: ip_local_port_range), else the usual 32768. */
    private static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
