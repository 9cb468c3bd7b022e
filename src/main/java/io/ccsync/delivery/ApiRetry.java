package io.ccsync.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs before each retry of a delivery API call ({@code onRedeliveryRef: apiRetry}): gives back the failed call's
 * budget permit, counts the try, tells the exchange's {@link Work}, and passes Constant Contact's 429 verdict to the
 * {@link ApiBudget}. The retried call goes
 * through its whole API route again, so the budget and the token are taken afresh.
 */
public final class ApiRetry implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRetry.class);
    /** Exchange property: tries of the current API call so far; each API route clears it once answered. */
    public static final String TRIES = "CcsyncTries";

    private final ApiBudget budget;

    public ApiRetry(ApiBudget budget) {
        this.budget = budget;
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
        Work work = exchange.getProperty(Work.PROPERTY, Work.class);
        if (work != null) {
            work.retrying(cause);
            LOG.debug("retrying {} after {}", work, ApiError.describe(cause));
        }
    }
}
