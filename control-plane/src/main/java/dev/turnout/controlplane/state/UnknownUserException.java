package dev.turnout.controlplane.state;

/** A change to a user that is not in the desired state: removing, or changing, a name that is not there. */
public final class UnknownUserException extends Exception {

    private static final long serialVersionUID = 1L;

    public UnknownUserException(String name, long version) {
        super("user '" + name + "' does not exist in the desired state (version " + version
                + "); check the name in the list of users, or add the user first");
    }
}
