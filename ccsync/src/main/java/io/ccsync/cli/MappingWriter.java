package io.ccsync.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code config/mapping.yaml} for {@code ccsync init} from a sample's column names and the account's custom
 * fields and lists: only the matches it is sure of (a column named like a contact field, in any case and spacing:
 * "Email Address", "E-mail", "First Name", "Surname", "Company", "Mobile", "Zip"; a column named exactly like one of
 * the account's custom fields), the lists chosen, and a comment for each column it could not place.
 */
final class MappingWriter {
    /** Normalized column name (letters and digits, lower case) → where it goes. */
    private static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        known("email", "email", "emailaddress", "mail", "emailaddr", "mailaddress");
        known("first_name", "firstname", "first", "givenname", "forename", "fname");
        known("last_name", "lastname", "last", "surname", "familyname", "lname");
        known("company_name", "company", "companyname", "organization", "organisation", "employer");
        known("job_title", "jobtitle", "title", "position");
        known("phone:work", "phone", "phonenumber", "telephone", "tel", "workphone", "businessphone", "officephone");
        known("phone:mobile", "mobile", "mobilephone", "mobilenumber", "cell", "cellphone", "cellular");
        known("phone:home", "homephone");
        known("address:street", "street", "streetaddress", "address", "address1", "addressline1");
        known("address:city", "city", "town");
        known("address:state", "state", "province", "region", "county");
        known("address:postal_code", "zip", "zipcode", "postcode", "postalcode");
        known("address:country", "country");
        known("opt_out", "optedout", "optout", "unsubscribed", "donotemail", "donotmail");
        known("tags", "tags", "tag", "contacttags");
        known("sms_number", "sms", "smsnumber", "smsphone", "textnumber");
        known("sms_consent", "smsconsent", "smsoptin", "smsoptedin", "textoptin", "smspermission");
    }

    private static void known(String target, String... names) {
        for (String n : names) {
            KNOWN.put(n, target);
        }
    }

    /** What the writer decided, for init to tell the person. */
    record Result(String yaml, Map<String, String> matched, List<String> unmatched) {
    }

    private MappingWriter() {
    }

    /** "Email Address" → "emailaddress": case, spaces, dashes and underscores do not count. */
    static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
    }

    /**
     * {@code columns}: the sample's column names (none when there was no sample); {@code customFields}: the account's
     * custom field names; {@code lists}: the lists every contact joins; {@code source}: where the columns came from.
     */
    static Result write(List<String> columns, List<String> customFields, List<String> lists, String source) {
        Map<String, String> matched = new LinkedHashMap<>(); // target → column
        List<String> unmatched = new ArrayList<>();
        Map<String, String> fields = new LinkedHashMap<>();
        for (String f : customFields) {
            fields.putIfAbsent(normalize(f), f);
        }
        for (String column : columns) {
            String n = normalize(column);
            String target = KNOWN.get(n);
            if (target == null && fields.containsKey(n)) {
                target = "custom:" + fields.get(n);
            }
            if (target == null || matched.containsKey(target)) {
                unmatched.add(column);
            } else {
                matched.put(target, column);
            }
        }
        if (columns.isEmpty()) { // no sample: the usual names, as the shipped mapping has them
            for (String t : List.of("email", "first_name", "last_name")) {
                matched.put(t, t);
            }
        }
        StringBuilder y = new StringBuilder();
        y.append("# ccsync field mapping, written by `ccsync init`").append(source == null ? "" : " from " + source)
                .append(".\n# Keys on the left are Constant Contact contact fields, values the source's columns "
                        + "(matched case-insensitively).\n# The whole syntax, with every option: docs/sources.md.\n\n");
        if (matched.containsKey("email")) {
            y.append("email: ").append(quote(matched.get("email"))).append("\n");
        } else {
            y.append("# FIX: no column looked like an email address; put the name of the one that holds it here.\n")
                    .append("email: email\n");
        }
        for (String f : List.of("first_name", "last_name", "company_name", "job_title")) {
            if (matched.containsKey(f)) {
                y.append(f).append(": ").append(quote(matched.get(f))).append("\n");
            }
        }
        List<String> phones = new ArrayList<>();
        for (String kind : List.of("work", "mobile", "home")) {
            if (matched.containsKey("phone:" + kind)) {
                phones.add("  - {column: " + quote(matched.get("phone:" + kind)) + ", kind: " + kind + "}\n");
            }
        }
        if (!phones.isEmpty()) {
            y.append("\n# Up to 3 per contact: home, work, mobile or other.\nphones:\n");
            phones.forEach(y::append);
        }
        List<String> address = new ArrayList<>();
        for (String part : List.of("street", "city", "state", "postal_code", "country")) {
            if (matched.containsKey("address:" + part)) {
                address.add("    " + part + ": " + quote(matched.get("address:" + part)) + "\n");
            }
        }
        if (!address.isEmpty()) {
            y.append("\naddresses:\n  - kind: home\n");
            address.forEach(y::append);
        }
        List<String> custom = matched.keySet().stream().filter(k -> k.startsWith("custom:")).toList();
        if (!custom.isEmpty()) {
            y.append("\n# Custom fields of the account (Contacts > Custom fields) -> columns.\ncustom_fields:\n");
            for (String k : custom) {
                y.append("  ").append(quote(k.substring("custom:".length()))).append(": ").append(quote(matched.get(k)))
                        .append("\n");
            }
        }
        y.append("\n# The lists every contact joins (they exist in the account).\nlists:\n  default: [")
                .append(String.join(", ", lists.stream().map(MappingWriter::quote).toList())).append("]\n");
        if (matched.containsKey("opt_out")) {
            y.append("\n# The column saying a person opted out: such a contact is sent as unsubscribed, never the "
                    + "other way round.\nopt_out:\n  column: ").append(quote(matched.get("opt_out")))
                    .append("\n  true_values: [\"true\", \"yes\", \"1\", \"y\", \"x\"]\n");
        }
        if (matched.containsKey("tags")) {
            y.append("\n# Tag names, separated by commas; each must exist in the account (Contacts > Tags) or the record "
                    + "is rejected.\ntags:\n  column: ").append(quote(matched.get("tags"))).append("\n  separator: \",\"\n");
        }
        if (matched.containsKey("sms_number")) {
            y.append("\nsms_number: ").append(quote(matched.get("sms_number"))).append("\n");
            if (matched.containsKey("sms_consent")) {
                y.append("# Sent as explicit SMS consent only where the column says yes; never lowered, never raised "
                        + "by ccsync.\nsms_consent:\n  column: ").append(quote(matched.get("sms_consent")))
                        .append("\n  true_values: [\"true\", \"yes\", \"1\", \"y\", \"x\"]\n");
            }
        }
        if (!unmatched.isEmpty()) {
            y.append("\n# Columns init could not place (no contact field or custom field of that name). Map one by "
                    + "hand if it\n# matters, e.g. under custom_fields: {NAME_IN_CONSTANT_CONTACT: COLUMN}, after "
                    + "creating the custom field.\n");
            for (String column : unmatched) {
                y.append("#   ").append(column.replace("\n", " ")).append("\n");
            }
        }
        return new Result(y.toString(), matched, unmatched);
    }

    /** A YAML double-quoted scalar. */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
