package io.ccsync.contact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.ccsync.contact.ContactMapping.AddressSource;
import io.ccsync.contact.ContactMapping.DateSource;
import io.ccsync.contact.ContactMapping.ListSource;
import io.ccsync.contact.ContactMapping.OptOutSource;
import io.ccsync.contact.ContactMapping.PhoneSource;
import io.ccsync.contact.ContactMapping.SmsConsentSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code mapping.yaml} into a {@link ContactMapping}. Walks the YAML tree by hand rather than binding it, so
 * every mistake an engineer can make gets a message with the file, the key and what is allowed there.
 */
final class MappingFile {
    /** yes, no, on, off stay words: an opt-out value "yes" must not arrive here as "true". */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build());
    private static final List<String> TOP_KEYS = List.of("email", "first_name", "last_name", "job_title",
            "company_name", "birthday", "anniversary", "phones", "addresses", "custom_fields", "lists", "opt_out",
            "tags", "sms_number", "sms_consent");
    private static final List<String> SOURCE_KEYS = List.of("column", "value", "trim", "lower", "upper");
    private static final List<String> ADDRESS_PARTS = List.of("street", "city", "state", "postal_code", "country");
    private static final List<String> DEFAULT_TRUE_VALUES = List.of("true", "yes", "1", "y", "x");
    /** A date every format can show unambiguously: formatted and parsed back, it proves the format has its fields. */
    private static final LocalDate PROBE = LocalDate.of(2001, 2, 3);

    private final String origin;

    private MappingFile(String origin) {
        this.origin = origin;
    }

    static ContactMapping read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new MappingException(file.toString(), null, "the mapping file does not exist; copy the documented "
                    + "config/mapping.yaml and adapt it to your columns");
        } catch (IOException e) {
            throw new MappingException(file.toString(), null, "cannot be read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    static ContactMapping parse(String yaml, String origin) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new MappingException(origin, null, "is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        return new MappingFile(origin).mapping(root);
    }

    private ContactMapping mapping(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw fail(null, "must be a YAML mapping of contact fields to source columns");
        }
        keys(root, null, TOP_KEYS);
        if (!root.has("email")) {
            throw fail("email", "is required: every contact needs an email address column");
        }
        return new ContactMapping(
                source(root.get("email"), "email", true),
                source(root.get("first_name"), "first_name", false),
                source(root.get("last_name"), "last_name", false),
                source(root.get("job_title"), "job_title", false),
                source(root.get("company_name"), "company_name", false),
                date(root.get("birthday"), "birthday", "yyyy-MM-dd", true),
                date(root.get("anniversary"), "anniversary", null, false),
                phones(root.get("phones")),
                addresses(root.get("addresses")),
                customFields(root.get("custom_fields")),
                lists(root.get("lists")),
                optOut(root.get("opt_out")),
                tags(root.get("tags")),
                source(root.get("sms_number"), "sms_number", false),
                smsConsent(root.get("sms_consent")));
    }

    /** A source: a column name as a plain string, or {column | value, trim, lower, upper}. */
    private FieldSource source(JsonNode node, String key, boolean lowerByDefault) {
        return source(node, key, lowerByDefault, List.of());
    }

    private FieldSource source(JsonNode node, String key, boolean lowerByDefault, List<String> extraKeys) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return FieldSource.column(nonBlank(node.asText(), key), lowerByDefault);
        }
        if (!node.isObject()) {
            throw fail(key, "must be a column name or {column: …} / {value: …}");
        }
        List<String> allowed = new ArrayList<>(SOURCE_KEYS);
        allowed.addAll(extraKeys);
        keys(node, key, allowed);
        boolean hasColumn = node.has("column");
        if (hasColumn == node.has("value")) {
            throw fail(key, "needs exactly one of 'column' (a source column) or 'value' (a fixed value)");
        }
        boolean lower = flag(node, key, "lower", lowerByDefault);
        boolean upper = flag(node, key, "upper", false);
        if (lower && upper) {
            throw fail(key, "cannot be both lower and upper" + (lowerByDefault ? " (lower is on by default here: "
                    + "set lower: false)" : ""));
        }
        String column = hasColumn ? nonBlank(text(node.get("column"), key + ".column"), key + ".column") : null;
        String fixed = hasColumn ? null : text(node.get("value"), key + ".value");
        return new FieldSource(column, fixed, flag(node, key, "trim", true), lower, upper);
    }

    private DateSource date(JsonNode node, String key, String defaultPattern, boolean monthDayOnly) {
        FieldSource source = source(node, key, false, List.of("format"));
        if (source == null) {
            return null;
        }
        String pattern = node.has("format") ? text(node.get("format"), key + ".format") : defaultPattern;
        if (pattern == null) {
            return new DateSource(source, null, null);
        }
        DateTimeFormatter format = dateFormat(pattern, key + ".format", monthDayOnly);
        return new DateSource(source, pattern, format);
    }

    /**
     * A strict formatter (no 31 April) that also takes {@code yyyy}: strict resolution needs an era for it, so one
     * is defaulted.
     */
    private DateTimeFormatter dateFormat(String pattern, String key, boolean monthDayOnly) {
        String needs = monthDayOnly ? "a month and a day" : "a year, a month and a day";
        DateTimeFormatter format;
        try {
            format = new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern)
                    .parseDefaulting(ChronoField.ERA, 1).toFormatter(Locale.ENGLISH)
                    .withResolverStyle(ResolverStyle.STRICT);
            TemporalAccessor back = format.parse(format.format(PROBE));
            boolean ok = monthDayOnly
                    ? back.get(ChronoField.MONTH_OF_YEAR) == 2 && back.get(ChronoField.DAY_OF_MONTH) == 3
                    : PROBE.equals(LocalDate.from(back));
            if (!ok) {
                throw new DateTimeException("loses fields");
            }
        } catch (IllegalArgumentException | DateTimeException e) {
            throw fail(key, "'" + pattern + "' is not a usable date format: it must show " + needs + " in "
                    + "java.time.format.DateTimeFormatter letters, such as yyyy-MM-dd, dd/MM/yyyy, MM/dd/yyyy"
                    + (monthDayOnly ? " or MM-dd" : ""));
        }
        return format;
    }

    private List<PhoneSource> phones(JsonNode node) {
        List<PhoneSource> phones = new ArrayList<>();
        for (Entry e : entries(node, "phones")) {
            PhoneKind kind = kind(e.node(), e.key(), PhoneKind.values(), PhoneKind.class);
            phones.add(new PhoneSource(kind, source(e.node(), e.key(), false, List.of("kind"))));
        }
        return phones;
    }

    private List<AddressSource> addresses(JsonNode node) {
        List<AddressSource> addresses = new ArrayList<>();
        for (Entry e : entries(node, "addresses")) {
            List<String> allowed = new ArrayList<>(ADDRESS_PARTS);
            allowed.add(0, "kind");
            keys(e.node(), e.key(), allowed);
            AddressKind kind = kind(e.node(), e.key(), AddressKind.values(), AddressKind.class);
            List<FieldSource> parts = ADDRESS_PARTS.stream()
                    .map(part -> source(e.node().get(part), e.key() + "." + part, false)).toList();
            if (parts.stream().allMatch(p -> p == null)) {
                throw fail(e.key(), "maps none of " + String.join(", ", ADDRESS_PARTS));
            }
            addresses.add(new AddressSource(kind, parts.get(0), parts.get(1), parts.get(2), parts.get(3),
                    parts.get(4)));
        }
        return addresses;
    }

    private Map<String, FieldSource> customFields(JsonNode node) {
        Map<String, FieldSource> fields = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return fields;
        }
        if (!node.isObject()) {
            throw fail("custom_fields", "must map custom field names (as in Constant Contact) to source columns");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = "custom_fields." + e.getKey();
            FieldSource source = source(e.getValue(), key, false);
            if (source == null) {
                throw fail(key, "needs a source column");
            }
            fields.put(e.getKey(), source);
        }
        return fields;
    }

    private ListSource lists(JsonNode node) {
        if (node == null || node.isNull() || !node.isObject()) {
            throw fail("lists", "is required: {default: [list names every contact joins], column: a column of list "
                    + "names, separator: \",\"}; a contact on no list cannot be mailed");
        }
        keys(node, "lists", List.of("default", "column", "separator"));
        List<String> defaults = new ArrayList<>();
        JsonNode def = node.get("default");
        if (def != null && !def.isNull()) {
            for (JsonNode name : def.isArray() ? def : List.of(def)) {
                defaults.add(nonBlank(text(name, "lists.default"), "lists.default"));
            }
        }
        FieldSource column = source(node.get("column"), "lists.column", false);
        if (defaults.isEmpty() && column == null) {
            throw fail("lists", "needs 'default' or 'column' (or both): a contact on no list cannot be mailed");
        }
        String separator = node.has("separator") ? text(node.get("separator"), "lists.separator") : ",";
        if (separator.isEmpty()) {
            throw fail("lists.separator", "must not be empty");
        }
        return new ListSource(List.copyOf(new LinkedHashSet<>(defaults)), column, separator);
    }

    /** Optional: {default: [tag names every contact gets], column: a column of tag names, separator: ","}. */
    private ListSource tags(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw fail("tags", "must be {default: [tag names every contact gets], column: a column of tag names, "
                    + "separator: \",\"}");
        }
        keys(node, "tags", List.of("default", "column", "separator"));
        List<String> defaults = new ArrayList<>();
        JsonNode def = node.get("default");
        if (def != null && !def.isNull()) {
            for (JsonNode name : def.isArray() ? def : List.of(def)) {
                defaults.add(nonBlank(text(name, "tags.default"), "tags.default"));
            }
        }
        FieldSource column = source(node.get("column"), "tags.column", false);
        if (defaults.isEmpty() && column == null) {
            throw fail("tags", "needs 'default' or 'column' (or both), or leave tags out");
        }
        if (defaults.size() > 50) {
            throw fail("tags.default", "names " + defaults.size() + " tags; a contact holds at most 50");
        }
        String separator = node.has("separator") ? text(node.get("separator"), "tags.separator") : ",";
        if (separator.isEmpty()) {
            throw fail("tags.separator", "must not be empty");
        }
        return new ListSource(List.copyOf(new LinkedHashSet<>(defaults)), column, separator);
    }

    /** Optional: {column, true_values, date: {column, format}}; the column says the person gave SMS consent. */
    private SmsConsentSource smsConsent(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        FieldSource source = source(node, "sms_consent", false, List.of("true_values", "date"));
        List<String> values = trueValues(node.get("true_values"), "sms_consent.true_values");
        DateSource date = date(node.get("date"), "sms_consent.date", "yyyy-MM-dd", false);
        return new SmsConsentSource(source, Set.copyOf(values), date);
    }

    private List<String> trueValues(JsonNode given, String key) {
        if (given == null) {
            return DEFAULT_TRUE_VALUES;
        }
        if (!given.isArray() || given.isEmpty()) {
            throw fail(key, "must be a list of values meaning yes, such as [\"yes\", \"1\"]");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode v : given) {
            values.add(text(v, key).strip().toLowerCase(Locale.ROOT));
        }
        return values;
    }

    private OptOutSource optOut(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        FieldSource source = source(node, "opt_out", false, List.of("true_values"));
        List<String> values = DEFAULT_TRUE_VALUES;
        JsonNode given = node.get("true_values");
        if (given != null) {
            if (!given.isArray() || given.isEmpty()) {
                throw fail("opt_out.true_values", "must be a list of values meaning yes, such as [\"yes\", \"1\"]");
            }
            values = new ArrayList<>();
            for (JsonNode v : given) {
                values.add(text(v, "opt_out.true_values").strip().toLowerCase(Locale.ROOT));
            }
        }
        return new OptOutSource(source, Set.copyOf(values));
    }

    private record Entry(String key, JsonNode node) {
    }

    /** The entries of a list of objects such as phones, named {@code phones[0]}, … in messages. */
    private List<Entry> entries(JsonNode node, String key) {
        List<Entry> entries = new ArrayList<>();
        if (node == null || node.isNull()) {
            return entries;
        }
        if (!node.isArray()) {
            throw fail(key, "must be a list");
        }
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isObject()) {
                throw fail(key + "[" + i + "]", "must be an object with a kind and its columns");
            }
            entries.add(new Entry(key + "[" + i + "]", node.get(i)));
        }
        return entries;
    }

    private <E extends Enum<E>> E kind(JsonNode node, String key, E[] values, Class<E> type) {
        String allowed = String.join(", ", Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList());
        JsonNode kind = node.get("kind");
        if (kind == null || !kind.isTextual()) {
            throw fail(key + ".kind", "is required; allowed: " + allowed);
        }
        try {
            return Enum.valueOf(type, kind.asText().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw fail(key + ".kind", "'" + kind.asText() + "' is not allowed; allowed: " + allowed);
        }
    }

    private void keys(JsonNode node, String key, List<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw fail(key == null ? name : key + "." + name,
                        "unknown key; allowed" + (key == null ? "" : " in " + key) + ": " + String.join(", ", allowed));
            }
        }
    }

    private boolean flag(JsonNode node, String key, String name, boolean defaultValue) {
        JsonNode value = node.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw fail(key + "." + name, "must be true or false");
        }
        return value.asBoolean();
    }

    private String text(JsonNode node, String key) {
        if (node == null || !node.isValueNode() || node.isNull()) {
            throw fail(key, "must be a single value");
        }
        return node.asText();
    }

    private String nonBlank(String value, String key) {
        if (value.isBlank()) {
            throw fail(key, "must not be empty");
        }
        return value.strip();
    }

    private MappingException fail(String key, String problem) {
        return new MappingException(origin, key, problem);
    }
}
