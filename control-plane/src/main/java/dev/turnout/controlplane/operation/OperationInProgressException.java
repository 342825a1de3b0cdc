package dev.turnout.controlplane.operation;

/** Another pause or switch holds the fleet; only one runs at a time. */
final class OperationInProgressException extends Exception {

    private static final long serialVersionUID = 1L;

    OperationInProgressException(String running) {
        super("another operation is in progress: " + running);
    }
}
