package dev.turnout.dataplane.agent;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: after the n-th consecutive failure, wait a uniformly random time
 * between 0 and {@code min(max, initial * 2^(n-1))}, so a fleet of data planes that lost the control plane
 * together does not come back in step.
 */
final class ReconnectBackoff {

    static final Duration INITIAL = Duration.ofMillis(200);
    static final Duration MAX = Duration.ofSeconds(10);

    private final long initialMillis;
    private final long maxMillis;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1) */
    ReconnectBackoff(Duration initial, Duration max, DoubleSupplier random) {
        if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff: initial " + initial + ", max " + max
                    + " (expected: 1 ms <= initial <= max)");
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /** The longest delay after {@code failures} consecutive failures. */
    long capMillis(int failures) {
        if (failures <= 0) {
            return 0;
        }
        int doublings = Math.min(failures - 1, 30);
        return Math.min(maxMillis, initialMillis << doublings);
    }

    /** The delay before the next attempt, after {@code failures} consecutive failures. */
    long delayMillis(int failures) {
        double r = Math.min(Math.max(random.getAsDouble(), 0), 1);
        return (long) (r * capMillis(failures));
    }
}
