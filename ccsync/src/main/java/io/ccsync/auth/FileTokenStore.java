package io.ccsync.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.time.Instant;
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

    /** Writes the file; made on the first write (`ccsync token` only reads, with {@link #PARSER}). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** The mapper that writes the file (tests compare {@link #parse} with what it reads). */
    static ObjectMapper mapper() {
        return Json.MAPPER;
    }

    /**
     * Reads the file with Jackson's streaming parser: the object mapper, its record and java.time support are about
     * 500 classes, half of what `ccsync token` loaded, for ten fields.
     */
    private static final JsonFactory PARSER = new JsonFactory();

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
            return parse(Files.readAllBytes(file));
        } catch (IOException e) {
            // Never torn by ccsync (atomic replace), so this is a hand edit or a disk fault: say where the backup is.
            throw new IllegalStateException("the token file " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "). The previous generation is " + backup + ": copy it over " + file.getFileName()
                    + " or run `ccsync authorize` again.", null);
        }
    }

    /**
     * The state as {@link #write} stores it (the mapper's snake_case names, ISO-8601 instants, the mode's name);
     * unknown fields are skipped and absent ones are null (0 for the version), as the mapper read them. A value of the
     * wrong kind is an {@link IOException}, like a syntax error.
     */
    static TokenState parse(byte[] json) throws IOException {
        long version = 0;
        String accessToken = null;
        String refreshToken = null;
        String scope = null;
        Instant refreshTokenSince = null;
        TokenState.RefreshMode refreshMode = null;
        Instant lastRefreshAt = null;
        String lastRefreshOutcome = null;
        String reauthorization = null;
        Instant refreshStartedAt = null;
        try (JsonParser p = PARSER.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "not a JSON object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    throw new JsonParseException(p, "a field name expected");
                }
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren(); // a field ccsync does not know (a newer version's): ignored
                    continue;
                }
                try {
                    switch (name) {
                        case "version" -> version = value == JsonToken.VALUE_NULL ? 0 : p.getValueAsLong();
                        case "access_token" -> accessToken = text(p);
                        case "refresh_token" -> refreshToken = text(p);
                        case "scope" -> scope = text(p);
                        case "refresh_token_since" -> refreshTokenSince = instant(p);
                        case "refresh_mode" -> refreshMode = text(p) == null ? null
                                : TokenState.RefreshMode.valueOf(text(p));
                        case "last_refresh_at" -> lastRefreshAt = instant(p);
                        case "last_refresh_outcome" -> lastRefreshOutcome = text(p);
                        case "reauthorization" -> reauthorization = text(p);
                        case "refresh_started_at" -> refreshStartedAt = instant(p);
                        default -> { } // unknown: ignored
                    }
                } catch (java.time.DateTimeException | IllegalArgumentException e) {
                    throw new JsonParseException(p, "field " + name + " has a value of the wrong kind");
                }
            }
        }
        return new TokenState(version, accessToken, refreshToken, scope, refreshTokenSince, refreshMode,
                lastRefreshAt, lastRefreshOutcome, reauthorization, refreshStartedAt);
    }

    private static String text(JsonParser p) throws IOException {
        return p.currentToken() == JsonToken.VALUE_NULL ? null : p.getValueAsString();
    }

    /** An ISO-8601 instant, or seconds since the epoch (what the mapper also took). */
    private static Instant instant(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> Instant.ofEpochSecond(p.getLongValue());
            case VALUE_NUMBER_FLOAT -> {
                java.math.BigDecimal seconds = p.getDecimalValue();
                yield Instant.ofEpochSecond(seconds.longValue(),
                        seconds.remainder(java.math.BigDecimal.ONE).movePointRight(9).longValue());
            }
            default -> Instant.parse(p.getValueAsString());
        };
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
                replaceAtomically(file, Json.MAPPER.writeValueAsBytes(next));
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
            // It may hold the only live refresh token: never read as "nothing kept" (that would spend the stored one)
            throw new UncheckedIOException("cannot read the token endpoint's answer kept in " + incomingFile + " ("
                    + e.getMessage() + "); it is left in place. Fix its permissions or the disk and start again.", e);
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
