package io.ccsync.auth;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Tokens in one JSON file ({@code data/tokens.json}). Written crash-safe: the new content goes to a temp file in the
 * same folder, is forced to disk, and atomically replaces the old file; the folder is forced too, so after a crash at
 * any instant the file holds the old pair or the new pair, whole. The previous generation stays beside it as
 * {@code tokens.json.bak}. A token endpoint answer is kept in {@code tokens.json.incoming} from the moment it arrives
 * until its pair is stored. Owner-only permissions; symlinks are refused (a link could send secrets elsewhere).
 *
 * <p>A lock file serializes writers and refreshes across processes on this machine ({@code ccsync run} and
 * {@code ccsync token refresh} at the same time); one lock per path serializes threads inside this JVM.
 */
public final class FileTokenStore implements TokenStore {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final Path backup;
    private final Path lockFile;
    private final Path incomingFile;
    private final ReentrantLock jvmLock;

    public FileTokenStore(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.backup = this.file.resolveSibling(this.file.getFileName() + ".bak");
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
        this.incomingFile = this.file.resolveSibling(this.file.getFileName() + ".incoming");
        this.jvmLock = JVM_LOCKS.computeIfAbsent(this.file, p -> new ReentrantLock());
    }

    @Override
    public TokenState read() {
        refuseSymlink(file);
        if (!Files.exists(file)) {
            return TokenState.EMPTY;
        }
        try {
            return JSON.readValue(Files.readAllBytes(file), TokenState.class);
        } catch (IOException e) {
            // Never torn by ccsync (atomic replace), so this is a hand edit or a disk fault: say where the backup is.
            throw new IllegalStateException("the token file " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "). The previous generation is " + backup + ": copy it over " + file.getFileName()
                    + " or run `ccsync authorize` again.", null);
        }
    }

    @Override
    public void write(TokenState next) {
        withFileLock(() -> {
            TokenState stored = read();
            if (stored.version() != next.version() - 1) {
                throw new ConcurrentUpdateException(next.version() - 1, stored.version());
            }
            try {
                ensureFolder();
                if (Files.exists(file)) {
                    replaceAtomically(backup, Files.readAllBytes(file));
                }
                replaceAtomically(file, JSON.writeValueAsBytes(next));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the token file " + file + ": " + e.getMessage(), e);
            }
            return null;
        });
    }

    @Override
    public void keepIncoming(String tokenResponseBody) {
        // Plain write first: once write() returns the bytes survive a killed process; the force covers power loss.
        try {
            ensureFolder();
            refuseSymlink(incomingFile);
            try (FileChannel channel = FileChannel.open(incomingFile, Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
                ByteBuffer buffer = ByteBuffer.wrap(tokenResponseBody.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + incomingFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.Optional<String> incoming() {
        refuseSymlink(incomingFile);
        try {
            // An empty file is a slot opened for an answer that never came (FileAnswerSlot): nothing kept.
            return Files.exists(incomingFile) && Files.size(incomingFile) > 0
                    ? java.util.Optional.of(Files.readString(incomingFile)) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public void clearIncoming() {
        try {
            Files.deleteIfExists(incomingFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + incomingFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public AnswerSlot openAnswerSlot() {
        try {
            ensureFolder();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + incomingFile + ": " + e.getMessage(), e);
        }
        return FileAnswerSlot.open(incomingFile);
    }

    /** Other threads and other ccsync processes on this machine wait on the lock file. */
    @Override
    public <T> T withRefreshLock(Supplier<T> work) {
        return withFileLock(work);
    }

    private <T> T withFileLock(Supplier<T> work) {
        jvmLock.lock();
        try {
            if (jvmLock.getHoldCount() > 1) {
                return work.get(); // re-entered from inside a refresh: this thread already holds the file lock
            }
            ensureFolder();
            refuseSymlink(lockFile);
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                return work.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    /** Temp file in the same folder, forced to disk, moved over the target, folder forced. */
    private void replaceAtomically(Path target, byte[] content) throws IOException {
        refuseSymlink(target);
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceFolder(target.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void ensureFolder() throws IOException {
        Path folder = file.getParent();
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        }
    }

    /** Makes the rename itself durable: without it a power cut can bring the old name back. */
    private static void forceFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some file systems cannot open a folder for sync; the rename is still atomic there.
        }
    }

    private static void refuseSymlink(Path path) {
        if (Files.isSymbolicLink(path)) {
            throw new IllegalStateException(path + " is a symbolic link; ccsync refuses to read or write tokens "
                    + "through a link. Point ccsync.token.file at a real file.");
        }
    }

    @Override
    public String describe() {
        return file.toString();
    }

    Path file() {
        return file;
    }
}
