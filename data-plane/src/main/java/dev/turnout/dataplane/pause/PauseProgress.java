package dev.turnout.dataplane.pause;

import java.util.List;

/**
 * What a data plane reports about a pause: sent when it starts draining, while it drains, when it is paused,
 * and when it resumes.
 *
 * @param drained     commands that were in flight when the pause began and have finished since
 * @param busy        while draining, the client connections still busy and why (a few)
 * @param elapsedMillis since the pause began
 * @param heldMillis  on resume, how long traffic was held
 * @param end         on resume, why ("resumed", "lease expired after 30000 ms")
 */
public record PauseProgress(String operationId, PausePhase phase, long drained, long inflight, long held,
                            List<String> busy, long elapsedMillis, long heldMillis, String end) {
}
