package io.ccsync.sandbox;

import java.time.Duration;
import java.util.Random;

/**
 * Failures on demand for the API and the token endpoint: latency, dropped connections, 500s and 503s, and lost
 * answers (the request handled, then the connection closed before the response).
 */
final class Faults {
    enum Fault { NONE, DROP, INTERNAL_ERROR, UNAVAILABLE, LOST_ANSWER }

    private final Random random;
    private double failRate;
    private double dropRate;
    private double lostAnswerRate;
    private Duration latency;

    Faults(double failRate, double dropRate, double lostAnswerRate, Duration latency, Long seed) {
        this.random = seed == null ? new Random() : new Random(seed);
        this.failRate = failRate;
        this.dropRate = dropRate;
        this.lostAnswerRate = lostAnswerRate;
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
        // Last, so that a run without lost answers draws exactly as before they existed.
        if (r < dropRate + failRate + lostAnswerRate) {
            return Fault.LOST_ANSWER;
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

    synchronized void lostAnswerRate(double rate) {
        lostAnswerRate = SandboxOptions.fraction(rate, "lost answer rate");
    }

    synchronized void latency(Duration latency) {
        if (latency == null || latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
        this.latency = latency;
    }
}
