package dev.turnout.controlplane.redis;

/**
 * A Redis server could not do what a switch needed. The message names the server, what failed and, where
 * there is one, what to do: {@code 10.0.0.2:6379: cannot connect: Connection refused}. It never holds a
 * password.
 */
public final class RedisAdminException extends Exception {

    private final boolean refusedByServer;

    public RedisAdminException(String message) {
        this(message, null, false);
    }

    public RedisAdminException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /** @param refusedByServer the server answered the command with an error (see {@link #refusedByServer()}) */
    public RedisAdminException(String message, Throwable cause, boolean refusedByServer) {
        super(message, cause);
        this.refusedByServer = refusedByServer;
    }

    /**
     * Whether the server answered the command with an error ({@code NOPERM}, an unknown command, a bad argument):
     * asking again gets the same answer. False when it could not be asked (unreachable, timed out, connection lost,
     * credentials refused), which may pass.
     */
    public boolean refusedByServer() {
        return refusedByServer;
    }
}
