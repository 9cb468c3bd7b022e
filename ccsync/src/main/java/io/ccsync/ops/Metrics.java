package io.ccsync.ops;

import io.ccsync.contract.DeliveryReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * ccsync's own meters, by name, for any route or bean to count what it does (bean {@code metrics}). They land in the
 * registry {@code /observe/metrics} serves (Prometheus names in brackets); with metrics switched off they are kept in
 * memory and cost next to nothing.
 *
 * <ul>
 *   <li>{@link #contacts}, {@link #delivered}: {@code ccsync_contacts_total{outcome}}: created, updated, imported,
 *       unchanged, rejected, dead_lettered</li>
 *   <li>{@link #apiCall}: {@code ccsync_api_calls_total{endpoint,status}} (counted by {@link ApiCalls})</li>
 *   <li>{@link #limiterWait}: {@code ccsync_api_limiter_wait_seconds} (count, sum, max)</li>
 *   <li>{@link #refresh}: {@code ccsync_token_refreshes_total{outcome}}: ok, invalid_grant, failed</li>
 * </ul>
 * Gauges ({@code ccsync_token_seconds_remaining}, {@code ccsync_token_reauthorization_needed},
 * {@code ccsync_api_quota_used}, {@code ccsync_api_quota_limit}) are registered by {@link OpsConfiguration}.
 */
public final class Metrics {
    /** Where camel-micrometer keeps its registry in the Camel registry. */
    public static final String REGISTRY_BEAN = "metricsRegistry";

    private final Supplier<MeterRegistry> camelRegistry;
    private final MeterRegistry fallback = new SimpleMeterRegistry();

    /** {@code camelRegistry}: the registry metrics are served from, or null while there is none. */
    public Metrics(Supplier<MeterRegistry> camelRegistry) {
        this.camelRegistry = camelRegistry;
    }

    /** The registry meters go to: the served one when metrics are on, an in-memory one otherwise. */
    public MeterRegistry registry() {
        MeterRegistry served = camelRegistry.get();
        return served != null ? served : fallback;
    }

    /** {@code n} records ended with {@code outcome}: created, updated, imported, unchanged, rejected, dead_lettered. */
    public void contacts(String outcome, long n) {
        if (n > 0) {
            registry().counter("ccsync.contacts", "outcome", outcome).increment(n);
        }
    }

    /**
     * One chunk's report from {@code direct:contacts} (routes/delivery.camel.yaml): its records by outcome. Returns
     * nothing, so the route's body stays the report.
     */
    public void delivered(DeliveryReport report) {
        contacts("created", report.created());
        contacts("updated", report.updated());
        contacts("imported", report.imported());
        contacts("unchanged", report.unchanged());
        contacts("rejected", report.rejected().size());
        contacts("dead_lettered", report.deadLettered().size());
    }

    /** One call to the API: {@code endpoint} as a template without ids ("/contacts/{id}"), the HTTP status. */
    public void apiCall(String endpoint, int status) {
        apiCall(endpoint, Integer.toString(status));
    }

    /** One call to the API; {@code status} is the HTTP status, or {@code none} when no answer came. */
    public void apiCall(String endpoint, String status) {
        registry().counter("ccsync.api.calls", "endpoint", endpoint, "status", status).increment();
    }

    /** Time a call waited for the API budget (the 4/s limiter or the daily quota) before it could go. */
    public void limiterWait(Duration waited) {
        Timer.builder("ccsync.api.limiter.wait").register(registry()).record(waited);
    }

    /** One token refresh ended: ok, invalid_grant or failed. */
    public void refresh(String outcome) {
        registry().counter("ccsync.token.refreshes", "outcome", outcome).increment();
    }
}
