package dev.turnout.dataplane.agent;

import dev.turnout.dataplane.config.ConfigException;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.dataplane.config.ListenerConfig;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.Limits;
import dev.turnout.v1.User;
import dev.turnout.v1.Listener;
import dev.turnout.v1.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Converts between {@link ProxyConfig} and the wire's {@link ConfigSnapshot}. {@link #fromProto} validates
 * as {@link dev.turnout.dataplane.config.ConfigDocumentReader} does, and its errors name the path with the
 * YAML document's kebab-case keys ({@code routes.orders.connect-timeout}); a zero or empty field means the
 * default config.proto documents. Error messages never contain a password. A user's upstream ACL credentials
 * (filled by the control plane where it provisioned them) travel in both directions.
 */
public final class ConfigSnapshots {

    private ConfigSnapshots() {
    }

    /** Every field spelled out (no zeros standing for defaults); passwords inline. */
    public static ConfigSnapshot toProto(ProxyConfig config) {
        ConfigSnapshot.Builder snapshot = ConfigSnapshot.newBuilder().setVersion(config.version());
        for (ListenerConfig listener : config.listeners()) {
            snapshot.addListeners(Listener.newBuilder()
                    .setListen(listener.listen().toString())
                    .setRoute(listener.route()));
        }
        for (RouteConfig route : config.routes().values()) {
            Route.Builder r = Route.newBuilder()
                    .setUpstream(route.upstream().toString())
                    .setDatabases(route.databases())
                    .setConnectTimeoutMillis(route.connectTimeout().toMillis());
            if (route.user() != null) {
                r.setUser(route.user());
            }
            if (route.password() != null) {
                r.setPassword(route.password().reveal());
            }
            snapshot.putRoutes(route.name(), r.build());
        }
        LimitsConfig limits = config.limits();
        snapshot.setLimits(Limits.newBuilder()
                .setMaxClients(limits.maxClients())
                .setIdleTimeoutMillis(limits.idleTimeout().toMillis())
                .setMaxBulkLength(limits.maxBulkLength())
                .setMaxMultibulkLength(limits.maxMultibulkLength())
                .setMaxInlineLength(limits.maxInlineLength())
                .setMaxInflightPerClient(limits.maxInflightPerClient()));
        for (UserConfig user : config.users().values()) {
            User.Builder u = User.newBuilder().setName(user.name()).setPasswordHash(user.passwordHash())
                    .setNamespace(user.namespace()).setCommands(user.commands())
                    .setMaxConnections(user.maxConnections()).setRateLimit(user.rateLimit());
            if (user.upstreamUser() != null) {
                u.setUpstreamUser(user.upstreamUser()).setUpstreamPassword(user.upstreamPassword().reveal())
                        .addAllUpstreamRoutes(new TreeSet<>(user.upstreamRoutes()));
            }
            snapshot.addUsers(u);
        }
        return snapshot.build();
    }

    /**
     * A validated configuration whose version is the snapshot's. A snapshot may hold no routes and no
     * listeners (a data plane that serves nothing yet); a listener without a route takes "default".
     */
    public static ProxyConfig fromProto(ConfigSnapshot snapshot) throws ConfigException {
        if (snapshot.getVersion() < 0) {
            throw new ConfigException("version", snapshot.getVersion() + " (expected: >= 0)");
        }
        Map<String, RouteConfig> routes = routes(snapshot.getRoutesMap());
        List<ListenerConfig> listeners = listeners(snapshot.getListenersList(), routes);
        LimitsConfig limits = snapshot.hasLimits() ? limits(snapshot.getLimits()) : LimitsConfig.DEFAULTS;
        return new ProxyConfig(snapshot.getVersion(), listeners, routes, limits, users(snapshot.getUsersList()));
    }

    private static Map<String, UserConfig> users(List<User> proto) throws ConfigException {
        Map<String, UserConfig> users = new LinkedHashMap<>();
        for (int i = 0; i < proto.size(); i++) {
            User u = proto.get(i);
            String path = "users[" + i + "]";
            byte[] sha = UserConfig.parseHash(u.getPasswordHash());
            if (u.getName().isEmpty() || sha == null) {
                throw new ConfigException(path, "expected a name and a password hash sha256:<64 hex digits>");
            }
            UserConfig user = new UserConfig(u.getName(), sha, u.getNamespace(),
                    u.getCommands().isEmpty() ? "+@all" : u.getCommands(), Math.max(0, u.getMaxConnections()),
                    Math.max(0, u.getRateLimit()));
            if (!u.getUpstreamUser().isEmpty()) {
                if (u.getUpstreamPassword().isEmpty()) {
                    throw new ConfigException(path + ".upstream-password", "missing (expected the password of upstream"
                            + " ACL user '" + u.getUpstreamUser() + "')");
                }
                user = user.withUpstream(u.getUpstreamUser(), Secret.of(u.getUpstreamPassword()),
                        Set.copyOf(u.getUpstreamRoutesList()));
            }
            if (users.put(u.getName(), user) != null) {
                throw new ConfigException(path + ".name", "'" + u.getName() + "' is defined twice");
            }
        }
        return users;
    }

