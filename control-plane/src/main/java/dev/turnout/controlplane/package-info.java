/**
 * Turnout's control plane: holds the desired state and drives every data plane over gRPC.
 *
 * <p>Start with {@link dev.turnout.controlplane.ControlPlaneMain} (flags, tokens, exit codes), then
 * {@link dev.turnout.controlplane.ControlPlaneServer} (the services, their token checks, health). Packages:
 * {@code state} (the versioned, persisted desired state), {@code registry} (the data planes and their
 * streams), {@code api} (the gRPC services).
 */
package dev.turnout.controlplane;
