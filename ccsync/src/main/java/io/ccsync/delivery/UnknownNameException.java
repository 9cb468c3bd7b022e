package io.ccsync.delivery;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Names in the mapping file that the Constant Contact account lacks (custom fields, lists, tags): a configuration error,
 * found before any contact is sent rather than once per record. It names each one with its mapping key and the fix;
 * the mapping gate pauses the sources on it until the account or the file is fixed.
 */
public final class UnknownNameException extends RuntimeException {
    /** What kind of name: a custom field, a list or a tag, with where a person makes one. */
    public enum Kind {
        CUSTOM_FIELD("custom field", "Contacts > Custom fields"),
        LIST("list", "Contacts > Lists"),
        TAG("tag", "Contacts > Tags");

        private final String label;
        private final String where;

        Kind(String label, String where) {
            this.label = label;
            this.where = where;
        }

        public String label() {
            return label;
        }

        public String where() {
            return where;
        }
    }

    /** One missing name: its kind, the name as the mapping spells it, and the mapping key that uses it. */
    public record Missing(Kind kind, String name, String key) {
        @Override
        public String toString() {
            return kind.label() + " '" + name + "' (" + key + ")";
        }
    }

    private final List<Missing> missing;

    public UnknownNameException(String mappingFile, List<Missing> missing) {
        super(message(mappingFile, missing));
        this.missing = List.copyOf(missing);
    }

    public List<Missing> missing() {
        return missing;
    }

    /** One sentence naming every missing name and the three ways out. */
    public static String message(String mappingFile, List<Missing> missing) {
        String names = missing.stream().map(Missing::toString).collect(Collectors.joining(", "));
        String where = missing.stream().map(m -> m.kind().where()).distinct().collect(Collectors.joining(", "));
        return mappingFile + ": Constant Contact has no " + names + ". Create " + (missing.size() == 1 ? "it" : "them")
                + " in Constant Contact (" + where + "), fix the mapping file, or set ccsync.mapping.create-missing=true"
                + " to let ccsync create " + (missing.size() == 1 ? "it" : "them") + ".";
    }
}
