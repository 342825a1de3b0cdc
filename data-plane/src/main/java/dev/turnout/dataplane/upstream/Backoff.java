package dev.turnout.dataplane.upstream;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential reconnect delays with jitter: 100 ms, 200 ms, ... up to 5 s, each +-20%. */
final class Backoff {

    static final long INITIAL_MILLIS = 100;
    static final long MAX_MILLIS = 5_000;

    private Backoff() {
    }

    /** The delay before attempt number {@code failures + 1}, after {@code failures} consecutive failures. */
    static long delayMillis(int failures) {
        if (failures <= 0) {
            return 0;
        }
        long base = Math.min(MAX_MILLIS, INITIAL_MILLIS << Math.min(failures - 1, 16));
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Math.max(1, (long) (base * jitter));
    }
}
