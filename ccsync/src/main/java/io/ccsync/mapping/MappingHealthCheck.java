package io.ccsync.mapping;

import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.spi.annotations.HealthCheck;

/**
 * Readiness of the field mapping: DOWN while the mapping names a custom field or list that the Constant Contact
 * account lacks (the sources are paused), with each missing name, its mapping key and the fix; UP otherwise. Reads the
 * gate's state and never calls the API.
 */
@HealthCheck("ccsync-mapping")
public final class MappingHealthCheck extends AbstractHealthCheck {
    private final Supplier<MappingGate> gate;

    public MappingHealthCheck(Supplier<MappingGate> gate) {
        super("ccsync", "ccsync-mapping");
        this.gate = gate;
    }

    @Override
    public boolean isLiveness() {
        return false; // a restart does not create a custom field: only readiness goes DOWN
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        MappingGate g = gate.get();
        builder.detail("mapping.file", g.mappingFile().toString());
        builder.detail("mapping.state", g.state().name().toLowerCase(Locale.ROOT));
        if (g.state() == MappingGate.State.MISSING) {
            builder.detail("mapping.missing", g.missing().stream().map(Object::toString)
                    .collect(Collectors.joining(", ")));
            builder.down().message(g.problem());
            return;
        }
        builder.up();
    }
}
