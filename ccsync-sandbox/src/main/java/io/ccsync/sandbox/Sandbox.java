package io.ccsync.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Constant Contact: the authorization server and a V3 API subset on one loopback port, following
 * {@code constant-contact-v3.md} down to its rough edges, plus an inspector under {@code /sandbox}.
 * Start one with {@link #start(SandboxOptions)}; close it to free the port and stop its threads.
 */
public final class Sandbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    /** The user every token speaks for: the sandbox has one account. */
    static final String SUBJECT = "sandbox.user@example.com";
    static final String PLATFORM_USER_ID = "0f6e2a52-8a6f-4f3e-9d1c-3b0f0e2c7a11";

    private final SandboxOptions options;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String baseUrl;
    private final Clock clock;
    private final Faults faults;
    private final RequestLog requestLog = new RequestLog();
    private final RateLimits apiLimits;
    private final Account account;
    private final AuthorizationServer authorizationServer;
    private final BulkImports imports;
    private final Api api;
    private final ContactsApi contactsApi;
    private final Inspector inspector;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.List<java.util.function.Consumer<TokenAnswer>> tokenAnswerListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private Sandbox(SandboxOptions options, HttpServer server, ExecutorService executor) {
        this.options = options;
        this.server = server;
        this.executor = executor;
        this.clock = options.clock();
        this.baseUrl = "http://localhost:" + server.getAddress().getPort();
        this.faults = new Faults(options.failRate(), options.dropRate(), options.lostAnswerRate(), options.latency(), options.seed());
        this.apiLimits = new RateLimits(options.rateLimit(), options.dailyLimit(), clock);
        this.account = new Account(clock);
        TokenIssuer issuer = new TokenIssuer(baseUrl + "/oauth2/" + AuthorizationServer.AUTH_SERVER_ID, clock);
        this.authorizationServer = new AuthorizationServer(options, issuer, baseUrl, SUBJECT, PLATFORM_USER_ID);
        ContactsApi contacts = new ContactsApi(account);
        this.imports = new BulkImports(account, contacts, options);
        this.api = new Api(issuer, apiLimits, contacts, imports, account);
        this.contactsApi = contacts;
        this.inspector = new Inspector(this);
    }

    static {
        // Send each answer as it is written, as a real server does: without TCP_NODELAY the JDK server's body write
        // waits behind the headers' delayed ACK (up to 40 ms), which the client would see as a slow token endpoint.
        // Read once per JVM when the JDK's HTTP server is first used, so it is set before any sandbox starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Starts a sandbox on loopback; throws UncheckedIOException when the port is taken. */
    public static Sandbox start(SandboxOptions options) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 64);
        } catch (BindException e) {
            throw new UncheckedIOException("port " + options.port() + " is already in use", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open port " + options.port(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "ccsync-sandbox-http-" + n.incrementAndGet());
            t.setDaemon(true); // a sandbox a test forgot to close must not keep the JVM alive
            return t;
        });
        Sandbox sandbox = new Sandbox(options, server, executor);
        server.setExecutor(executor);
        server.createContext("/", exchange -> sandbox.dispatch(new HttpCall(exchange)));
        server.start();
        LOG.info("Constant Contact sandbox listening on {}", sandbox.baseUrl);
        return sandbox;
    }

    private void dispatch(HttpCall call) {
        String path = call.path();
        boolean inspection = path.equals("/sandbox") || path.startsWith("/sandbox/");
        if (path.equals(AuthorizationServer.TOKEN)) {
            call.afterAnswer(status -> tokenAnswered(call, status));
        }
        if (!inspection) {
            call.beforeAnswer(status -> requestLog.add(call.method(), path, call.rawQuery(), status, call.clientId(),
                    clock.instant(), call.answerLost()));
        }
        try {
            HostCheck.Refusal refused = HostCheck.refusal(call.header("Host"), call.header("Origin"));
            if (refused != null) {
                call.json(refused.status(), Json.errors(refused.key(), refused.message()));
                return;
            }
            if (inspection) {
                inspector.handle(call);
                return;
            }
            boolean api = path.equals("/v3") || path.startsWith("/v3/");
            if ((api || path.equals(AuthorizationServer.TOKEN)) && injectFault(call, api)) {
                return;
            }
            if (api) {
                this.api.handle(call);
            } else if (path.startsWith("/oauth2/")) {
                authorizationServer.handle(call);
            } else if (path.equals("/")) {
                call.redirect("/sandbox");
            } else {
                call.json(404, Json.errors("not_found", "Nothing at " + path));
            }
        } catch (HttpCall.BodyTooLarge e) {
            answerQuietly(call, 413, "request_too_large", e.getMessage());
        } catch (Exception e) {
            LOG.warn("sandbox failed on {} {}: {}", call.method(), path, e.toString());
            answerQuietly(call, 500, "server_error", "The sandbox failed: " + e.getClass().getSimpleName());
        } finally {
            if (!inspection && !call.answered()) {
                requestLog.add(call.method(), path, call.rawQuery(), 0, call.clientId(), clock.instant(), false);
            }
            call.close();
        }
    }

    /**
     * Latency, then maybe a drop or a 500/503 (all before the request is looked at; true when answered), or a lost
     * answer: the request goes on to be handled in full, and its answer is then not written.
     */
    private boolean injectFault(HttpCall call, boolean api) throws IOException, InterruptedException {
        Duration latency = faults.latency();
        if (!latency.isZero()) {
            Thread.sleep(latency.toMillis());
        }
        switch (faults.draw()) {
            case DROP -> {
                call.drop();
                return true;
            }
            case INTERNAL_ERROR -> {
                call.json(500, api ? Json.errors("server_error", "Internal Server Error")
                        : Json.oauthError("server_error", "Internal Server Error"));
                return true;
            }
            case UNAVAILABLE -> {
                call.json(503, api ? Json.errors("service_unavailable", "Service Unavailable")
                        : Json.oauthError("temporarily_unavailable", "Service Unavailable"));
                return true;
            }
            case LOST_ANSWER -> {
                call.loseAnswer();
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private void tokenAnswered(HttpCall call, int status) {
        if (tokenAnswerListeners.isEmpty()) {
            return;
        }
        long nanos = System.nanoTime();
        Instant at = Instant.now(); // the system clock, not the sandbox's: a child process compares with its own
        String grant;
        try {
            grant = call.param("grant_type");
        } catch (IOException e) {
            grant = null;
        }
        TokenAnswer answer = new TokenAnswer(grant, status, call.bodyWriteStarted(), at, nanos);
        tokenAnswerListeners.forEach(l -> l.accept(answer));
    }

    /**
     * An answer of the token endpoint whose last byte has just left: its grant type, its status, when its body
     * started to be written and when the write returned, on the system clock (microseconds, comparable across
     * processes of this machine), and the latter on {@link System#nanoTime()} (this JVM). A 200 to a
     * {@code refresh_token} grant is the moment the server rotated and sent the new pair. On a busy machine the
     * server's thread can be descheduled between the write and the clock: {@code writeStartedAt} is then the safe
     * bound, as no byte of the answer can reach the client before it.
     */
    public record TokenAnswer(String grantType, int status, Instant writeStartedAt, Instant sentAt, long sentNanos) {
        public boolean rotated() {
            return status == 200 && "refresh_token".equals(grantType);
        }
    }

    /**
     * Calls {@code listener} on the HTTP thread right after each token endpoint answer has been sent, for timing
     * (the window between the server rotating a refresh token and the client keeping the answer). Keep it short.
     */
    public void onTokenAnswer(java.util.function.Consumer<TokenAnswer> listener) {
        tokenAnswerListeners.add(listener);
    }

    private static void answerQuietly(HttpCall call, int status, String key, String message) {
        if (call.answered()) {
            return;
        }
        try {
            call.json(status, Json.errors(key, message));
        } catch (IOException ignored) {
            // the client is gone; nothing to tell it
        }
    }

    // ---- where things are ----

    /** {@code http://localhost:PORT} */
    public String baseUrl() { return baseUrl; }
    public int port() { return server.getAddress().getPort(); }
    /** For {@code ccsync.api.base-url}. */
    public String apiUrl() { return baseUrl + "/v3"; }
    /** For {@code ccsync.oauth.authorize-url}. */
    public String authorizeUrl() { return baseUrl + AuthorizationServer.AUTHORIZE; }
    /** For {@code ccsync.oauth.token-url}. */
    public String tokenUrl() { return baseUrl + AuthorizationServer.TOKEN; }
    /** The device authorization endpoint, for {@code ccsync.oauth.device-url}. */
    public String deviceUrl() { return baseUrl + AuthorizationServer.DEVICE_AUTHORIZE; }
    /** The page a person opens to enter a device flow's user code. */
    public String deviceVerificationUrl() { return baseUrl + AuthorizationServer.DEVICE_PAGE; }
    public String keysUrl() { return baseUrl + AuthorizationServer.KEYS; }
    /** The {@code iss} of every access token. */
    public String issuer() { return baseUrl + "/oauth2/" + AuthorizationServer.AUTH_SERVER_ID; }
    public String inspectorUrl() { return baseUrl + "/sandbox"; }
    public String clientId() { return options.clientId(); }
    public String clientSecret() { return options.clientSecret(); }
    /** The first registered redirect URI. */
    public String redirectUri() { return options.redirectUris().get(0); }
    public SandboxOptions options() { return options; }

    // ---- what happened ----

    /** Every contact as V3 JSON with all sub-resources, deleted ones included; a snapshot. */
    public List<ObjectNode> contacts() {
        synchronized (account) {
            return account.snapshot();
        }
    }

    /**
     * The contact with this email address, ignoring case as the API does (deleted ones included), as V3 JSON with
     * all sub-resources; fails naming the address.
     */
    public ObjectNode contact(String email) {
        synchronized (account) {
            return account.byEmail(email).map(Account::ordered)
                    .orElseThrow(() -> new java.util.NoSuchElementException("the sandbox has no contact " + email));
        }
    }

    /** How many contacts the account holds, deleted ones included; {@code contacts().size()} without the copy. */
    public int contactCount() {
        synchronized (account) {
            return account.contactCount();
        }
    }

    /** Every request answered outside /sandbox, oldest first, secrets redacted; a snapshot. */
    public List<LoggedRequest> requests() {
        return requestLog.snapshot();
    }

    /**
     * Every code and token any sandbox in this JVM issued, when started with
     * {@code -Dccsync.sandbox.record-secrets=true} (the test suite): what its log scan looks for.
     */
    public static java.util.Set<String> secretsIssuedInThisJvm() {
        return Secrets.issuedSoFar();
    }

    public RefreshTokenCalls refreshTokenCalls() {
        return authorizationServer.refreshTokenCalls();
    }

    /**
     * Whether this refresh token would be accepted now: in rotating mode only the newest token of a chain is, until
     * it is spent. Lets a test check that a client's stored token is still alive without spending it.
     */
    public boolean refreshTokenUsable(String refreshToken) {
        return authorizationServer.refreshTokenUsable(refreshToken);
    }

    List<ObjectNode> activitiesForInspector() {
        return imports.inspectorView();
    }

    /**
     * Every import activity, newest first, as {@code GET /v3/activities/{id}} shows it plus what only the sandbox knows
     * ({@code sandbox.body_bytes}, {@code records_received}, {@code records_dropped_over_4mb}); a snapshot.
     */
    public List<ObjectNode> activities() {
        return imports.inspectorView();
    }

    List<ObjectNode> tokenRecords() {
        return authorizationServer.tokenRecords();
    }

    // ---- changes while running ----

    public void setFailRate(double rate) { faults.failRate(rate); }
    public void setDropRate(double rate) { faults.dropRate(rate); }
    /** The fraction of /v3 and token requests handled in full whose answer is then lost (connection closed). */
    public void setLostAnswerRate(double rate) { faults.lostAnswerRate(rate); }
    public void setLatency(Duration latency) { faults.latency(latency); }

    /**
     * The person behind {@code email} unsubscribes (opt-out source {@code Contact}) right after the next read of
     * their contact is answered, so the reader holds a stale "subscribed" snapshot: between a client's GET and its
     * PUT. One read; arm it again for another.
     */
    public void unsubscribeAfterNextRead(String email) { contactsApi.unsubscribeAfterNextRead(email); }

    /**
     * The next {@code POST /contacts} of this address gets no answer and creates nothing (the connection drops), and
     * meanwhile another client creates that contact, subscribed: a retry of the POST meets a 409 for someone else's
     * contact.
     */
    public void takenByAnotherClientOnNextCreate(String email) { contactsApi.takenByAnotherClientOnNextCreate(email); }

    /**
     * The person behind {@code email} unsubscribes now (the link in an email), giving {@code reason} (or null): what
     * {@code GET /contacts?status=unsubscribed&optout_after=} then finds. Fails naming the address if there is none.
     */
    public void unsubscribe(String email, String reason) {
        if (!contactsApi.unsubscribe(email, reason)) {
            throw new java.util.NoSuchElementException("the sandbox has no contact " + email);
        }
    }

    /** The next {@code count} PUTs of the contact with this address are answered 503 and change nothing. */
    /** The person behind {@code email} withdraws SMS consent right after the next read of their contact. */
    public void smsUnsubscribeAfterNextRead(String email) { contactsApi.smsUnsubscribeAfterNextRead(email); }

    /** The next {@code count} POSTs of contacts_taggings_add/_remove are answered 503 (0 disarms). */
    public void failNextTaggings(int count) { contactsApi.failNextTaggings(count); }

    /** The bodies of POST /contacts and PUT /contacts/{id} the sandbox received, oldest first. */
    public List<com.fasterxml.jackson.databind.JsonNode> contactWrites() { return contactsApi.contactWrites(); }

    public void failNextUpdates(String email, int count) { contactsApi.failNextUpdates(email, count); }

    /**
     * Empties the account (contacts, custom fields, lists back to "General Interest"), the activities, the request
     * log, the rate-limit counters and the refresh counters, and disarms the consent-race hooks. Issued tokens stay
     * valid.
     */
    public void reset() {
        synchronized (account) {
            account.reset();
        }
        contactsApi.resetHooks();
        imports.reset();
        requestLog.clear();
        apiLimits.reset();
        authorizationServer.resetCounters();
    }

    /** Stops the server, frees the port and stops the import worker. Safe to call twice. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
            imports.close();
            LOG.info("Constant Contact sandbox on {} stopped", baseUrl);
        }
    }
}
