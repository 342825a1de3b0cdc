package dev.turnout.dataplane;

import dev.turnout.dataplane.config.ConfigDocumentReader;
import dev.turnout.dataplane.config.ConfigException;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.dataplane.config.ListenerConfig;
import dev.turnout.dataplane.config.PasswordFiles;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A standalone data plane's configuration: the {@code --config} file if given, with the command-line
 * flags on top ({@code --listen} and {@code --upstream} define or replace the route {@code default}).
 * {@link #load()} is called at start and again on every SIGHUP.
 */
final class StandaloneConfig {

    static final String DEFAULT_ROUTE = "default";
    static final String PASSWORD_ENV = "TURNOUT_UPSTREAM_PASSWORD";

    private final Path file;
    private final HostAndPort listen;
    private final HostAndPort upstream;
    private final String upstreamUser;
    private final Path upstreamPasswordFile;
    private final Integer maxClients;
    private final Duration idleTimeout;
    private final Function<String, String> environment;

    StandaloneConfig(Path file, HostAndPort listen, HostAndPort upstream, String upstreamUser, Path upstreamPasswordFile,
                     Integer maxClients, Duration idleTimeout, Function<String, String> environment) {
        this.file = file;
        this.listen = listen;
        this.upstream = upstream;
        this.upstreamUser = upstreamUser;
        this.upstreamPasswordFile = upstreamPasswordFile;
        this.maxClients = maxClients;
        this.idleTimeout = idleTimeout;
        this.environment = environment;
    }

    ProxyConfig load() throws ConfigException {
        ProxyConfig base = file != null ? new ConfigDocumentReader(environment).read(file) : null;
        Map<String, RouteConfig> routes = new LinkedHashMap<>(base == null ? Map.of() : base.routes());
        List<ListenerConfig> listeners = new ArrayList<>(base == null ? List.of() : base.listeners());
        LimitsConfig limits = base == null ? LimitsConfig.DEFAULTS : base.limits();

        if (upstream != null) {
            routes.put(DEFAULT_ROUTE, new RouteConfig(DEFAULT_ROUTE, upstream, upstreamUser, flagPassword(),
                    RouteConfig.DEFAULT_DATABASES, RouteConfig.DEFAULT_CONNECT_TIMEOUT));
        } else if (upstreamUser != null || upstreamPasswordFile != null) {
            throw new ConfigException("--upstream", "missing: --upstream-user and --upstream-password-file need --upstream HOST:PORT");
        }
        if (listen != null) {
            if (!routes.containsKey(DEFAULT_ROUTE)) {
                throw new ConfigException("--listen", "needs --upstream HOST:PORT, or a route named 'default' in the configuration file");
            }
            listeners.removeIf(l -> l.listen().equals(listen));
            listeners.add(new ListenerConfig(listen, DEFAULT_ROUTE));
        }
        if (routes.isEmpty()) {
            throw new ConfigException("", "no upstream configured: give --upstream HOST:PORT or --config FILE");
        }
        if (listeners.isEmpty()) {
            throw new ConfigException("", "no listener configured: give --listen HOST:PORT or listeners in --config FILE");
        }
        if (maxClients != null && maxClients < 1) {
            throw new ConfigException("--max-clients", maxClients + " (expected: >= 1)");
        }
        if (idleTimeout != null && idleTimeout.isNegative()) {
            throw new ConfigException("--idle-timeout", "expected a duration of 0 or more (0: never), got " + idleTimeout);
        }
        if (maxClients != null || idleTimeout != null) {
            try {
                limits = new LimitsConfig(maxClients != null ? maxClients : limits.maxClients(),
                        idleTimeout != null ? idleTimeout : limits.idleTimeout(), limits.maxBulkLength(),
                        limits.maxMultibulkLength(), limits.maxInlineLength(), limits.maxInflightPerClient());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("limits", e.getMessage());
            }
        }
        return new ProxyConfig(0, listeners, routes, limits, base == null ? Map.of() : base.users());
    }

    private Secret flagPassword() throws ConfigException {
        if (upstreamPasswordFile != null) {
            return PasswordFiles.read("--upstream-password-file", upstreamPasswordFile);
        }
        String env = environment.apply(PASSWORD_ENV);
        return env == null || env.isEmpty() ? null : Secret.of(env);
    }

    boolean hasFile() {
        return file != null;
    }
}
