package dev.turnout.controlplane.operation;

import dev.turnout.controlplane.redis.RedisAdmin;
import dev.turnout.controlplane.redis.RedisAdminException;
import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.controlplane.state.InvalidChangeException;
import dev.turnout.controlplane.state.StaleVersionException;
import dev.turnout.dataplane.agent.ConfigSnapshots;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.v1.DataPlanePause;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.SwitchRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One switch, step by step, on its own thread: check the target, pause, (fence, wait for replication,) promote,
 * repoint the route, wait for every data plane to apply it, resume. Any step that fails undoes what the steps
 * before it did, in reverse (unfence, resume on the old upstream). A resume from the operator cancels the switch
 * until it promotes or applies; from then on it completes.
 */
final class SwitchRun {

    private static final Logger log = LoggerFactory.getLogger(SwitchRun.class);

    /** How long every connected data plane has to apply the new version. */
    static final Duration APPLY_TIMEOUT = Duration.ofSeconds(5);
    /** The old primary's fence outlives the replication wait by this much, to cover the apply and the resume. */
    static final Duration FENCE_MARGIN = Duration.ofSeconds(10);
    /** The replication wait checks for a cancelling resume this often. */
    static final Duration CANCEL_CHECK = Duration.ofMillis(100);
    /** Added to a bound this class relies on another class to keep, before giving up on it. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    private final SwitchPlan plan;
    private final Operation op;
    private final SwitchRecord.Builder record;
    private final DesiredStateStore store;
    private final DataPlaneRegistry registry;
    private final FleetPause fleet;
    private final TargetPreparation targetPreparation;
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, DataPlanePause> dataPlanes = new LinkedHashMap<>();

    private HostAndPort from;
    private TargetCheck.Passed checked;
    private long pausedAtNanos;
    private boolean resumed;
    private boolean fenced;

    SwitchRun(SwitchPlan plan, Operation op, SwitchRecord.Builder record, DesiredStateStore store,
              DataPlaneRegistry registry, FleetPause fleet, TargetPreparation targetPreparation) {
        this.plan = plan;
        this.targetPreparation = targetPreparation;
        this.op = op;
        this.record = record;
        this.store = store;
        this.registry = registry;
        this.fleet = fleet;
    }

    OperationResult.Builder run() {
        try {
            return steps();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return end(Outcome.FAILED, "interrupted (is the control plane stopping?); " + rollBack());
        } catch (RuntimeException e) {
            log.error("Switch {} failed unexpectedly", op.id, e);
            return end(Outcome.FAILED, "unexpected error: " + e + "; " + rollBack());
        } finally {
            if (checked != null) {
                checked.target().close();
                if (checked.oldPrimary() != null) {
                    checked.oldPrimary().close();
                }
            }
        }
    }

    private OperationResult.Builder steps() throws InterruptedException {
        // 1. The route, and where it points now.
        ProxyConfig state = store.current();
        RouteConfig route = state.routes().get(plan.route());
        if (route == null) {
            return end(Outcome.PRECONDITION_FAILED, "no route '" + plan.route() + "' in the desired state (routes: "
                    + new TreeSet<>(state.routes().keySet()) + "); nothing changed");
        }
        from = route.upstream();
        record.setFrom(from.toString());
        if (from.equals(plan.to())) {
            return end(Outcome.PRECONDITION_FAILED, "route '" + plan.route() + "' already points at " + from
                    + "; nothing changed");
        }

        // 2. Check the target before touching anything, and ready it for the route's clients (what Redis does not
        //    replicate: the tenants' ACL users), before any traffic moves there.
        long checkStart = System.nanoTime();
        try {
            checked = TargetCheck.run(plan, route, TargetCheck.TIMEOUT);
            targetPreparation.prepare(checked.target(), route, state);
        } catch (TargetCheck.Failed | RedisAdminException e) {
            record.setCheckMillis(millisSince(checkStart));
            return end(Outcome.PRECONDITION_FAILED, "target check failed: " + e.getMessage() + "; nothing changed");
        }
        record.setCheckMillis(millisSince(checkStart));
        warnings.addAll(checked.warnings());

        // 3. Pause: nothing in flight anywhere, new commands held.
        long pauseStart = System.nanoTime();
        OperationResult paused = await(fleet.pause(op, plan.pause()), plan.pause().timeout().plus(SLACK), "the pause");
        record.setDrainMillis(millisSince(pauseStart));
        paused.getDataPlanesList().forEach(d -> dataPlanes.put(d.getId(), d));
        warnings.addAll(paused.getWarningsList());
        if (paused.getOutcome() != Outcome.DONE) {
            resumed = true; // the pause resumed everything itself
            return end(paused.getOutcome(), "could not pause the fleet (" + paused.getMessage() + "); nothing changed");
        }
        pausedAtNanos = pauseStart;

        // 4. Replication: fence the old primary, let the target catch up.
        long replicationStart = System.nanoTime();
        if (plan.mode() == SwitchPlan.Mode.WAIT_REPLICATION) {
            OperationResult.Builder stop = waitForReplication();
            if (stop != null) {
                record.setReplicationMillis(millisSince(replicationStart));
                return stop;
            }
        }

        // The point of no return: a resume from now on waits for the switch instead of cancelling it.
        if (!fleet.commit(op)) {
            return end(Outcome.CANCELLED, "cancelled by a resume " + (plan.mode() == SwitchPlan.Mode.WAIT_REPLICATION
                    ? "while waiting for replication" : "while paused") + "; " + rollBack());
        }

        // 5. Promote.
        if (plan.mode() != SwitchPlan.Mode.SWITCH) {
            OperationResult.Builder failed = promote();
            if (failed != null) {
                record.setReplicationMillis(millisSince(replicationStart));
                return failed;
            }
            record.setReplicationMillis(millisSince(replicationStart));
        }

        // 6. Repoint the route; every data plane applies it while paused.
        long applyStart = System.nanoTime();
        OperationResult.Builder failed = apply();
        record.setApplyMillis(millisSince(applyStart));
        if (failed != null) {
            return failed;
        }

        // 7. Resume, on the new upstream; then the old primary follows the new one.
        resume("resumed on " + plan.to());
        if (plan.mode() == SwitchPlan.Mode.WAIT_REPLICATION) {
            demoteOldPrimary();
        }
        return end(Outcome.DONE, "switched route '" + plan.route() + "' from " + from + " to " + plan.to()
                + " (version " + record.getVersion() + "); traffic held " + record.getHeldMillis() + " ms");
    }

    /** Fences the old primary and waits for the target; null to go on, else the end of the switch. */
    private OperationResult.Builder waitForReplication() throws InterruptedException {
        RedisAdmin old = checked.oldPrimary();
        Duration fence = plan.replicationTimeout().plus(FENCE_MARGIN);
        long offset;
        try {
            old.fenceWrites(fence);
            fenced = true;
            offset = old.replication().masterReplOffset();
        } catch (RedisAdminException e) {
            return end(Outcome.FAILED, "could not fence the old primary: " + e.getMessage() + "; " + rollBack());
        }
        record.setFencedOffset(offset);
        long start = System.nanoTime();
        long deadline = start + plan.replicationTimeout().toNanos();
        long seen;
        try {
            while (true) {
                long left = Math.max(0, deadline - System.nanoTime());
                seen = checked.target().awaitReplicaOffset(offset, Duration.ofNanos(Math.min(left, CANCEL_CHECK.toNanos())));
                if (seen >= offset || left == 0 || fleet.isCancelled(op)) {
                    break;
                }
            }
        } catch (RedisAdminException e) {
            return end(Outcome.FAILED, "could not follow the target's replication: " + e.getMessage() + "; " + rollBack());
        }
        record.setTargetOffset(seen);
        long millis = millisSince(start);
        if (seen >= offset) {
            log.info("Switch {}: {} caught up with {} at offset {} in {} ms", op.id, plan.to(), from, offset, millis);
        }
        if (fleet.isCancelled(op)) {
            return end(Outcome.CANCELLED, "cancelled by a resume while waiting for replication; " + rollBack());
        }
        if (seen < offset) {
            String lag = "replica lagging: at " + seen + " of " + offset + " (" + (offset - seen) + " bytes behind) after "
                    + millis + " ms";
            if (!plan.force()) {
                return end(Outcome.PRECONDITION_FAILED, lag + "; nothing changed (" + rollBack() + ")");
            }
            warnings.add(lag + "; promoted anyway (--force): the writes in those bytes are lost");
        }
        return null;
    }

