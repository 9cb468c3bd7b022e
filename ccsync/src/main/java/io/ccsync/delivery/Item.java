package io.ccsync.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ccsync.contact.ApiIds;
import io.ccsync.contact.Contact;
import io.ccsync.contact.ContactFingerprint;
import io.ccsync.contact.MappedRecord;
import io.ccsync.contact.Permission;
import io.ccsync.contact.Rejection;
import io.ccsync.contract.DeliveryReport.Problem;
import io.ccsync.contract.SourceRecord;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** One source record on its way: mapped, then skipped, rejected, delivered or dead-lettered. */
public final class Item implements Work {

    /** Where the record ended. */
    public enum Outcome { PENDING, UNCHANGED, REJECTED, CREATED, UPDATED, IMPORTED, DEAD_LETTERED }

    private volatile SourceRecord source;
    private volatile MappedRecord mapped;
    /** Once packed into an import waiting for confirmation: the source record as bytes, the rest let go of. */
    private volatile byte[] packedSource;
    private volatile ContactFingerprint fingerprint;
    private volatile String packedEmail;
    /** Once packed: the tag ids the contact gets after its import (an import record carries no tags). */
    private volatile List<String> packedTagIds = List.of();
    private final boolean signUp;
    /** Sent again from the dead letter: a sign-up may be old, so its contact's consent is read first. */
    private final boolean replayed;
    /** Creates answered 409 (the email is taken): the contact is then read and updated instead, once. */
    private volatile int conflicts;
    private volatile Outcome outcome = Outcome.PENDING;
    private volatile String field;
    private volatile String reason;
    private volatile int attempts = 1;
    private volatile boolean unansweredTry;
    private volatile ObjectNode existing;
    private volatile ApiIds ids;
    /** Constant Contact said this contact opted out (the opt-out poll remembered it). */
    private volatile boolean optedOutThere;

    Item(SourceRecord source, MappedRecord mapped, boolean signUp) {
        this(source, mapped, signUp, false);
    }

    Item(SourceRecord source, MappedRecord mapped, boolean signUp, boolean replayed) {
        this.source = source;
        this.mapped = mapped;
        this.signUp = signUp;
        this.replayed = replayed;
        if (!mapped.ok()) {
            outcome = Outcome.REJECTED;
            field = mapped.rejections().stream().map(Rejection::field).distinct().collect(Collectors.joining(", "));
            reason = mapped.rejections().stream().map(r -> r.field() + " (" + r.rule() + "): " + r.message())
                    .collect(Collectors.joining("; "));
        }
    }

    public SourceRecord source() {
        SourceRecord s = source;
        return s != null ? s : PackedRecord.read(packedSource);
    }

    /** The mapping's result; null once the record is packed ({@link #pack}). */
    public MappedRecord mapped() {
        return mapped;
    }

    /** The contact; null for a record rejected by mapping or validation, and once packed. */
    public Contact contact() {
        return mapped == null ? null : mapped.contact();
    }

    /** The fingerprint of what is sent, for the delta store; null for a rejected record. */
    public ContactFingerprint fingerprint() {
        return mapped == null ? fingerprint : mapped.fingerprint();
    }

    /**
     * The record went into an import payload and waits there until the import is confirmed, maybe minutes and a
     * hundred thousand records later: only what the outcome needs stays (the fingerprint, the email, the source
     * record as bytes for the dead letter); the contact and the field maps are let go of.
     */
    void pack() {
        if (mapped == null) {
            return;
        }
        fingerprint = mapped.fingerprint();
        packedEmail = mapped.contact().email();
        packedTagIds = tagIds();
        packedSource = PackedRecord.write(source);
        source = null;
        mapped = null;
    }

    /** The ids of the contact's tags, sorted (empty when none), also once packed. */
    List<String> tagIds() {
        Contact c = contact();
        if (c == null) {
            return packedTagIds;
        }
        return c.tagNames().isEmpty() ? List.of() : c.tagNames().stream().map(n -> ids.tagId(n)).sorted().toList();
    }

    private volatile boolean inOutbox;

    /** Handed to a source's outbox: reported by the call during which it gets its outcome there. */
    boolean inOutbox() {
        return inOutbox;
    }

    void handedToOutbox() {
        inOutbox = true;
    }

