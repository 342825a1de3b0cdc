package dev.turnout.controlplane.operation;

import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.registry.FleetListener;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.DataPlanePause;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.Pause;
import dev.turnout.v1.PauseReport;
import dev.turnout.v1.Phase;
import dev.turnout.v1.Resume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pause and resume for the whole fleet (PAUSE_SWITCH.md 1-5). A pause sends {@link Pause} to every connected data
 * plane and succeeds only once each reports PAUSED; past its timeout, or if one disconnects, everything is
 * resumed and the pause fails, naming what was busy. While the fleet is paused the Pause is re-sent every third
 * of the lease, so data planes keep their lease as long as this control plane lives; a data plane that connects
 * meanwhile is paused too. Pause and resume are idempotent, and a resume cancels a pause still draining.
 *
 * <p>State is guarded by this object's lock; callers wait for outcomes outside it, always bounded.
 */
public final class FleetPause implements FleetListener {

    private static final Logger log = LoggerFactory.getLogger(FleetPause.class);

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HOLD_LIMIT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    static final int MAX_HELD_COMMANDS = 100_000;
    private static final Duration RESUME_REPORT_WAIT = Duration.ofSeconds(2);

    private enum State { SERVING, DRAINING, PAUSED }

    private final DataPlaneRegistry registry;
    private final ScheduledExecutorService scheduler;

    private State state = State.SERVING;
    private String operationId = "";
    private String holder = "";
    private ControlMessage pauseMessage;
    private long startedNanos;
    private long pausedNanos;
    private final Set<String> draining = new LinkedHashSet<>();
    private final Map<String, PauseReport> reports = new TreeMap<>();
    private final Map<String, PauseReport> resumed = new TreeMap<>();
    private CompletableFuture<OperationResult> drain;
    private ScheduledFuture<?> renewal;
    private ScheduledFuture<?> timeout;

    public FleetPause(DataPlaneRegistry registry, ScheduledExecutorService scheduler) {
        this.registry = registry;
        this.scheduler = scheduler;
        registry.listener(this);
    }

