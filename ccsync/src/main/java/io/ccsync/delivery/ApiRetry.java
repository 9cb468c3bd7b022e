package io.ccsync.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs before each retry of a delivery API call ({@code onRedeliveryRef: apiRetry}): gives back the failed call's
 * budget permit, counts the try (and the 429s among them), tells the exchange's {@link Work}, and passes Constant
 * Contact's 429 verdict to the {@link ApiBudget}. The retried call goes through the whole API route again, so the
 * budget and the token are taken afresh.
 *
 * <p>{@link #mayRetry} is the {@code retryWhile} of server errors and unanswered calls: {@code retry.attempts}
 * retries of those, however many 429s came in between. (Camel counts every redelivery of a call together, so with
 * {@code maximumRedeliveries} a call that had waited out a few {@code throttled} answers was dead-lettered at its
 * first 5xx.)
 */
public final class ApiRetry implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRetry.class);
    /** Exchange property: tries of the current API call so far; direct:constant-contact clears it once answered. */
    public static final String TRIES = "CcsyncTries";
    /** Exchange property: how many of those tries were answered 429 (retried without limit, not a failure). */
    public static final String THROTTLED = "CcsyncTriesThrottled";

    private final ApiBudget budget;
    private final int attempts;

    /** {@code attempts}: {@code ccsync.delivery.retry.attempts}, retries of a call's server errors and no-answers. */
    public ApiRetry(ApiBudget budget, int attempts) {
        if (attempts < 0) {
            throw new IllegalArgumentException("ccsync.delivery.retry.attempts must not be negative");
        }
        this.budget = budget;
        this.attempts = attempts;
    }

    /**
     * Whether a call that just failed with a server error or no answer gets another try: its tries so far, less
     * those answered 429, must not be more than {@code attempts}.
     */
    public boolean mayRetry(Exchange exchange) {
        int tries = exchange.getProperty(TRIES, 1, Integer.class);
        int throttled = exchange.getProperty(THROTTLED, 0, Integer.class);
        return tries - throttled <= attempts;
    }

    @Override
    public void process(Exchange exchange) {
        Exception cause = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String key = ApiError.key(cause);
        ApiBudget.Permit permit = exchange.getProperty(ApiBudget.PERMIT, ApiBudget.Permit.class);
        if (permit != null) {
            permit.close();
        }
        if ("quota_exceeded".equals(key)) {
            budget.quotaExceeded(permit == null ? java.time.Instant.now() : permit.sentAt());
        } else if ("throttled".equals(key)) {
            budget.throttled();
        }
        exchange.setProperty(TRIES, exchange.getProperty(TRIES, 1, Integer.class) + 1);
        if (cause instanceof HttpOperationFailedException h && h.getStatusCode() == 429) {
            exchange.setProperty(THROTTLED, exchange.getProperty(THROTTLED, 0, Integer.class) + 1);
        }
        Work work = exchange.getProperty(Work.PROPERTY, Work.class);
        if (work != null) {
            work.retrying(cause);
            LOG.debug("retrying {} after {}", work, ApiError.describe(cause));
        }
    }
}
