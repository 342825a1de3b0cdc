package dev.turnout.controlplane.operation;

import dev.turnout.v1.DataPlanePause;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.PauseReport;
import dev.turnout.v1.Phase;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A Resume sent to some data planes, waiting for each to report SERVING (and how long it held traffic). It is
 * DONE either way: a data plane that does not confirm in time is named in a warning. Guarded by
 * {@link FleetPause}'s lock.
 */
final class ResumeConfirmation {

    final String operationId;
    final String message;
    final CompletableFuture<OperationResult> result = new CompletableFuture<>();
    private final Set<String> expected;
    private final Map<String, PauseReport> confirmed = new TreeMap<>();
    ScheduledFuture<?> timeout;

    ResumeConfirmation(String operationId, List<String> sentTo, String message) {
        this.operationId = operationId;
        this.expected = new LinkedHashSet<>(sentTo);
        this.message = message;
    }

    /** Takes a SERVING report for this resume; true once every data plane has confirmed. */
    boolean report(String id, PauseReport report) {
        if (report.getPhase() == Phase.SERVING && report.getOperationId().equals(operationId) && expected.contains(id)) {
            confirmed.put(id, report);
        }
        return isComplete();
    }

    /** A data plane disconnected: it is not waited for any more. True once every other one has confirmed. */
    boolean dropped(String id) {
        if (!confirmed.containsKey(id)) {
            expected.remove(id);
        }
        return isComplete();
    }

    boolean isComplete() {
        return confirmed.keySet().containsAll(expected);
    }

    /** The result now: each data plane with the time it held traffic, and a warning for each silent one. */
    OperationResult build(long waitedMillis) {
        OperationResult.Builder out = OperationResult.newBuilder().setOutcome(Outcome.DONE).setMessage(message);
        for (String id : expected) {
            PauseReport r = confirmed.get(id);
            DataPlanePause.Builder d = DataPlanePause.newBuilder().setId(id);
            if (r != null) {
                d.setPhase(Phase.SERVING).setHeldMillis(r.getHeldMillis());
            } else {
                out.addWarnings("data plane " + id + " did not confirm the resume within " + waitedMillis
                        + " ms (a paused data plane resumes on its own when its lease expires)");
            }
            out.addDataPlanes(d);
        }
        return out.build();
    }
}
