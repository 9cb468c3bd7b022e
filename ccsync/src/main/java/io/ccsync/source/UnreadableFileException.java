package io.ccsync.source;

import java.io.IOException;

/** Reading a file stopped here: what came before was read, nothing after can be. */
public final class UnreadableFileException extends IOException {
    private final long line;

    public UnreadableFileException(long line, String reason) {
        super(reason);
        this.line = line;
    }

    /** The line where reading broke (0: before the first line). */
    public long line() {
        return line;
    }
}
