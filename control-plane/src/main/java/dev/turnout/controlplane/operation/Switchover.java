package dev.turnout.controlplane.operation;

import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.controlplane.state.SwitchHistory;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.SwitchRecord;
import dev.turnout.v1.SwitchRequest;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code switch}: moves a route, and every client of it, to another Redis (PAUSE_SWITCH.md 8-11). Each switch
 * runs as a {@link SwitchRun} on the operations executor (it blocks, always bounded, on Redis and on the data
 * planes), holds the fleet through {@link FleetPause} so that no other pause or switch runs meanwhile, and is
 * recorded in the {@link SwitchHistory} whatever its outcome.
 */
public final class Switchover {

    private static final Logger log = LoggerFactory.getLogger(Switchover.class);

    private final DesiredStateStore store;
    private final DataPlaneRegistry registry;
    private final FleetPause fleet;
    private final SwitchHistory history;
    private final ExecutorService executor;
    private final Clock clock;
    private final TargetPreparation targetPreparation;

    /** A switch that readies nothing on its target beyond checking it. */
    public Switchover(DesiredStateStore store, DataPlaneRegistry registry, FleetPause fleet, SwitchHistory history,
                      ExecutorService executor, Clock clock) {
        this(store, registry, fleet, history, executor, clock, TargetPreparation.NONE);
    }

    /**
     * @param executor          runs each switch; a cached pool, since a switch blocks (bounded) for seconds
     * @param clock             for the record's start time
     * @param targetPreparation the last step of the target check (the tenants' upstream ACL users)
     */
    public Switchover(DesiredStateStore store, DataPlaneRegistry registry, FleetPause fleet, SwitchHistory history,
                      ExecutorService executor, Clock clock, TargetPreparation targetPreparation) {
        this.targetPreparation = targetPreparation;
        this.store = store;
        this.registry = registry;
        this.fleet = fleet;
        this.history = history;
        this.executor = executor;
        this.clock = clock;
    }

    /**
     * Starts a switch. Its result says how it ended and carries its {@link SwitchRecord}.
     *
     * @throws IllegalArgumentException a usage error (nothing is recorded): the message names the field
     */
    public CompletableFuture<OperationResult> start(SwitchRequest request) {
        SwitchPlan plan = SwitchPlan.of(request);
        String id = Operation.newId("switch");
        SwitchRecord.Builder record = SwitchRecord.newBuilder().setId(id).setRoute(plan.route())
                .setTo(plan.to().toString()).setMode(plan.modeName()).setStartedMillis(clock.millis());
        long startNanos = System.nanoTime();
        Operation op;
        try {
            op = fleet.beginSwitch(id, plan.description());
        } catch (OperationInProgressException e) {
            var route = store.current().routes().get(plan.route());
            if (route != null) {
                record.setFrom(route.upstream().toString());
            }
            return CompletableFuture.completedFuture(finish(record, startNanos, OperationResult.newBuilder()
                    .setOutcome(Outcome.PRECONDITION_FAILED).setMessage(e.getMessage() + "; nothing changed")));
        }
        log.info("Switch {}: route '{}' to {} ({})", id, plan.route(), plan.to(), plan.modeName());
        SwitchRun run = new SwitchRun(plan, op, record, store, registry, fleet, targetPreparation);
        try {
            return CompletableFuture.supplyAsync(() -> {
                OperationResult result = null;
                try {
                    result = finish(record, startNanos, run.run());
                    return result;
                } finally {
                    fleet.end(op, result == null ? "ended by an error" : result.getOutcome() + ": " + result.getMessage());
                }
            }, executor);
        } catch (RejectedExecutionException e) {
            fleet.end(op, "not started: the control plane is stopping");
            return CompletableFuture.completedFuture(finish(record, startNanos, OperationResult.newBuilder()
                    .setOutcome(Outcome.FAILED).setMessage("the control plane is stopping; nothing changed")));
        }
    }

    /** Completes the record, appends it to the history, and puts it in the result. */
    private OperationResult finish(SwitchRecord.Builder record, long startNanos, OperationResult.Builder result) {
        record.setOutcome(result.getOutcome()).setMessage(result.getMessage())
                .clearWarnings().addAllWarnings(result.getWarningsList())
                .setTotalMillis(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        try {
            history.append(record.build());
        } catch (IOException e) {
            log.error("Switch {}: cannot record it in the history", record.getId(), e);
            result.addWarnings("not recorded in the switch history: " + e.getMessage());
        }
        if (result.getOutcome() == Outcome.DONE) {
            log.info("Switch {} done: {}", record.getId(), result.getMessage());
        } else {
            log.warn("Switch {} {}: {}", record.getId(), result.getOutcome(), result.getMessage());
        }
        return result.setSwitch(record).build();
    }
}
