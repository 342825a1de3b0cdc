package dev.turnout.dataplane.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where a route's commands go: one upstream Redis and the credentials the proxy presents to it on the
 * clients' behalf. Later kinds of route (primary with replicas, Sentinel, Cluster) sit beside this one.
 *
 * @param name           the route's name, as listeners refer to it
 * @param upstream       the Redis server
 * @param user           ACL user, or {@code null} for the default user
 * @param password       the upstream password, or {@code null} when the upstream needs none
 * @param databases      how many logical databases the upstream has ({@code SELECT} is checked against it)
 * @param connectTimeout how long one connection attempt may take
 */
public record RouteConfig(String name, HostAndPort upstream, String user, Secret password, int databases,
                          Duration connectTimeout) {

    public static final int DEFAULT_DATABASES = 16;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

    public RouteConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (databases < 1) {
            throw new IllegalArgumentException("databases: " + databases + " (expected: >= 1)");
        }
    }
}
