package dev.turnout.controlplane.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.turnout.controlplane.redis.RedisAdmin;
import dev.turnout.controlplane.redis.RedisAdminException;
import dev.turnout.dataplane.agent.ConfigSnapshots;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.LimitsConfig;
import dev.turnout.dataplane.config.ProxyConfig;
import dev.turnout.dataplane.config.RouteConfig;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.testing.Await;
import dev.turnout.testing.RedisServerProcess;
import dev.turnout.v1.ConfigSnapshot;
import dev.turnout.v1.User;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** {@link TenantProvisioner} against real Redis servers: what it creates, deletes, repairs, and what it sends. */
class TenantProvisionerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String ROUTE_PASSWORD = "route-pw-0c3b";

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private TenantProvisioner provisioner;

    @BeforeEach
    void start() throws Exception {
        provisioner = new TenantProvisioner(TenantPasswords.open(dataDir), TIMEOUT);
        logs.start();
        ((Logger) LoggerFactory.getLogger(TenantProvisioner.class)).addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(TenantProvisioner.class)).detachAppender(logs);
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void eachUserWithANamespaceGetsItsAclUserAndTheSnapshotItsCredentials() {
        RedisServerProcess redis = redis();

        ConfigSnapshot sent = provisioner.prepare(snapshot(1, routes(route("default", redis)),
                user("alice", "alice:"), user("admin", "")));

        User alice = user(sent, "alice");
        assertThat(alice.getUpstreamUser()).isEqualTo("turnout-tenant-alice");
        assertThat(alice.getUpstreamPassword()).matches("[0-9a-f]{64}");
        assertThat(alice.getUpstreamRoutesList()).containsExactly("default");
        assertThat(user(sent, "admin").getUpstreamUser()).isEmpty();
        assertThat(user(sent, "admin").getUpstreamRoutesList()).isEmpty();
        try (Jedis direct = direct(redis)) {
            assertThat(direct.aclUsers()).containsExactlyInAnyOrder("default", "turnout-tenant-alice");
            var acl = direct.aclGetUser("turnout-tenant-alice");
            assertThat(acl.getKeys()).isEqualTo("~alice:*");
            assertThat(acl.getChannels()).isEqualTo("&alice:*");
        }
        try (Jedis tenant = as(redis, alice)) {
            assertThat(tenant.set("alice:k", "v")).isEqualTo("OK");
            assertThatThrownBy(() -> tenant.get("bob:k")).isInstanceOf(JedisDataException.class)
                    .hasMessageStartingWith("NOPERM");
        }
        assertThat(provisioner.routeNote("default")).isEqualTo("provisioned: 1 tenant ACL user(s)");
        assertThat(provisioner.routeNote("nowhere")).isEmpty();
        assertThat(logs.list).map(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains(alice.getUpstreamPassword()));
    }

    @Test
    void thePasswordIsTheSameAfterARestartAndConnectionsStay() throws Exception {
        RedisServerProcess redis = redis();
        ConfigSnapshot desired = snapshot(1, routes(route("default", redis)), user("alice", "alice:"));
        User before = user(provisioner.prepare(desired), "alice");
        try (Jedis tenant = as(redis, before)) {
            TenantProvisioner restarted = new TenantProvisioner(TenantPasswords.open(dataDir), TIMEOUT);
            User after = user(restarted.prepare(desired), "alice");

            assertThat(after).isEqualTo(before);
            assertThat(tenant.set("alice:still", "here")).isEqualTo("OK");
        }
    }

    @Test
    void aRouteWhoseUserCannotCreateAclUsersKeepsItsCredentialsAndSaysSoOnce() {
        RedisServerProcess redis = open(RedisServerProcess.builder().aclUser("default off")
                .aclUser("app on >app-pw ~* &* +@all -@admin").start());
        Map<String, RouteConfig> routes = routes(new RouteConfig("default", address(redis), "app", Secret.of("app-pw"),
                RouteConfig.DEFAULT_DATABASES, RouteConfig.DEFAULT_CONNECT_TIMEOUT));

        ConfigSnapshot sent = provisioner.prepare(snapshot(1, routes, user("alice", "alice:")));
        provisioner.prepare(snapshot(2, routes, user("alice", "alice:"), user("bob", "bob:")));
        provisioner.repair();

        assertThat(user(sent, "alice").getUpstreamUser()).isEmpty();
        assertThat(user(sent, "alice").getUpstreamRoutesList()).isEmpty();
        assertThat(provisioner.routeNote("default")).startsWith("not provisioned: " + address(redis) + ": ACL USERS"
                + " refused (NOPERM").contains("+acl").endsWith("(they use the route's credentials)");
        assertThat(warnings()).singleElement().asString().startsWith("Tenant ACL users: cannot create them on "
                + address(redis) + " (as app): " + address(redis) + ": ACL USERS refused (NOPERM")
                .endsWith("(ACL, e.g. +acl); the tenants of route(s) [default] use the route's credentials there");
    }

    @Test
    void aRemovedUsersAclUserIsDeletedWithItsConnections() throws Exception {
        RedisServerProcess redis = redis();
        Map<String, RouteConfig> routes = routes(route("default", redis));
        ConfigSnapshot sent = provisioner.prepare(snapshot(1, routes, user("alice", "alice:"), user("bob", "bob:")));
        Jedis alice = open(as(redis, user(sent, "alice")));

        provisioner.prepare(snapshot(2, routes, user("bob", "")));

        try (Jedis direct = direct(redis)) {
            assertThat(direct.aclUsers()).containsExactly("default");
        }
        assertThatThrownBy(alice::ping).isInstanceOf(JedisConnectionException.class);
    }

    @Test
    void aChangedNamespaceChangesTheRules() {
        RedisServerProcess redis = redis();
        Map<String, RouteConfig> routes = routes(route("default", redis));
        provisioner.prepare(snapshot(1, routes, user("alice", "alice:")));

        ConfigSnapshot sent = provisioner.prepare(snapshot(2, routes, user("alice", "wonderland:")));

        try (Jedis direct = direct(redis)) {
            assertThat(direct.aclGetUser("turnout-tenant-alice").getKeys()).isEqualTo("~wonderland:*");
        }
        assertThat(user(sent, "alice").getUpstreamRoutesList()).containsExactly("default");
    }

    @Test
    void anUpstreamKnownToBeUpToDateIsNotAskedAgain() {
        RedisServerProcess redis = redis();
        Map<String, RouteConfig> routes = routes(route("default", redis));
        provisioner.prepare(snapshot(1, routes, user("alice", "alice:")));
        try (Jedis direct = direct(redis)) {
            long connections = connectionsReceived(direct);

            ConfigSnapshot sent = provisioner.prepare(snapshot(2, routes, user("alice", "alice:"), user("admin", "")));

            assertThat(connectionsReceived(direct)).isEqualTo(connections);
            assertThat(user(sent, "alice").getUpstreamRoutesList()).containsExactly("default");
        }
    }

    @Test
    void aRestartedRedisGetsItsAclUsersBackFromTheRepair() {
        RedisServerProcess redis = redis();
        User alice = user(provisioner.prepare(snapshot(1, routes(route("default", redis)), user("alice", "alice:"))),
                "alice");

        redis.restart();
        try (Jedis direct = direct(redis)) {
            assertThat(direct.aclUsers()).containsExactly("default");
            provisioner.repair();
            assertThat(direct.aclUsers()).contains("turnout-tenant-alice");
        }
        try (Jedis tenant = as(redis, alice)) {
            assertThat(tenant.set("alice:k", "v")).isEqualTo("OK");
        }
        assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("no longer has [turnout-tenant-alice]"));
    }

    @Test
    void anUnreachableUpstreamKeepsTheUsersItHeldAndNewOnesWaitForIt() {
        RedisServerProcess redis = redis();
        Map<String, RouteConfig> routes = routes(route("default", redis));
        provisioner.prepare(snapshot(1, routes, user("alice", "alice:")));
        redis.stop();

        ConfigSnapshot sent = provisioner.prepare(snapshot(2, routes, user("alice", "alice:"), user("carol", "carol:")));

        assertThat(user(sent, "alice").getUpstreamRoutesList()).containsExactly("default");
        assertThat(user(sent, "carol").getUpstreamUser()).isEmpty();
        assertThat(provisioner.routeNote("default")).startsWith("provisioned for 1 of 2 tenants; not for carol:"
                + " unreachable at the last attempt: " + address(redis) + ": cannot connect");

        redis.restart();
        provisioner.repair();
        try (Jedis direct = direct(redis)) {
            assertThat(direct.aclUsers()).contains("turnout-tenant-alice", "turnout-tenant-carol");
        }
        assertThat(provisioner.routeNote("default")).startsWith("provisioned for 1 of 2 tenants; not for carol:"
                + " created after the snapshot was sent; used from the next change");
        ConfigSnapshot next = provisioner.prepare(snapshot(3, routes, user("alice", "alice:"), user("carol", "carol:")));
        assertThat(user(next, "carol").getUpstreamRoutesList()).containsExactly("default");
        assertThat(provisioner.routeNote("default")).isEqualTo("provisioned: 2 tenant ACL user(s)");
    }

    /** A switch's new desired state goes out while the fleet is paused: it must not wait on a server that is away. */
    @Test
    void aServerThatDoesNotAnswerIsTriedAgainByTheRepairNotByEachDesiredState() throws Exception {
        RedisServerProcess redis = redis();
        AtomicInteger accepted = new AtomicInteger();
        ServerSocket silent = open(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread acceptor = new Thread(() -> {
            List<Socket> held = new ArrayList<>();
            try {
                while (true) {
                    held.add(silent.accept()); // never answers
                    accepted.incrementAndGet();
                }
            } catch (java.io.IOException closed) {
                held.forEach(socket -> {
                    try {
                        socket.close();
                    } catch (java.io.IOException ignored) {
                        // closing
                    }
                });
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        TenantProvisioner quick = new TenantProvisioner(TenantPasswords.open(dataDir), Duration.ofMillis(300));
        Map<String, RouteConfig> routes = new LinkedHashMap<>(routes(route("default", redis)));
        routes.put("orders", new RouteConfig("orders", new HostAndPort("127.0.0.1", silent.getLocalPort()), null, null,
                RouteConfig.DEFAULT_DATABASES, RouteConfig.DEFAULT_CONNECT_TIMEOUT));

        quick.prepare(snapshot(1, routes, user("alice", "alice:")));
        Await.until(WAIT, "the first attempt", () -> accepted.get() == 1);
        ConfigSnapshot sent = quick.prepare(snapshot(2, routes, user("alice", "alice:"), user("admin", "")));

        assertThat(accepted.get()).isEqualTo(1);
        assertThat(user(sent, "alice").getUpstreamRoutesList()).containsExactly("default");
        assertThat(quick.routeNote("orders")).startsWith("not provisioned: unreachable at the last attempt: 127.0.0.1:"
                + silent.getLocalPort() + ": cannot connect: no answer within 300 ms");
        quick.repair();
        Await.until(WAIT, "the repair's attempt", () -> accepted.get() == 2);
    }

    @Test
    void aUserWhoseRulesRedisRefusesIsLeftOutAlone() {
        RedisServerProcess redis = redis();

        ConfigSnapshot sent = provisioner.prepare(snapshot(1, routes(route("default", redis)), user("alice", "alice:"),
                user("spaced", "a b:")));

        assertThat(user(sent, "alice").getUpstreamRoutesList()).containsExactly("default");
        assertThat(user(sent, "spaced").getUpstreamUser()).isEmpty();
        assertThat(provisioner.routeNote("default")).startsWith("provisioned for 1 of 2 tenants; not for spaced:"
                + " " + address(redis) + ": ACL SETUSER turnout-tenant-spaced failed: ERR Error in ACL SETUSER modifier"
                + " '~a b:*'");
    }

    @Test
    void aUserGetsCredentialsOnlyForTheRoutesWhoseUpstreamHoldsItsAclUser() {
        RedisServerProcess withAcl = redis();
        RedisServerProcess withoutAcl = open(RedisServerProcess.builder()
                .aclUser("default on >" + ROUTE_PASSWORD + " ~* &* +@all -@admin").start());
        Map<String, RouteConfig> routes = new LinkedHashMap<>(routes(route("default", withAcl)));
        routes.put("orders", route("orders", withoutAcl));

        ConfigSnapshot sent = provisioner.prepare(snapshot(1, routes, user("alice", "alice:")));

        assertThat(user(sent, "alice").getUpstreamRoutesList()).containsExactly("default");
        assertThat(provisioner.routeNote("default")).isEqualTo("provisioned: 1 tenant ACL user(s)");
        assertThat(provisioner.routeNote("orders")).startsWith("not provisioned: ");
    }

    @Test
    void aSwitchTargetGetsTheAclUsersBeforeTrafficMoves() throws Exception {
        RedisServerProcess current = redis();
        RedisServerProcess target = redis();
        RouteConfig route = route("default", current);
        ConfigSnapshot desired = snapshot(1, routes(route), user("alice", "alice:"));
        User alice = user(provisioner.prepare(desired), "alice");

        try (RedisAdmin admin = RedisAdmin.connect(address(target), null, Secret.of(ROUTE_PASSWORD), TIMEOUT)) {
            provisioner.prepare(admin, route, ConfigSnapshots.fromProto(desired));
        }

        try (Jedis tenant = as(target, alice)) {
            assertThat(tenant.set("alice:k", "v")).isEqualTo("OK");
        }
    }

    @Test
    void aSwitchTargetThatRefusesFailsTheCheckOnlyWhenTheRoutesTenantsUseTheirAclUsers() throws Exception {
        RedisServerProcess current = redis();
        RedisServerProcess target = open(RedisServerProcess.builder()
                .aclUser("default on >" + ROUTE_PASSWORD + " ~* &* +@all -@admin").start());
        RouteConfig route = route("default", current);
        ConfigSnapshot desired = snapshot(1, routes(route), user("alice", "alice:"));
        provisioner.prepare(desired);

        try (RedisAdmin admin = RedisAdmin.connect(address(target), null, Secret.of(ROUTE_PASSWORD), TIMEOUT)) {
            assertThatThrownBy(() -> provisioner.prepare(admin, route, ConfigSnapshots.fromProto(desired)))
                    .isInstanceOf(RedisAdminException.class)
                    .hasMessageStartingWith(address(target) + ": cannot create the tenants' upstream ACL users there ("
                            + address(target) + ": ACL USERS refused (NOPERM")
                            .hasMessageEndingWith("Redis does not replicate them, and on route 'default' user(s) alice use"
                            + " theirs: give the route's upstream user +acl on " + address(target) + " as on "
                            + address(current) + ", then switch again");

            // A route whose tenants use the route's credentials (its upstream refuses too) has nothing to lose.
            RouteConfig refusing = route("default", target);
            ConfigSnapshot onTarget = snapshot(2, routes(refusing), user("alice", "alice:"));
            provisioner.prepare(onTarget);
            provisioner.prepare(admin, refusing, ConfigSnapshots.fromProto(onTarget));
        }
    }

    // ============================================================================ helpers

    private RedisServerProcess redis() {
        return open(RedisServerProcess.builder().password(ROUTE_PASSWORD).start());
    }

    private <T extends AutoCloseable> T open(T closeable) {
        closing.add(closeable);
        return closeable;
    }

    private static HostAndPort address(RedisServerProcess redis) {
        return new HostAndPort(redis.host(), redis.port());
    }

    private static RouteConfig route(String name, RedisServerProcess redis) {
        return new RouteConfig(name, address(redis), null, Secret.of(ROUTE_PASSWORD), RouteConfig.DEFAULT_DATABASES,
                RouteConfig.DEFAULT_CONNECT_TIMEOUT);
    }

    private static Map<String, RouteConfig> routes(RouteConfig route) {
        return Map.of(route.name(), route);
    }

    private static UserConfig user(String name, String namespace) {
        return new UserConfig(name, UserConfig.sha256((name + "-pw").getBytes(StandardCharsets.UTF_8)), namespace,
                "+@all", 0, 0);
    }

    private static ConfigSnapshot snapshot(long version, Map<String, RouteConfig> routes, UserConfig... users) {
        Map<String, UserConfig> byName = new LinkedHashMap<>();
        for (UserConfig user : users) {
            byName.put(user.name(), user);
        }
        return ConfigSnapshots.toProto(new ProxyConfig(version, List.of(), routes, LimitsConfig.DEFAULTS, byName));
    }

    private static User user(ConfigSnapshot snapshot, String name) {
        return snapshot.getUsersList().stream().filter(u -> u.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Jedis direct(RedisServerProcess redis) {
        Jedis jedis = new Jedis(redis.host(), redis.port());
        jedis.auth(ROUTE_PASSWORD);
        return jedis;
    }

    private static Jedis as(RedisServerProcess redis, User user) {
        Jedis jedis = new Jedis(redis.host(), redis.port());
        jedis.auth(user.getUpstreamUser(), user.getUpstreamPassword());
        return jedis;
    }

    private static long connectionsReceived(Jedis jedis) {
        return jedis.info("stats").lines().filter(l -> l.startsWith("total_connections_received:"))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElseThrow();
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
