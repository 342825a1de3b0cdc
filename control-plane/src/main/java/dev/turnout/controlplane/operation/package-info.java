/**
 * Operations on the whole fleet: {@link dev.turnout.controlplane.operation.FleetPause} (pause and resume every
 * data plane) and {@link dev.turnout.controlplane.operation.Switchover} (check the target, pause, fence, wait for
 * replication, promote, repoint the route, resume, record).
 */
package dev.turnout.controlplane.operation;
