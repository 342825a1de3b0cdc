package dev.turnout.controlplane.operation;

import dev.turnout.controlplane.redis.RedisAdmin;
import dev.turnout.controlplane.redis.RedisAdminException;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;

/**
 * The last step of a switch's target check: readies the target for the route's clients before any traffic moves
 * there, with what Redis does not replicate from the current upstream (the tenants' upstream ACL users). A failure
 * fails the check, and the switch changes nothing.
 */
@FunctionalInterface
public interface TargetPreparation {

    /** Nothing to ready. */
    TargetPreparation NONE = (target, route, state) -> { };

    /**
     * @param target the checked target, authenticated with the route's credentials
     * @param route  the route as it is now (still pointing at the current upstream)
     * @param state  the desired state the switch starts from
     * @throws RedisAdminException the target cannot be made ready; the message says why and what to do
     */
    void prepare(RedisAdmin target, RouteConfig route, ProxyConfig state) throws RedisAdminException;
}
