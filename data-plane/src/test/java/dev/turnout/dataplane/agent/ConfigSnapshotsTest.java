package dev.turnout.dataplane.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.dataplane.config.ConfigException;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.dataplane.config.ListenerConfig;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.Limits;
import dev.turnout.v1.Listener;
import dev.turnout.v1.Route;
import dev.turnout.v1.User;
import java.time.Duration;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Snapshots convert both ways without loss; a bad one is refused with the path of the bad value. */
class ConfigSnapshotsTest {

    private static final Route ORDERS = Route.newBuilder().setUpstream("127.0.0.1:6379").build();

    static ProxyConfig sample() {
        RouteConfig orders = new RouteConfig("orders", new HostAndPort("redis-1.internal", 6379), "app",
                Secret.of("s3cret"), 4, Duration.ofMillis(250));
        RouteConfig fallback = new RouteConfig("default", new HostAndPort("::1", 6379), null, null,
                RouteConfig.DEFAULT_DATABASES, RouteConfig.DEFAULT_CONNECT_TIMEOUT);
        return new ProxyConfig(7,
                List.of(new ListenerConfig(new HostAndPort("127.0.0.1", 6380), "orders"),
                        new ListenerConfig(new HostAndPort("::1", 6381), "default")),
                Map.of("orders", orders, "default", fallback),
                new LimitsConfig(500, Duration.ofSeconds(90), 1_000_000, 1000, 65536, 128));
    }

    private static ConfigSnapshot snapshot(UnaryOperator<ConfigSnapshot.Builder> edit) {
        return edit.apply(ConfigSnapshot.newBuilder().setVersion(3).putRoutes("orders", ORDERS)).build();
    }

