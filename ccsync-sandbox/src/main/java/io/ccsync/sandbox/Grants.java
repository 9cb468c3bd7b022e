package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the authorization server remembers: pending codes, device codes, refresh-token chains, and a record of
 * every token issued (for the inspector, which never sees a token value). Callers hold the instance's lock.
 */
final class Grants {

    record Code(String clientId, String redirectUri, List<String> scopes, String challenge, Instant expiresAt) {
    }

    enum DeviceState { PENDING, APPROVED, DENIED }

    static final class Device {
        final String deviceCode;
        final String userCode;
        final String clientId;
        final List<String> scopes;
        final Instant expiresAt;
        final long intervalSeconds;
        Instant lastPoll;
        DeviceState state = DeviceState.PENDING;

        Device(String deviceCode, String userCode, String clientId, List<String> scopes, Instant expiresAt,
                long intervalSeconds) {
            this.deviceCode = deviceCode;
            this.userCode = userCode;
            this.clientId = clientId;
            this.scopes = scopes;
            this.expiresAt = expiresAt;
            this.intervalSeconds = intervalSeconds;
        }
    }

    /** One authorization's line of refresh tokens; in rotating mode only the newest one works. */
    static final class Chain {
        final String clientId;
        final List<String> scopes;
        final boolean publicClient;
        final List<RefreshToken> tokens = new ArrayList<>();
        Instant lastUsed;

        Chain(String clientId, List<String> scopes, boolean publicClient, Instant now) {
            this.clientId = clientId;
            this.scopes = scopes;
            this.publicClient = publicClient;
            this.lastUsed = now;
        }
    }

    static final class RefreshToken {
        final Chain chain;
        final TokenRecord record;

        RefreshToken(Chain chain, TokenRecord record) {
            this.chain = chain;
            this.record = record;
        }
    }

    /** What the inspector shows of a token: never its value. */
    static final class TokenRecord {
        final String id;
        final String kind;
        final String clientId;
        final List<String> scopes;
        final Instant issuedAt;
        final Instant expiresAt;
        String status = "active";

        TokenRecord(String id, String kind, String clientId, List<String> scopes, Instant issuedAt, Instant expiresAt) {
            this.id = id;
            this.kind = kind;
            this.clientId = clientId;
            this.scopes = scopes;
            this.issuedAt = issuedAt;
            this.expiresAt = expiresAt;
        }

        ObjectNode toJson(Instant now) {
            ObjectNode n = Json.object();
            n.put(kind.equals("access") ? "jti" : "id", id);
            n.put("kind", kind);
            n.put("client_id", clientId);
            ArrayNode scp = n.putArray("scopes");
            scopes.forEach(scp::add);
            n.put("issued_at", issuedAt.toString());
            if (expiresAt != null) {
                n.put("expires_at", expiresAt.toString());
            }
            boolean expired = expiresAt != null && !expiresAt.isAfter(now);
            n.put("status", expired && status.equals("active") ? "expired" : status);
            return n;
        }
    }

    final Map<String, Code> codes = new HashMap<>();
    final Map<String, Device> devicesByCode = new HashMap<>();
    final Map<String, Device> devicesByUserCode = new HashMap<>();
    final Map<String, RefreshToken> refreshTokens = new HashMap<>();
    final List<TokenRecord> records = new ArrayList<>();
    int refreshSucceeded;
    int refreshRejected;
    int refreshThrottled;
}
