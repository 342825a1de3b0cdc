/**
 * The managed data plane's side of the control plane.
 *
 * <p>Start with {@link dev.turnout.dataplane.agent.ControlPlaneAgent}: it keeps one
 * {@code DataPlaneService.Connect} stream open, applies the config snapshots that come down it through
 * {@link dev.turnout.dataplane.config.ConfigHolder} (all or nothing), acknowledges each, reports status, and
 * reconnects with backoff while serving the last good snapshot. {@link dev.turnout.dataplane.agent.ConfigSnapshots}
 * converts snapshots to and from {@link dev.turnout.dataplane.config.ProxyConfig}, validating them; the control
 * plane uses it too.
 */
package dev.turnout.dataplane.agent;
