package io.ccsync.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contact.ContactMapping;
import io.ccsync.source.InboxFile;
import io.ccsync.contract.SourceRecord;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.util.AntPathMatcher;

/**
 * A removals file read: its emails (lower-cased, each once), the lines that named none, and why reading stopped if it
 * did. Shared by the removals inbox and {@code ccsync check}, so both read a file alike.
 */
public record RemovalsFile(Set<String> emails, List<String> problems, String failure, long records) {

    /** Whether {@code fileName} matches {@code ccsync.inbox.removals-pattern} (an Ant pattern such as *.removals.csv). */
    public static boolean matches(String pattern, String fileName) {
        return pattern != null && !pattern.isBlank()
                && new AntPathMatcher().match(pattern.strip(), fileName, true);
    }

    public static RemovalsFile read(Path path, Charset charset, String delimiter, ContactMapping mapping) {
        List<String> problems = new ArrayList<>();
        Set<String> emails = new LinkedHashSet<>();
        long records = 0;
        String failure;
        try (InboxFile file = InboxFile.open(path, charset, delimiter, 1000, new ObjectMapper())) {
            while (file.hasNext()) {
                for (SourceRecord r : file.next()) {
                    records++;
                    Optional<String> email = email(r, mapping);
                    if (email.isPresent()) {
                        emails.add(email.get());
                    } else {
                        problems.add(r.origin() + ": no email address");
                    }
                }
            }
            failure = file.failure();
            file.readProblems().rejected().forEach(p -> problems.add(p.origin() + ": " + p.reason()));
        }
        return new RemovalsFile(emails, problems, failure, records);
    }

    /** The record's email as the mapping reads it, else a column named email; lower-cased. */
    static Optional<String> email(SourceRecord r, ContactMapping mapping) {
        String email = null;
        try {
            email = mapping.map(r.fields()).contact().email();
        } catch (RuntimeException e) {
            // a value the mapping cannot read does not hide the email: look for the column below
        }
        if (email == null || email.isBlank()) {
            email = r.fields().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("email"))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
        return email == null || email.isBlank() || !email.contains("@") ? Optional.empty()
                : Optional.of(email.strip().toLowerCase(Locale.ROOT));
    }
}
