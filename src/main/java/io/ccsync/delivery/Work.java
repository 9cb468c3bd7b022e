package io.ccsync.delivery;

/**
 * What one delivery exchange is busy with, kept in the exchange property {@value #PROPERTY}: one contact on the
 * single path ({@link Item}) or one import request ({@link BulkBatch}). The error handler in
 * {@code routes/error-handling.camel.yaml} only treats exchanges that carry one, and tells it what happened.
 */
public interface Work {
    String PROPERTY = "CcsyncWork";

    /** An API call of this work failed and is about to be tried again. */
    void retrying(Exception cause);

    /** Retries ran out after {@code attempts} tries of one call: the records go to the dead letter. */
    void deadLetter(String reason, int attempts);

    /** The API refused the work for good (a 4xx): the records are rejected with its reason. */
    void refused(String reason);
}
