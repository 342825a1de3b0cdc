package dev.turnout.controlplane.registry;

import dev.turnout.v1.ConfigAck;
import dev.turnout.v1.PauseReport;

/**
 * Hears what the data planes' streams say, for whoever waits on them: a pause waiting for every data plane to
 * drain, a switch waiting for every data plane to apply a version.
 *
 * <p>Called on the stream's thread, never under the registry's lock, so a listener may call the registry.
 * Calls must be quick and must not block. Only the current stream of each data plane is heard.
 */
public interface FleetListener {

    /** A data plane said Hello; it was sent the desired snapshot and the pause in force, if any. */
    default void connected(String id) {
    }

    /** A data plane reported progress through a pause, or a resume. */
    default void pauseReported(String id, PauseReport report) {
    }

    /** A data plane applied or rejected a snapshot. */
    default void configAcked(String id, ConfigAck ack) {
    }

    /** A data plane's stream ended. */
    default void disconnected(String id) {
    }
}
