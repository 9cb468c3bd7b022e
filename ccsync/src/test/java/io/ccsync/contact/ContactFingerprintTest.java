package io.ccsync.contact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContactFingerprintTest {
    private static Contact.Builder ann() {
        return Contact.builder("ann@example.com").firstName("Ann").birthday(7, 4).phone(PhoneKind.WORK, "555 0100")
                .address(new Address(AddressKind.HOME, "1 Main St", "Springfield", null, null, "US"))
                .customField("favourite_colour", "green").customField("tier", "gold").list("Newsletter").list("VIP");
    }

    private static String hash(Contact.Builder b) {
        return ContactFingerprint.of(b.build()).hash();
    }

    @Test
    void isAHexSha256() {
        assertThat(hash(ann())).matches("[0-9a-f]{64}");
    }

    @Test
    void theSameDataGivesTheSameFingerprint() {
        assertThat(hash(ann())).isEqualTo(hash(ann()));
    }

    @Test
    void isTheSha256OfAFixedCanonicalFormSoItHoldsAcrossRunsAndJvms() {
        // sha256 of {"v":"1","email":"ann@example.com","permission":null,"first_name":"Ann","last_name":null,
        // "job_title":null,"company_name":null,"birthday_month":null,"birthday_day":null,"anniversary":null,
        // "phones":[],"addresses":[],"custom_fields":{},"lists":["Newsletter"]}, computed outside Java.
        // If this changes on purpose, bump ContactFingerprint.VERSION: every contact is then sent once more.
        assertThat(hash(Contact.builder("ann@example.com").firstName("Ann").list("Newsletter")))
                .isEqualTo("71d72cae22a73e7b47015d07410eaf9d6bb745a48d0e5b6874376dd951a0c294");
    }

    @Test
    void isKeyedByTheLowerCasedEmail() {
        assertThat(ContactFingerprint.of(Contact.builder("Ann@Example.com").build()).email())
                .isEqualTo("ann@example.com");
    }

    @Test
    void emailCaseDoesNotChangeIt() {
        assertThat(hash(Contact.builder("Ann@Example.com").firstName("Ann")))
                .isEqualTo(hash(Contact.builder("ann@example.com").firstName("Ann")));
    }

    @Test
    void customFieldAndListOrderDoNotChangeIt() {
        Contact.Builder reordered = Contact.builder("ann@example.com").firstName("Ann").birthday(7, 4)
                .phone(PhoneKind.WORK, "555 0100")
                .address(new Address(AddressKind.HOME, "1 Main St", "Springfield", null, null, "US"))
                .customField("tier", "gold").customField("favourite_colour", "green").list("VIP").list("Newsletter");
        assertThat(hash(reordered)).isEqualTo(hash(ann()));
    }

    @Test
    void aChangedNameChangesIt() {
        assertThat(hash(ann().lastName("Lee"))).isNotEqualTo(hash(ann()));
    }

    @Test
    void optingOutChangesIt() {
        assertThat(hash(ann().unsubscribed())).isNotEqualTo(hash(ann()));
    }

    @Test
    void aChangedPhoneKindChangesIt() {
        Contact.Builder b = Contact.builder("ann@example.com").phone(PhoneKind.HOME, "555 0100");
        assertThat(hash(b)).isNotEqualTo(hash(Contact.builder("ann@example.com").phone(PhoneKind.WORK, "555 0100")));
    }

    @Test
    void aChangedCustomFieldValueChangesIt() {
        assertThat(hash(ann().customField("tier", "silver"))).isNotEqualTo(hash(ann()));
    }

    @Test
    void anAddedListChangesIt() {
        assertThat(hash(ann().list("Customers"))).isNotEqualTo(hash(ann()));
    }

    @Test
    void valuesCannotShiftBetweenFields() {
        assertThat(hash(Contact.builder("ann@example.com").firstName("Ann")))
                .isNotEqualTo(hash(Contact.builder("ann@example.com").lastName("Ann")));
    }
}
