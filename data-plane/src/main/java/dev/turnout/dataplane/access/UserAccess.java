package dev.turnout.dataplane.access;

import java.util.Objects;

/**
 * What one configured user may do in one configuration version: which commands, how many a second, over how many
 * connections. The rules are this version's; the rate limiter's bucket and the connection count are the user's
 * own and carry over to later versions (see {@link UserAccessRegistry}).
 *
 * @param name        the user's name
 * @param commands    the commands the user may run
 * @param rateLimiter the user's commands per second, shared by all its connections
 * @param connections the user's open connections and their maximum
 */
public record UserAccess(String name, CommandRules commands, RateLimiter rateLimiter, ConnectionQuota connections) {

    public UserAccess {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(commands, "commands");
        Objects.requireNonNull(rateLimiter, "rateLimiter");
        Objects.requireNonNull(connections, "connections");
    }
}
