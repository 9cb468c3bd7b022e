package io.ccsync.lifecycle;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The opt-out CSV files under {@code ccsync.optouts.dir} ({@code email,opted_out_at,source,reason}), for whoever
 * feeds ccsync by files. A file is written whole or not at all: into a temporary file beside it, flushed to disk,
 * then renamed into place, so a reader never sees half a file. Owner-only: they hold people's email addresses.
 */
public final class OptOutFiles {
    static final String[] HEADER = {"email", "opted_out_at", "source", "reason"};
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path dir;

    public OptOutFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Writes (or rewrites, atomically) {@code name} with these opt-outs. */
    public Path write(String name, List<OptOut> optOuts) throws IOException {
        if (POSIX) {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
        } else {
            Files.createDirectories(dir);
        }
        Path target = dir.resolve(name);
        Path temp = dir.resolve("." + name + ".tmp");
        Files.deleteIfExists(temp);
        if (POSIX) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temp);
        }
        try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.WRITE));
                Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8);
                CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(HEADER).get())) {
            for (OptOut o : optOuts) {
                csv.printRecord(o.email(), o.optedOutAt().toString(), o.source(), o.reason());
            }
            csv.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
