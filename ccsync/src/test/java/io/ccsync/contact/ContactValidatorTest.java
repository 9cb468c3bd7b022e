package io.ccsync.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.ccsync.contact.Rejection.Rule;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ContactValidatorTest {
    private final ContactValidator validator = new ContactValidator();

    /** A valid contact, changed by {@code change}. */
    private List<Rejection> validate(UnaryOperator<Contact.Builder> change) {
        return validate("ann@example.com", change);
    }

    private List<Rejection> validate(String email, UnaryOperator<Contact.Builder> change) {
        return validator.validate(change.apply(Contact.builder(email).list("Newsletter")).build());
    }

    private static String chars(int n) {
        return "a".repeat(n);
    }

    private static void assertRejected(List<Rejection> rejections, String field, Rule rule) {
        assertThat(rejections).extracting(Rejection::field, Rejection::rule).containsExactly(tuple(field, rule));
    }

    @Test
    void aCompleteContactWithinEveryLimitPasses() {
        assertThat(validate(b -> b.firstName("Ann").lastName("Lee").jobTitle("CTO").companyName("Acme")
                .birthday(2, 29).anniversary("2015-06-01").phone(PhoneKind.WORK, "+1 555 0100")
                .address(new Address(AddressKind.HOME, "1 Main St", "Springfield", "IL", "62701", "US"))
                .customField("favourite_colour", "green"))).isEmpty();
    }

    @Test
    void missingEmailIsRequired() {
        assertRejected(validate(null, b -> b), "email_address.address", Rule.REQUIRED);
    }

    @Test
    void emailWithoutDomainIsAFormatError() {
        assertRejected(validate("ann@example", b -> b), "email_address.address", Rule.FORMAT);
    }

    @Test
    void emailWithASpaceIsAFormatError() {
        assertRejected(validate("ann lee@example.com", b -> b), "email_address.address", Rule.FORMAT);
    }

    @Test
    void emailWithANonAsciiCharacterIsAFormatError() {
        assertRejected(validate("zoë@example.com", b -> b), "email_address.address", Rule.FORMAT);
    }

    @Test
    void emailWithANumericTopLevelDomainIsAFormatError() {
        assertRejected(validate("ann@10.0.0.1", b -> b), "email_address.address", Rule.FORMAT);
    }

    @Test
    void emailWithPlusAndSubdomainsPasses() {
        assertThat(validate("ann.lee+news@mail.example.co.uk", b -> b)).isEmpty();
    }

    @Test
    void emailWithoutAtSignIsAFormatError() {
        assertRejected(validate("ann.example.com", b -> b), "email_address.address", Rule.FORMAT);
    }

    @Test
    void emailOfEightyCharactersPasses() {
        String email = chars(80 - "@example.com".length()) + "@example.com";
        assertThat(validate(email, b -> b)).isEmpty();
    }

    @Test
    void emailOfEightyOneCharactersIsTooLong() {
        String email = chars(81 - "@example.com".length()) + "@example.com";
        assertRejected(validate(email, b -> b), "email_address.address", Rule.MAX_LENGTH);
    }

    @Test
    void namesJobTitleAndCompanyOfFiftyCharactersPass() {
        assertThat(validate(b -> b.firstName(chars(50)).lastName(chars(50)).jobTitle(chars(50))
                .companyName(chars(50)))).isEmpty();
    }

    @Test
    void firstNameOfFiftyOneCharactersIsTooLong() {
        assertRejected(validate(b -> b.firstName(chars(51))), "first_name", Rule.MAX_LENGTH);
    }

    @Test
    void lastNameOfFiftyOneCharactersIsTooLong() {
        assertRejected(validate(b -> b.lastName(chars(51))), "last_name", Rule.MAX_LENGTH);
    }

    @Test
    void jobTitleOfFiftyOneCharactersIsTooLong() {
        assertRejected(validate(b -> b.jobTitle(chars(51))), "job_title", Rule.MAX_LENGTH);
    }

    @Test
    void companyOfFiftyOneCharactersIsTooLong() {
        assertRejected(validate(b -> b.companyName(chars(51))), "company_name", Rule.MAX_LENGTH);
    }

    @Test
    void lengthsCountCharactersNotUtf8Bytes() {
        assertThat(validate(b -> b.firstName("é".repeat(50)))).isEmpty();
    }

    @Test
    void threePhonesOfTwentyFiveCharactersPass() {
        assertThat(validate(b -> b.phone(PhoneKind.HOME, chars(25)).phone(PhoneKind.WORK, chars(25))
                .phone(PhoneKind.MOBILE, chars(25)))).isEmpty();
    }

    @Test
    void aFourthPhoneIsTooMany() {
        assertRejected(validate(b -> b.phone(PhoneKind.HOME, "1").phone(PhoneKind.WORK, "2")
                .phone(PhoneKind.MOBILE, "3").phone(PhoneKind.OTHER, "4")), "phone_numbers", Rule.MAX_COUNT);
    }

    @Test
    void aPhoneNumberOfTwentySixCharactersIsTooLong() {
        assertRejected(validate(b -> b.phone(PhoneKind.HOME, "1").phone(PhoneKind.WORK, chars(26))),
                "phone_numbers[1].phone_number", Rule.MAX_LENGTH);
    }

    @Test
    void threeAddressesAtEveryLengthLimitPass() {
        Address full = new Address(AddressKind.HOME, chars(255), chars(50), chars(50), chars(50), chars(50));
        assertThat(validate(b -> b.address(full).address(full).address(full))).isEmpty();
    }

    @Test
    void aFourthAddressIsTooMany() {
        Address a = new Address(AddressKind.OTHER, null, "Paris", null, null, null);
        assertRejected(validate(b -> b.address(a).address(a).address(a).address(a)), "street_addresses",
                Rule.MAX_COUNT);
    }

    @Test
    void aStreetOf256CharactersIsTooLong() {
        assertRejected(validate(b -> b.address(new Address(AddressKind.WORK, chars(256), null, null, null, null))),
                "street_addresses[0].street", Rule.MAX_LENGTH);
    }

    @Test
    void aCityOf51CharactersIsTooLong() {
        assertRejected(validate(b -> b.address(new Address(AddressKind.WORK, null, chars(51), null, null, null))),
                "street_addresses[0].city", Rule.MAX_LENGTH);
    }

    @Test
    void aStateOf51CharactersIsTooLong() {
        assertRejected(validate(b -> b.address(new Address(AddressKind.WORK, null, null, chars(51), null, null))),
                "street_addresses[0].state", Rule.MAX_LENGTH);
    }

    @Test
    void aPostalCodeOf51CharactersIsTooLong() {
        assertRejected(validate(b -> b.address(new Address(AddressKind.WORK, null, null, null, chars(51), null))),
                "street_addresses[0].postal_code", Rule.MAX_LENGTH);
    }

    @Test
    void aCountryOf51CharactersIsTooLong() {
        assertRejected(validate(b -> b.address(new Address(AddressKind.WORK, null, null, null, null, chars(51)))),
                "street_addresses[0].country", Rule.MAX_LENGTH);
    }

    @Test
    void twentyFiveCustomFieldsOf255CharactersPass() {
        assertThat(validate(b -> {
            for (int i = 0; i < 25; i++) {
                b.customField("cf" + i, chars(255));
            }
            return b;
        })).isEmpty();
    }

    @Test
    void aTwentySixthCustomFieldIsTooMany() {
        assertRejected(validate(b -> {
            for (int i = 0; i < 26; i++) {
                b.customField("cf" + i, "v");
            }
            return b;
        }), "custom_fields", Rule.MAX_COUNT);
    }

    @Test
    void aCustomFieldValueOf256CharactersIsTooLong() {
        assertRejected(validate(b -> b.customField("favourite_colour", chars(256))),
                "custom_fields.favourite_colour", Rule.MAX_LENGTH);
    }

    @Test
    void birthdayMonthWithoutDayIsRejected() {
        assertRejected(validate(b -> b.birthday(5, null)), "birthday_day", Rule.BOTH_OR_NEITHER);
    }

    @Test
    void birthdayDayWithoutMonthIsRejected() {
        assertRejected(validate(b -> b.birthday(null, 5)), "birthday_month", Rule.BOTH_OR_NEITHER);
    }

    @Test
    void birthdayMonthsOneAndTwelvePass() {
        assertThat(validate(b -> b.birthday(1, 1))).isEmpty();
        assertThat(validate(b -> b.birthday(12, 31))).isEmpty();
    }

    @Test
    void birthdayMonthThirteenIsOutOfRange() {
        assertRejected(validate(b -> b.birthday(13, 1)), "birthday_month", Rule.RANGE);
    }

    @Test
    void birthdayMonthZeroIsOutOfRange() {
        assertRejected(validate(b -> b.birthday(0, 1)), "birthday_month", Rule.RANGE);
    }

    @Test
    void birthdayDayZeroIsOutOfRange() {
        assertRejected(validate(b -> b.birthday(1, 0)), "birthday_day", Rule.RANGE);
    }

    @Test
    void birthdayDayThirtyTwoIsOutOfRange() {
        assertRejected(validate(b -> b.birthday(1, 32)), "birthday_day", Rule.RANGE);
    }

    @Test
    void birthdayThirtyFirstOfAprilIsOutOfRange() {
        assertThat(validate(b -> b.birthday(4, 30))).isEmpty();
        assertRejected(validate(b -> b.birthday(4, 31)), "birthday_day", Rule.RANGE);
    }

    @Test
    void birthdayTwentyNinthOfFebruaryPassesButThirtiethDoesNot() {
        assertThat(validate(b -> b.birthday(2, 29))).isEmpty();
        assertRejected(validate(b -> b.birthday(2, 30)), "birthday_day", Rule.RANGE);
    }

    @Test
    void anniversaryInEveryAcceptedFormPasses() {
        for (String date : List.of("2015-06-01", "2015-6-1", "2015/06/01", "2015/6/1", "06/01/2015", "6/1/2015",
                "6-1-2015", "6-01-2015", "06-01-2015")) {
            assertThat(validate(b -> b.anniversary(date))).as(date).isEmpty();
        }
    }

    @Test
    void anniversaryInAnotherFormIsAFormatError() {
        assertRejected(validate(b -> b.anniversary("1 Jun 2015")), "anniversary", Rule.FORMAT);
    }

    @Test
    void anniversaryThatIsNoCalendarDateIsAFormatError() {
        assertRejected(validate(b -> b.anniversary("2015-02-30")), "anniversary", Rule.FORMAT);
    }

    @Test
    void anniversaryOfElevenCharactersIsTooLong() {
        assertRejected(validate(b -> b.anniversary("2015-06-01x")), "anniversary", Rule.MAX_LENGTH);
    }

    @Test
    void aContactOnNoListIsRejected() {
        Contact contact = Contact.builder("ann@example.com").build();
        assertRejected(validator.validate(contact), "list_memberships", Rule.REQUIRED);
    }

    @Test
    void fiftyListsPassButFiftyOneAreTooMany() {
        assertThat(validate(b -> {
            for (int i = 1; i < 50; i++) {
                b.list("list " + i);
            }
            return b;
        })).isEmpty();
        assertRejected(validate(b -> {
            for (int i = 1; i < 51; i++) {
                b.list("list " + i);
            }
            return b;
        }), "list_memberships", Rule.MAX_COUNT);
    }

    @Test
    void everyBrokenRuleIsReportedNotJustTheFirst() {
        assertThat(validate(b -> b.firstName(chars(51)).birthday(13, 1)))
                .extracting(Rejection::field)
                .containsExactly("first_name", "birthday_month");
    }
}
