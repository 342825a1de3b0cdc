package dev.turnout.controlplane.operation;

import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.registry.FleetListener;
import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.PauseReport;
import dev.turnout.v1.Phase;
import dev.turnout.v1.Resume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pause and resume for the whole fleet (PAUSE_SWITCH.md 1-5), and the one-operation-at-a-time rule that pauses
 * and switches share.
 *
 * <p>A pause puts a {@code Pause} in force in the {@link DataPlaneRegistry} (sent to every connected data
 * plane, and to each one that connects while it is in force) and is DONE once every data plane it waits for
 * reports PAUSED. Past its timeout (TIMED_OUT, naming the busy connections), when a data plane disconnects
 * while draining (FAILED), or when a resume cancels it (CANCELLED), everything is resumed: nothing stays
 * half-paused. While the fleet is paused the Pause is sent again every third of the lease, so that data planes
 * keep their lease as long as this control plane lives. Pause and resume are idempotent; a second pause while
 * one drains joins it.
 *
 * <p>Nothing here blocks: callers get futures, completed on the {@code callbacks} executor, never under the
 * lock; every wait is bounded by a task on the {@code scheduler}. One lock guards all state; it is taken before
 * the registry's, and listeners are called outside the registry's, so the two never deadlock.
 */
public final class FleetPause implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FleetPause.class);

    /** How long a resume waits for every data plane to report SERVING. */
    static final Duration RESUME_CONFIRMATION = Duration.ofSeconds(2);
    /** How long a resume that arrives during a switch waits for the switch to roll back or complete. */
    static final Duration SWITCH_END_WAIT = Duration.ofSeconds(30);

    private final DataPlaneRegistry registry;
    private final ScheduledExecutorService scheduler;
    private final Executor callbacks;
    private final Object lock = new Object();
    private Operation operation;
    private final List<ResumeConfirmation> confirmations = new ArrayList<>();

    /**
     * @param scheduler for timeouts and lease renewals (quick tasks only)
     * @param callbacks completes the futures this class returns, so that nothing a caller chains runs under
     *                  this class's lock or on a stream's thread
     */
    public FleetPause(DataPlaneRegistry registry, ScheduledExecutorService scheduler, Executor callbacks) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.callbacks = callbacks;
        registry.addListener(new Listener());
    }

    /**
     * Pauses every connected data plane. DONE once all have drained, with what each drained and holds; DONE at
     * once if paused already; the outcome of the drain in progress if one is; PRECONDITION_FAILED while a switch
     * runs. TIMED_OUT, FAILED or CANCELLED after resuming everything.
     */
    public CompletableFuture<OperationResult> pause(PauseSettings settings) {
        synchronized (lock) {
            Operation op = operation;
            if (op != null) {
                if (op.kind == Operation.Kind.SWITCH) {
                    return CompletableFuture.completedFuture(OperationResults.of(Outcome.PRECONDITION_FAILED,
                            "another operation is in progress: " + op.describe() + "; wait for it to end"));
                }
                Drain drain = op.drain;
                if (drain.draining) {
                    log.info("Pause requested while pause {} drains: joining it", op.id);
                    return drain.outcome;
                }
                return CompletableFuture.completedFuture(drain.result().setOutcome(Outcome.DONE)
                        .setMessage("already paused").build());
            }
            op = new Operation(Operation.newId("pause"), Operation.Kind.PAUSE, "pause");
            operation = op;
            return startDrain(op, settings).outcome;
        }
    }

    /**
     * Resumes every connected data plane, and waits (at most {@link #RESUME_CONFIRMATION}) for each to confirm,
     * with how long it held traffic. Always DONE. A pause still draining is cancelled; a switch is asked
     * to cancel (it rolls back, unless it is past the point of no return), and the resume waits for it to end.
     */
    public CompletableFuture<OperationResult> resume() {
        synchronized (lock) {
            Operation op = operation;
            if (op == null) {
                String id = Operation.newId("resume");
                List<String> sent = registry.resume(Resume.newBuilder().setOperationId(id).build());
                return confirm(id, sent, "not paused; " + (sent.isEmpty() ? "no data plane is connected"
                        : "sent a resume to " + sent.size() + " data plane(s) anyway"));
            }
            if (op.kind == Operation.Kind.PAUSE) {
                Drain drain = op.drain;
                long millis = drain.millisSinceStart();
                if (drain.draining) {
                    List<String> sent = fail(drain, Outcome.CANCELLED, "cancelled by a resume after " + millis
                            + " ms, before every data plane had drained; resumed everything");
                    return confirm(op.id, sent, "cancelled the pause (" + op.id + ") while it drained; resumed "
                            + sent.size() + " data plane(s)");
                }
                List<String> sent = resumeFleet(drain);
                end(op, "resumed");
                return confirm(op.id, sent, "resumed " + sent.size() + " data plane(s), paused for " + millis + " ms");
            }
            return resumeDuringSwitch(op);
        }
    }

    /** Where the fleet stands now. */
    public FleetState state() {
        synchronized (lock) {
            Operation op = operation;
            return op == null ? FleetState.SERVING : new FleetState(op.phase, op.description);
        }
    }

    /**
     * The control plane stops: a fleet it paused is resumed now rather than when the data planes' leases
     * expire, since nobody could resume it meanwhile.
     */
    @Override
    public void close() {
        synchronized (lock) {
            Operation op = operation;
            if (op != null && op.drain != null && !op.drain.resumed) {
                log.warn("Stopping while {} holds the fleet; resuming it", op.describe());
                if (op.drain.draining) {
                    fail(op.drain, Outcome.FAILED, "the control plane is stopping; resumed everything");
                } else {
                    resumeFleet(op.drain);
                }
            }
            for (ResumeConfirmation c : confirmations) {
                cancel(c.timeout);
            }
            confirmations.clear();
        }
    }

    // ------------------------------------------------------------------ for Switchover

    /** Takes the fleet for a switch; only one operation runs at a time. */
    Operation beginSwitch(String id, String description) throws OperationInProgressException {
        synchronized (lock) {
            if (operation != null) {
                throw new OperationInProgressException(operation.describe());
            }
            operation = new Operation(id, Operation.Kind.SWITCH, description);
            log.info("Switch {} begins: {}", id, description);
            return operation;
        }
    }

    /** Pauses the fleet for the switch {@code op}; as {@link #pause(PauseSettings)}, but never joins another. */
    CompletableFuture<OperationResult> pause(Operation op, PauseSettings settings) {
        synchronized (lock) {
            requireCurrent(op);
            if (op.cancelled) {
                return CompletableFuture.completedFuture(OperationResults.of(Outcome.CANCELLED,
                        "cancelled by a resume before the pause"));
            }
            return startDrain(op, settings).outcome;
        }
    }

    /**
     * Passes the point of no return: from now on a resume waits for the switch instead of cancelling it.
     *
     * @return false if a resume cancelled the switch already (it must roll back)
     */
    boolean commit(Operation op) {
        synchronized (lock) {
            requireCurrent(op);
            if (op.cancelled) {
                return false;
            }
            op.committed = true;
            return true;
        }
    }

    boolean isCancelled(Operation op) {
        synchronized (lock) {
            return op.cancelled;
        }
    }

    /** Resumes the fleet the switch {@code op} paused, waiting (bounded) for each data plane to confirm. */
    CompletableFuture<OperationResult> resume(Operation op, String message) {
        synchronized (lock) {
            Drain drain = op.drain;
            if (operation != op || drain == null || drain.resumed) {
                return CompletableFuture.completedFuture(OperationResults.of(Outcome.DONE, message));
            }
            List<String> sent = resumeFleet(drain);
            op.phase = Phase.SERVING;
            return confirm(op.id, sent, message);
        }
    }

    /** The switch {@code op} is over: the fleet is free (and resumed, if the switch left it paused). */
    void end(Operation op, String summary) {
        synchronized (lock) {
            if (operation == op && op.drain != null && !op.drain.resumed) {
                log.warn("Operation {} ended with the fleet paused; resuming", op.id);
                resumeFleet(op.drain);
            }
            if (operation == op) {
                operation = null;
            }
            complete(op.ended, summary);
        }
    }

    // ------------------------------------------------------------------ internals, under the lock

    private CompletableFuture<OperationResult> resumeDuringSwitch(Operation op) {
        boolean cancelling = !op.committed;
        if (cancelling && !op.cancelled) {
            op.cancelled = true;
            log.info("Resume requested during switch {}: cancelling it", op.id);
            if (op.drain != null && op.drain.draining) {
                fail(op.drain, Outcome.CANCELLED, "cancelled by a resume after " + op.drain.millisSinceStart()
                        + " ms, before every data plane had drained; resumed everything");
            }
        } else if (!cancelling) {
            log.info("Resume requested during switch {}, past the point of no return: waiting for it to end", op.id);
        }
        String prefix = (cancelling ? "cancelled the switch " : "the switch was past the point of no return and ran to its end: ")
                + op.description + " (" + op.id + "): ";
        return op.ended.copy()
                .completeOnTimeout("still running after " + SWITCH_END_WAIT.toSeconds() + " s",
                        SWITCH_END_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .thenComposeAsync(summary -> resume().thenApply(r -> r.toBuilder()
                        .setMessage(prefix + summary + "; " + r.getMessage()).build()), callbacks);
    }

    private Drain startDrain(Operation op, PauseSettings settings) {
        Drain drain = new Drain(op, settings);
        op.drain = drain;
        op.phase = Phase.DRAINING;
        List<String> sent = registry.pause(drain.message);
        drain.awaited.addAll(sent);
        log.info("Pausing the fleet ({}, {}): {} data plane(s) to drain within {} ms, lease {} ms", op.description,
                op.id, sent.size(), settings.timeout().toMillis(), settings.lease().toMillis());
        long every = Math.max(1, settings.renewEvery().toMillis());
        drain.renewal = scheduler.scheduleAtFixedRate(() -> renew(drain), every, every, TimeUnit.MILLISECONDS);
        if (sent.isEmpty()) {
            drained(drain, "no data plane is connected: nothing was drained, and data planes that connect while"
                    + " paused are paused at once");
        } else {
            drain.timeout = scheduler.schedule(() -> timedOut(drain), settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        return drain;
    }

    private void drained(Drain drain, String warning) {
        Operation op = drain.operation;
        drain.draining = false;
        drain.pausedNanos = System.nanoTime();
        cancel(drain.timeout);
        op.phase = op.kind == Operation.Kind.SWITCH ? Phase.SWITCHING : Phase.PAUSED;
        long millis = drain.millisSinceStart();
        OperationResult.Builder result = drain.result().setOutcome(Outcome.DONE).setMessage("paused "
                + drain.awaited.size() + " data plane(s) in " + millis + " ms: " + drain.drainedCommands()
                + " command(s) drained, " + drain.heldCommands() + " held");
        if (warning != null) {
            result.addWarnings(warning);
        }
        log.info("Fleet paused ({}, {}) in {} ms: {} data plane(s), {} command(s) drained", op.description, op.id,
                millis, drain.awaited.size(), drain.drainedCommands());
        complete(drain.outcome, result.build());
    }

    private void timedOut(Drain drain) {
        synchronized (lock) {
            if (drain.operation.drain != drain || !drain.draining) {
                return;
            }
            List<String> late = drain.notPaused();
            String busy = drain.busy();
            log.warn("Pause {} timed out after {} ms; resuming everything. Still busy: {}", drain.operation.id,
                    drain.millisSinceStart(), busy);
            fail(drain, Outcome.TIMED_OUT, "timed out after " + drain.millisSinceStart() + " ms: " + late.size()
                    + " of " + drain.awaited.size() + " data plane(s) had not drained (" + busy
                    + "); resumed everything");
        }
    }

    private void renew(Drain drain) {
        synchronized (lock) {
            if (!drain.resumed) {
                registry.pause(drain.message);
            }
        }
    }

    /**
     * Ends a drain that did not succeed: resumes everything, completes its outcome; a pause operation ends with
     * it, a switch learns from the outcome and ends itself.
     *
     * @return the data planes the resume was sent to
     */
    private List<String> fail(Drain drain, Outcome outcome, String message) {
        drain.draining = false;
        OperationResult result = drain.result().setOutcome(outcome).setMessage(message).build();
        List<String> sent = resumeFleet(drain);
        Operation op = drain.operation;
        op.phase = Phase.SERVING;
        if (op.kind == Operation.Kind.PAUSE) {
            end(op, message);
        }
        complete(drain.outcome, result);
        return sent;
    }

    private List<String> resumeFleet(Drain drain) {
        if (drain.resumed) {
            return List.of();
        }
        drain.resumed = true;
        cancel(drain.timeout);
        cancel(drain.renewal);
        List<String> sent = registry.resume(Resume.newBuilder().setOperationId(drain.operation.id).build());
        log.info("Resumed the fleet ({}, {}) after {} ms: sent to {} data plane(s)", drain.operation.description,
                drain.operation.id, drain.millisSinceStart(), sent.size());
        return sent;
    }

    private CompletableFuture<OperationResult> confirm(String operationId, List<String> sent, String message) {
        ResumeConfirmation confirmation = new ResumeConfirmation(operationId, sent, message);
        if (confirmation.isComplete()) {
            return CompletableFuture.completedFuture(confirmation.build(0));
        }
        confirmations.add(confirmation);
        long wait = RESUME_CONFIRMATION.toMillis();
        confirmation.timeout = scheduler.schedule(() -> {
            synchronized (lock) {
                if (confirmations.remove(confirmation)) {
                    complete(confirmation.result, confirmation.build(wait));
                }
            }
        }, wait, TimeUnit.MILLISECONDS);
        return confirmation.result;
    }

    private void requireCurrent(Operation op) {
        if (operation != op) {
            throw new IllegalStateException(op.id + " is not the operation in progress");
        }
    }

    /** Completes {@code future} on the callbacks executor: whatever a caller chained never runs under the lock. */
    private <T> void complete(CompletableFuture<T> future, T value) {
        try {
            callbacks.execute(() -> future.complete(value));
        } catch (RejectedExecutionException e) {
            future.complete(value); // shutting down
        }
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    /** What the data planes say, as it concerns pauses and resumes. */
    private final class Listener implements FleetListener {

        @Override
        public void connected(String id) {
            synchronized (lock) {
                Drain drain = operation == null ? null : operation.drain;
                if (drain != null && drain.draining && !drain.resumed && drain.awaited.add(id)) {
                    log.info("Data plane {} connected while pause {} drains: waiting for it too", id, drain.operation.id);
                }
            }
        }

        @Override
        public void pauseReported(String id, PauseReport report) {
            synchronized (lock) {
                for (Iterator<ResumeConfirmation> it = confirmations.iterator(); it.hasNext(); ) {
                    ResumeConfirmation c = it.next();
                    if (c.report(id, report)) {
                        it.remove();
                        cancel(c.timeout);
                        complete(c.result, c.build(RESUME_CONFIRMATION.toMillis()));
                    }
                }
                Drain drain = operation == null ? null : operation.drain;
                if (drain == null || drain.resumed || !report.getOperationId().equals(drain.operation.id)) {
                    return;
                }
                drain.reports.put(id, report);
                if (report.getPhase() == Phase.SERVING) {
                    // Its lease expired, or it restarted: it serves traffic while the fleet is paused.
                    log.warn("Data plane {} left pause {} on its own ({}); pausing it again", id, drain.operation.id,
                            report.getEnd().isEmpty() ? "no reason given" : report.getEnd());
                    registry.send(id, ControlMessage.newBuilder().setPause(drain.message).build());
                } else if (drain.draining && drain.allPaused()) {
                    drained(drain, null);
                }
            }
        }

        @Override
        public void disconnected(String id) {
            synchronized (lock) {
                for (Iterator<ResumeConfirmation> it = confirmations.iterator(); it.hasNext(); ) {
                    ResumeConfirmation c = it.next();
                    if (c.dropped(id)) {
                        it.remove();
                        cancel(c.timeout);
                        complete(c.result, c.build(RESUME_CONFIRMATION.toMillis()));
                    }
                }
                Drain drain = operation == null ? null : operation.drain;
                if (drain != null && drain.draining && drain.awaited.contains(id) && !drain.isPaused(id)) {
                    log.warn("Data plane {} disconnected while pause {} drains; resuming everything", id,
                            drain.operation.id);
                    fail(drain, Outcome.FAILED, "data plane " + id + " disconnected while draining; resumed everything");
                }
            }
        }
    }
}
