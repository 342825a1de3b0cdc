/**
 * Turnout's control plane: holds the desired state and drives every data plane over gRPC.
 *
 * <p>Start with {@link dev.turnout.controlplane.ControlPlaneMain} (flags, tokens, exit codes), then
 * {@link dev.turnout.controlplane.ControlPlaneServer} (the services, their token checks, health). Packages:
 * {@code state} (the versioned, persisted desired state and the switch history), {@code registry} (the data
 * planes and their streams), {@code operation} (pause, resume and switch of the whole fleet), {@code redis} (what a
 * switch asks of the Redis servers: checks, fence, replication offsets, promotion, ACL users), {@code tenant} (each
 * namespaced user's ACL user on the upstreams, for defence in depth), {@code api} (the gRPC services).
 */
package dev.turnout.controlplane;
