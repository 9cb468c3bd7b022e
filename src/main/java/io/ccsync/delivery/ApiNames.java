package io.ccsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contact.ApiIds;
import io.ccsync.contact.ContactMapping;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;

/**
 * Custom field names and list names → the ids the API wants, read once through {@code direct:resolve-names} and
 * cached. A name the mapping file uses that the account lacks is an {@link UnknownNameException} naming the mapping
 * key; a list name met only in a record's list column is re-read once and, when still unknown, rejects that record.
 */
public final class ApiNames {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ContactMapping mapping;
    private final Path mappingFile;
    private final Supplier<ProducerTemplate> template;
    private Map<String, String> customFieldIds;
    private Map<String, String> listIds;

    public ApiNames(ContactMapping mapping, Path mappingFile, Supplier<ProducerTemplate> template) {
        this.mapping = mapping;
        this.mappingFile = mappingFile;
        this.template = template;
    }

    /** The ids for the mapping's names and {@code listNames}; unknown list names are simply absent. */
    public synchronized ApiIds ids(Collection<String> listNames) {
        if (customFieldIds == null || !listIds.keySet().containsAll(lower(listNames))) {
            read(); // first use, or a list column names a list we have not seen: it may be new in the account
        }
        Map<String, String> fields = new HashMap<>();
        mapping.customFieldNames().forEach(n -> fields.put(n, customFieldIds.get(n)));
        Map<String, String> lists = new HashMap<>();
        for (String name : concat(mapping.listNames(), listNames)) {
            String id = listIds.get(name.toLowerCase(Locale.ROOT));
            if (id != null) {
                lists.put(name, id);
            }
        }
        return new ApiIds(fields, lists);
    }

    /** Reads now, at start-up: a wrong name in the mapping shows before any record arrives. */
    public void resolve() {
        ids(List.of());
    }

    /** Reads both; keeps them only when every name of the mapping is there, so a fix in the account is seen. */
    private void read() {
        NameLookup lookup = new NameLookup();
        template.get().sendBody("direct:resolve-names", lookup);
        if (lookup.failure() != null || lookup.customFieldIds() == null || lookup.listIds() == null) {
            throw new IllegalStateException("cannot read the custom fields and lists of the Constant Contact account: "
                    + lookup.failure());
        }
        for (String name : mapping.customFieldNames()) {
            if (!lookup.customFieldIds().containsKey(name)) {
                throw new UnknownNameException(mappingFile + ": custom_fields." + name + ": Constant Contact has no "
                        + "custom field named '" + name + "'. Create it (Contacts > Custom fields) or fix the mapping.");
            }
        }
        for (String name : mapping.listNames()) {
            if (!lookup.listIds().containsKey(name.toLowerCase(Locale.ROOT))) {
                throw new UnknownNameException(mappingFile + ": lists.default: Constant Contact has no list named '"
                        + name + "'. Create it (Contacts > Lists) or fix the mapping.");
            }
        }
        customFieldIds = lookup.customFieldIds();
        listIds = lookup.listIds();
    }

    /** The answer of {@code GET /contact_custom_fields}. */
    public void customFieldsRead(@Body String answer, @ExchangeProperty(Work.PROPERTY) NameLookup lookup)
            throws IOException {
        Map<String, String> ids = new HashMap<>();
        for (JsonNode field : JSON.readTree(answer).path("custom_fields")) {
            ids.put(field.path("name").asText(), field.path("custom_field_id").asText());
        }
        lookup.customFieldIds(ids);
    }

    /** The answer of {@code GET /contact_lists}; names compare case-insensitively, as the API's name filter does. */
    public void listsRead(@Body String answer, @ExchangeProperty(Work.PROPERTY) NameLookup lookup)
            throws IOException {
        Map<String, String> ids = new HashMap<>();
        for (JsonNode list : JSON.readTree(answer).path("lists")) {
            ids.put(list.path("name").asText().toLowerCase(Locale.ROOT), list.path("list_id").asText());
        }
        lookup.listIds(ids);
    }

    private static List<String> lower(Collection<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }

    private static List<String> concat(Collection<String> a, Collection<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
