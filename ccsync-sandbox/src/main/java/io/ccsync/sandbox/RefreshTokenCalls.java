package io.ccsync.sandbox;

/**
 * How many {@code refresh_token} grants reached the token endpoint: accepted, rejected (invalid_grant,
 * invalid_client, invalid_request) and throttled (429). Single-flight tests compare these.
 */
public record RefreshTokenCalls(int succeeded, int rejected, int throttled) {
    public int total() {
        return succeeded + rejected + throttled;
    }
}
