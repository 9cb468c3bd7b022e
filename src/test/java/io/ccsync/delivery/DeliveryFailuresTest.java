package io.ccsync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccsync.contact.Contact;
import io.ccsync.contact.ContactFingerprint;
import io.ccsync.contact.MappedRecord;
import io.ccsync.source.SourceRecord;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A 409 on a create: ours, when a try since the lookup got no answer; someone else's otherwise. */
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
    void aConflictAfterAnUnansweredCreateIsOurCreateEvenWhenA429OrA5xxCameInBetween() {
        assertThat(conflictAfter(new IOException("connection dropped")).outcome())
                .isEqualTo(Item.Outcome.CREATED);
        assertThat(conflictAfter(new IOException("connection dropped"), answered(429, "throttled")).outcome())
                .isEqualTo(Item.Outcome.CREATED);
        assertThat(conflictAfter(new IOException("connection dropped"), answered(503, "service_unavailable"),
                answered(429, "throttled")).outcome()).isEqualTo(Item.Outcome.CREATED);
    }

    @Test
    void aConflictAfterOnlyAnsweredFailuresIsSomeoneElsesCreate() {
        Item item = conflictAfter(answered(429, "throttled"), answered(500, "server_error"));

        assertThat(item.outcome()).isEqualTo(Item.Outcome.DEAD_LETTERED);
        assertThat(item.reason()).contains("created elsewhere");
    }
}
