package dev.turnout.controlplane.operation;

import dev.turnout.v1.OperationResult;
import dev.turnout.v1.Outcome;

/** Short-hands for results that carry only an outcome and a message. */
final class OperationResults {

    private OperationResults() {
    }

    static OperationResult of(Outcome outcome, String message) {
        return OperationResult.newBuilder().setOutcome(outcome).setMessage(message).build();
    }
}
