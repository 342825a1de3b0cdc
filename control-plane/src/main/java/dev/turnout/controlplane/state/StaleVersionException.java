package dev.turnout.controlplane.state;

/** A change made with {@code if_version} that is not the current version of the desired state. */
public final class StaleVersionException extends Exception {

    private static final long serialVersionUID = 1L;

    private final long current;
    private final long expected;

    public StaleVersionException(long current, long expected) {
        super("desired state is at version " + current + ", not " + expected + "; get it again and retry");
        this.current = current;
        this.expected = expected;
    }

    public long current() {
        return current;
    }

    public long expected() {
        return expected;
    }
}
