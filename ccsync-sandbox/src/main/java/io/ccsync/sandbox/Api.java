package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;

/**
 * The V3 API's front door: bearer token, per-client limits, scope, content type, then the resource. The order
 * is Constant Contact's as far as a client can tell: an unauthenticated call costs no quota.
 */
final class Api {
    private static final String CONTACT_ID = "[0-9a-fA-F-]{36}";

    private final TokenIssuer issuer;
    private final RateLimits limits;
    private final ContactsApi contacts;
    private final BulkImports imports;
    private final Account account;

    Api(TokenIssuer issuer, RateLimits limits, ContactsApi contacts, BulkImports imports, Account account) {
        this.account = account;
        this.issuer = issuer;
        this.limits = limits;
        this.contacts = contacts;
        this.imports = imports;
    }

    void handle(HttpCall call) throws IOException {
        Optional<JWTClaimsSet> claims = bearer(call.header("Authorization"));
        if (claims.isEmpty()) {
            call.setHeader("WWW-Authenticate", "Bearer realm=api.cc.email");
            call.json(401, Json.error("unauthorized", "Unauthorized"));
            return;
        }
        String clientId = (String) claims.get().getClaim("cid");
        call.clientId(clientId);
        switch (limits.admit(clientId)) {
            case THROTTLED -> {
                call.json(429, Json.error("throttled", "Too Many Requests"));
                return;
            }
            case QUOTA_EXCEEDED -> {
                call.json(429, Json.error("quota_exceeded", "Limit Exceeded"));
                return;
            }
            default -> { }
        }
        if (!scopes(claims.get()).contains("contact_data")) {
            call.json(403, Json.errors("forbidden", "The access token does not grant the contact_data scope"));
            return;
        }
        String method = call.method();
        if ((method.equals("POST") || method.equals("PUT")) && !"application/json".equals(call.mediaType())) {
            call.json(415, Json.errors("unsupported_media_type", "Content-Type must be application/json, was "
                    + call.header("Content-Type")));
            return;
        }
        route(call, call.path().substring("/v3".length()), method);
    }

    private void route(HttpCall call, String path, String method) throws IOException {
        if (path.equals("/contacts")) {
            switch (method) {
                case "GET" -> contacts.list(call);
                case "POST" -> withBody(call, body -> contacts.create(call, body));
                default -> notAllowed(call);
            }
        } else if (path.equals("/contacts/sign_up_form")) {
            if (method.equals("POST")) {
                withBody(call, body -> contacts.signUpForm(call, body));
            } else {
                notAllowed(call);
            }
        } else if (path.matches("/contacts/" + CONTACT_ID)) {
            String id = path.substring("/contacts/".length());
            switch (method) {
                case "GET" -> contacts.get(call, id);
                case "PUT" -> withBody(call, body -> contacts.put(call, id, body));
                case "DELETE" -> contacts.delete(call, id);
                default -> notAllowed(call);
            }
        } else if (path.equals("/contact_custom_fields")) {
            switch (method) {
                case "GET" -> contacts.customFields(call);
                case "POST" -> withBody(call, body -> contacts.createCustomField(call, body));
                default -> notAllowed(call);
            }
        } else if (path.equals("/contact_lists")) {
            switch (method) {
                case "GET" -> contacts.lists(call);
                case "POST" -> withBody(call, body -> contacts.createList(call, body));
                default -> notAllowed(call);
            }
        } else if (path.equals("/contact_tags")) {
            switch (method) {
                case "GET" -> contacts.tags(call);
                case "POST" -> withBody(call, body -> contacts.createTag(call, body));
                default -> notAllowed(call);
            }
        } else if (path.equals("/activities/contacts_taggings_add")
                || path.equals("/activities/contacts_taggings_remove")) {
            if (method.equals("POST")) {
                boolean add = path.endsWith("_add");
                withBody(call, body -> contacts.taggings(call, body, add, imports));
            } else {
                notAllowed(call);
            }
        } else if (path.equals("/activities")) {
            if (method.equals("GET")) {
                imports.list(call);
            } else {
                notAllowed(call);
            }
        } else if (path.equals("/activities/contacts_json_import")) {
            if (method.equals("POST")) {
                imports.post(call);
            } else {
                notAllowed(call);
            }
        } else if (path.equals("/activities/remove_list_memberships") || path.equals("/activities/contact_delete")) {
            if (method.equals("POST")) {
                String kind = path.substring("/activities/".length());
                withBody(call, body -> new ContactActivities(account, imports).post(call, kind, body));
            } else {
                notAllowed(call);
            }
        } else if (path.matches("/activities/[^/]+")) {
            if (method.equals("GET")) {
                imports.get(call, path.substring("/activities/".length()));
            } else {
                notAllowed(call);
            }
        } else {
            call.json(404, Json.errors("not_found", "The sandbox has no V3 resource at /v3" + path));
        }
    }

    private interface BodyHandler {
        void accept(JsonNode body) throws IOException;
    }

    private static void withBody(HttpCall call, BodyHandler handler) throws IOException {
        JsonNode body;
        try {
            body = Json.parse(call.body());
        } catch (HttpCall.BodyTooLarge e) {
            throw e;
        } catch (IOException e) {
            call.json(400, Json.errors("json.parse.error", "The request body is not valid JSON"));
            return;
        }
        if (body == null || !body.isObject()) {
            call.json(400, Json.errors(ContactsApi.VALIDATION, "The request body must be a JSON object"));
            return;
        }
        handler.accept(body);
    }

    private static void notAllowed(HttpCall call) throws IOException {
        call.json(405, Json.errors("method_not_allowed", call.method() + " is not allowed on " + call.path()));
    }

    private Optional<JWTClaimsSet> bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return issuer.verify(header.substring(7).trim());
    }

    private static List<String> scopes(JWTClaimsSet claims) {
        try {
            List<String> scp = claims.getStringListClaim("scp");
            return scp == null ? List.of() : scp;
        } catch (ParseException e) {
            return List.of();
        }
    }
}
