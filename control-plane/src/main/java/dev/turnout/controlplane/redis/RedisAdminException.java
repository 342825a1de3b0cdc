package dev.turnout.controlplane.redis;

/**
 * A Redis server could not do what a switch needed. The message names the server, what failed and, where
 * there is one, what to do: {@code 10.0.0.2:6379: cannot connect: Connection refused}. It never holds a
 * password.
 */
public final class RedisAdminException extends Exception {

    public RedisAdminException(String message) {
        super(message);
    }

    public RedisAdminException(String message, Throwable cause) {
        super(message, cause);
    }
}
