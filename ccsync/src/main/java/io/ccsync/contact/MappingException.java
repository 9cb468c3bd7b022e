package io.ccsync.contact;

/** The mapping file cannot be used: says which file, which key, and what is allowed there. Thrown at start-up. */
public final class MappingException extends RuntimeException {
    private final String file;
    private final String key;

    MappingException(String file, String key, String problem) {
        super(file + (key == null ? "" : ": " + key) + ": " + problem);
        this.file = file;
        this.key = key;
    }

    public String file() {
        return file;
    }

    /** The key path in the file, such as {@code phones[1].kind}; null when the whole file is at fault. */
    public String key() {
        return key;
    }
}
