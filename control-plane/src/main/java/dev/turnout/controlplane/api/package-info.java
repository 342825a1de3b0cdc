/**
 * The gRPC services: {@link dev.turnout.controlplane.api.DataPlaneService} (one long-lived stream per data
 * plane) and {@link dev.turnout.controlplane.api.AdminService} (what proxyctl calls), each behind a
 * {@link dev.turnout.controlplane.api.BearerTokenCheck}.
 *
 * <p>The services translate between the wire and the state ({@code ..controlplane.state}) and the registry
 * ({@code ..controlplane.registry}); they hold no state of their own.
 */
package dev.turnout.controlplane.api;