    private static Map<String, RouteConfig> routes(Map<String, Route> proto) throws ConfigException {
        Map<String, RouteConfig> routes = new LinkedHashMap<>();
        // Sorted, so that of several errors the same one is reported every time.
        for (Map.Entry<String, Route> e : new TreeMap<>(proto).entrySet()) {
            String name = e.getKey();
            String path = "routes." + name;
            if (name.isBlank()) {
                throw new ConfigException("routes", "a route has an empty name (expected a name such as 'default')");
            }
            Route r = e.getValue();
            HostAndPort upstream = hostAndPort(path + ".upstream", r.getUpstream());
            String user = r.getUser().isEmpty() ? null : r.getUser();
            Secret password = r.getPassword().isEmpty() ? null : Secret.of(r.getPassword());
            int databases = r.getDatabases();
            if (databases < 0) {
                throw new ConfigException(path + ".databases", "expected a positive whole number, got '" + databases + "'");
            }
            long timeoutMillis = r.getConnectTimeoutMillis();
            if (timeoutMillis < 0) {
                throw new ConfigException(path + ".connect-timeout", "expected a positive duration, got " + timeoutMillis + "ms");
            }
            routes.put(name, new RouteConfig(name, upstream, user, password,
                    databases == 0 ? RouteConfig.DEFAULT_DATABASES : databases,
                    timeoutMillis == 0 ? RouteConfig.DEFAULT_CONNECT_TIMEOUT : Duration.ofMillis(timeoutMillis)));
        }
        return routes;
    }

    private static List<ListenerConfig> listeners(List<Listener> proto, Map<String, RouteConfig> routes)
            throws ConfigException {
        List<ListenerConfig> listeners = new ArrayList<>();
        for (int i = 0; i < proto.size(); i++) {
            String path = "listeners[" + i + "]";
            HostAndPort listen = hostAndPort(path + ".listen", proto.get(i).getListen());
            String route = proto.get(i).getRoute().isEmpty() ? "default" : proto.get(i).getRoute();
            if (!routes.containsKey(route)) {
                throw new ConfigException(path + ".route", "route '" + route + "' is not defined (defined: "
                        + (routes.isEmpty() ? "none" : String.join(", ", routes.keySet())) + ")");
            }
            for (ListenerConfig other : listeners) {
                if (other.listen().equals(listen)) {
                    throw new ConfigException(path + ".listen", listen + " is listed twice");
                }
            }
            listeners.add(new ListenerConfig(listen, route));
        }
        return listeners;
    }

    private static LimitsConfig limits(Limits l) throws ConfigException {
        LimitsConfig d = LimitsConfig.DEFAULTS;
        int maxClients = positiveOrDefault("limits.max-clients", l.getMaxClients(), d.maxClients());
        if (l.getIdleTimeoutMillis() < 0) {
            throw new ConfigException("limits.idle-timeout", "expected a duration of 0 or more (0: never), got "
                    + l.getIdleTimeoutMillis() + "ms");
        }
        Duration idle = Duration.ofMillis(l.getIdleTimeoutMillis());
        long bulk = positiveOrDefault("limits.max-bulk-length", l.getMaxBulkLength(), d.maxBulkLength());
        if (bulk > LimitsConfig.MAX_BULK_LENGTH) {
            throw new ConfigException("limits.max-bulk-length", bulk + " (expected: <= " + LimitsConfig.MAX_BULK_LENGTH
                    + ", the largest buffer)");
        }
        int multibulk = positiveOrDefault("limits.max-multibulk-length", l.getMaxMultibulkLength(), d.maxMultibulkLength());
        int inline = positiveOrDefault("limits.max-inline-length", l.getMaxInlineLength(), d.maxInlineLength());
        int inflight = positiveOrDefault("limits.max-inflight-per-client", l.getMaxInflightPerClient(),
                d.maxInflightPerClient());
        try {
            return new LimitsConfig(maxClients, idle, bulk, multibulk, inline, inflight);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("limits", e.getMessage());
        }
    }

    private static int positiveOrDefault(String path, int value, int defaultValue) throws ConfigException {
        return (int) positiveOrDefault(path, (long) value, defaultValue);
    }

    private static long positiveOrDefault(String path, long value, long defaultValue) throws ConfigException {
        if (value < 0) {
            throw new ConfigException(path, "expected a positive whole number (0: the default), got '" + value + "'");
        }
        return value == 0 ? defaultValue : value;
    }

    private static HostAndPort hostAndPort(String path, String text) throws ConfigException {
        if (text.isBlank()) {
            throw new ConfigException(path, "missing (expected host:port)");
        }
        try {
            return HostAndPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path, e.getMessage());
        }
    }
}
