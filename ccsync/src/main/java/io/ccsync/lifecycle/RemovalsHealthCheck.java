package io.ccsync.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of removals: DOWN while a batch is held (more than {@code ccsync.lifecycle.max-removals} in one poll or
 * file), naming how many, from where, and the command that lets them go. Reads ccsync's database, never the API.
 */
public final class RemovalsHealthCheck extends AbstractHealthCheck {
    private final RemovalBatches batches;
    private final RemovalsSettings settings;

    public RemovalsHealthCheck(RemovalBatches batches, RemovalsSettings settings) {
        super("ccsync", "ccsync-removals");
        this.batches = batches;
        this.settings = settings;
    }

    @Override
    public boolean isLiveness() {
        return false; // a restart approves nothing
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            List<RemovalBatches.Batch> held = batches.list().stream()
                    .filter(b -> b.state() == RemovalBatches.State.HELD).toList();
            builder.detail("removals.held", held.stream().mapToInt(RemovalBatches.Batch::count).sum());
            if (held.isEmpty()) {
                builder.up();
                return;
            }
            long allowed = settings.limit().allowed(batches.knownContacts());
            builder.down().message(held.stream().map(b -> RemovalsSteps.heldMessage(b, settings.limit(), allowed))
                    .collect(Collectors.joining("; ")));
        } catch (Exception e) {
            builder.down().message("cannot read the held removals in ccsync's database: " + e.getMessage());
        }
    }
}
