package io.ccsync.contact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingFileTest {
    private static final String LISTS = "lists: {default: [Newsletter]}\n";

    private static MappingException error(String yaml) {
        return catchThrowableOfType(MappingException.class, () -> ContactMapping.parse(yaml, "mapping.yaml"));
    }

    @Test
    void anUnknownContactFieldNamesTheKeyAndTheAllowedOnes() {
        MappingException e = error("email: email\nfirstname: fn\n" + LISTS);
        assertThat(e.key()).isEqualTo("firstname");
        assertThat(e.getMessage()).startsWith("mapping.yaml: firstname: unknown key")
                .contains("first_name", "company_name", "custom_fields", "opt_out");
    }

    @Test
    void anUnknownOptionOfAFieldNamesTheAllowedOptions() {
        MappingException e = error("email: email\nlast_name: {column: ln, capitalize: true}\n" + LISTS);
        assertThat(e.key()).isEqualTo("last_name.capitalize");
        assertThat(e.getMessage()).contains("column, value, trim, lower, upper");
    }

    @Test
    void tagsAndSmsKeysAreCheckedWithTheirKeyNamed() {
        assertThat(error("email: email\ntags: {}\n" + LISTS).getMessage()).contains("tags: needs 'default' or 'column'");
        assertThat(error("email: email\ntags: {column: t, colour: red}\n" + LISTS).key()).isEqualTo("tags.colour");
        assertThat(error("email: email\nsms_consent: {column: ok, date: {column: d, format: \"yy\"}}\n" + LISTS).key())
                .isEqualTo("sms_consent.date.format");
        assertThat(error("email: email\nsms_consent: {column: ok, true_values: []}\n" + LISTS).key())
                .isEqualTo("sms_consent.true_values");
    }

    @Test
    void tagsFromTheFixedListAndTheColumnAndSmsConsentWithItsDateAreMapped() {
        ContactMapping m = ContactMapping.parse("email: email\n" + LISTS + "tags: {default: [CRM], column: t, "
                + "separator: \";\"}\nsms_number: mobile\nsms_consent: {column: ok, date: {column: d, format: "
                + "\"dd/MM/yyyy\"}}\n", "mapping.yaml");
        assertThat(m.tagNames()).containsExactly("CRM");
        assertThat(m.columns()).contains("t", "mobile", "ok", "d");
        Contact c = m.map(java.util.Map.of("email", "a@b.co", "t", " VIP ;; Golf", "mobile", "+1 555 0100",
                "ok", "Yes", "d", "03/12/2026")).contact();
        assertThat(c.tagNames()).containsExactly("CRM", "VIP", "Golf");
        assertThat(c.smsAddress()).isEqualTo("+15550100");
        assertThat(c.smsConsent()).isTrue();
        assertThat(c.smsConsentDate()).isEqualTo("2026-12-03");
        Contact no = m.map(java.util.Map.of("email", "a@b.co", "ok", "no", "d", "03/12/2026")).contact();
        assertThat(no.smsConsent()).isFalse();
        assertThat(no.smsConsentDate()).isNull();
        assertThat(m.map(java.util.Map.of("email", "a@b.co", "mobile", "1", "ok", "y", "d", "2026-12-03"))
                .rejections()).extracting(Rejection::field).containsExactly("sms_consent_date");
    }

    @Test
    void aMissingEmailIsAnError() {
        assertThat(error("first_name: fn\n" + LISTS).key()).isEqualTo("email");
    }

    @Test
    void missingListsIsAnError() {
        assertThat(error("email: email\n").key()).isEqualTo("lists");
    }

    @Test
    void listsWithNeitherDefaultNorColumnIsAnError() {
        assertThat(error("email: email\nlists: {separator: \";\"}\n").getMessage())
                .contains("lists", "needs 'default' or 'column'");
    }

    @Test
    void aFieldWithBothColumnAndValueIsAnError() {
        MappingException e = error("email: email\ncompany_name: {column: c, value: Acme}\n" + LISTS);
        assertThat(e.key()).isEqualTo("company_name");
        assertThat(e.getMessage()).contains("exactly one of 'column'", "'value'");
    }

    @Test
    void lowerAndUpperTogetherIsAnError() {
        assertThat(error("email: email\ncompany_name: {column: c, lower: true, upper: true}\n" + LISTS).key())
                .isEqualTo("company_name");
    }

    @Test
    void aTransformThatIsNotTrueOrFalseIsAnError() {
        MappingException e = error("email: email\ncompany_name: {column: c, trim: sometimes}\n" + LISTS);
        assertThat(e.key()).isEqualTo("company_name.trim");
        assertThat(e.getMessage()).contains("true or false");
    }

    @Test
    void anInvalidDatePatternIsAnError() {
        MappingException e = error("email: email\nbirthday: {column: bd, format: \"yyyy-MM-dd-{\"}\n" + LISTS);
        assertThat(e.key()).isEqualTo("birthday.format");
        assertThat(e.getMessage()).contains("not a usable date format", "yyyy-MM-dd");
    }

    @Test
    void aBirthdayFormatWithoutADayIsAnError() {
        assertThat(error("email: email\nbirthday: {column: bd, format: yyyy-MM}\n" + LISTS).key())
                .isEqualTo("birthday.format");
    }

    @Test
    void anAnniversaryFormatWithoutAYearIsAnError() {
        assertThat(error("email: email\nanniversary: {column: an, format: MM-dd}\n" + LISTS).getMessage())
                .contains("anniversary.format", "a year, a month and a day");
    }

    @Test
    void aFormatOnAFieldThatIsNoDateIsAnError() {
        assertThat(error("email: email\nfirst_name: {column: fn, format: yyyy}\n" + LISTS).key())
                .isEqualTo("first_name.format");
    }

    @Test
    void aPhoneKindThatDoesNotExistNamesTheAllowedKinds() {
        MappingException e = error("email: email\nphones: [{column: p, kind: work}, {column: c, kind: cell}]\n"
                + LISTS);
        assertThat(e.key()).isEqualTo("phones[1].kind");
        assertThat(e.getMessage()).contains("'cell'", "home, work, mobile, other");
    }

    @Test
    void aPhoneWithoutKindIsAnError() {
        assertThat(error("email: email\nphones: [{column: p}]\n" + LISTS).key()).isEqualTo("phones[0].kind");
    }

    @Test
    void anAddressCannotBeMobile() {
        MappingException e = error("email: email\naddresses: [{kind: mobile, city: city}]\n" + LISTS);
        assertThat(e.key()).isEqualTo("addresses[0].kind");
        assertThat(e.getMessage()).contains("home, work, other");
    }

    @Test
    void anUnknownAddressPartNamesTheAllowedParts() {
        MappingException e = error("email: email\naddresses: [{kind: home, zip: zip}]\n" + LISTS);
        assertThat(e.key()).isEqualTo("addresses[0].zip");
        assertThat(e.getMessage()).contains("street, city, state, postal_code, country");
    }

    @Test
    void invalidYamlIsAnErrorNamingTheFile() {
        assertThat(error("email: [unclosed\n").getMessage()).startsWith("mapping.yaml: is not valid YAML");
    }

    @Test
    void aMissingFileSaysSo(@TempDir Path dir) {
        Path file = dir.resolve("mapping.yaml");
        assertThatThrownBy(() -> ContactMapping.load(file)).isInstanceOf(MappingException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("does not exist");
    }

    @Test
    void loadNamesTheFileInItsErrors(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("mapping.yaml"), "email: email\nnickname: nick\n" + LISTS);
        MappingException e = catchThrowableOfType(MappingException.class, () -> ContactMapping.load(file));
        assertThat(e.file()).isEqualTo(file.toString());
        assertThat(e.getMessage()).startsWith(file + ": nickname:");
    }

    @Test
    void unquotedYesInTrueValuesIsStillYes() {
        ContactMapping m = ContactMapping.parse("email: email\nopt_out: {column: out, true_values: [yes, x]}\n"
                + LISTS, "mapping.yaml");
        assertThat(m.map(Map.of("email", "a@b.co", "out", "yes")).contact().optedOut()).isTrue();
    }
}
