package dev.turnout.controlplane.operation;

import dev.turnout.v1.Pause;
import java.time.Duration;

/**
 * How a pause runs: how long the drain may take, how long a held command may wait, how long a data plane
 * stays paused without hearing from the control plane, and how many commands it may hold.
 *
 * @param timeout         give up (and resume everything) if not every data plane has drained by then
 * @param holdLimit       a held command waits at most this long, then gets {@code -TRYAGAIN}
 * @param lease           a paused data plane that hears nothing for this long resumes on its own; the pause
 *                        is sent again every third of it while the fleet is paused
 * @param maxHeldCommands past this many held commands, a data plane refuses new ones at once
 */
public record PauseSettings(Duration timeout, Duration holdLimit, Duration lease, int maxHeldCommands) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HOLD_LIMIT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_HELD_COMMANDS = 100_000;
    /** A shorter lease would be renewed more often than a data plane's status is worth. */
    public static final Duration MIN_LEASE = Duration.ofMillis(100);

    public static final PauseSettings DEFAULTS =
            new PauseSettings(DEFAULT_TIMEOUT, DEFAULT_HOLD_LIMIT, DEFAULT_LEASE, DEFAULT_MAX_HELD_COMMANDS);

    public PauseSettings {
        positive("timeout", timeout);
        positive("hold limit", holdLimit);
        positive("lease", lease);
        if (lease.compareTo(MIN_LEASE) < 0) {
            throw new IllegalArgumentException("lease_millis: " + lease.toMillis() + " (expected: 0 for "
                    + DEFAULT_LEASE.toSeconds() + " s, or >= " + MIN_LEASE.toMillis() + ")");
        }
        if (maxHeldCommands < 1) {
            throw new IllegalArgumentException("max held commands: " + maxHeldCommands + " (expected: >= 1)");
        }
    }

    /**
     * From the milliseconds of a request, where 0 means the default.
     *
     * @throws IllegalArgumentException a negative value, or a lease below {@link #MIN_LEASE}; the message names
     *                                  the field
     */
    public static PauseSettings ofMillis(long timeoutMillis, long holdLimitMillis, long leaseMillis) {
        return new PauseSettings(millis("timeout_millis", timeoutMillis, DEFAULT_TIMEOUT),
                millis("hold_limit_millis", holdLimitMillis, DEFAULT_HOLD_LIMIT),
                millis("lease_millis", leaseMillis, DEFAULT_LEASE), DEFAULT_MAX_HELD_COMMANDS);
    }

    /** The same, with another drain timeout. */
    public PauseSettings withTimeout(Duration timeout) {
        return new PauseSettings(timeout, holdLimit, lease, maxHeldCommands);
    }

    /** How often the pause is sent again while the fleet is paused: a third of the lease. */
    Duration renewEvery() {
        return lease.dividedBy(3);
    }

    Pause message(String operationId) {
        return Pause.newBuilder()
                .setOperationId(operationId)
                .setLeaseMillis(lease.toMillis())
                .setHoldLimitMillis(holdLimit.toMillis())
                .setMaxHeldCommands(maxHeldCommands)
                .build();
    }

    static Duration millis(String field, long millis, Duration fallback) {
        if (millis < 0) {
            throw new IllegalArgumentException(field + ": " + millis + " (expected: >= 0, 0 for "
                    + describe(fallback) + ")");
        }
        return millis == 0 ? fallback : Duration.ofMillis(millis);
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
        }
    }
}
