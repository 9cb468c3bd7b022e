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
 * @param maxQueued         imports posted and not yet confirmed at once (the records of a file or poll are packed)
 * @param expectedRate      records per second an import is assumed to take before this account's imports showed it
 * @param pollInterval      the wait before reading again an import found still running (doubled at each such read)
 * @param maxPollInterval   the longest wait between two status reads of a running import
 * @param pollShare         the share of {@code perDay} status reads may take in one UTC day
 * @param pollTimeout       how long an activity may run before its records are dead-lettered
 * @param perSecond         API requests in any second, for every route together
 * @param perDay            API requests per UTC day, for every route together
 */
public record DeliverySettings(Path mapping, Mode mode, int singleBelow, int bulkMaxRecords, int bulkMaxBytes,
        int maxQueued, int expectedRate, Duration pollInterval, Duration maxPollInterval, double pollShare,
        Duration pollTimeout, int perSecond, int perDay) {

    public DeliverySettings {
        if (maxQueued < 1) {
            throw new IllegalArgumentException("ccsync.delivery.bulk.max-queued must be at least 1, was " + maxQueued);
        }
        if (expectedRate < 1) {
            throw new IllegalArgumentException("ccsync.delivery.bulk.expected-rate must be at least 1 record a second, "
                    + "was " + expectedRate);
        }
        if (!(pollShare > 0 && pollShare <= 1)) {
            throw new IllegalArgumentException("ccsync.delivery.bulk.poll-share must be above 0 and at most 1 (0.2: a "
                    + "fifth of rate.per-day), was " + pollShare);
        }
    }

    /** Status reads allowed in one UTC day. */
    public int pollsPerDay() {
        return (int) Math.max(1, Math.floor(perDay * pollShare));
    }

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
                Integer.parseInt(property.apply("ccsync.delivery.bulk.max-queued").trim()),
                Integer.parseInt(property.apply("ccsync.delivery.bulk.expected-rate").trim()),
                duration(property.apply("ccsync.delivery.bulk.poll-interval")),
                duration(property.apply("ccsync.delivery.bulk.max-poll-interval")),
                Double.parseDouble(property.apply("ccsync.delivery.bulk.poll-share").trim()),
                duration(property.apply("ccsync.delivery.bulk.poll-timeout")),
                Integer.parseInt(property.apply("ccsync.delivery.rate.per-second").trim()),
                Integer.parseInt(property.apply("ccsync.delivery.rate.per-day").trim()));
    }

    private static Duration duration(String text) {
        return Duration.ofMillis(TimeUtils.toMilliSeconds(text.trim()));
    }
}
