package io.ccsync.store;

import static io.ccsync.Settings.setting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * The folders that hold ccsync's state (the token file's, the H2 databases', the inbox): the ones ccsync has to create
 * are created owner-only (0700), whatever the umask, because they hold tokens, contacts and H2's server key. A folder
 * that already exists keeps the permissions its owner gave it (an inbox shared with a partner's upload user).
 */
@Configuration
public class DataDirectories implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        List<Path> folders = new ArrayList<>();
        if ("file".equalsIgnoreCase(setting(context, "ccsync.token.store").trim())) {
            parent(Path.of(setting(context, "ccsync.token.file").trim())).ifPresent(folders::add);
        }
        h2Folder(setting(context, "ccsync.db.url")).ifPresent(folders::add);
        if (Boolean.parseBoolean(setting(context, "ccsync.crm.enabled").trim())) {
            h2Folder(setting(context, "ccsync.crm.url")).ifPresent(folders::add);
        }
        if (Boolean.parseBoolean(setting(context, "ccsync.inbox.enabled").trim())) {
            folders.add(Path.of(setting(context, "ccsync.inbox.dir").trim())); // else Camel would make it with the umask
        }
        folders.forEach(DataDirectories::ownerOnly);
    }

    /** Creates {@code folder} and its missing parents with mode 0700; does nothing to folders that exist. */
    public static void ownerOnly(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            return;
        }
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                Files.createDirectories(absolute,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(absolute);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + absolute + " (owner-only): " + e.getMessage(), e);
        }
    }

    /** The folder of an H2 file database ({@code jdbc:h2:file:./data/ccsync;…} or {@code jdbc:h2:./data/ccsync}). */
    static Optional<Path> h2Folder(String url) {
        String u = url.trim();
        if (!u.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String rest = u.substring("jdbc:h2:".length());
        int semicolon = rest.indexOf(';');
        String name = semicolon < 0 ? rest : rest.substring(0, semicolon);
        if (name.startsWith("mem:") || name.startsWith("tcp:") || name.startsWith("ssl:")) {
            return Optional.empty();
        }
        name = name.startsWith("file:") ? name.substring("file:".length()) : name;
        if (name.startsWith("~")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        return name.isBlank() ? Optional.empty() : parent(Path.of(name));
    }

    private static Optional<Path> parent(Path file) {
        return Optional.ofNullable(file.toAbsolutePath().normalize().getParent());
    }
}
