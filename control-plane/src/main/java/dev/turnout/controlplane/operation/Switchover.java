package dev.turnout.controlplane.operation;

import dev.turnout.controlplane.redis.RedisAdmin;
import dev.turnout.controlplane.redis.RedisAdminException;
import dev.turnout.controlplane.redis.ReplicationInfo;
import dev.turnout.controlplane.registry.DataPlaneRegistry;
import dev.turnout.controlplane.state.DesiredStateStore;
import dev.turnout.controlplane.state.InvalidChangeException;
import dev.turnout.controlplane.state.StaleVersionException;
import dev.turnout.controlplane.state.SwitchHistory;
import dev.turnout.dataplane.agent.ConfigSnapshots;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;
import dev.turnout.v1.SwitchRecord;
import dev.turnout.v1.SwitchRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code switch}: moves a route, and every client of it, to another Redis (PAUSE_SWITCH.md 8-11). The target is
 * checked before anything changes; then the fleet is paused (drained); for a planned switchover the old primary
 * is fenced ({@code CLIENT PAUSE WRITE}), the target waited for until it has the primary's offset, and promoted;
 * for a failover the target is promoted at once; the route is repointed and every data plane's acknowledgement
 * awaited; then the fleet resumes. Whatever happens, it ends resumed and is recorded in the history.
 */
public final class Switchover {

    private static final Logger log = LoggerFactory.getLogger(Switchover.class);

    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_REPLICATION_TIMEOUT = Duration.ofSeconds(5);
    static final Duration APPLY_TIMEOUT = Duration.ofSeconds(5);
    /** The fence outlives the replication wait by this much, so it covers the apply and resume. */
    static final Duration FENCE_MARGIN = Duration.ofSeconds(10);

    private final DesiredStateStore store;
    private final DataPlaneRegistry registry;
    private final FleetPause fleet;
    private final SwitchHistory history;
    private final Clock clock;
    private final ReentrantLock running = new ReentrantLock();

    public Switchover(DesiredStateStore store, DataPlaneRegistry registry, FleetPause fleet, SwitchHistory history,
                      Clock clock) {
        this.store = store;
        this.registry = registry;
        this.fleet = fleet;
        this.history = history;
        this.clock = clock;
    }

    public OperationResult run(SwitchRequest request) {
        if (!running.tryLock()) {
            return OperationResults.of(Outcome.PRECONDITION_FAILED, "another switch is in progress; wait for it to end");
        }
        try {
            Attempt attempt = new Attempt(request);
            OperationResult.Builder result = attempt.run();
            SwitchRecord record = attempt.record.setOutcome(result.getOutcome()).setMessage(result.getMessage())
                    .addAllWarnings(result.getWarningsList())
                    .setTotalMillis(attempt.millisSince(attempt.startNanos)).build();
            try {
                history.append(record);
            } catch (IOException e) {
                log.error("Cannot record switch {} in the history", record.getId(), e);
                result.addWarnings("not recorded in the history: " + e.getMessage());
            }
            log.info("Switch {} of route '{}' from {} to {} ({}): {} - {}", record.getId(), record.getRoute(),
                    record.getFrom(), record.getTo(), record.getMode(), record.getOutcome(), record.getMessage());
            return result.setSwitch(record).build();
        } finally {
            running.unlock();
        }
    }

    /** One switch, start to end. */
    private final class Attempt {
        final SwitchRequest request;
        final SwitchRecord.Builder record = SwitchRecord.newBuilder();
        final long startNanos = System.nanoTime();
        final String holder;
        long pausedFromNanos;
        RedisAdmin oldPrimary;
        RedisAdmin target;
        boolean fenced;

        Attempt(SwitchRequest request) {
            this.request = request;
            String route = request.getRoute().isEmpty() ? DesiredStateStore.DEFAULT_ROUTE : request.getRoute();
            String mode = request.getPromote() ? "promote"
                    : request.getWaitReplication() ? (request.getForce() ? "wait-replication --force" : "wait-replication")
                    : "switch";
            this.holder = "switch " + route + " to " + request.getTo();
            record.setId(UUID.randomUUID().toString()).setRoute(route).setTo(request.getTo()).setMode(mode)
                    .setStartedMillis(clock.millis());
        }

        OperationResult.Builder run() {
            try {
                return steps();
            } catch (RedisAdminException e) {
                rollBack();
                return fail(Outcome.FAILED, e.getMessage() + "; " + (pausedFromNanos == 0 ? "nothing changed"
                        : "rolled back: resumed on " + record.getFrom()));
            } finally {
                close(oldPrimary);
                close(target);
            }
        }

