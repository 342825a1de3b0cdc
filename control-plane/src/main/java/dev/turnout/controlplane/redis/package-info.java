/**
 * What the control plane asks of the Redis servers themselves during a switch: is the target what it should be
 * (reachable, authenticates, primary or a replica in sync), fence the old primary's writes, wait for the
 * replica's offset, promote it; and the tenants' ACL users.
 *
 * <p>Start with {@link dev.turnout.controlplane.redis.RedisAdmin}: one blocking connection whose every call is
 * bounded by a timeout, to be used from the switch's own thread, never an event loop.
 * {@link dev.turnout.controlplane.redis.ReplicationInfo} is {@code INFO replication}, parsed; failures are
 * {@link dev.turnout.controlplane.redis.RedisAdminException}s that name the server.
 */
package dev.turnout.controlplane.redis;
