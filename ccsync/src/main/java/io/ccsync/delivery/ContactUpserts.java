package io.ccsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * The single-contact path's bodies and answers: find by email with {@code status=all} (deleted contacts still own
 * their email), then POST a new contact or PUT one merged with what Constant Contact holds, so no core field is
 * blanked and consent is never raised. A sign-up source uses {@code sign_up_form} instead.
 */
public final class ContactUpserts {
    /** Exchange property: the id of the contact found by email, for {@code PUT /contacts/{id}}. */
    public static final String CONTACT_ID = "CcsyncContactId";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INCLUDE =
            "custom_fields,list_memberships,phone_numbers,street_addresses,taggings,sms_channel";

    /** The query of {@code GET /contacts}: this email, any status, every sub-resource the merge needs. */
    public String findQuery(@ExchangeProperty(Work.PROPERTY) Item item) {
        return "email=" + URLEncoder.encode(item.contact().email(), StandardCharsets.UTF_8) + "&status=all&include="
                + INCLUDE;
    }

    /**
     * The answer of the find: the existing contact, if any, is kept on the item, and its id in the exchange property
     * {@value #CONTACT_ID} for the PUT's path.
     */
    public void found(@Body String answer, Exchange exchange) throws IOException {
        Item item = exchange.getProperty(Work.PROPERTY, Item.class);
        JsonNode contacts = JSON.readTree(answer).path("contacts");
        item.existing(contacts.isArray() && !contacts.isEmpty() ? (ObjectNode) contacts.get(0) : null);
        exchange.setProperty(CONTACT_ID, item.contactId());
    }

    public String createBody(@ExchangeProperty(Work.PROPERTY) Item item) {
        return item.contact().createBody(item.ids()).toString();
    }

    public String updateBody(@ExchangeProperty(Work.PROPERTY) Item item) {
        return item.contact().updateBody(item.existing(), item.ids()).toString();
    }

    /**
     * The {@code sign_up_form} body: like the V3 body but with the email as a string and one phone and one address
     * as single objects; no permission (the form sets explicit itself, which is why only sign-ups use it). The form
     * takes no taggings and no SMS channel, so a sign-up's tags and SMS number are not sent.
     */
    public String signUpBody(@ExchangeProperty(Work.PROPERTY) Item item) {
        ObjectNode body = item.contact().v3Body(item.ids());
        body.remove("taggings");
        body.remove("sms_channel");
        body.put("email_address", item.contact().email());
        JsonNode phones = body.remove("phone_numbers");
        if (phones != null && !phones.isEmpty()) {
            body.put("phone_number", phones.get(0).path("phone_number").asText());
        }
        JsonNode addresses = body.remove("street_addresses");
        if (addresses != null && !addresses.isEmpty()) {
            body.set("street_address", addresses.get(0));
        }
        return body.toString();
    }

    public void created(@ExchangeProperty(Work.PROPERTY) Item item) {
        item.delivered(Item.Outcome.CREATED);
    }

    public void updated(@ExchangeProperty(Work.PROPERTY) Item item) {
        item.delivered(Item.Outcome.UPDATED);
    }

    /** The answer of {@code sign_up_form}: {@code {contact_id, action: created|updated}}. */
    public void signedUp(@Body String answer, @ExchangeProperty(Work.PROPERTY) Item item) throws IOException {
        boolean created = "created".equals(JSON.readTree(answer).path("action").asText());
        item.delivered(created ? Item.Outcome.CREATED : Item.Outcome.UPDATED);
    }
}
