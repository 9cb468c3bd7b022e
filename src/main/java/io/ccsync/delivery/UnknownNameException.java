package io.ccsync.delivery;

/**
 * A name in the mapping file that Constant Contact does not know (a custom field or a list): a configuration error,
 * raised before any contact is sent rather than once per record.
 */
public final class UnknownNameException extends RuntimeException {
    public UnknownNameException(String message) {
        super(message);
    }
}
