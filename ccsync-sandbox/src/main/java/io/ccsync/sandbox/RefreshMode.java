package io.ccsync.sandbox;

/** How the sandbox's token endpoint answers a refresh, as each Constant Contact app chooses. */
public enum RefreshMode {
    /** Every refresh returns a new refresh token and kills all earlier ones of that chain. */
    ROTATING,
    /** Every refresh returns the same refresh token. */
    LONG_LIVED
}
