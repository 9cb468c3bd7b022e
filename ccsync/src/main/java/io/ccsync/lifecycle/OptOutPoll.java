package io.ccsync.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccsync.auth.TokenState;
import io.ccsync.auth.TokenStore;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * The steps of routes/optouts.camel.yaml. {@link #start} sets the first page's query from the watermark;
 * {@link #page} remembers a page's opt-outs in ccsync's database and sets the next page's query (or none);
 * {@link #finish} writes the file, applies the opt-outs to the CRM and only then advances the watermark. A poll that
 * fails anywhere leaves the watermark where it was: the next poll reads the same opt-outs again, and the table
 * ({@link OptOuts}) makes sure none is written or applied twice.
 */
public final class OptOutPoll {
    /** Exchange property: the next page's query string, or null when the last page has been read. */
    public static final String QUERY = "CcsyncOptOutQuery";
    static final String LATEST = "CcsyncOptOutLatest";
    static final String FOUND = "CcsyncOptOutFound";
    static final String READ = "CcsyncOptOutRead";
    /**
     * The poll asks from this long before the watermark: Constant Contact stamps opt-outs to the second, so one made
     * in the same second as the last one seen, but after that poll, would otherwise never be found. What is read
     * twice is recognised by the table.
     */
    static final Duration OVERLAP = Duration.ofMinutes(1);
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final OptOuts store;
    private final OptOutFiles files;
    private final java.util.function.Supplier<CrmOptOuts> crm;
    private final java.util.function.Supplier<TokenStore> tokens;
    private final Clock clock;
    private final int pageSize;
    private final Instant since;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param crm   gives null when {@code ccsync.crm.optout-sql} is not set (suppliers: beans bound after this one)
     * @param since {@code ccsync.optouts.since}, the first poll's start, or null for "when ccsync was authorized"
     */
    public OptOutPoll(OptOuts store, OptOutFiles files, java.util.function.Supplier<CrmOptOuts> crm,
            java.util.function.Supplier<TokenStore> tokens, Clock clock, int pageSize,
            Instant since) {
        if (pageSize < 1 || pageSize > 500) {
            throw new IllegalArgumentException("ccsync.optouts.page-size must be between 1 and 500 (Constant "
                    + "Contact's limit for GET /contacts), not " + pageSize);
        }
        this.store = store;
        this.files = files;
        this.crm = crm;
        this.tokens = tokens;
        this.clock = clock;
        this.pageSize = pageSize;
        this.since = since;
    }

    public void start(Exchange exchange) throws SQLException {
        Instant from = store.watermark().orElseGet(this::recordStart);
        exchange.setProperty(LATEST, from);
        exchange.setProperty(FOUND, 0);
        exchange.setProperty(READ, 0);
        exchange.setProperty(QUERY, "status=unsubscribed&optout_after=" + from.minus(OVERLAP) + "&limit="
                + pageSize);
    }

    /**
     * The first poll starts where ccsync's authorization started (or {@code ccsync.optouts.since}), not at the
     * beginning of time, and records that start so later polls keep it whatever the tokens do.
     */
    private Instant recordStart() {
        Instant start = since;
        if (start == null) {
            TokenState state = tokens.get().read();
            start = state.refreshTokenSince() != null ? state.refreshTokenSince() : clock.instant();
        }
        start = start.truncatedTo(ChronoUnit.SECONDS);
        try {
            store.advance(start, clock.instant());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record where the opt-out poll starts: " + e.getMessage(), e);
        }
        return start;
    }

    /** Remembers this page's opt-outs; sets {@link #QUERY} to the next page's, or null. */
    public void page(Exchange exchange, String body) throws IOException, SQLException {
        JsonNode answer = json.readTree(body);
        List<OptOut> found = new ArrayList<>();
        Instant latest = exchange.getProperty(LATEST, Instant.class);
        for (JsonNode contact : answer.path("contacts")) {
            JsonNode email = contact.path("email_address");
            String address = email.path("address").asText(null);
            String date = email.path("opt_out_date").asText(null);
            if (address == null || date == null || !"unsubscribed".equals(email.path("permission_to_send").asText())) {
                continue; // no longer unsubscribed (re-subscribed by the person), or not an opt-out at all
            }
            Instant at = Instant.parse(date);
            found.add(new OptOut(address, at, email.path("opt_out_source").asText(null),
                    email.path("opt_out_reason").asText(null)));
            if (at.isAfter(latest)) {
                latest = at;
            }
        }
        int added = store.remember(found, clock.instant());
        exchange.setProperty(LATEST, latest);
        exchange.setProperty(FOUND, exchange.getProperty(FOUND, Integer.class) + added);
        exchange.setProperty(READ, exchange.getProperty(READ, Integer.class) + found.size());
        String next = answer.path("_links").path("next").path("href").asText(null);
        int q = next == null ? -1 : next.indexOf('?');
        exchange.setProperty(QUERY, q < 0 ? null : next.substring(q + 1));
    }

    /** The file, the CRM, then the watermark; returns what was done, for the log. */
    public String finish(Exchange exchange) throws IOException, SQLException {
        Instant now = clock.instant();
        List<String> written = new ArrayList<>();
        // unique even for two polls in one second: a name, once given, is the file's for good
        String name = "optouts-" + FILE_STAMP.format(now) + "-" + java.util.UUID.randomUUID().toString()
                .substring(0, 8) + ".csv";
        store.assignFile(name);
        for (String file : store.unwrittenFiles()) { // also one a crash left assigned but unwritten
            files.write(file, store.inFile(file));
            store.fileWritten(file, clock.instant());
            written.add(file);
        }
        int applied = 0;
        CrmOptOuts crm = this.crm.get();
        if (crm != null) {
            for (List<OptOut> page = store.pendingForCrm(pageSize); !page.isEmpty();
                    page = store.pendingForCrm(pageSize)) {
                crm.apply(exchange, page);
                store.appliedToCrm(page, clock.instant());
                applied += page.size();
            }
        }
        Instant latest = exchange.getProperty(LATEST, Instant.class);
        store.advance(latest, clock.instant());
        return exchange.getProperty(READ) + " read, " + exchange.getProperty(FOUND) + " new"
                + (written.isEmpty() ? "" : ", written to " + String.join(", ", written))
                + (crm == null ? "" : ", " + applied + " applied to the CRM") + "; watermark " + latest;
    }
}
