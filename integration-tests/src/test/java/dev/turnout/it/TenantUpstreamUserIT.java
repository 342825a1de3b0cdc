package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.controlplane.tenant.TenantAclUser;
import dev.turnout.dataplane.config.Secret;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.testing.Await;
import dev.turnout.testing.DataPlaneFixture;
import dev.turnout.testing.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Issue 5, point 6, in the data plane: a user whose snapshot carries upstream ACL credentials for a route has its
 * commands sent on that route as that ACL user (so Redis itself confines them); everyone else, and that user on
 * other routes, with the route's credentials. The credentials are given by hand here; the control plane's part is
 * {@code TenantAclIT}.
 */
class TenantUpstreamUserIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ROUTE_PASSWORD = "route-pw-5e1f";

    private RedisServerProcess redis;
    private DataPlaneFixture proxy;
    private Jedis direct;

    static UserConfig user(String name, String namespace) {
        return new UserConfig(name, UserConfig.sha256((name + "-pw").getBytes(StandardCharsets.UTF_8)), namespace,
                "+@all", 0, 0);
    }

    /** alice (namespace alice:) and carol (none, to ask ACL WHOAMI through the proxy) with ACL users; admin without. */
    @BeforeEach
    void start() {
        redis = RedisServerProcess.builder().password(ROUTE_PASSWORD)
                .aclUser(aclUserLine(TenantAclUser.of("alice", "alice:", Secret.of("alice-up"))))
                .aclUser("turnout-tenant-carol on >carol-up ~* &* +@all")
                .start();
        proxy = DataPlaneFixture.forwardingTo(redis).users(
                user("alice", "alice:").withUpstream("turnout-tenant-alice", Secret.of("alice-up"), Set.of("default")),
                user("carol", "").withUpstream("turnout-tenant-carol", Secret.of("carol-up"), Set.of("default")),
                user("admin", "")).start();
        direct = new Jedis(redis.host(), redis.port());
        direct.auth(ROUTE_PASSWORD);
    }

    @AfterEach
    void stop() {
        if (direct != null) {
            direct.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aTenantsCommandsRunAsItsUpstreamAclUserWhichRedisConfines() {
        try (Jedis alice = client("alice")) {
            assertThat(alice.set("alice:k", "v")).isEqualTo("OK");
            assertThatThrownBy(() -> alice.eval("return redis.call('set', 'bob:' .. ARGV[1], 1)", 0, "x"))
                    .isInstanceOf(JedisDataException.class)
                    .hasMessageMatching("(?s).*(NOPERM|can't access).*");
            assertThat(proxyConnectionsAs("turnout-tenant-alice")).isNotEmpty();
        }
        assertThat(direct.exists("bob:x")).isFalse();
        try (Jedis admin = client("admin")) {
            assertThat(admin.aclWhoAmI()).isEqualTo("default");
        }
    }

    @Test
    void reAuthenticatingAsAnotherUserMovesToThatUsersCredentials() {
        try (Jedis jedis = new Jedis(proxy.host(), proxy.port())) {
            jedis.auth("carol", "carol-pw");
            assertThat(jedis.aclWhoAmI()).isEqualTo("turnout-tenant-carol");
            jedis.auth("admin", "admin-pw");
            assertThat(jedis.aclWhoAmI()).isEqualTo("default");
            jedis.select(3);
            assertThat(jedis.aclWhoAmI()).isEqualTo("default");
            jedis.auth("carol", "carol-pw");
            assertThat(jedis.aclWhoAmI()).isEqualTo("turnout-tenant-carol");
            jedis.select(0);
            assertThat(jedis.aclWhoAmI()).isEqualTo("turnout-tenant-carol");
        }
    }

    @Test
    void credentialsForAnotherRouteAreNotUsedOnThisOne() {
        proxy.setUsers(user("carol", "").withUpstream("turnout-tenant-carol", Secret.of("carol-up"), Set.of("orders")));
        try (Jedis carol = client("carol")) {
            assertThat(carol.aclWhoAmI()).isEqualTo("default");
        }
    }

    @Test
    void aChangeThatKeepsTheCredentialsKeepsTheConnectionsMadeWithThem() {
        try (Jedis carol = client("carol")) {
            assertThat(carol.aclWhoAmI()).isEqualTo("turnout-tenant-carol");
            List<String> before = proxyConnectionsAs("turnout-tenant-carol").stream().map(l -> l.split(" ")[0]).toList();

            proxy.setUsers(user("carol", "").withUpstream("turnout-tenant-carol", Secret.of("carol-up"),
                    Set.of("default")), user("admin", ""), user("dave", "dave:"));

            assertThat(carol.aclWhoAmI()).isEqualTo("turnout-tenant-carol");
            assertThat(proxyConnectionsAs("turnout-tenant-carol").stream().map(l -> l.split(" ")[0]).toList())
                    .as("the ids of the data plane's connections as turnout-tenant-carol").containsAll(before);
        }
    }

    @Test
    void credentialsTakenAwayMoveTheUserBackToTheRoutesAndRetireItsConnections() {
        try (Jedis carol = client("carol")) {
            assertThat(carol.aclWhoAmI()).isEqualTo("turnout-tenant-carol");

            proxy.setUsers(user("carol", ""), user("admin", ""));

            Await.until(WAIT, "carol's commands to use the route's credentials", () -> carol.aclWhoAmI().equals("default"));
            Await.until(WAIT, "the data plane to close its connections as turnout-tenant-carol",
                    () -> proxyConnectionsAs("turnout-tenant-carol").isEmpty());
        }
    }

    /** The ACL user as the control plane defines it, as a {@code user} line of the server's configuration. */
    private static String aclUserLine(TenantAclUser acl) {
        return acl.name() + " " + acl.rules().stream().filter(r -> !r.equals("reset"))
                .map(r -> r.contains(" ") ? "\"" + r + "\"" : r).collect(Collectors.joining(" "));
    }

    /**
     * ACL key patterns do not confine what lists names across the server (KEYS, SCAN, RANDOMKEY, PUBSUB): the tenant's
     * ACL user may not run them, so its scripts cannot list other tenants' names; the proxy sends the confined forms
     * it makes of a tenant's own KEYS, SCAN, PUBSUB and walks with the route's credentials.
     */
    @Test
    void namesAcrossTheServerAreListedOnlyByTheProxyNeverByATenantsScript() {
        direct.set("bob:secret", "x");
        direct.publish("bob:news", "nobody listens");
        try (Jedis alice = client("alice")) {
            assertThat(alice.set("mine", "v")).isEqualTo("OK");
            assertThat(alice.keys("*")).containsExactly("mine");
            assertThat(alice.scan("0").getResult()).containsExactly("mine");
            assertThat(alice.randomKey()).isEqualTo("mine");
            assertThat(alice.dbSize()).isEqualTo(1L);
            assertThat(alice.pubsubChannels()).isEmpty();
            for (String script : List.of("return redis.call('KEYS', '*')", "return redis.call('SCAN', '0')",
                    "return redis.call('RANDOMKEY')", "return redis.call('PUBSUB', 'CHANNELS')")) {
                assertThatThrownBy(() -> alice.eval(script)).as(script).isInstanceOf(JedisDataException.class)
                        .hasMessageContaining("can't run this command");
            }
            // Held to its own connection by WATCH, the session still lists with the route's credentials.
            assertThat(alice.watch("mine")).isEqualTo("OK");
            assertThat(alice.keys("m*")).containsExactly("mine");
            assertThat(alice.unwatch()).isEqualTo("OK");
            assertThat(alice.flushDB()).isEqualTo("OK");
            assertThat(alice.dbSize()).isZero();
        }
        assertThat(direct.keys("*")).containsExactly("bob:secret");
    }

    private Jedis client(String user) {
        Jedis jedis = new Jedis(proxy.host(), proxy.port());
        jedis.auth(user, user + "-pw");
        return jedis;
    }

    /** The CLIENT LIST lines of the data plane's upstream connections authenticated as {@code aclUser}. */
    private List<String> proxyConnectionsAs(String aclUser) {
        String me = "id=" + direct.clientId() + " ";
        return direct.clientList().lines().filter(l -> !l.startsWith(me) && l.contains(" user=" + aclUser + " "))
                .toList();
    }
}
