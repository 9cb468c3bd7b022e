package io.ccsync.auth;

import java.io.IOException;

/**
 * Where one refresh's raw token endpoint answer is kept the instant it arrives: opened, and its code path rehearsed,
 * before the request leaves, so that after the server's last byte only the write itself remains (a write and an
 * fdatasync for the file store, one prepared UPDATE and its commit for the jdbc store). What it keeps is what
 * {@link TokenStore#incoming()} returns afterwards. See {@link TokenAnswerJournal}.
 */
interface AnswerSlot extends AutoCloseable {

    /**
     * Makes {@code answer} (the body's bytes, as received) durable; returns when it is. Returns the
     * {@link System#nanoTime()} from which a killed process would no longer lose it (the file's write returned, before
     * its sync; the row's commit).
     */
    long keep(byte[] answer) throws IOException;

    /**
     * Runs the same code as {@link #keep} once on a dummy answer, without touching what the store keeps, so that the
     * classes and first-call work of that path are done before the real answer is awaited.
     */
    void rehearse(byte[] dummy) throws IOException;

    /** Where the answer goes, for log lines (never its content). */
    String describe();

    @Override
    void close();
}
