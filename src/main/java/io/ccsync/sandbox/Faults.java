package io.ccsync.sandbox;

import java.time.Duration;
import java.util.Random;

/** Failures on demand for the API and the token endpoint: latency, dropped connections, 500s and 503s. */
final class Faults {
    enum Fault { NONE, DROP, INTERNAL_ERROR, UNAVAILABLE }

    private final Random random;
    private double failRate;
    private double dropRate;
    private Duration latency;

    Faults(double failRate, double dropRate, Duration latency, Long seed) {
        this.random = seed == null ? new Random() : new Random(seed);
        this.failRate = failRate;
        this.dropRate = dropRate;
        this.latency = latency;
    }

    synchronized Fault draw() {
        // One draw per request keeps a seeded run reproducible whatever the rates are.
        double r = random.nextDouble();
        if (r < dropRate) {
            return Fault.DROP;
        }
        if (r < dropRate + failRate) {
            return random.nextBoolean() ? Fault.INTERNAL_ERROR : Fault.UNAVAILABLE;
        }
        return Fault.NONE;
    }

    synchronized Duration latency() {
        return latency;
    }

    synchronized void failRate(double rate) {
        failRate = SandboxOptions.fraction(rate, "fail rate");
    }

    synchronized void dropRate(double rate) {
        dropRate = SandboxOptions.fraction(rate, "drop rate");
    }

    synchronized void latency(Duration latency) {
        if (latency == null || latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        this.latency = latency;
    }
}
