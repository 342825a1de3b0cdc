/**
 * The managed data plane's side of the control plane.
 *
 * <p>Start with {@link dev.turnout.dataplane.agent.ConfigSnapshots}: it converts the wire's config snapshots
 * to and from {@link dev.turnout.dataplane.config.ProxyConfig}, validating them; the control plane uses it too.
 */
package dev.turnout.dataplane.agent;
