package dev.turnout.dataplane.pause;

/** Where a data plane's traffic stands. */
public enum PausePhase {
    /** Commands go upstream as they come. */
    SERVING,
    /** New commands are held; commands already upstream are finishing. */
    DRAINING,
    /** Nothing is in flight upstream; new commands are held. */
    PAUSED
}
