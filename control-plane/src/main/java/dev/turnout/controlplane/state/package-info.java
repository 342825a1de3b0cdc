/**
 * The desired state: one versioned {@link dev.turnout.dataplane.config.ProxyConfig}, validated before it is
 * accepted and persisted atomically.
 *
 * <p>Start with {@link dev.turnout.controlplane.state.DesiredStateStore} (apply, set an upstream, add, change
 * or remove a user, reload after a restart); {@link dev.turnout.controlplane.state.StateFile} is the file
 * format, {@link dev.turnout.controlplane.state.UserChange} a user to add or change, and {@code DocumentTree}
 * the document a user change is written into before the data plane's reader validates it. Errors a client may
 * see are {@link dev.turnout.controlplane.state.InvalidChangeException} (never quoting a secret),
 * {@link dev.turnout.controlplane.state.StaleVersionException},
 * {@link dev.turnout.controlplane.state.UnknownUserException} and
 * {@link dev.turnout.controlplane.state.UserExistsException}.
 */
package dev.turnout.controlplane.state;
