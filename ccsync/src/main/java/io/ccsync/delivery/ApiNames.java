package io.ccsync.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.contact.ApiIds;
import io.ccsync.contact.ContactMapping;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;

/**
 * Custom field, list and tag names → the ids the API wants, read once through {@code direct:resolve-names} and
 * cached (again when the mapping is reloaded). Names the mapping file uses that the account lacks are an
 * {@link UnknownNameException} naming each with its mapping key; a list or tag name met only in a record's column is
 * re-read once and, when still unknown, rejects that record.
 */
public final class ApiNames {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<ContactMapping> mapping;
    private final Path mappingFile;
    private final Supplier<ProducerTemplate> template;
    private final List<Consumer<UnknownNameException>> missingListeners = new CopyOnWriteArrayList<>();
    private Map<String, String> customFieldIds;
    private Map<String, String> listIds;
    private Map<String, String> tagIds;
    /** The mapping the ids above were read for: a reloaded mapping may name fields they lack. */
    private ContactMapping resolvedFor;

    /** {@code mapping}: the mapping in use now (it may be reloaded while ccsync runs). */
    public ApiNames(Supplier<ContactMapping> mapping, Path mappingFile, Supplier<ProducerTemplate> template) {
        this.mapping = mapping;
        this.mappingFile = mappingFile;
        this.template = template;
    }

    /** Told when delivery meets a mapping name the account lacks (the mapping gate pauses the sources on it). */
    public void onMissingNames(Consumer<UnknownNameException> listener) {
        missingListeners.add(listener);
    }

    /** The ids for the mapping's names and {@code listNames}; unknown list names are simply absent. */
    public ApiIds ids(Collection<String> listNames) {
        return ids(listNames, List.of());
    }

    /**
     * The ids for the mapping's names, {@code listNames} and {@code tagNames} (met in records' columns); unknown
     * list and tag names are simply absent.
     */
    public synchronized ApiIds ids(Collection<String> listNames, Collection<String> tagNames) {
        ContactMapping now = mapping.get();
        if (customFieldIds == null || resolvedFor != now || !listIds.keySet().containsAll(lower(listNames))
                || !tagIds.keySet().containsAll(lower(tagNames))) {
            // first use, a reloaded mapping, or a column names a list or tag we have not seen: it may be new
            Account account = account();
            List<UnknownNameException.Missing> missing = account.missing(now);
            if (!missing.isEmpty()) {
                UnknownNameException e = new UnknownNameException(mappingFile.toString(), missing);
                missingListeners.forEach(l -> l.accept(e));
                throw e;
            }
            keep(account, now);
        }
        Map<String, String> fields = new HashMap<>();
        now.customFieldNames().forEach(n -> fields.put(n, customFieldIds.get(n)));
        Map<String, String> lists = new HashMap<>();
        for (String name : concat(now.listNames(), listNames)) {
            String id = listIds.get(name.toLowerCase(Locale.ROOT));
            if (id != null) {
                lists.put(name, id);
            }
        }
        Map<String, String> tags = new HashMap<>();
        for (String name : concat(now.tagNames(), tagNames)) {
            String id = tagIds.get(name.toLowerCase(Locale.ROOT));
            if (id != null) {
                tags.put(name, id);
            }
        }
        return new ApiIds(fields, lists, tags);
    }

    /** Reads now, at start-up: a wrong name in the mapping shows before any record arrives. */
    public void resolve() {
        ids(List.of());
    }

    /**
     * Reads the account's names (2 API calls) and says which names of {@code candidate} it lacks; when none, the ids
     * are kept for it, so delivery starts without reading them again.
     *
     * @throws IllegalStateException when the account cannot be read (network, API refusal)
     */
    public synchronized Account check(ContactMapping candidate) {
        Account account = account();
        if (account.missing(candidate).isEmpty() && candidate == mapping.get()) {
            keep(account, candidate);
        }
        return account;
    }

    private void keep(Account account, ContactMapping forMapping) {
        customFieldIds = account.customFieldIds();
        listIds = account.listIds();
        tagIds = account.tagIds();
        resolvedFor = forMapping;
    }

    /** The account's custom fields, lists and tags (lower-cased names) as read just now. */
    public record Account(Map<String, String> customFieldIds, Map<String, String> listIds,
            Map<String, String> tagIds) {
        /** Without tags. */
        public Account(Map<String, String> customFieldIds, Map<String, String> listIds) {
            this(customFieldIds, listIds, Map.of());
        }

        /** The names {@code mapping} uses that this account lacks, in mapping order. */
        public List<UnknownNameException.Missing> missing(ContactMapping mapping) {
            List<UnknownNameException.Missing> missing = new ArrayList<>();
            for (String name : mapping.customFieldNames()) {
                if (!customFieldIds.containsKey(name)) {
                    missing.add(new UnknownNameException.Missing(UnknownNameException.Kind.CUSTOM_FIELD, name,
                            "custom_fields." + name));
                }
            }
            for (String name : mapping.listNames()) {
                if (!listIds.containsKey(name.toLowerCase(Locale.ROOT))) {
                    missing.add(new UnknownNameException.Missing(UnknownNameException.Kind.LIST, name,
                            "lists.default"));
                }
            }
            for (String name : mapping.tagNames()) {
                if (!tagIds.containsKey(name.toLowerCase(Locale.ROOT))) {
                    missing.add(new UnknownNameException.Missing(UnknownNameException.Kind.TAG, name,
                            "tags.default"));
                }
            }
            return missing;
        }
    }

    /** Reads both through {@code direct:resolve-names}. */
    private Account account() {
        NameLookup lookup = new NameLookup();
        template.get().sendBody("direct:resolve-names", lookup);
        if (lookup.failure() != null || lookup.customFieldIds() == null || lookup.listIds() == null
                || lookup.tagIds() == null) {
            throw new IllegalStateException("cannot read the custom fields, lists and tags of the Constant Contact "
                    + "account: " + lookup.failure());
        }
        return new Account(lookup.customFieldIds(), lookup.listIds(), lookup.tagIds());
    }

    /** The query of the next {@code GET /contact_tags}: {@code limit=500}, then the next page's cursor. */
    public String tagsQuery(@ExchangeProperty(Work.PROPERTY) NameLookup lookup) {
        return lookup.tagsQuery();
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

    /**
     * A page of {@code GET /contact_tags} (500 a page, then {@code _links.next.href}); names compare
     * case-insensitively, like list names.
     */
    public void tagsRead(@Body String answer, @ExchangeProperty(Work.PROPERTY) NameLookup lookup) throws IOException {
        JsonNode page = JSON.readTree(answer);
        Map<String, String> ids = new HashMap<>();
        for (JsonNode tag : page.path("tags")) {
            ids.put(tag.path("name").asText().toLowerCase(Locale.ROOT), tag.path("tag_id").asText());
        }
        String next = page.path("_links").path("next").path("href").asText(null);
        lookup.tagPage(ids, next == null || !next.contains("?") ? null : next.substring(next.indexOf('?') + 1));
    }

    private static List<String> lower(Collection<String> names) {
        return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    }

    private static List<String> concat(Collection<String> a, Collection<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