    /**
     * Pauses the fleet and waits (bounded) for the outcome.
     *
     * @param holder who pauses ("pause", or the switch), for status and for refusing a second operation
     */
    public OperationResult pause(Duration drainTimeout, Duration holdLimit, Duration lease, String holder) {
        CompletableFuture<OperationResult> outcome;
        synchronized (this) {
            if (state != State.SERVING && !this.holder.equals(holder)) {
                return OperationResults.of(Outcome.PRECONDITION_FAILED, "the fleet is held by another operation ("
                        + this.holder + "); wait for it, or resume");
            }
            if (state == State.PAUSED) {
                return paused("already paused");
            }
            if (state == State.SERVING) {
                start(drainTimeout, holdLimit, lease, holder);
            }
            outcome = drain;
        }
        try {
            return outcome.get(drainTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resume();
            return OperationResults.of(Outcome.FAILED, "interrupted while waiting for the data planes to drain; resumed");
        } catch (ExecutionException | TimeoutException e) {
            resume();
            return OperationResults.of(Outcome.FAILED, "the pause did not finish (" + e + "); resumed");
        }
    }

    private void start(Duration drainTimeout, Duration holdLimit, Duration lease, String holder) {
        operationId = UUID.randomUUID().toString();
        this.holder = holder;
        startedNanos = System.nanoTime();
        reports.clear();
        resumed.clear();
        drain = new CompletableFuture<>();
        pauseMessage = ControlMessage.newBuilder().setPause(Pause.newBuilder()
                .setOperationId(operationId)
                .setLeaseMillis(lease.toMillis())
                .setHoldLimitMillis(holdLimit.toMillis())
                .setMaxHeldCommands(MAX_HELD_COMMANDS)).build();
        draining.clear();
        draining.addAll(registry.connectedIds());
        state = State.DRAINING;
        log.info("Pausing the fleet ({}, operation {}): {} data plane(s) to drain, timeout {} ms", holder, operationId,
                draining.size(), drainTimeout.toMillis());
        for (String id : List.copyOf(draining)) {
            if (!registry.send(id, pauseMessage)) {
                draining.remove(id);
            }
        }
        long every = Math.max(100, lease.toMillis() / 3);
        renewal = scheduler.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
        timeout = scheduler.schedule(this::drainTimedOut, drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        checkDrained();
    }

    private synchronized void renew() {
        if (state != State.SERVING) {
            registry.broadcast(pauseMessage);
        }
    }

    private synchronized void drainTimedOut() {
        if (state != State.DRAINING) {
            return;
        }
        List<String> busy = new ArrayList<>();
        for (String id : draining) {
            PauseReport r = reports.get(id);
            if (r == null || r.getPhase() != Phase.PAUSED) {
                if (r == null || r.getBusyList().isEmpty()) {
                    busy.add(id + ": no report");
                } else {
                    r.getBusyList().forEach(b -> busy.add(id + ": " + b));
                }
            }
        }
        long ms = elapsedMillis();
        OperationResult result = withDataPlanes(OperationResult.newBuilder()
                .setOutcome(Outcome.TIMED_OUT)
                .setMessage("data planes did not drain within " + ms + " ms; resumed everything. Still busy: "
                        + String.join("; ", busy)))
                .build();
        log.warn("Pause {} timed out after {} ms; resuming. Busy: {}", operationId, ms, busy);
        finishDrain(result);
        resumeLocked();
    }

    /** Resumes the fleet (cancelling a pause still draining) and waits, bounded, for each data plane to say so. */
    public OperationResult resume() {
        Set<String> expect;
        synchronized (this) {
            if (state == State.SERVING) {
                return OperationResults.of(Outcome.DONE, "not paused; nothing to resume");
            }
            if (state == State.DRAINING) {
                finishDrain(withDataPlanes(OperationResult.newBuilder()
                        .setOutcome(Outcome.CANCELLED)
                        .setMessage("cancelled by a resume after " + elapsedMillis() + " ms; everything resumed"))
                        .build());
            }
            expect = resumeLocked();
        }
        long deadline = System.nanoTime() + RESUME_REPORT_WAIT.toNanos();
        synchronized (this) {
            while (!resumed.keySet().containsAll(expect) && System.nanoTime() - deadline < 0) {
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            OperationResult.Builder result = OperationResult.newBuilder().setOutcome(Outcome.DONE)
                    .setMessage("resumed " + expect.size() + " data plane(s)");
            for (String id : expect) {
                PauseReport r = resumed.get(id);
                result.addDataPlanes(DataPlanePause.newBuilder().setId(id).setPhase(Phase.SERVING)
                        .setHeldMillis(r == null ? 0 : r.getHeldMillis()));
                if (r == null) {
                    result.addWarnings(id + " did not confirm the resume within " + RESUME_REPORT_WAIT.toMillis()
                            + " ms (its lease resumes it in any case)");
                }
            }
            return result.build();
        }
    }

    private Set<String> resumeLocked() {
        ControlMessage message = ControlMessage.newBuilder()
                .setResume(Resume.newBuilder().setOperationId(operationId)).build();
        Set<String> sent = new LinkedHashSet<>();
        for (String id : registry.connectedIds()) {
            if (registry.send(id, message)) {
                sent.add(id);
            }
        }
        cancel(renewal);
        cancel(timeout);
        state = State.SERVING;
        holder = "";
        log.info("Resumed the fleet (operation {}) after {} ms", operationId, elapsedMillis());
        return sent;
    }

    /** Whether the fleet is still paused by {@code holder} (a resume has not cancelled it). */
    public synchronized boolean pausedBy(String holder) {
        return state == State.PAUSED && this.holder.equals(holder);
    }

    /** SERVING, DRAINING, PAUSED, or SWITCHING when a switch holds the fleet paused. */
    public synchronized Phase phase() {
        return switch (state) {
            case SERVING -> Phase.SERVING;
            case DRAINING -> Phase.DRAINING;
            case PAUSED -> holder.startsWith("switch") ? Phase.SWITCHING : Phase.PAUSED;
        };
    }

    public synchronized String holder() {
        return holder;
    }

    /** Each data plane's part so far, as results report it. */
    public synchronized List<DataPlanePause> dataPlanes() {
        return withDataPlanes(OperationResult.newBuilder()).getDataPlanesList();
    }

    // ---------------------------------------------------------------- FleetListener

    @Override
    public synchronized void pauseReport(String dataPlane, PauseReport report) {
        if (report.getPhase() == Phase.SERVING) {
            resumed.put(dataPlane, report);
            notifyAll();
            return;
        }
        if (!report.getOperationId().equals(operationId)) {
            return;
        }
        reports.put(dataPlane, report);
        checkDrained();
    }

    @Override
    public synchronized void disconnected(String dataPlane) {
        if (state == State.DRAINING && draining.contains(dataPlane)) {
            finishDrain(withDataPlanes(OperationResult.newBuilder()
                    .setOutcome(Outcome.FAILED)
                    .setMessage("data plane " + dataPlane + " disconnected while draining; resumed everything"))
                    .build());
            resumeLocked();
        }
    }

    @Override
    public synchronized ControlMessage onConnect(String dataPlane) {
        return state == State.SERVING ? null : pauseMessage;
    }

    // ---------------------------------------------------------------- internals

    private void checkDrained() {
        if (state != State.DRAINING) {
            return;
        }
        for (String id : draining) {
            PauseReport r = reports.get(id);
            if (r == null || r.getPhase() != Phase.PAUSED) {
                return;
            }
        }
        state = State.PAUSED;
        pausedNanos = System.nanoTime();
        cancel(timeout);
        OperationResult.Builder result = withDataPlanes(OperationResult.newBuilder()
                .setOutcome(Outcome.DONE)
                .setMessage("paused " + draining.size() + " data plane(s) in " + elapsedMillis() + " ms"));
        if (draining.isEmpty()) {
            result.addWarnings("no data plane is connected: nothing was drained");
        }
        log.info("Fleet paused (operation {}) in {} ms", operationId, elapsedMillis());
        finishDrain(result.build());
    }

    private OperationResult paused(String why) {
        return withDataPlanes(OperationResult.newBuilder().setOutcome(Outcome.DONE).setMessage(why)).build();
    }

    private OperationResult.Builder withDataPlanes(OperationResult.Builder result) {
        for (String id : draining) {
            PauseReport r = reports.get(id);
            DataPlanePause.Builder d = DataPlanePause.newBuilder().setId(id);
            if (r != null) {
                d.setPhase(r.getPhase()).setDrainedCommands(r.getDrainedCommands()).setHeldCommands(r.getHeldCommands())
                        .setDrainMillis(r.getElapsedMillis());
                if (r.getPhase() != Phase.PAUSED) {
                    d.addAllBusy(r.getBusyList());
                }
            }
            result.addDataPlanes(d);
        }
        return result;
    }

    private void finishDrain(OperationResult result) {
        if (drain != null && !drain.isDone()) {
            drain.complete(result);
        }
    }

    private long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    /** Nanos since the fleet reached PAUSED (for the switch's timings). */
    synchronized long pausedAtNanos() {
        return pausedNanos;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