        private OperationResult.Builder steps() throws RedisAdminException {
            // 1. What and where.
            RouteConfig route = store.current().routes().get(record.getRoute());
            if (route == null) {
                return fail(Outcome.PRECONDITION_FAILED, "no route '" + record.getRoute() + "' in the desired state"
                        + " (routes: " + store.current().routes().keySet() + "); nothing changed");
            }
            record.setFrom(route.upstream().toString());
            HostAndPort to;
            try {
                to = HostAndPort.parse(request.getTo());
            } catch (IllegalArgumentException e) {
                return fail(Outcome.PRECONDITION_FAILED, "to: " + e.getMessage() + "; nothing changed");
            }
            if (request.getPromote() && request.getWaitReplication()) {
                return fail(Outcome.PRECONDITION_FAILED, "promote and wait-replication exclude each other; nothing changed");
            }
            if (to.equals(route.upstream())) {
                return fail(Outcome.PRECONDITION_FAILED, "route '" + record.getRoute() + "' already uses " + to
                        + "; nothing changed");
            }

            // 2. Check the target (and, for a planned switchover, the old primary) before touching anything.
            long checkStart = System.nanoTime();
            try {
                target = RedisAdmin.connect(to, route.user(), route.password(), CHECK_TIMEOUT);
            } catch (RedisAdminException e) {
                return fail(Outcome.PRECONDITION_FAILED, "target check failed: " + e.getMessage() + "; nothing changed");
            }
            ReplicationInfo targetInfo = target.replication();
            String refusal = null;
            if (request.getWaitReplication()) {
                try {
                    oldPrimary = RedisAdmin.connect(route.upstream(), route.user(), route.password(), CHECK_TIMEOUT);
                } catch (RedisAdminException e) {
                    return fail(Outcome.PRECONDITION_FAILED, "the current upstream cannot be reached for a planned "
                            + "switchover (" + e.getMessage() + "); if it is down, use --promote; nothing changed");
                }
                ReplicationInfo oldInfo = oldPrimary.replication();
                if (!oldInfo.isPrimary()) {
                    refusal = "the current upstream " + route.upstream() + " is not a primary (role " + oldInfo.role() + ")";
                } else if (targetInfo.isPrimary()) {
                    refusal = "target " + to + " is a primary, not a replica of " + route.upstream()
                            + " (a plain switch, without --wait-replication, moves to a primary)";
                } else if (!targetInfo.masterReplId().equals(oldInfo.masterReplId())) {
                    refusal = "target " + to + " is not a replica of " + route.upstream() + " (its master is "
                            + targetInfo.masterHost() + ":" + targetInfo.masterPort() + ", replication id differs)";
                } else if (!"up".equals(targetInfo.masterLinkStatus())) {
                    refusal = "target " + to + "'s replication link is " + targetInfo.masterLinkStatus();
                }
            } else if (!request.getPromote() && !targetInfo.isPrimary()) {
                refusal = "target " + to + " is a replica (of " + targetInfo.masterHost() + ":" + targetInfo.masterPort()
                        + "); use --wait-replication for a planned switchover to it, or --promote for a failover";
            }
            record.setCheckMillis(millisSince(checkStart));
            if (refusal != null) {
                return fail(Outcome.PRECONDITION_FAILED, "target check failed: " + refusal + "; nothing changed");
            }

            // 3. Pause: nothing in flight, new commands held.
            long drainStart = System.nanoTime();
            Duration pauseTimeout = request.getPauseTimeoutMillis() > 0
                    ? Duration.ofMillis(request.getPauseTimeoutMillis()) : FleetPause.DEFAULT_TIMEOUT;
            OperationResult paused = fleet.pause(pauseTimeout, FleetPause.DEFAULT_HOLD_LIMIT, FleetPause.DEFAULT_LEASE, holder);
            record.setDrainMillis(millisSince(drainStart));
            if (paused.getOutcome() != Outcome.DONE) {
                return fail(paused.getOutcome(), "pause failed: " + paused.getMessage()).addAllDataPlanes(paused.getDataPlanesList());
            }
            pausedFromNanos = drainStart;
            OperationResult.Builder result = OperationResult.newBuilder().addAllDataPlanes(paused.getDataPlanesList())
                    .addAllWarnings(paused.getWarningsList());

            // 4. Replication: fence, catch up, promote.
            long replicationStart = System.nanoTime();
            if (request.getWaitReplication()) {
                Duration timeout = request.getReplicationTimeoutMillis() > 0
                        ? Duration.ofMillis(request.getReplicationTimeoutMillis()) : DEFAULT_REPLICATION_TIMEOUT;
                Duration fence = timeout.plus(FENCE_MARGIN);
                oldPrimary.fenceWrites(fence);
                fenced = true;
                long offset = oldPrimary.replication().masterReplOffset();
                long seen = target.awaitReplicaOffset(offset, timeout);
                record.setFencedOffset(offset).setTargetOffset(seen);
                if (seen < offset) {
                    String lag = "replica lagging: " + to + " at offset " + seen + " of " + offset + " ("
                            + (offset - seen) + " bytes behind) after " + timeout.toMillis() + " ms";
                    if (!request.getForce()) {
                        rollBack();
                        record.setReplicationMillis(millisSince(replicationStart));
                        return fail(Outcome.PRECONDITION_FAILED, lag + "; rolled back: unfenced " + record.getFrom()
                                + " and resumed on it");
                    }
                    result.addWarnings(lag + "; switched anyway (--force): writes in those bytes are lost");
                }
                if (!fleet.pausedBy(holder)) {
                    rollBack();
                    return fail(Outcome.CANCELLED, "cancelled by a resume before promoting " + to + "; rolled back: "
                            + "unfenced " + record.getFrom() + " and resumed on it");
                }
                target.promote();
                result.addWarnings("the old primary " + record.getFrom() + " stays write-fenced for up to "
                        + fence.toSeconds() + " s; make it a replica of " + to + " (REPLICAOF) or stop it before then");
            } else if (request.getPromote()) {
                if (!fleet.pausedBy(holder)) {
                    return fail(Outcome.CANCELLED, "cancelled by a resume before promoting " + to + "; nothing changed");
                }
                if (!targetInfo.isPrimary()) {
                    target.promote();
                }
                record.setTargetOffset(targetInfo.slaveReplOffset());
                result.addWarnings("unplanned failover: writes the old primary " + record.getFrom()
                        + " had acknowledged but not replicated to " + to + " may be lost");
            }
            record.setReplicationMillis(millisSince(replicationStart));

            // 5. Repoint the route, and wait until every data plane serves it.
            long applyStart = System.nanoTime();
            String applyFailure = apply(to);
            record.setApplyMillis(millisSince(applyStart));
            if (applyFailure != null) {
                OperationResult resumed = fleet.resume();
                record.setHeldMillis(millisSince(pausedFromNanos));
                return fail(Outcome.FAILED, applyFailure + "; resumed on " + record.getFrom()
                        + (request.getWaitReplication() || request.getPromote() ? " (note: " + to + " was promoted)" : ""))
                        .addAllWarnings(resumed.getWarningsList());
            }

            // 6. Resume.
            OperationResult resumed = fleet.resume();
            record.setHeldMillis(millisSince(pausedFromNanos));
            result.addAllWarnings(resumed.getWarningsList());
            return result.setOutcome(Outcome.DONE).setMessage("route '" + record.getRoute() + "' switched from "
                    + record.getFrom() + " to " + to + " (version " + record.getVersion() + "); traffic held "
                    + record.getHeldMillis() + " ms");
        }