    /** REPLICAOF NO ONE on the target, unless it is a primary already; null to go on. */
    private OperationResult.Builder promote() {
        RedisAdmin target = checked.target();
        if (plan.mode() == SwitchPlan.Mode.PROMOTE) {
            warnings.add("unplanned failover: writes the old primary had acknowledged but not replicated may be lost");
        }
        if (checked.targetInfo().isPrimary()) {
            return null;
        }
        try {
            if (plan.mode() == SwitchPlan.Mode.PROMOTE) {
                record.setTargetOffset(target.replication().slaveReplOffset());
            }
            target.promote();
        } catch (RedisAdminException e) {
            return end(Outcome.FAILED, "could not promote " + plan.to() + ": " + e.getMessage() + "; " + rollBack());
        }
        return null;
    }

    /**
     * After a planned switchover: {@code REPLICAOF <target>} on the old primary, while still fenced, so that writes
     * its fence held (from clients that bypass the proxy) fail with READONLY instead of running on a server nobody
     * reads any more. Never unfenced first. If it cannot be done, the fence still holds for a while: say so.
     */
    private void demoteOldPrimary() {
        try {
            checked.oldPrimary().replicaOf(plan.to());
            warnings.add("the old primary " + from + " is now a replica of " + plan.to() + " (it syncs if its masterauth"
                    + " lets it authenticate there)");
        } catch (RedisAdminException e) {
            warnings.add("could not make the old primary a replica of " + plan.to() + " (" + e.getMessage()
                    + "): it stays write-fenced for up to " + plan.replicationTimeout().plus(FENCE_MARGIN).toSeconds()
                    + " s; make it a replica (REPLICAOF) or stop it before then");
        }
    }

