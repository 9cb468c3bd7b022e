package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.contact.Contact;
import io.ccsync.contact.ContactFingerprint;
import io.ccsync.contact.MappedRecord;
import io.ccsync.contract.SourceRecord;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A 409 on a create: the contact exists (ours or someone else's), so it is read and updated, never assumed. */
class DeliveryFailuresTest {
    private static Item item() {
        Contact contact = Contact.builder("ann@example.com").firstName("Ann").build();
        return new Item(new SourceRecord("t.csv", "line 1", Map.of()),
                new MappedRecord(Map.of(), contact, ContactFingerprint.of(contact), List.of()), false);
    }

    private static HttpOperationFailedException answered(int status, String key) {
        return new HttpOperationFailedException("http://localhost/v3/contacts", status, "status " + status, null,
                Map.of(), "[{\"error_key\":\"" + key + "\",\"error_message\":\"" + key + "\"}]");
    }

    private static Item conflictAfter(Throwable... earlierFailures) {
        Item item = item();
        item.existing(null); // looked up: no such contact, so ccsync POSTs
        for (Throwable failure : earlierFailures) {
            item.retrying(failure);
        }
        Exchange exchange = new DefaultExchange(new DefaultCamelContext()); // never started: nothing to close
        exchange.setProperty(Work.PROPERTY, item);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, answered(409, "conflict"));
        new DeliveryFailures().refused(exchange);
        return item;
    }

    @Test
    void aConflictIsReadAndUpdatedWhetherOrNotAnEarlierTryWentUnanswered() {
        // ours or someone else's, nothing says what the contact holds (maybe not our opt-out): never assumed delivered
        for (Item item : List.of(conflictAfter(new IOException("connection dropped")),
                conflictAfter(new IOException("connection dropped"), answered(503, "service_unavailable"),
                        answered(429, "throttled")),
                conflictAfter(answered(429, "throttled"), answered(500, "server_error")))) {
            assertThat(item.outcome()).isEqualTo(Item.Outcome.PENDING);
            assertThat(item.conflicted()).as("to be read and updated").isTrue();
            assertThat(item.confirmed()).isFalse();
        }
    }

    @Test
    void aSecondConflictGoesToTheDeadLetter() {
        Item item = conflictAfter();
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Work.PROPERTY, item);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, answered(409, "conflict"));

        new DeliveryFailures().refused(exchange);

        assertThat(item.outcome()).isEqualTo(Item.Outcome.DEAD_LETTERED);
        assertThat(item.reason()).contains("HTTP 409");
    }
}
