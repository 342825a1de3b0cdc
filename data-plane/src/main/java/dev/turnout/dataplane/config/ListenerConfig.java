package dev.turnout.dataplane.config;

import java.util.Objects;

/** One client-facing listener and the route its commands take. */
public record ListenerConfig(HostAndPort listen, String route) {
    public ListenerConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(route, "route");
    }
}
