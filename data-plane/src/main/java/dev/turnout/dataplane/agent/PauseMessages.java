package dev.turnout.dataplane.agent;

import dev.turnout.dataplane.pause.PauseController;
import dev.turnout.dataplane.pause.PausePhase;
import dev.turnout.dataplane.pause.PauseProgress;
import dev.turnout.dataplane.pause.PauseSnapshot;
import dev.turnout.v1.DataPlaneMessage;
import dev.turnout.v1.DataPlaneStatus;
import dev.turnout.v1.Pause;
import dev.turnout.v1.PauseReport;
import dev.turnout.v1.Phase;
import java.time.Duration;

/** Pause and Resume messages from the control plane to the {@link PauseController}, and its reports back. */
final class PauseMessages {

    static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    static final Duration DEFAULT_HOLD_LIMIT = Duration.ofSeconds(10);
    static final int DEFAULT_MAX_HELD = 100_000;

    private PauseMessages() {
    }

    static void pause(PauseController pauses, Pause pause) {
        pauses.pause(pause.getOperationId(),
                pause.getLeaseMillis() > 0 ? Duration.ofMillis(pause.getLeaseMillis()) : DEFAULT_LEASE,
                pause.getHoldLimitMillis() > 0 ? Duration.ofMillis(pause.getHoldLimitMillis()) : DEFAULT_HOLD_LIMIT,
                pause.getMaxHeldCommands() > 0 ? pause.getMaxHeldCommands() : DEFAULT_MAX_HELD);
    }

    static DataPlaneMessage report(PauseProgress p) {
        return DataPlaneMessage.newBuilder().setPauseReport(PauseReport.newBuilder()
                .setOperationId(p.operationId())
                .setPhase(phase(p.phase()))
                .setDrainedCommands(p.drained())
                .setInflightCommands(p.inflight())
                .setHeldCommands(p.held())
                .addAllBusy(p.busy())
                .setElapsedMillis(p.elapsedMillis())
                .setHeldMillis(p.heldMillis())
                .setEnd(p.end()))
                .build();
    }

    static void addTo(DataPlaneStatus.Builder status, PauseSnapshot s) {
        status.setPhase(phase(s.phase()))
                .setInflightCommands(s.inflight())
                .setHeldCommands(s.held())
                .setLastPauseHeldMillis(s.lastPauseHeldMillis())
                .setLastPauseEnd(s.lastPauseEnd());
    }

    static Phase phase(PausePhase phase) {
        return switch (phase) {
            case SERVING -> Phase.SERVING;
            case DRAINING -> Phase.DRAINING;
            case PAUSED -> Phase.PAUSED;
        };
    }
}
