package dev.turnout.dataplane.pause;

/** The data plane's traffic now, for its periodic status. */
public record PauseSnapshot(PausePhase phase, long inflight, long held, long lastPauseHeldMillis,
                            String lastPauseEnd) {
}
