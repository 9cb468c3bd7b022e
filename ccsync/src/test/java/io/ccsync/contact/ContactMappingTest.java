package io.ccsync.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ccsync.contact.Rejection.Rule;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContactMappingTest {
    private static final String LISTS = "lists: {default: [Newsletter]}\n";

    private static ContactMapping mapping(String yaml) {
        return ContactMapping.parse(yaml, "test.yaml");
    }

    private static Contact contact(String yaml, Map<String, String> record) {
        ContactMapping.Result result = mapping(yaml).map(record);
        assertThat(result.rejections()).isEmpty();
        return result.contact();
    }

    private static List<Rejection> rejections(String yaml, Map<String, String> record) {
        return mapping(yaml).map(record).rejections();
    }

    @Test
    void emailIsTrimmedAndLowerCasedByDefault() {
        assertThat(contact("email: mail\n" + LISTS, Map.of("mail", "  Ann@Example.COM ")).email())
                .isEqualTo("ann@example.com");
    }

    @Test
    void emailLowerCasingCanBeSwitchedOff() {
        assertThat(contact("email: {column: mail, lower: false}\n" + LISTS, Map.of("mail", "Ann@Example.com"))
                .email()).isEqualTo("Ann@Example.com");
    }

    @Test
    void coreFieldsComeFromTheirColumnsTrimmed() {
        Contact c = contact("""
                email: email
                first_name: fn
                last_name: ln
                job_title: title
                company_name: company
                """ + LISTS, Map.of("email", "a@b.co", "fn", " Ann ", "ln", "Lee", "title", "CTO",
                "company", "Acme"));
        assertThat(List.of(c.firstName(), c.lastName(), c.jobTitle(), c.companyName()))
                .containsExactly("Ann", "Lee", "CTO", "Acme");
    }

    @Test
    void trimCanBeSwitchedOff() {
        assertThat(contact("email: email\nfirst_name: {column: fn, trim: false}\n" + LISTS,
                Map.of("email", "a@b.co", "fn", " Ann ")).firstName()).isEqualTo(" Ann ");
    }

    @Test
    void upperTransformUpperCases() {
        assertThat(contact("email: email\nlast_name: {column: ln, upper: true}\n" + LISTS,
                Map.of("email", "a@b.co", "ln", "Lee")).lastName()).isEqualTo("LEE");
    }

    @Test
    void lowerTransformLowerCases() {
        assertThat(contact("email: email\njob_title: {column: t, lower: true}\n" + LISTS,
                Map.of("email", "a@b.co", "t", "CTO")).jobTitle()).isEqualTo("cto");
    }

    @Test
    void aFixedValueFillsTheFieldForEveryRecord() {
        assertThat(contact("email: email\ncompany_name: {value: Acme Ltd}\n" + LISTS, Map.of("email", "a@b.co"))
                .companyName()).isEqualTo("Acme Ltd");
    }

    @Test
    void aBlankValueIsNotSent() {
        assertThat(contact("email: email\nfirst_name: fn\n" + LISTS, Map.of("email", "a@b.co", "fn", "   "))
                .firstName()).isNull();
    }

    @Test
    void aColumnMissingFromTheRecordIsNotSent() {
        assertThat(contact("email: email\nfirst_name: fn\n" + LISTS, Map.of("email", "a@b.co")).firstName())
                .isNull();
    }

    @Test
    void aNullValueIsNotSent() {
        Map<String, String> row = new HashMap<>(Map.of("email", "a@b.co"));
        row.put("fn", null);
        assertThat(contact("email: email\nfirst_name: fn\n" + LISTS, row).firstName()).isNull();
    }

    @Test
    void columnsMatchCaseInsensitivelyAsH2ReportsThemUpperCase() {
        Contact c = contact("email: email\nfirst_name: first_name\n" + LISTS,
                Map.of("EMAIL", "a@b.co", "FIRST_NAME", "Ann"));
        assertThat(c.email()).isEqualTo("a@b.co");
        assertThat(c.firstName()).isEqualTo("Ann");
    }

    @Test
    void birthdayInTheDefaultIsoFormatBecomesMonthAndDay() {
        Contact c = contact("email: email\nbirthday: bd\n" + LISTS, Map.of("email", "a@b.co", "bd", "1990-07-04"));
        assertThat(List.of(c.birthdayMonth(), c.birthdayDay())).containsExactly(7, 4);
    }

    @Test
    void birthdayInADayFirstFormatBecomesMonthAndDay() {
        Contact c = contact("email: email\nbirthday: {column: bd, format: dd/MM/yyyy}\n" + LISTS,
                Map.of("email", "a@b.co", "bd", "04/07/1990"));
        assertThat(List.of(c.birthdayMonth(), c.birthdayDay())).containsExactly(7, 4);
    }

    @Test
    void birthdayWithoutAYearIsReadWithAMonthDayFormat() {
        Contact c = contact("email: email\nbirthday: {column: bd, format: MM-dd}\n" + LISTS,
                Map.of("email", "a@b.co", "bd", "02-29"));
        assertThat(List.of(c.birthdayMonth(), c.birthdayDay())).containsExactly(2, 29);
    }

    @Test
    void birthdayWithAMonthNameIsRead() {
        Contact c = contact("email: email\nbirthday: {column: bd, format: \"d MMMM\"}\n" + LISTS,
                Map.of("email", "a@b.co", "bd", "4 july"));
        assertThat(List.of(c.birthdayMonth(), c.birthdayDay())).containsExactly(7, 4);
    }

    @Test
    void birthdayNotMatchingTheFormatIsRejectedWithTheColumnAndFormat() {
        List<Rejection> rejections = rejections("email: email\nbirthday: {column: bd, format: yyyy-MM-dd}\n" + LISTS,
                Map.of("email", "a@b.co", "bd", "04/07/1990"));
        assertThat(rejections).extracting(Rejection::field, Rejection::rule)
                .containsExactly(tuple("birthday", Rule.UNPARSEABLE_DATE));
        assertThat(rejections.get(0).message()).contains("column 'bd'", "04/07/1990", "yyyy-MM-dd");
    }

    @Test
    void birthdayOnADayTheMonthDoesNotHaveIsRejectedNotShifted() {
        assertThat(rejections("email: email\nbirthday: bd\n" + LISTS, Map.of("email", "a@b.co", "bd", "1990-04-31")))
                .extracting(Rejection::rule).containsExactly(Rule.UNPARSEABLE_DATE);
    }

    @Test
    void yearlessBirthdayOnADayTheMonthNeverHasIsRejected() {
        assertThat(rejections("email: email\nbirthday: {column: bd, format: MM-dd}\n" + LISTS,
                Map.of("email", "a@b.co", "bd", "04-31"))).extracting(Rejection::rule)
                .containsExactly(Rule.UNPARSEABLE_DATE);
    }

    @Test
    void anniversaryWithAFormatIsSentAsIsoDate() {
        assertThat(contact("email: email\nanniversary: {column: an, format: dd.MM.yyyy}\n" + LISTS,
                Map.of("email", "a@b.co", "an", "01.06.2015")).anniversary()).isEqualTo("2015-06-01");
    }

    @Test
    void anniversaryWithoutAFormatAcceptsTheApiFormsAndIsSentAsIsoDate() {
        assertThat(contact("email: email\nanniversary: an\n" + LISTS, Map.of("email", "a@b.co", "an", "6/1/2015"))
                .anniversary()).isEqualTo("2015-06-01");
    }

    @Test
    void anniversaryNotMatchingItsFormatIsRejected() {
        assertThat(rejections("email: email\nanniversary: {column: an, format: yyyy-MM-dd}\n" + LISTS,
                Map.of("email", "a@b.co", "an", "June 2015"))).extracting(Rejection::field, Rejection::rule)
                .containsExactly(tuple("anniversary", Rule.UNPARSEABLE_DATE));
    }

    @Test
    void phonesCarryTheirMappedKindAndEmptyOnesAreLeftOut() {
        Contact c = contact("""
                email: email
                phones:
                  - {column: phone, kind: work}
                  - {column: mobile, kind: mobile}
                  - {column: home, kind: home}
                """ + LISTS, Map.of("email", "a@b.co", "phone", "555 0100", "mobile", "555 0199", "home", ""));
        assertThat(c.phones()).containsExactly(new Phone(PhoneKind.WORK, "555 0100"),
                new Phone(PhoneKind.MOBILE, "555 0199"));
    }

    @Test
    void addressesCarryTheirKindAndParts() {
        Contact c = contact("""
                email: email
                addresses:
                  - {kind: work, street: street, city: city, state: state, postal_code: zip, country: country}
                """ + LISTS, Map.of("email", "a@b.co", "street", "1 Main St", "city", "Springfield", "state", "IL",
                "zip", "62701", "country", "US"));
        assertThat(c.addresses()).containsExactly(
                new Address(AddressKind.WORK, "1 Main St", "Springfield", "IL", "62701", "US"));
    }

    @Test
    void anAddressWithEveryPartEmptyIsLeftOut() {
        assertThat(contact("email: email\naddresses: [{kind: home, street: street, city: city}]\n" + LISTS,
                Map.of("email", "a@b.co", "street", "", "city", " ")).addresses()).isEmpty();
    }

    @Test
    void customFieldsAreKeyedByTheirConstantContactName() {
        assertThat(contact("email: email\ncustom_fields: {favourite_colour: colour}\n" + LISTS,
                Map.of("email", "a@b.co", "colour", "green")).customFields())
                .containsExactly(Map.entry("favourite_colour", "green"));
    }

    @Test
    void anEmptyCustomFieldIsNotSent() {
        assertThat(contact("email: email\ncustom_fields: {favourite_colour: colour}\n" + LISTS,
                Map.of("email", "a@b.co", "colour", "")).customFields()).isEmpty();
    }

    @Test
    void everyContactJoinsTheDefaultLists() {
        assertThat(contact("email: email\nlists: {default: [Newsletter, Customers]}\n", Map.of("email", "a@b.co"))
                .listNames()).containsExactly("Newsletter", "Customers");
    }

    @Test
    void aListColumnAddsItsNamesSplitOnTheSeparator() {
        assertThat(contact("email: email\nlists: {default: Newsletter, column: groups, separator: \";\"}\n",
                Map.of("email", "a@b.co", "groups", "VIP ; Customers;;Newsletter")).listNames())
                .containsExactly("Newsletter", "VIP", "Customers");
    }

    @Test
    void optOutColumnWithATrueValueMakesTheContactUnsubscribed() {
        for (String yes : List.of("true", "YES", "1", "y", "X", " yes ")) {
            assertThat(contact("email: email\nopt_out: out\n" + LISTS, Map.of("email", "a@b.co", "out", yes))
                    .permission()).as(yes).isEqualTo(Permission.UNSUBSCRIBED);
        }
    }

    @Test
    void optOutColumnWithAnyOtherValueSetsNoPermissionAtAll() {
        for (String no : List.of("false", "no", "0", "", "maybe")) {
            assertThat(contact("email: email\nopt_out: out\n" + LISTS, Map.of("email", "a@b.co", "out", no))
                    .permission()).as(no).isNull();
        }
    }

    @Test
    void optOutTrueValuesCanBeConfigured() {
        String yaml = "email: email\nopt_out: {column: out, true_values: [\"unsubscribed\", \"yes\"]}\n" + LISTS;
        assertThat(contact(yaml, Map.of("email", "a@b.co", "out", "Unsubscribed")).optedOut()).isTrue();
        assertThat(contact(yaml, Map.of("email", "a@b.co", "out", "1")).optedOut()).isFalse();
    }

    @Test
    void customFieldAndListNamesAreListedForResolutionAtStart() {
        ContactMapping m = mapping("email: email\ncustom_fields: {favourite_colour: c, tier: t}\n"
                + "lists: {default: [Newsletter, Customers], column: groups}\n");
        assertThat(m.customFieldNames()).containsExactly("favourite_colour", "tier");
        assertThat(m.listNames()).containsExactly("Newsletter", "Customers");
    }

    @Test
    void columnsListsEverySourceColumnTheMappingReads() {
        ContactMapping m = mapping("""
                email: mail
                company_name: {value: Acme}
                phones: [{column: tel, kind: home}]
                addresses: [{kind: home, city: town}]
                custom_fields: {colour: c}
                lists: {column: groups}
                opt_out: out
                """);
        assertThat(m.columns()).containsExactlyInAnyOrder("mail", "tel", "town", "c", "groups", "out");
    }

    @Test
    void theShippedMappingFitsAFreshAccountStandardFieldsAndGeneralInterestOnly() {
        ContactMapping m = ContactMapping.load(Path.of("config/mapping.yaml"));

        assertThat(m.customFieldNames()).isEmpty();
        assertThat(m.listNames()).containsExactly("General Interest");
    }

    @Test
    void theDemoMappingReadsADemoCrmRow() {
        ContactMapping m = ContactMapping.load(Path.of("config/mapping-demo.yaml"));
        Map<String, String> row = new HashMap<>();
        row.put("email", "Ann.Lee@Example.com");
        row.put("first_name", "Ann");
        row.put("last_name", "Lee");
        row.put("company", "Acme");
        row.put("job_title", "CTO");
        row.put("phone", "555 0100");
        row.put("mobile", "555 0199");
        row.put("street", "1 Main St");
        row.put("city", "Springfield");
        row.put("state", "IL");
        row.put("postal_code", "62701");
        row.put("country", "US");
        row.put("birthday", "1990-07-04");
        row.put("anniversary", "2015-06-01");
        row.put("favourite_colour", "green");
        row.put("opted_out", "yes");
        ContactMapping.Result result = m.map(row);

        assertThat(result.rejections()).isEmpty();
        Contact c = result.contact();
        assertThat(c.email()).isEqualTo("ann.lee@example.com");
        assertThat(c.companyName()).isEqualTo("Acme");
        assertThat(c.phones()).extracting(Phone::kind).containsExactly(PhoneKind.WORK, PhoneKind.MOBILE);
        assertThat(c.addresses()).containsExactly(
                new Address(AddressKind.HOME, "1 Main St", "Springfield", "IL", "62701", "US"));
        assertThat(List.of(c.birthdayMonth(), c.birthdayDay(), c.anniversary())).containsExactly(7, 4, "2015-06-01");
        assertThat(c.customFields()).containsExactly(Map.entry("favourite_colour", "green"));
        assertThat(c.permission()).isEqualTo(Permission.UNSUBSCRIBED);
        assertThat(m.customFieldNames()).containsExactly("favourite_colour");
        assertThat(m.listNames()).isNotEmpty();
        assertThat(m.columns()).containsExactlyInAnyOrderElementsOf(row.keySet());
    }
}
