package io.ccsync.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What happened to a chunk of records sent to {@code direct:contacts}, returned as the body of that call once every
 * record is delivered (confirmed by the API), skipped, rejected or dead-lettered. Sources merge the chunk reports of
 * one file or poll and write them beside the input. Nothing is lost: every record is counted exactly once.
 */
public final class DeliveryReport {

    /** A record that was not delivered, with its origin and the reason in words a person can act on. */
    public record Problem(String origin, String email, String field, String reason) {
        @Override
        public String toString() {
            return origin + (email == null ? "" : " <" + email + ">") + ": " + (field == null ? "" : field + ": ")
                    + reason;
        }
    }

    private long created;
    private long updated;
    private long unchanged;
    private long imported;
    private final List<Problem> rejected = new ArrayList<>();
    private final List<Problem> deadLettered = new ArrayList<>();

    public void addCreated(long n) {
        created += n;
    }

    public void addUpdated(long n) {
        updated += n;
    }

    /** Created or updated by a bulk import: Constant Contact's activity does not say which. */
    public void addImported(long n) {
        imported += n;
    }

    public void addUnchanged(long n) {
        unchanged += n;
    }

    public void reject(Problem problem) {
        rejected.add(problem);
    }

    public void deadLetter(Problem problem) {
        deadLettered.add(problem);
    }

    /** Adds another chunk's counts and problems to this one. */
    public DeliveryReport merge(DeliveryReport other) {
        created += other.created;
        updated += other.updated;
        unchanged += other.unchanged;
        imported += other.imported;
        rejected.addAll(other.rejected);
        deadLettered.addAll(other.deadLettered);
        return this;
    }

    public long created() {
        return created;
    }

    public long updated() {
        return updated;
    }

    public long imported() {
        return imported;
    }

    /** Confirmed by the API: created, updated or imported. */
    public long delivered() {
        return created + updated + imported;
    }

    public long unchanged() {
        return unchanged;
    }

    public List<Problem> rejected() {
        return Collections.unmodifiableList(rejected);
    }

    public List<Problem> deadLettered() {
        return Collections.unmodifiableList(deadLettered);
    }

    public long total() {
        return created + updated + imported + unchanged + rejected.size() + deadLettered.size();
    }

    /** One line for the log. */
    public String summary() {
        return String.format("%d records: %d created, %d updated, %d imported (created or updated), %d unchanged, "
                + "%d rejected, %d dead-lettered", total(), created, updated, imported, unchanged, rejected.size(),
                deadLettered.size());
    }

    @Override
    public String toString() {
        return summary();
    }
}
