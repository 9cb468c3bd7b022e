package io.ccsync.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The file store's slot: {@code tokens.json.incoming}, created empty and opened before the request (an empty file
 * means no answer; {@link FileTokenStore#incoming()} reads it so), its directory entry forced then. Keeping the
 * answer is one positional write and one {@code fdatasync}: a process killed once the write returned has the answer
 * on disk (the page cache survives a process), and once the sync returned it survives a power cut too.
 */
final class FileAnswerSlot implements AnswerSlot {
    private final Path file;
    private final FileChannel channel;
    private final Path rehearsalFile;
    private FileChannel rehearsal; // opened only when a rehearsal is asked for (once per JVM)

    private FileAnswerSlot(Path file, FileChannel channel, Path rehearsalFile) {
        this.file = file;
        this.channel = channel;
        this.rehearsalFile = rehearsalFile;
    }

    static FileAnswerSlot open(Path incomingFile) {
        if (Files.isSymbolicLink(incomingFile)) {
            throw new IllegalStateException(incomingFile + " is a symbolic link; ccsync refuses to write tokens "
                    + "through a link. Point ccsync.token.file at a real file.");
        }
        Path rehearsalFile = incomingFile.resolveSibling("." + incomingFile.getFileName() + ".rehearsal");
        FileChannel channel = null;
        try {
            var ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            channel = FileChannel.open(incomingFile, Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), ownerOnly);
            channel.force(true);
            forceFolder(incomingFile.getParent()); // the file's name is durable before any answer goes in
            return new FileAnswerSlot(incomingFile, channel, rehearsalFile);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot prepare " + incomingFile + " for the token endpoint's answer: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public long keep(byte[] answer) throws IOException {
        return write(channel, answer);
    }

    @Override
    public void rehearse(byte[] dummy) throws IOException {
        if (rehearsal == null) {
            Files.deleteIfExists(rehearsalFile);
            rehearsal = FileChannel.open(rehearsalFile, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        write(rehearsal, dummy);
    }

    private static long write(FileChannel target, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long position = 0;
        while (buffer.hasRemaining()) {
            position += target.write(buffer, position);
        }
        long written = System.nanoTime(); // in the page cache: a killed process no longer loses it
        target.force(false); // fdatasync: the data and the new length; the name was forced when the slot opened
        return written;
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public void close() {
        closeQuietly(channel);
        if (rehearsal != null) {
            closeQuietly(rehearsal);
            try {
                Files.deleteIfExists(rehearsalFile);
            } catch (IOException ignored) {
                // DELETE_ON_CLOSE removed it already
            }
        }
    }

    private static void forceFolder(Path folder) {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some file systems cannot sync a folder; the file is still there for a killed process
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was pending on it
            }
        }
    }
}
