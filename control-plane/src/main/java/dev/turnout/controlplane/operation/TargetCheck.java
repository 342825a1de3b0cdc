package dev.turnout.controlplane.operation;

import dev.turnout.controlplane.redis.RedisAdmin;
import dev.turnout.controlplane.redis.RedisAdminException;
import dev.turnout.controlplane.redis.ReplicationInfo;
import dev.turnout.dataplane.config.RouteConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A switch's first step (PAUSE_SWITCH.md 8): the target is reachable, accepts the route's credentials, and has
 * the role the switch needs: a primary for a plain switch; for a planned switchover a replica, linked up, of the
 * current upstream (which must be a reachable primary); for a failover a replica (or a primary already).
 * Nothing is changed anywhere. A failure's message says what is wrong and what to do.
 */
final class TargetCheck {

    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /**
     * The connections the switch goes on with; the caller closes them.
     *
     * @param target     to the target
     * @param oldPrimary to the current upstream, for a planned switchover; else null
     * @param targetInfo the target's INFO replication
     * @param warnings   things the operator should know, though the check passed
     */
    record Passed(RedisAdmin target, RedisAdmin oldPrimary, ReplicationInfo targetInfo, List<String> warnings) {
    }

    /** The check failed; the message says why and what to do, without "nothing changed". */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    private TargetCheck() {
    }

    static Passed run(SwitchPlan plan, RouteConfig route, Duration timeout) throws Failed {
        RedisAdmin target;
        try {
            target = RedisAdmin.connect(plan.to(), route.user(), route.password(), timeout);
        } catch (RedisAdminException e) {
            throw new Failed(e.getMessage());
        }
        RedisAdmin oldPrimary = null;
        try {
            ReplicationInfo info = target.replication();
            List<String> warnings = new ArrayList<>();
            switch (plan.mode()) {
                case SWITCH -> {
                    if (!info.isPrimary()) {
                        throw new Failed("target " + plan.to() + " is a replica (of " + info.masterHost() + ":"
                                + info.masterPort() + "), expected a primary; use --wait-replication for a planned"
                                + " switchover to it, or --promote for a failover");
                    }
                }
                case WAIT_REPLICATION -> oldPrimary = checkReplicaOfCurrent(plan, route, info, timeout);
                case PROMOTE -> {
                    if (info.isPrimary()) {
                        warnings.add("target " + plan.to() + " is a primary already: not promoted");
                    }
                }
            }
            return new Passed(target, oldPrimary, info, warnings);
        } catch (RedisAdminException e) {
            closeQuietly(target, oldPrimary);
            throw new Failed(e.getMessage());
        } catch (Failed | RuntimeException e) {
            closeQuietly(target, oldPrimary);
            throw e;
        }
    }

    /** For a planned switchover: the current upstream is a reachable primary and the target replicates it. */
    private static RedisAdmin checkReplicaOfCurrent(SwitchPlan plan, RouteConfig route, ReplicationInfo target,
                                                    Duration timeout) throws Failed, RedisAdminException {
        if (target.isPrimary()) {
            throw new Failed("target " + plan.to() + " is a primary, not a replica of " + route.upstream()
                    + "; a plain switch (without --wait-replication) moves to a primary");
        }
        RedisAdmin current;
        try {
            current = RedisAdmin.connect(route.upstream(), route.user(), route.password(), timeout);
        } catch (RedisAdminException e) {
            throw new Failed("the current upstream cannot be reached (" + e.getMessage() + "); --wait-replication"
                    + " needs it to fence writes and read its offset; if it is down, use --promote");
        }
        try {
            ReplicationInfo info = current.replication();
            if (!info.isPrimary()) {
                throw new Failed("the current upstream " + route.upstream() + " is a replica (of " + info.masterHost()
                        + ":" + info.masterPort() + "), expected a primary for --wait-replication");
            }
            if (!target.masterReplId().equals(info.masterReplId())) {
                throw new Failed("target " + plan.to() + " does not replicate " + route.upstream() + " (its primary is "
                        + target.masterHost() + ":" + target.masterPort() + ", replication id " + target.masterReplId()
                        + ", expected " + info.masterReplId() + ")");
            }
            if (!"up".equals(target.masterLinkStatus())) {
                throw new Failed("target " + plan.to() + "'s link to " + route.upstream() + " is "
                        + (target.masterLinkStatus().isEmpty() ? "not reported" : target.masterLinkStatus())
                        + " (expected up): it cannot catch up");
            }
            return current;
        } catch (Failed | RedisAdminException | RuntimeException e) {
            current.close();
            throw e;
        }
    }

    private static void closeQuietly(RedisAdmin... admins) {
        for (RedisAdmin admin : admins) {
            if (admin != null) {
                admin.close();
            }
        }
    }
}
