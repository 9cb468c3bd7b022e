package io.ccsync.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs before each retry of a delivery API call ({@code onRedeliveryRef: apiRetry}): counts the attempt on the
 * exchange's {@link Work} and passes Constant Contact's 429 verdict to the {@link ApiBudget}. The retried call goes
 * through its whole API route again, so the budget and the token are taken afresh.
 */
public final class ApiRetry implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(ApiRetry.class);

    private final ApiBudget budget;

    public ApiRetry(ApiBudget budget) {
        this.budget = budget;
    }

    @Override
    public void process(Exchange exchange) {
        Exception cause = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String key = ApiError.key(cause);
        if ("quota_exceeded".equals(key)) {
            budget.quotaExceeded();
        } else if ("throttled".equals(key)) {
            budget.throttled();
        }
        Work work = exchange.getProperty(Work.PROPERTY, Work.class);
        if (work != null) {
            work.retrying(cause);
            LOG.debug("retrying {} (attempt {}) after {}", work, work.attempts(), ApiError.describe(cause));
        }
    }
}
