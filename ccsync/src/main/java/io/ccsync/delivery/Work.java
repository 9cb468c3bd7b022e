package io.ccsync.delivery;

/**
 * What one delivery exchange is busy with, kept in the exchange property {@value #PROPERTY}: one contact on the
 * single path ({@link Item}) or one import request ({@link BulkBatch}). The error handler in
 * {@code routes/error-handling.camel.yaml} only treats exchanges that carry one, and tells it what happened.
 */
public interface Work {
    String PROPERTY = "CcsyncWork";

    /**
     * An API call of this work failed and is about to be tried again. Throwable, not Exception, on purpose: Camel
     * caches the bean info of a class whose public methods take an Exception (or Exchange, Message…) per instance,
     * so every batch a Simple expression once called a method of stayed reachable from that cache, a thousand of
     * them, and a large file ran out of memory. The routes now ask through {@link DeliveryPredicates}.
     */
    void retrying(Throwable cause);

    /** Retries ran out after {@code attempts} tries of one call: the records go to the dead letter. */
    void deadLetter(String reason, int attempts);

    /** The API refused the work for good (a 4xx): the records are rejected with its reason. */
    void refused(String reason);
}
