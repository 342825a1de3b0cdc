package dev.turnout.controlplane.operation;

import dev.turnout.v1.Phase;

/**
 * Where the fleet stands, for status.
 *
 * @param phase     SERVING, DRAINING (a pause waits for data planes), PAUSED, or SWITCHING (paused by a switch)
 * @param operation the operation in progress ("pause", "switch default to 10.0.0.2:6379"), empty when none
 */
public record FleetState(Phase phase, String operation) {

    public static final FleetState SERVING = new FleetState(Phase.SERVING, "");
}