    /** Points the route at the target and waits until every data plane applied it; null to go on. */
    private OperationResult.Builder apply() throws InterruptedException {
        ProxyConfig next;
        try {
            // No user or password: the route keeps its own (the target was checked with them).
            next = store.setUpstream(plan.route(), plan.to().toString(), null, null, 0);
        } catch (InvalidChangeException | StaleVersionException | IOException e) {
            notePromoted();
            return end(Outcome.FAILED, "could not change the desired state: " + e.getMessage() + "; " + rollBack());
        }
        long version = next.version();
        record.setVersion(version);
        String failure;
        try (AppliedWait wait = AppliedWait.listen(registry, version)) {
            registry.publish(ConfigSnapshots.toProto(next));
            failure = wait.await(APPLY_TIMEOUT);
        }
        if (failure == null) {
            return null;
        }
        if (plan.mode() != SwitchPlan.Mode.SWITCH && !failure.contains("rejected")) {
            // The target is a primary now: going back would split the writes. The late ones catch up on resume.
            warnings.add(failure + "; they move to " + plan.to() + " as soon as they apply it");
            return null;
        }
        String back = revert(version);
        notePromoted();
        return end(Outcome.FAILED, failure + "; " + back + rollBack());
    }

    /** Points the route back at the old upstream; says how it went. */
    private String revert(long version) {
        try {
            ProxyConfig back = store.setUpstream(plan.route(), from.toString(), null, null, 0);
            registry.publish(ConfigSnapshots.toProto(back));
            return "route '" + plan.route() + "' points at " + from + " again (version " + back.version() + "), ";
        } catch (InvalidChangeException | StaleVersionException | IOException e) {
            log.error("Switch {}: cannot point route '{}' back at {} after version {} failed", op.id, plan.route(), from,
                    version, e);
            return "could not point route '" + plan.route() + "' back at " + from + " (" + e.getMessage()
                    + "): set it by hand, ";
        }
    }

    /** Rolling back after the promotion: the target stays a primary, and the operator must know. */
    private void notePromoted() {
        if (plan.mode() != SwitchPlan.Mode.SWITCH && !checked.targetInfo().isPrimary()) {
            warnings.add(plan.to() + " was promoted and no longer replicates " + from
                    + ": make it a replica again (REPLICAOF) before switching to it");
        }
    }

    /** Undoes what was done, last first: unfences the old primary, resumes the fleet on it. Says what it did. */
    private String rollBack() {
        List<String> done = new ArrayList<>();
        if (fenced) {
            fenced = false;
            try {
                checked.oldPrimary().unfence();
                done.add("unfenced " + from);
            } catch (RedisAdminException e) {
                done.add("could not unfence " + from + " (" + e.getMessage() + "; the fence expires by itself)");
            }
        }
        if (pausedAtNanos != 0 && !resumed) {
            resume("resumed on " + from);
            done.add("resumed on " + from);
        }
        return done.isEmpty() ? "nothing changed" : String.join(", ", done);
    }

    private void resume(String message) {
        resumed = true;
        OperationResult result;
        try {
            result = await(fleet.resume(op, message), FleetPause.RESUME_CONFIRMATION.plus(SLACK), "the resume");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = OperationResults.of(Outcome.DONE, message);
        }
        record.setHeldMillis(millisSince(pausedAtNanos));
        for (DataPlanePause d : result.getDataPlanesList()) {
            DataPlanePause before = dataPlanes.get(d.getId());
            dataPlanes.put(d.getId(), before == null ? d : before.toBuilder().setPhase(d.getPhase())
                    .setHeldMillis(d.getHeldMillis()).build());
        }
        warnings.addAll(result.getWarningsList());
    }

    private OperationResult.Builder end(Outcome outcome, String message) {
        return OperationResult.newBuilder().setOutcome(outcome).setMessage(message)
                .addAllDataPlanes(dataPlanes.values()).addAllWarnings(warnings);
    }

    /** The outcome of a future this class relies on to complete in time; FAILED if it does not. */
    private OperationResult await(Future<OperationResult> future, Duration bound, String what)
            throws InterruptedException {
        try {
            return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.error("Switch {}: {} did not complete within {} ms", op.id, what, bound.toMillis(), e);
            return OperationResults.of(Outcome.FAILED, what + " did not complete within " + bound.toMillis() + " ms");
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