    private static void assertError(ConfigSnapshot snapshot, String message) {
        assertThatThrownBy(() -> ConfigSnapshots.fromProto(snapshot)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void roundTrip() throws Exception {
        ProxyConfig config = sample();
        ConfigSnapshot proto = ConfigSnapshots.toProto(config);
        assertThat(ConfigSnapshots.fromProto(proto)).isEqualTo(config);
        assertThat(ConfigSnapshots.toProto(ConfigSnapshots.fromProto(proto))).isEqualTo(proto);
    }

    @Test
    void usersRoundTripAsHashes() throws Exception {
        ProxyConfig base = sample();
        UserConfig alice = new UserConfig("alice", UserConfig.sha256("s3cret".getBytes(StandardCharsets.UTF_8)),
                "alice:", "+@all -@dangerous", 200, 50000);
        ProxyConfig config = new ProxyConfig(base.version(), base.listeners(), base.routes(), base.limits(),
                Map.of("alice", alice));
        ConfigSnapshot proto = ConfigSnapshots.toProto(config);
        assertThat(proto.getUsers(0).getPasswordHash()).isEqualTo(alice.passwordHash()).doesNotContain("s3cret");
        assertThat(ConfigSnapshots.fromProto(proto)).isEqualTo(config);
    }

    @Test
    void usersUpstreamAclCredentialsRoundTrip() throws Exception {
        ProxyConfig base = sample();
        UserConfig alice = new UserConfig("alice", UserConfig.sha256("s3cret".getBytes(StandardCharsets.UTF_8)),
                "alice:", "+@all", 0, 0).withUpstream("turnout-tenant-alice", Secret.of("0a1b2c"), Set.of("orders"));
        UserConfig admin = new UserConfig("admin", UserConfig.sha256("x".getBytes(StandardCharsets.UTF_8)), "", "+@all",
                0, 0);
        ProxyConfig config = new ProxyConfig(base.version(), base.listeners(), base.routes(), base.limits(),
                Map.of("alice", alice, "admin", admin));

        ConfigSnapshot proto = ConfigSnapshots.toProto(config);
        User aliceProto = proto.getUsersList().stream().filter(u -> u.getName().equals("alice")).findFirst().orElseThrow();
        assertThat(aliceProto.getUpstreamUser()).isEqualTo("turnout-tenant-alice");
        assertThat(aliceProto.getUpstreamPassword()).isEqualTo("0a1b2c");
        assertThat(aliceProto.getUpstreamRoutesList()).containsExactly("orders");
        User adminProto = proto.getUsersList().stream().filter(u -> u.getName().equals("admin")).findFirst().orElseThrow();
        assertThat(adminProto.getUpstreamUser()).isEmpty();
        assertThat(adminProto.getUpstreamRoutesList()).isEmpty();

        ProxyConfig back = ConfigSnapshots.fromProto(proto);
        assertThat(back).isEqualTo(config);
        assertThat(back.users().get("alice").hasUpstreamUserOn("orders")).isTrue();
        assertThat(back.users().get("alice").hasUpstreamUserOn("default")).isFalse();
        assertThat(back.users().get("admin").upstreamUser()).isNull();
        assertThat(back.toString()).doesNotContain("0a1b2c");
    }

    @Test
    void anUpstreamAclUserWithoutItsPasswordIsRefused() {
        assertError(snapshot(s -> s.addUsers(User.newBuilder().setName("alice")
                        .setPasswordHash(new UserConfig("alice", new byte[32], "", "+@all", 0, 0).passwordHash())
                        .setUpstreamUser("turnout-tenant-alice").addUpstreamRoutes("orders"))),
                "users[0].upstream-password: missing (expected the password of upstream ACL user 'turnout-tenant-alice')");
    }

    @Test
    void toProtoSpellsOutEveryField() {
        ConfigSnapshot proto = ConfigSnapshots.toProto(sample());
        assertThat(proto.getVersion()).isEqualTo(7);
        assertThat(proto.getListenersList()).containsExactly(
                Listener.newBuilder().setListen("127.0.0.1:6380").setRoute("orders").build(),
                Listener.newBuilder().setListen("[::1]:6381").setRoute("default").build());
        assertThat(proto.getRoutesOrThrow("orders")).isEqualTo(Route.newBuilder().setUpstream("redis-1.internal:6379")
                .setUser("app").setPassword("s3cret").setDatabases(4).setConnectTimeoutMillis(250).build());
        assertThat(proto.getRoutesOrThrow("default")).isEqualTo(Route.newBuilder().setUpstream("[::1]:6379")
                .setDatabases(16).setConnectTimeoutMillis(2000).build());
        assertThat(proto.getLimits()).isEqualTo(Limits.newBuilder().setMaxClients(500).setIdleTimeoutMillis(90_000)
                .setMaxBulkLength(1_000_000).setMaxMultibulkLength(1000).setMaxInlineLength(65536)
                .setMaxInflightPerClient(128).build());
    }

    @Test
    void zerosAndEmptiesMeanDefaults() throws Exception {
        ProxyConfig config = ConfigSnapshots.fromProto(snapshot(s -> s
                .addListeners(Listener.newBuilder().setListen("127.0.0.1:6380").setRoute("orders"))
                .setLimits(Limits.getDefaultInstance())));
        assertThat(config.version()).isEqualTo(3);
        RouteConfig orders = config.route("orders");
        assertThat(orders.user()).isNull();
        assertThat(orders.password()).isNull();
        assertThat(orders.databases()).isEqualTo(16);
        assertThat(orders.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.limits()).isEqualTo(LimitsConfig.DEFAULTS);
        assertThat(ConfigSnapshots.fromProto(snapshot(s -> s)).limits()).isEqualTo(LimitsConfig.DEFAULTS);
    }

    @Test
    void aListenerWithoutARouteTakesDefault() throws Exception {
        ProxyConfig config = ConfigSnapshots.fromProto(snapshot(s -> s.putRoutes("default", ORDERS)
                .addListeners(Listener.newBuilder().setListen("127.0.0.1:6380"))));
        assertThat(config.listeners()).containsExactly(new ListenerConfig(new HostAndPort("127.0.0.1", 6380), "default"));
    }

    @Test
    void anEmptySnapshotServesNothing() throws Exception {
        ProxyConfig config = ConfigSnapshots.fromProto(ConfigSnapshot.newBuilder().setVersion(1).build());
        assertThat(config.listeners()).isEmpty();
        assertThat(config.routes()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "x              | routes.orders.upstream: expected host:port, got 'x'",
            "''             | routes.orders.upstream: missing (expected host:port)",
            "host:http      | routes.orders.upstream: expected host:port with a numeric port, got 'host:http'",
            "host:70000     | routes.orders.upstream: port: 70000 in 'host:70000' (expected: 1-65535)",
    })
    void badUpstreamNamesItsPath(String upstream, String message) {
        assertError(snapshot(s -> s.putRoutes("orders", Route.newBuilder().setUpstream(upstream).build())), message);
    }

    @Test
    void badRoutes() {
        assertError(snapshot(s -> s.putRoutes("orders", ORDERS.toBuilder().setDatabases(-1).build())),
                "routes.orders.databases: expected a positive whole number, got '-1'");
        assertError(snapshot(s -> s.putRoutes("orders", ORDERS.toBuilder().setConnectTimeoutMillis(-5).build())),
                "routes.orders.connect-timeout: expected a positive duration, got -5ms");
        assertError(snapshot(s -> s.putRoutes("", ORDERS)), "routes: a route has an empty name (expected a name such as 'default')");
    }

    @Test
    void badListeners() {
        assertError(snapshot(s -> s.addListeners(Listener.newBuilder().setListen("127.0.0.1:6380").setRoute("billing"))),
                "listeners[0].route: route 'billing' is not defined (defined: orders)");
        assertError(snapshot(s -> s.addListeners(Listener.newBuilder().setListen("127.0.0.1:6380"))),
                "listeners[0].route: route 'default' is not defined (defined: orders)");
        assertError(snapshot(s -> s.addListeners(Listener.newBuilder().setListen("nope").setRoute("orders"))),
                "listeners[0].listen: expected host:port, got 'nope'");
        assertError(snapshot(s -> s
                        .addListeners(Listener.newBuilder().setListen("127.0.0.1:6380").setRoute("orders"))
                        .addListeners(Listener.newBuilder().setListen("127.0.0.1:6380").setRoute("orders"))),
                "listeners[1].listen: 127.0.0.1:6380 is listed twice");
        assertError(ConfigSnapshot.newBuilder().setVersion(1)
                        .addListeners(Listener.newBuilder().setListen("127.0.0.1:6380").setRoute("default")).build(),
                "listeners[0].route: route 'default' is not defined (defined: none)");
    }

    @Test
    void badLimits() {
        assertError(snapshot(s -> s.setLimits(Limits.newBuilder().setMaxClients(-1))),
                "limits.max-clients: expected a positive whole number (0: the default), got '-1'");
        assertError(snapshot(s -> s.setLimits(Limits.newBuilder().setIdleTimeoutMillis(-1))),
                "limits.idle-timeout: expected a duration of 0 or more (0: never), got -1ms");
        assertError(snapshot(s -> s.setLimits(Limits.newBuilder().setMaxBulkLength(3L << 30))),
                "limits.max-bulk-length: 3221225472 (expected: <= 2147483647, the largest buffer)");
        assertError(snapshot(s -> s.setLimits(Limits.newBuilder().setMaxInflightPerClient(-3))),
                "limits.max-inflight-per-client: expected a positive whole number (0: the default), got '-3'");
        assertError(snapshot(s -> s.setVersion(-1)), "version: -1 (expected: >= 0)");
    }

    @Test
    void errorsNeverShowThePassword() {
        assertThatThrownBy(() -> ConfigSnapshots.fromProto(snapshot(s -> s.putRoutes("orders",
                Route.newBuilder().setUpstream("s3cret").setPassword("s3cret").build()))))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.path()).isEqualTo("routes.orders.upstream"));
        // The upstream is not a secret, so the example above does show it; a password never goes into a message:
        assertThatThrownBy(() -> ConfigSnapshots.fromProto(snapshot(s -> s.putRoutes("orders",
                ORDERS.toBuilder().setPassword("hunter2").setDatabases(-1).build()))))
                .message().doesNotContain("hunter2");
    }
}
