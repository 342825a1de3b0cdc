package dev.turnout.testing;

import dev.turnout.dataplane.command.CommandTable;
import dev.turnout.dataplane.config.ConfigHolder;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.dataplane.config.ListenerConfig;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.dataplane.server.ProxyServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A data plane running in the test's own JVM (so Netty's leak detection sees its buffers), listening on
 * a free loopback port and forwarding to one upstream.
 *
 * <pre>
 * try (RedisServerProcess redis = RedisServerProcess.builder().password("pw").start();
 *      DataPlaneFixture proxy = DataPlaneFixture.forwardingTo(redis).start()) {
 *     new Jedis("127.0.0.1", proxy.port()).ping();
 * }
 * </pre>
 */
public final class DataPlaneFixture implements AutoCloseable {

    private static final CommandTable COMMANDS = CommandTable.loadDefault();

    private final ConfigHolder config;
    private final ProxyServer server;
    private final HostAndPort listen;

    private DataPlaneFixture(ConfigHolder config, ProxyServer server, HostAndPort listen) {
        this.config = config;
        this.server = server;
        this.listen = listen;
    }

    /** A builder for a data plane in front of {@code redis}, with its password if it has one. */
    public static Builder forwardingTo(RedisServerProcess redis) {
        return new Builder(HostAndPort.parse(redis.host() + ":" + redis.port())).password(redis.password().orElse(null));
    }

    public static Builder forwardingTo(HostAndPort upstream) {
        return new Builder(upstream);
    }

    public int port() {
        return listen.port();
    }

    public String host() {
        return listen.host();
    }

    public HostAndPort address() {
        return listen;
    }

    public ConfigHolder config() {
        return config;
    }

    public ProxyServer server() {
        return server;
    }

    /** Publishes a new snapshot in which the default route forwards to {@code upstream} with {@code password}. */
    public void switchUpstream(HostAndPort upstream, String password) {
        ProxyConfig current = config.get();
        RouteConfig old = current.route("default");
        RouteConfig route = new RouteConfig("default", upstream, old.user(),
                password == null ? null : Secret.of(password), old.databases(), old.connectTimeout());
        config.set(new ProxyConfig(current.version() + 1, current.listeners(), Map.of("default", route), current.limits(),
                current.users()));
    }

    /** Publishes a new snapshot with {@code users} in place of the configured users. */
    public void setUsers(UserConfig... users) {
        ProxyConfig current = config.get();
        Map<String, UserConfig> byName = new LinkedHashMap<>();
        for (UserConfig user : users) {
            byName.put(user.name(), user);
        }
        config.set(new ProxyConfig(current.version() + 1, current.listeners(), current.routes(), current.limits(), byName));
    }

    @Override
    public void close() {
        server.close();
    }

    /** Settings for {@link DataPlaneFixture}. */
    public static final class Builder {
        private final HostAndPort upstream;
        private String user;
        private String password;
        private LimitsConfig limits = LimitsConfig.DEFAULTS;
        private int threads = 2;
        private int databases = RouteConfig.DEFAULT_DATABASES;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Map<String, UserConfig> users = Map.of();

        private Builder(HostAndPort upstream) {
            this.upstream = upstream;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** The password the proxy presents upstream ({@code null}: none). */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder limits(LimitsConfig limits) {
            this.limits = limits;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder databases(int databases) {
            this.databases = databases;
            return this;
        }

        /** Clients the proxy authenticates itself. */
        public Builder users(UserConfig... users) {
            Map<String, UserConfig> byName = new LinkedHashMap<>();
            for (UserConfig u : users) {
                byName.put(u.name(), u);
            }
            this.users = byName;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public DataPlaneFixture start() {
            HostAndPort listen = new HostAndPort("127.0.0.1", FreePorts.next());
            RouteConfig route = new RouteConfig("default", upstream, user,
                    password == null ? null : Secret.of(password), databases, connectTimeout);
            ConfigHolder holder = new ConfigHolder(new ProxyConfig(0,
                    List.of(new ListenerConfig(listen, "default")), Map.of("default", route), limits, users));
            ProxyServer server = new ProxyServer(holder, COMMANDS, threads);
            try {
                server.start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server.close();
                throw new IllegalStateException("interrupted while starting the data plane", e);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return new DataPlaneFixture(holder, server, listen);
        }
    }
}
