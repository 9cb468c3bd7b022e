package io.ccsync.cli;

/**
 * The exit codes of every {@code ccsync} command, one table so that a code means one thing whichever command returns
 * it: a cron job or a monitoring check can tell a typo (2) from an account to reconnect (3) or a file it cannot read
 * (4). Each command lists the ones it returns in its {@code --help}; ExitCodesTest holds them to this table.
 */
public final class ExitCodes {
    /** Done; for {@code ccsync token}: healthy. */
    public static final int OK = 0;
    /**
     * The command ran and reports a problem, or could not do its work (its message says why and what to do); for
     * {@code ccsync token}: a refresh is due, and for {@code ccsync check}: some records would be rejected.
     */
    public static final int FAILED = 1;
    /** The command line is wrong: an unknown command or option, a missing argument (picocli's convention). */
    public static final int USAGE = 2;
    /** Re-authorization needed: nothing stored, or the refresh token is gone or refused; run {@code ccsync authorize}. */
    public static final int REAUTHORIZE = 3;
    /** Something the command must read cannot be read: a file, the mapping, ccsync's database, the token store. */
    public static final int CANNOT_READ = 4;

    private ExitCodes() {
    }
}
