package dev.turnout.controlplane.operation;

import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.v1.SwitchRequest;
import java.time.Duration;

/**
 * A {@link SwitchRequest}, validated: what a switch is asked to do before it looks at the fleet or at Redis.
 *
 * @param route              the route's name ({@value DesiredStateStore#DEFAULT_ROUTE} when none was given)
 * @param to                 the new upstream
 * @param mode               how the target becomes the primary
 * @param force              with {@link Mode#WAIT_REPLICATION}: go on even if the target has not caught up
 * @param replicationTimeout how long to wait for the target to catch up
 * @param pause              how the fleet is paused
 */
record SwitchPlan(String route, HostAndPort to, Mode mode, boolean force, Duration replicationTimeout,
                  PauseSettings pause) {

    static final Duration DEFAULT_REPLICATION_TIMEOUT = Duration.ofSeconds(5);

    enum Mode {
        /** The target is a primary already: repoint the route. */
        SWITCH("switch"),
        /** Planned switchover to a replica of the current upstream: fence, catch up, promote. */
        WAIT_REPLICATION("wait-replication"),
        /** Failover: promote a replica without waiting; unreplicated writes are lost. */
        PROMOTE("promote");

        final String word;

        Mode(String word) {
            this.word = word;
        }
    }

    /**
     * @throws IllegalArgumentException a request no state of the fleet could make valid (a usage error); the
     *                                  message names the field and says what was expected
     */
    static SwitchPlan of(SwitchRequest request) {
        if (request.getTo().isBlank()) {
            throw new IllegalArgumentException("to: empty (expected the new upstream as host:port)");
        }
        HostAndPort to;
        try {
            to = HostAndPort.parse(request.getTo());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("to: " + e.getMessage());
        }
        if (request.getWaitReplication() && request.getPromote()) {
            throw new IllegalArgumentException("wait_replication and promote: choose one (wait_replication for a planned"
                    + " switchover to a replica, promote for a failover when the primary is gone)");
        }
        if (request.getForce() && !request.getWaitReplication()) {
            throw new IllegalArgumentException("force: only with wait_replication (it promotes a replica that has not"
                    + " caught up in time)");
        }
        Duration replicationTimeout = PauseSettings.millis("replication_timeout_millis",
                request.getReplicationTimeoutMillis(), DEFAULT_REPLICATION_TIMEOUT);
        PauseSettings pause = PauseSettings.DEFAULTS.withTimeout(PauseSettings.millis("pause_timeout_millis",
                request.getPauseTimeoutMillis(), PauseSettings.DEFAULT_TIMEOUT));
        Mode mode = request.getWaitReplication() ? Mode.WAIT_REPLICATION : request.getPromote() ? Mode.PROMOTE : Mode.SWITCH;
        String route = request.getRoute().isEmpty() ? DesiredStateStore.DEFAULT_ROUTE : request.getRoute();
        if (route.isBlank()) {
            throw new IllegalArgumentException("route: blank (expected a route name, or nothing for '"
                    + DesiredStateStore.DEFAULT_ROUTE + "')");
        }
        return new SwitchPlan(route, to, mode, request.getForce(), replicationTimeout, pause);
    }

    /** "switch", "wait-replication", "wait-replication --force", "promote": as the history records it. */
    String modeName() {
        return mode == Mode.WAIT_REPLICATION && force ? mode.word + " --force" : mode.word;
    }

    /** "switch default to 10.0.0.2:6379": what status shows while it runs. */
    String description() {
        return "switch " + route + " to " + to;
    }
}
