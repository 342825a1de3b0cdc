package dev.turnout.controlplane.operation;

import dev.turnout.v1.Phase;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one pause or switch the fleet runs at a time, from its start to its end. Its mutable fields are guarded
 * by {@link FleetPause}'s lock.
 */
final class Operation {

    enum Kind { PAUSE, SWITCH }

    final String id;
    final Kind kind;
    /** "pause", "switch default to 10.0.0.2:6379": what status shows. */
    final String description;
    final long startNanos = System.nanoTime();
    /** Completes, with a one-line summary, when the operation ends. */
    final CompletableFuture<String> ended = new CompletableFuture<>();

    /** SERVING before the pause (a switch checking its target), then DRAINING, then PAUSED or SWITCHING. */
    Phase phase = Phase.SERVING;
    /** The pause this operation put in force; null before it pauses. */
    Drain drain;
    /** A resume asked a switch to stop; it rolls back at its next step. */
    boolean cancelled;
    /** A switch past the point of no return (promoting, applying): a resume no longer cancels it. */
    boolean committed;

    Operation(String id, Kind kind, String description) {
        this.id = id;
        this.kind = kind;
        this.description = description;
    }

    /** "pause-3f9a1c2e": the prefix says what it is, the rest tells operations apart in logs. */
    static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** "switch default to 10.0.0.2:6379 (switch-3f9a1c2e, draining for 120 ms)". Under the lock. */
    String describe() {
        return description + " (" + id + ", " + (phase == Phase.SERVING ? "checking" : phase.name().toLowerCase(Locale.ROOT))
                + " for " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms)";
    }
}
