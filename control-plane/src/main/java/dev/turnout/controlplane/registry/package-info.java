/**
 * The data planes the control plane knows: one entry per data-plane id, its open stream (if any) and what
 * it last reported.
 *
 * <p>Start with {@link dev.turnout.controlplane.registry.DataPlaneRegistry}: {@code connect} on a Hello,
 * the returned {@link dev.turnout.controlplane.registry.DataPlaneRegistry.Registration} for what the stream
 * reports afterwards, {@code publish} for each new desired state (as a
 * {@link dev.turnout.controlplane.registry.SnapshotPreparer} makes it), {@code pause}/{@code resume} for the pause
 * in force. Whoever waits on the data planes (a pause, a switch) hears them through a
 * {@link dev.turnout.controlplane.registry.FleetListener}. Streams are reached through
 * {@link dev.turnout.controlplane.registry.ControlStream}, so the registry is tested without gRPC.
 */
package dev.turnout.controlplane.registry;
