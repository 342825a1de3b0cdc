/**
 * The desired state: one versioned {@link dev.turnout.dataplane.config.ProxyConfig}, validated before it is
 * accepted and persisted atomically.
 *
 * <p>Start with {@link dev.turnout.controlplane.state.DesiredStateStore} (apply, set an upstream, reload
 * after a restart); {@link dev.turnout.controlplane.state.StateFile} is the file format. Errors a client may
 * see are {@link dev.turnout.controlplane.state.InvalidChangeException} (never quoting a secret) and
 * {@link dev.turnout.controlplane.state.StaleVersionException}.
 */
package dev.turnout.controlplane.state;
