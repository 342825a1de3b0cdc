package dev.turnout.dataplane.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One immutable, validated snapshot of everything a data plane serves. Published through
 * {@link ConfigHolder}; each command reads the snapshot once.
 *
 * @param version   increases with every change (0 for a standalone data plane's first load)
 * @param listeners client-facing listeners
 * @param routes    routes by name
 * @param limits    client limits
 * @param users     the clients the proxy authenticates itself, by name (none: clients need no AUTH)
 */
public record ProxyConfig(long version, List<ListenerConfig> listeners, Map<String, RouteConfig> routes,
                          LimitsConfig limits, Map<String, UserConfig> users) {

    /** Without users: clients need no AUTH. */
    public ProxyConfig(long version, List<ListenerConfig> listeners, Map<String, RouteConfig> routes, LimitsConfig limits) {
        this(version, listeners, routes, limits, Map.of());
    }

    public ProxyConfig {
        listeners = List.copyOf(listeners);
        routes = Map.copyOf(routes);
        users = Map.copyOf(users);
        Objects.requireNonNull(limits, "limits");
        for (ListenerConfig listener : listeners) {
            if (!routes.containsKey(listener.route())) {
                throw new IllegalArgumentException("listener " + listener.listen() + ": route '" + listener.route()
                        + "' is not defined (defined routes: " + routes.keySet() + ")");
            }
        }
    }

    public RouteConfig route(String name) {
        RouteConfig route = routes.get(name);
        if (route == null) {
            throw new IllegalArgumentException("route '" + name + "' is not defined");
        }
        return route;
    }

    public ProxyConfig withVersion(long newVersion) {
        return new ProxyConfig(newVersion, listeners, routes, limits, users);
    }
}
