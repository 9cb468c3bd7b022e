package io.ccsync.auth;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An aimed kill in two steps: the child is stopped (SIGSTOP) at the aimed instant, looked at while nothing in it can
 * run, then killed (SIGKILL). Stopped, a process is exactly where a kill at that instant would have left it (a write
 * it was inside still completes, as with SIGKILL), and the look no longer delays the signal: before, the killer read
 * the kernel's TCP tables first, about 2 ms here, on one of the machine's two cores.
 *
 * <p>What the look tells: whether the answer still lies unread in the child's connection to the token endpoint
 * (then the child was never given a CPU to read it, and no process could have kept it), and, where the answer was
 * read and is not kept, where each of the child's threads stood: their system calls from {@code /proc}, and their
 * Java stacks from the JDK's {@code jhsdb}, which reads a stopped JVM from outside.
 */
final class StoppedChild {
    private static final int SIGSTOP = 19; // Linux on x86-64 and aarch64
    private static final LibC LIBC = load();
    /** TCP states (as {@code /proc/net/tcp} writes them) in which the peer's FIN has arrived. */
    private static final Set<String> PEER_CLOSED = Set.of("08", "09", "0B");

    private interface LibC extends Library {
        int kill(int pid, int signal);
    }

    private StoppedChild() {
    }

    private static LibC load() {
        if (!Platform.isLinux()) {
            return null;
        }
        try {
            return Native.load("c", LibC.class);
        } catch (LinkageError e) {
            return null;
        }
    }

    /** Stops the process now; false where this machine cannot (then the caller kills it as before). */
    static boolean stop(long pid) {
        return LIBC != null && LIBC.kill((int) pid, SIGSTOP) == 0;
    }

    /**
     * Bytes the kernel holds unread on the process's TCP connections to {@code remotePort} (its socket inodes matched
     * in {@code /proc/net/tcp} and {@code tcp6}; its other connections, a database's, are not the answer). Exact while
     * the process is stopped: nothing can read them any more.
     */
    static long unreadBytes(long pid, int remotePort) {
        Set<String> sockets = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        sockets.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            });
        } catch (IOException e) {
            return 0;
        }
        return unread(sockets::contains, remotePort);
    }

    /**
     * Bytes unread on every connection of this machine to {@code remotePort}: where a process cannot be stopped, read
     * just before its kill (see {@link CrashRun}).
     */
    static long unreadBytesOnAnyConnection(int remotePort) {
        return unread(inode -> true, remotePort);
    }

    private static long unread(Predicate<String> socket, int remotePort) {
        String port = String.format(":%04X", remotePort);
        long unread = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st tx_queue:rx_queue tr:when retrnsmt uid timeout inode ...
                    if (f.length > 9 && f[2].endsWith(port) && socket.test(f[9])) {
                        long queued = Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                        // The peer's FIN takes one place in the queue until the process reads to the end: on a
                        // connection the sandbox has closed (CLOSE_WAIT, LAST_ACK, CLOSING) that is not a byte
                        unread += PEER_CLOSED.contains(f[3]) ? Math.max(0, queued - 1) : queued;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or no such table: no evidence either way
            }
        }
        return unread;
    }

    /**
     * Where the stopped process's threads stood, written to {@code file}: per thread its name and its system call
     * ({@code /proc/.../syscall}: the call's number and arguments, or -1 and the program counter when it was running
     * its own code), then every Java thread's stack by {@code jhsdb jstack --mixed}. Returns the file.
     */
    static Path describe(long pid, Path file) throws IOException, InterruptedException {
        StringBuilder out = new StringBuilder("threads of " + pid + " at the aimed instant (name: system call)\n");
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.sorted().toList()) {
                out.append(task.getFileName()).append(' ')
                        .append(read(task.resolve("comm"))).append(": ")
                        .append(read(task.resolve("syscall"))).append('\n');
            }
        }
        Files.writeString(file, out);
        Path jhsdb = Path.of(System.getProperty("java.home"), "bin", "jhsdb");
        if (Files.isExecutable(jhsdb)) {
            Process p = new ProcessBuilder(jhsdb.toString(), "jstack", "--mixed", "--pid", Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile()))
                    .start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        return file;
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}
