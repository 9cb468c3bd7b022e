package io.ccsync.contact;

import io.ccsync.contact.Rejection.Rule;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.Month;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How source records (column name → value) become contacts, as {@code config/mapping.yaml} says. Immutable and
 * thread-safe; load it once at start with {@link #load(Path)}.
 */
public final class ContactMapping {
    private final FieldSource email;
    private final FieldSource firstName;
    private final FieldSource lastName;
    private final FieldSource jobTitle;
    private final FieldSource companyName;
    private final DateSource birthday;
    private final DateSource anniversary;
    private final List<PhoneSource> phones;
    private final List<AddressSource> addresses;
    private final Map<String, FieldSource> customFields;
    private final ListSource lists;
    private final OptOutSource optOut;
    private final ListSource tags;
    private final FieldSource smsNumber;
    private final SmsConsentSource smsConsent;

    ContactMapping(FieldSource email, FieldSource firstName, FieldSource lastName, FieldSource jobTitle,
            FieldSource companyName, DateSource birthday, DateSource anniversary, List<PhoneSource> phones,
            List<AddressSource> addresses, Map<String, FieldSource> customFields, ListSource lists,
            OptOutSource optOut, ListSource tags, FieldSource smsNumber, SmsConsentSource smsConsent) {
        this.email = Objects.requireNonNull(email, "email");
        this.firstName = firstName;
        this.lastName = lastName;
        this.jobTitle = jobTitle;
        this.companyName = companyName;
        this.birthday = birthday;
        this.anniversary = anniversary;
        this.phones = List.copyOf(phones);
        this.addresses = List.copyOf(addresses);
        this.customFields = Collections.unmodifiableMap(new LinkedHashMap<>(customFields));
        this.lists = Objects.requireNonNull(lists, "lists");
        this.optOut = optOut;
        this.tags = tags == null ? new ListSource(List.of(), null, ",") : tags;
        this.smsNumber = smsNumber;
        this.smsConsent = smsConsent;
    }

    /** @throws MappingException naming the file, the key and what is allowed, when the file cannot be used */
    public static ContactMapping load(Path file) {
        return MappingFile.read(file);
    }

    /** Parses mapping YAML given as text; {@code origin} names it in error messages. */
    public static ContactMapping parse(String yaml, String origin) {
        return MappingFile.parse(yaml, origin);
    }

    /** The custom field names to resolve to ids ({@code GET /contact_custom_fields}) once at start. */
    public List<String> customFieldNames() {
        return List.copyOf(customFields.keySet());
    }

    /**
     * The list names to resolve to ids ({@code GET /contact_lists?name=}) once at start: the default lists. Names
     * read from a list column are known only when a record brings them.
     */
    public List<String> listNames() {
        return lists.defaults();
    }

    /**
     * The tag names to resolve to ids ({@code GET /contact_tags}): the fixed tags. Names read from a tag column are
     * known only when a record brings them.
     */
    public List<String> tagNames() {
        return tags.defaults();
    }

    /** Every source column the mapping reads, so a file's header can be checked once before its rows. */
    public Set<String> columns() {
        Set<String> columns = new LinkedHashSet<>();
        Stream.of(email, firstName, lastName, jobTitle, companyName, birthday == null ? null : birthday.source(),
                        anniversary == null ? null : anniversary.source(), lists.column(),
                        optOut == null ? null : optOut.source(), tags.column(), smsNumber,
                        smsConsent == null ? null : smsConsent.source(),
                        smsConsent == null || smsConsent.date() == null ? null : smsConsent.date().source())
                .forEach(s -> addColumn(columns, s));
        phones.forEach(p -> addColumn(columns, p.source()));
        addresses.forEach(a -> Stream.of(a.street(), a.city(), a.state(), a.postalCode(), a.country())
                .forEach(s -> addColumn(columns, s)));
        customFields.values().forEach(s -> addColumn(columns, s));
        return columns;
    }

    private static void addColumn(Set<String> columns, FieldSource source) {
        if (source != null && source.column() != null) {
            columns.add(source.column());
        }
    }

    /**
     * Maps one record. Column names match case-insensitively (H2 reports them upper-case). Values the mapping
     * cannot read (a date in the wrong format) become rejections; the contact holds everything else, so a report
     * can show every problem of the record at once.
     */
    public Result map(Map<String, String> record) {
        Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        record.forEach((k, v) -> {
            if (k != null) {
                row.put(k, v);
            }
        });
        List<Rejection> rejections = new ArrayList<>();
        Contact.Builder b = Contact.builder(read(email, row))
                .firstName(read(firstName, row))
                .lastName(read(lastName, row))
                .jobTitle(read(jobTitle, row))
                .companyName(read(companyName, row));
        if (optOut != null && optOut.isTrue(row)) {
            b.unsubscribed();
        }
        mapBirthday(row, b, rejections);
        mapAnniversary(row, b, rejections);
        for (PhoneSource p : phones) {
            String number = p.source().read(row);
            if (number != null) {
                b.phone(p.kind(), number);
            }
        }
        for (AddressSource a : addresses) {
            Address address = new Address(a.kind(), read(a.street(), row), read(a.city(), row), read(a.state(), row),
                    read(a.postalCode(), row), read(a.country(), row));
            if (Stream.of(address.street(), address.city(), address.state(), address.postalCode(), address.country())
                    .anyMatch(Objects::nonNull)) {
                b.address(address);
            }
        }
        customFields.forEach((name, source) -> {
            String value = source.read(row);
            if (value != null) {
                b.customField(name, value);
            }
        });
        lists.names(row).forEach(b::list);
        tags.names(row).forEach(b::tag);
        b.smsNumber(read(smsNumber, row));
        if (smsConsent != null && smsConsent.isTrue(row)) {
            b.smsConsentGiven(smsConsentDate(row, rejections));
        }
        return new Result(b.build(), rejections);
    }

    private void mapBirthday(Map<String, String> row, Contact.Builder b, List<Rejection> rejections) {
        String text = birthday == null ? null : birthday.source().read(row);
        if (text == null) {
            return;
        }
        try {
            TemporalAccessor parsed = birthday.format().parse(text);
            int month = parsed.get(ChronoField.MONTH_OF_YEAR);
            int day = parsed.get(ChronoField.DAY_OF_MONTH);
            if (day > Month.of(month).maxLength()) {
                throw new DateTimeParseException("no such day", text, 0); // a year-less format checks no calendar
            }
            b.birthday(month, day);
        } catch (DateTimeParseException e) {
            rejections.add(new Rejection("birthday", Rule.UNPARSEABLE_DATE, birthday.source().describe() + ": '" + text
                    + "' is not a date in the format " + birthday.pattern()));
        }
    }

    private void mapAnniversary(Map<String, String> row, Contact.Builder b, List<Rejection> rejections) {
        String text = anniversary == null ? null : anniversary.source().read(row);
        if (text == null) {
            return;
        }
        if (anniversary.format() == null) {
            Anniversary.parse(text).ifPresentOrElse(date -> b.anniversary(date.toString()),
                    () -> rejections.add(new Rejection("anniversary", Rule.UNPARSEABLE_DATE, anniversary.source()
                            .describe() + ": '" + text + "' is not a date in " + Anniversary.ACCEPTED)));
            return;
        }
        try {
            b.anniversary(LocalDate.from(anniversary.format().parse(text)).toString()); // sent as YYYY-MM-DD
        } catch (DateTimeParseException e) {
            rejections.add(new Rejection("anniversary", Rule.UNPARSEABLE_DATE, anniversary.source().describe()
                    + ": '" + text + "' is not a date in the format " + anniversary.pattern()));
        }
    }

    /** The consent date as YYYY-MM-DD, or null when the mapping or the record does not give one. */
    private String smsConsentDate(Map<String, String> row, List<Rejection> rejections) {
        DateSource date = smsConsent.date();
        String text = date == null ? null : date.source().read(row);
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.from(date.format().parse(text)).toString();
        } catch (DateTimeParseException e) {
            rejections.add(new Rejection("sms_consent_date", Rule.UNPARSEABLE_DATE, date.source().describe() + ": '"
                    + text + "' is not a date in the format " + date.pattern()));
            return null;
        }
    }

    private static String read(FieldSource source, Map<String, String> row) {
        return source == null ? null : source.read(row);
    }

    /** A mapped record: the contact, and what the mapping itself could not read (empty when all went well). */
    public record Result(Contact contact, List<Rejection> rejections) {
        public Result {
            rejections = List.copyOf(rejections);
        }
    }

    /** A date column and its format; {@code format} may be null for an anniversary (the API's own forms). */
    record DateSource(FieldSource source, String pattern, DateTimeFormatter format) {
    }

    record PhoneSource(PhoneKind kind, FieldSource source) {
    }

    record AddressSource(AddressKind kind, FieldSource street, FieldSource city, FieldSource state,
            FieldSource postalCode, FieldSource country) {
    }

    /**
     * The column saying the person gave SMS consent, the values (lower case) that mean yes, and optionally the column
     * with the day they gave it. Any other value means "not given in this record", never "withdrawn".
     */
    record SmsConsentSource(FieldSource source, Set<String> trueValues, DateSource date) {
        SmsConsentSource {
            trueValues = Set.copyOf(trueValues);
        }

        boolean isTrue(Map<String, String> row) {
            String value = source.read(row);
            return value != null && trueValues.contains(value.toLowerCase(Locale.ROOT));
        }
    }

    /** The lists (or tags) every contact gets, plus those named in a column, split on the separator. */
    record ListSource(List<String> defaults, FieldSource column, String separator) {
        ListSource {
            defaults = List.copyOf(defaults);
        }

        List<String> names(Map<String, String> row) {
            List<String> names = new ArrayList<>(defaults);
            String text = column == null ? null : column.read(row);
            if (text != null) {
                for (String name : text.split(Pattern.quote(separator))) {
                    if (!name.isBlank()) {
                        names.add(name.strip());
                    }
                }
            }
            return names;
        }
    }

    /** The column saying a person opted out, and the values (lower case) that mean yes. */
    record OptOutSource(FieldSource source, Set<String> trueValues) {
        OptOutSource {
            trueValues = Set.copyOf(trueValues);
        }

        boolean isTrue(Map<String, String> row) {
            String value = source.read(row);
            return value != null && trueValues.contains(value.toLowerCase(Locale.ROOT));
        }
    }
}
