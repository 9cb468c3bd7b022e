package io.ccsync.mapping;

import io.ccsync.delivery.ApiNames;
import io.ccsync.delivery.ApiRequest;
import io.ccsync.delivery.UnknownNameException;
import io.ccsync.delivery.UnknownNameException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ccsync.mapping.create-missing=true}: the mapping's custom fields, lists and tags that the account lacks are
 * created by {@code POST /contact_custom_fields}, {@code POST /contact_lists} and {@code POST /contact_tags} (a tag's
 * name is unique per account) through the one API route, {@code direct:constant-contact} (the budget and the token,
 * like every call); every status is an answer read here (201 created, 409 already there), none an error. A custom field is created with its mapping name as label, which Constant Contact
 * turns into that same name; the account's limit of 100 custom fields is respected.
 */
public final class MissingNames {
    /** Constant Contact's limit of custom fields per account. */
    public static final int MAX_CUSTOM_FIELDS = 100;
    /** Every HTTP status is an answer this class reads, as {@code direct:constant-contact} takes it. */
    private static final String ANY_STATUS = "100-599";
    private static final Logger LOG = LoggerFactory.getLogger(MissingNames.class);

    private final Supplier<ProducerTemplate> template;

    public MissingNames(Supplier<ProducerTemplate> template) {
        this.template = template;
    }

    /**
     * Creates what it can of {@code missing}; returns null when all went well, or one sentence saying what could not
     * be created and why (the limit, or the API's answer).
     */
    public String create(ApiNames.Account account, List<UnknownNameException.Missing> missing) {
        List<String> refused = new ArrayList<>();
        long fields = missing.stream().filter(m -> m.kind() == Kind.CUSTOM_FIELD).count();
        int existing = account.customFieldIds().size();
        boolean fieldsFit = existing + fields <= MAX_CUSTOM_FIELDS;
        if (!fieldsFit) {
            refused.add("ccsync did not create the custom fields: the account has " + existing + " of its "
                    + MAX_CUSTOM_FIELDS + " custom fields and the mapping needs " + fields + " more; delete unused ones"
                    + " in Constant Contact or map fewer.");
        }
        for (UnknownNameException.Missing m : missing) {
            if (m.kind() == Kind.CUSTOM_FIELD && !fieldsFit) {
                continue;
            }
            String body = switch (m.kind()) {
                case CUSTOM_FIELD -> "{\"label\":" + json(m.name()) + ",\"type\":\"string\"}";
                case LIST -> "{\"name\":" + json(m.name()) + ",\"favorite\":false,\"description\":"
                        + json("Created by ccsync for its mapping") + "}";
                case TAG -> "{\"name\":" + json(m.name()) + "}";
            };
            String call = switch (m.kind()) {
                case CUSTOM_FIELD -> "POST /contact_custom_fields";
                case LIST -> "POST /contact_lists";
                case TAG -> "POST /contact_tags";
            };
            Exchange answer = template.get().request("direct:constant-contact", e -> {
                e.getMessage().setHeader(ApiRequest.CALL, call);
                e.getMessage().setHeader(ApiRequest.ANSWERS, ANY_STATUS);
                e.getMessage().setBody(body);
            });
            Integer status = answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            if (answer.getException() == null && status != null && (status == 201 || status == 409)) {
                LOG.info("Created the {} '{}' in Constant Contact for {} (ccsync.mapping.create-missing=true)",
                        m.kind().label(), m.name(), m.key());
            } else {
                String why = answer.getException() != null ? answer.getException().getMessage()
                        : "HTTP " + status + " " + abbreviate(answer.getMessage().getBody(String.class));
                refused.add("Creating the " + m.kind().label() + " '" + m.name() + "' failed: " + why + ".");
            }
        }
        return refused.isEmpty() ? null : String.join(" ", refused);
    }

    private static String json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviate(String body) {
        String b = body == null ? "" : body.replaceAll("\\s+", " ");
        return b.length() > 300 ? b.substring(0, 300) + "…" : b;
    }
}
