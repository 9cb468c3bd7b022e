package io.ccsync.delivery;

import io.ccsync.contract.Printable;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the error handler does once a delivery API call has failed for good ({@code routes/error-handling.camel.yaml}):
 * retries ran out → dead letter; the API refused (4xx) → rejected with its reason, except a 409 on a create: the
 * contact exists (made by a try of ours whose answer was lost, or by someone else), so it is read and updated.
 */
public final class DeliveryFailures {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailures.class);

    public void exhausted(Exchange exchange) {
        Work work = exchange.getProperty(Work.PROPERTY, Work.class);
        int attempts = exchange.getProperty(ApiRetry.TRIES, 1, Integer.class);
        release(exchange);
        String reason = ApiError.describe(cause(exchange)) + ", " + attempts + " attempts";
        // the work names its source record (a dropped file's name, a CRM id): escaped, it stays one log line
        LOG.warn("Giving up on {}: {}; kept in the dead letter for `ccsync replay`", Printable.of(work), reason);
        work.deadLetter(reason, attempts);
    }

    public void refused(Exchange exchange) {
        release(exchange);
        Work work = exchange.getProperty(Work.PROPERTY, Work.class);
        Exception cause = cause(exchange);
        if (work instanceof Item item && item.existing() == null && cause instanceof HttpOperationFailedException h
                && h.getStatusCode() == 409) {
            // Ours (an unanswered try arrived) or someone else's: either way what Constant Contact holds is read and
            // updated, so an opt-out is applied, and only what a confirmed call wrote gets the fingerprint.
            if (item.conflict()) {
                LOG.info("{}: the email was taken meanwhile (HTTP 409{}); reading the contact to update it", item,
                        item.unansweredTry() ? ", after a try that got no answer" : "");
            } else {
                item.deadLetter("the contact's email is taken (HTTP 409) yet the contact could not be found to "
                        + "update it; `ccsync replay` tries again");
            }
            return;
        }
        work.refused(ApiError.describe(cause));
    }

    /** The failed call's place in the API budget, and its try count, are done with. */
    private static void release(Exchange exchange) {
        ApiBudget.Permit permit = exchange.getProperty(ApiBudget.PERMIT, ApiBudget.Permit.class);
        if (permit != null) {
            permit.close();
        }
        exchange.removeProperty(ApiRetry.TRIES);
        exchange.removeProperty(ApiRetry.THROTTLED);
    }

    private static Exception cause(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return e != null ? e : exchange.getException();
    }
}
