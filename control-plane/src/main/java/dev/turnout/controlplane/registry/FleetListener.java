package dev.turnout.controlplane.registry;

import dev.turnout.v1.ControlMessage;
import dev.turnout.v1.PauseReport;

/**
 * Hears what the data planes' streams say about pauses (the pause coordinator). Called on the stream's
 * thread, never under the registry's lock; calls must be quick and must not block.
 */
public interface FleetListener {

    /** Hears nothing: the registry's listener until one is set. */
    FleetListener NONE = new FleetListener() {
    };

    /**
     * A data plane said Hello (and was sent the desired snapshot).
     *
     * @return a message to send it next (the Pause in force), or null
     */
    default ControlMessage onConnect(String id) {
        return null;
    }

    /** A data plane reported progress through a pause or a resume. */
    default void pauseReport(String id, PauseReport report) {
    }

    /** A data plane's stream ended. */
    default void disconnected(String id) {
    }
}
