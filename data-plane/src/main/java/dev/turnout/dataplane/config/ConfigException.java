package dev.turnout.dataplane.config;

/** A configuration document that cannot be used; the message names the path and what was expected. */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String path;

    public ConfigException(String path, String message) {
        super(path.isEmpty() ? message : path + ": " + message);
        this.path = path;
    }

    /** Where in the document the problem is, for example {@code routes.orders.upstream}. */
    public String path() {
        return path;
    }
}