    /** The email as the source gave it (for reports), or the mapped one. */
    public String email() {
        if (mapped == null) {
            return packedEmail;
        }
        if (mapped.ok()) {
            return mapped.contact().email();
        }
        return source.fields().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("email"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /**
     * Only a genuine sign-up source uses sign_up_form, and never for someone who opted out: it forces explicit. A
     * sign-up sent again by {@code ccsync replay} may be days old: once its contact has been read
     * ({@link #lookUpFirst}), a contact that is unsubscribed now is updated by a PUT (which leaves consent alone)
     * instead, so nobody who opted out after signing up is re-subscribed.
     */
    public boolean signUpForm() {
        return signUp && !contact().optedOut() && !optedOutThere && !(replayed && unsubscribedNow());
    }

    /** Whether the single path reads the contact before writing: always, but for a live sign-up. */
    public boolean lookUpFirst() {
        return !signUpForm() || replayed;
    }

    private boolean unsubscribedNow() {
        ObjectNode current = existing;
        return current != null && Permission.UNSUBSCRIBED.apiValue()
                .equals(current.path("email_address").path("permission_to_send").asText());
    }

    /** Sent again from the dead letter. */
    public boolean replayed() {
        return replayed;
    }

    /**
     * A create of this contact was answered 409: the email is taken, by an earlier try of ours whose answer was lost
     * or by someone else meanwhile; nothing says which, nor what that contact holds (maybe not our opt-out). The
     * first time, the item stays pending to be read and updated ({@link Chunk#conflicted()}); true then.
     */
    boolean conflict() {
        conflicts++;
        return conflicts == 1;
    }

    /** Pending after a 409 on its create: to be read again and updated. */
    public boolean conflicted() {
        return conflicts == 1 && pending();
    }

    public boolean signUp() {
        return signUp;
    }

    /** The API's ids for the names this contact uses. */
    public ApiIds ids() {
        return ids;
    }

    void ids(ApiIds ids) {
        this.ids = ids;
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean pending() {
        return outcome == Outcome.PENDING;
    }

    /** Delivered and confirmed by the API: its fingerprint may be stored. */
    public boolean confirmed() {
        return outcome == Outcome.CREATED || outcome == Outcome.UPDATED || outcome == Outcome.IMPORTED;
    }

    public String reason() {
        return reason;
    }

    /** The contact Constant Contact holds for this email (found by the single path), or null. */
    public ObjectNode existing() {
        return existing;
    }

    void existing(ObjectNode contact) {
        existing = contact;
        unansweredTry = false;
    }

    /** The id of the existing contact, for the PUT. */
    public String contactId() {
        return existing == null ? null : existing.path("contact_id").asText();
    }

    /**
     * A try since the contact was looked up got no answer at all, so it may have reached the server. A later try
     * answered 429 or 5xx does not change that: the unanswered one may still have created the contact.
     */
    boolean unansweredTry() {
        return unansweredTry;
    }

    /**
     * The contact opted out in Constant Contact (io.ccsync.lifecycle.OptOutGuard): never sent by the sign-up form
     * (which sets explicit consent), and a record that says "opted out" too changes nothing there, so it is settled
     * as unchanged without a call. Anything else in the record still goes, without permission fields.
     */
    public void optedOutInConstantContact() {
        optedOutThere = true;
        if (pending() && contact().optedOut()) {
            outcome = Outcome.UNCHANGED;
            reason = "opted out in Constant Contact";
        }
    }

    /** Whether Constant Contact said this contact opted out. */
    public boolean optedOutThere() {
        return optedOutThere;
    }

    void unchanged() {
        outcome = Outcome.UNCHANGED;
    }

    void delivered(Outcome how) {
        outcome = how;
    }

    void reject(String field, String reason) {
        outcome = Outcome.REJECTED;
        this.field = field;
        this.reason = reason;
    }

    @Override
    public void retrying(Throwable cause) {
        if (cause instanceof IOException) {
            unansweredTry = true;
        }
    }

    /** How many times the call that failed was tried (for the dead letter row). */
    public int attempts() {
        return attempts;
    }

    @Override
    public void deadLetter(String reason, int attempts) {
        outcome = Outcome.DEAD_LETTERED;
        this.reason = reason;
        this.attempts = attempts;
    }

    void deadLetter(String reason) {
        deadLetter(reason, 1);
    }

    @Override
    public void refused(String reason) {
        reject(null, "Constant Contact refused the contact: " + reason);
    }

    /** This record as a report line. */
    public Problem problem() {
        return new Problem(source().origin(), email(), field, reason);
    }

    @Override
    public String toString() {
        return source().origin() + " " + outcome;
    }
}
