/**
 * Pause and resume of one data plane, as the control plane orders them: close every event loop's gate, wait
 * until nothing is in flight upstream (ending blocked commands so they do not stall it), hold what clients
 * send meanwhile, and open the gates again, on the control plane's word or when the pause's lease runs out.
 */
package dev.turnout.dataplane.pause;
