package dev.turnout.controlplane.operation;

import dev.turnout.v1.DataPlanePause;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Pause;
import dev.turnout.v1.PauseReport;
import dev.turnout.v1.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One pause of the fleet, from the Pause sent to the Resume: the data planes it waits for, what each reported
 * last, and the outcome. Guarded by {@link FleetPause}'s lock.
 */
final class Drain {

    /** Busy connections named per data plane in a message; the rest are counted. */
    static final int BUSY_SHOWN = 5;

    final Operation operation;
    final PauseSettings settings;
    final Pause message;
    final long startNanos = System.nanoTime();
    /** DONE once every data plane awaited is PAUSED; else why not, after everything was resumed. */
    final CompletableFuture<OperationResult> outcome = new CompletableFuture<>();
    /** The data planes that must drain: connected when the pause was sent, or connecting while it drains. */
    final Set<String> awaited = new TreeSet<>();
    final Map<String, PauseReport> reports = new TreeMap<>();

    boolean draining = true;
    boolean resumed;
    long pausedNanos;
    ScheduledFuture<?> timeout;
    ScheduledFuture<?> renewal;

    Drain(Operation operation, PauseSettings settings) {
        this.operation = operation;
        this.settings = settings;
        this.message = settings.message(operation.id);
    }

    boolean isPaused(String id) {
        PauseReport report = reports.get(id);
        return report != null && report.getPhase() == Phase.PAUSED;
    }

    boolean allPaused() {
        return awaited.stream().allMatch(this::isPaused);
    }

    List<String> notPaused() {
        return awaited.stream().filter(id -> !isPaused(id)).toList();
    }

    long millisSinceStart() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    long drainedCommands() {
        return reports.values().stream().mapToLong(PauseReport::getDrainedCommands).sum();
    }

    long heldCommands() {
        return reports.values().stream().mapToLong(PauseReport::getHeldCommands).sum();
    }

    /** Each data plane's part: drained, held, time to PAUSED (or so far), and what kept it busy. */
    List<DataPlanePause> dataPlanes() {
        Set<String> ids = new TreeSet<>(awaited);
        ids.addAll(reports.keySet());
        List<DataPlanePause> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            PauseReport r = reports.get(id);
            DataPlanePause.Builder d = DataPlanePause.newBuilder().setId(id);
            if (r == null) {
                d.setPhase(Phase.DRAINING).setDrainMillis(millisSinceStart());
            } else {
                boolean paused = r.getPhase() == Phase.PAUSED;
                d.setPhase(r.getPhase())
                        .setDrainedCommands(r.getDrainedCommands())
                        .setHeldCommands(r.getHeldCommands())
                        .setDrainMillis(paused ? r.getElapsedMillis() : millisSinceStart());
                if (!paused) {
                    d.addAllBusy(r.getBusyList());
                }
            }
            out.add(d.build());
        }
        return out;
    }

    /** "dp-2: client 7 10.0.0.3:51234: inside MULTI, ...; dp-3: no progress report yet". */
    String busy() {
        List<String> parts = new ArrayList<>();
        for (String id : notPaused()) {
            PauseReport r = reports.get(id);
            if (r == null) {
                parts.add(id + ": no progress report yet");
            } else if (r.getBusyCount() == 0) {
                parts.add(id + ": " + r.getInflightCommands() + " command(s) in flight");
            } else {
                List<String> shown = r.getBusyList().subList(0, Math.min(BUSY_SHOWN, r.getBusyCount()));
                int more = r.getBusyCount() - shown.size();
                parts.add(id + ": " + String.join(", ", shown) + (more > 0 ? " and " + more + " more" : ""));
            }
        }
        return String.join("; ", parts);
    }

    OperationResult.Builder result() {
        return OperationResult.newBuilder().addAllDataPlanes(dataPlanes());
    }
}
