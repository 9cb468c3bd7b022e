package io.ccsync.contact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The field mapping ({@code ccsync.delivery.mapping-file}) as it is now: read at start (a broken file stops ccsync
 * then), and read again when the file's content changes, so a fix applies without a restart. A changed file that
 * cannot be used is refused and the mapping in use stays, as a route file with a mistake is.
 */
public final class LiveMapping implements Supplier<ContactMapping> {
    private final Path file;
    private volatile Loaded current;
    /** The content last refused, so a broken save is reported once, not at every look. */
    private byte[] refused;

    private record Loaded(ContactMapping mapping, ContactPipeline pipeline, byte[] digest) {
    }

    private LiveMapping(Path file, Loaded loaded) {
        this.file = file;
        this.current = loaded;
    }

    /** @throws MappingException naming the file, the key and what is allowed, when the file cannot be used */
    public static LiveMapping load(Path file) {
        ContactMapping mapping = ContactMapping.load(file); // its messages for a missing or unreadable file
        byte[] content = read(file);
        return new LiveMapping(file, new Loaded(mapping, new ContactPipeline(mapping), digest(content)));
    }

    /** A mapping that never changes (a command or test that builds one in memory). */
    public static LiveMapping of(ContactMapping mapping, Path file) {
        return new LiveMapping(file, new Loaded(mapping, new ContactPipeline(mapping), new byte[0]));
    }

    @Override
    public ContactMapping get() {
        return current.mapping();
    }

    public ContactPipeline pipeline() {
        return current.pipeline();
    }

    public Path file() {
        return file;
    }

    /**
     * Reads the file again; when its content differs from the mapping in use and parses, that becomes the mapping in
     * use and is returned. Empty when unchanged (or unreadable for now).
     *
     * @throws MappingException once per broken content: the mapping in use stays
     */
    public synchronized Optional<ContactMapping> reloadIfChanged() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            return Optional.empty(); // an editor replacing the file: look again next time
        }
        byte[] digest = digest(content);
        if (Arrays.equals(digest, current.digest()) || Arrays.equals(digest, refused)) {
            return Optional.empty();
        }
        ContactMapping mapping;
        try {
            mapping = parse(file, content);
        } catch (MappingException e) {
            refused = digest;
            throw e;
        }
        refused = null;
        current = new Loaded(mapping, new ContactPipeline(mapping), digest);
        return Optional.of(mapping);
    }

    private static ContactMapping parse(Path file, byte[] content) {
        return ContactMapping.parse(new String(content, java.nio.charset.StandardCharsets.UTF_8), file.toString());
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mapping file " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
