/**
 * The gRPC services: {@link dev.turnout.controlplane.api.DataPlaneService} (one long-lived stream per data
 * plane) and {@link dev.turnout.controlplane.api.AdminService} (what proxyctl calls), each behind a
 * {@link dev.turnout.controlplane.api.BearerTokenCheck}.
 *
 * <p>The services translate between the wire and the state ({@code ..controlplane.state}), the registry
 * ({@code ..controlplane.registry}) and the operations ({@code ..controlplane.operation}); they hold no state of
 * their own beyond the open WatchStatus streams ({@code StatusWatches}). {@code FleetStatuses} assembles what
 * status shows, with each upstream's replication asked of Redis ({@code UpstreamReplications}); {@code UserRequests}
 * turns the user RPCs' messages into the store's terms and back.
 */
package dev.turnout.controlplane.api;