        /** Points the route at {@code to}; null once every connected data plane applied it, else why not. */
        private String apply(HostAndPort to) {
            ProxyConfig next;
            try {
                next = store.setUpstream(record.getRoute(), to.toString(), null, null, 0);
            } catch (InvalidChangeException | StaleVersionException | IOException e) {
                return "cannot change the desired state: " + e.getMessage();
            }
            long version = next.version();
            record.setVersion(version);
            registry.publish(ConfigSnapshots.toProto(next));
            long deadline = System.nanoTime() + APPLY_TIMEOUT.toNanos();
            while (true) {
                Map<String, String> rejected = registry.rejections(version);
                if (!rejected.isEmpty()) {
                    revert(version);
                    return "data plane(s) rejected version " + version + ": " + rejected;
                }
                boolean all = registry.appliedVersions().values().stream().allMatch(v -> v >= version);
                if (all) {
                    return null;
                }
                if (System.nanoTime() - deadline >= 0) {
                    Map<String, Long> versions = registry.appliedVersions();
                    revert(version);
                    return "not every data plane applied version " + version + " within " + APPLY_TIMEOUT.toMillis()
                            + " ms: " + versions;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }

        private void revert(long version) {
            try {
                ProxyConfig back = store.setUpstream(record.getRoute(), record.getFrom(), null, null, 0);
                registry.publish(ConfigSnapshots.toProto(back));
            } catch (InvalidChangeException | StaleVersionException | IOException e) {
                log.error("Switch {}: cannot point route '{}' back at {} after version {} failed", record.getId(),
                        record.getRoute(), record.getFrom(), version, e);
            }
        }

        /** Unfences the old primary (if fenced) and resumes the fleet (if this switch paused it). */
        private void rollBack() {
            if (fenced && oldPrimary != null) {
                try {
                    oldPrimary.unfence();
                    fenced = false;
                } catch (RedisAdminException e) {
                    log.error("Switch {}: cannot unfence {}: {} (it unfences itself when the CLIENT PAUSE expires)",
                            record.getId(), record.getFrom(), e.getMessage());
                }
            }
            if (pausedFromNanos != 0) {
                fleet.resume();
                record.setHeldMillis(millisSince(pausedFromNanos));
            }
        }

        private OperationResult.Builder fail(Outcome outcome, String message) {
            return OperationResult.newBuilder().setOutcome(outcome).setMessage(message);
        }

        long millisSince(long nanos) {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
        }

        private void close(RedisAdmin admin) {
            if (admin != null) {
                admin.close();
            }
        }
    }
}
