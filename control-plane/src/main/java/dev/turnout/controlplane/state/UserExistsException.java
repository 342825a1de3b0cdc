package dev.turnout.controlplane.state;

/** Adding a user whose name the desired state already has: adding never replaces a user. */
public final class UserExistsException extends Exception {

    private static final long serialVersionUID = 1L;

    public UserExistsException(String name, long version) {
        super("user '" + name + "' already exists in the desired state (version " + version
                + "); change its password instead, or remove it first");
    }
}
