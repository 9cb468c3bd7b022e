package io.ccsync.delivery;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import org.apache.camel.util.TimeUtils;

/**
 * The {@code ccsync.delivery.*} settings, read once at start.
 *
 * @param mapping           the field mapping file
 * @param mode              bulk (contacts_json_import for batches) or single (one POST/PUT per contact)
 * @param singleBelow       a chunk with fewer pending contacts than this goes the single way even in bulk mode
 * @param bulkMaxRecords    records per import request (the API's limit: 40,000)
 * @param bulkMaxBytes      the serialized payload stays strictly under this (the API silently cuts at 4 MB)
 * @param pollInterval      how often a running import activity is polled
 * @param pollTimeout       how long an activity may run before its records are dead-lettered
 * @param perSecond         API requests in any second, for every route together
 * @param perDay            API requests per UTC day, for every route together
 */
public record DeliverySettings(Path mapping, Mode mode, int singleBelow, int bulkMaxRecords, int bulkMaxBytes,
        Duration pollInterval, Duration pollTimeout, int perSecond, int perDay) {

    /** How a chunk's contacts are sent. */
    public enum Mode { BULK, SINGLE }

    /** Reads the settings through {@code property} (key → value, throwing when missing). */
    public static DeliverySettings from(Function<String, String> property) {
        return new DeliverySettings(
                Path.of(property.apply("ccsync.delivery.mapping-file")),
                Mode.valueOf(property.apply("ccsync.delivery.mode").trim().toUpperCase(Locale.ROOT)),
                Integer.parseInt(property.apply("ccsync.delivery.single-below").trim()),
                Integer.parseInt(property.apply("ccsync.delivery.bulk.max-records").trim()),
                Integer.parseInt(property.apply("ccsync.delivery.bulk.max-bytes").trim()),
                duration(property.apply("ccsync.delivery.bulk.poll-interval")),
                duration(property.apply("ccsync.delivery.bulk.poll-timeout")),
                Integer.parseInt(property.apply("ccsync.delivery.rate.per-second").trim()),
                Integer.parseInt(property.apply("ccsync.delivery.rate.per-day").trim()));
    }

    private static Duration duration(String text) {
        return Duration.ofMillis(TimeUtils.toMilliSeconds(text.trim()));
    }
}
