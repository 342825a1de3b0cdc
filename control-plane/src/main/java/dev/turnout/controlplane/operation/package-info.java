/**
 * Operations on the whole fleet, one at a time (PAUSE_SWITCH.md).
 *
 * <p>Start with {@link dev.turnout.controlplane.operation.FleetPause}: pause and resume every data plane (drain,
 * timeout, cancel, lease renewal, late joiners), and the rule that only one pause or switch runs at a time. Then
 * {@link dev.turnout.controlplane.operation.Switchover}, which runs each switch as a {@code SwitchRun}: check the
 * target ({@code TargetCheck}, then a {@link dev.turnout.controlplane.operation.TargetPreparation}), pause, fence
 * and wait for replication, promote, repoint the route and wait until every data plane applied it
 * ({@code AppliedWait}), resume, record.
 */
package dev.turnout.controlplane.operation;
