package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.turnout.controlplane.tenant.TenantPasswords;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.dataplane.config.UserConfig;
import dev.turnout.it.support.TurnoutFleet;
import dev.turnout.testing.Await;
import dev.turnout.testing.RedisServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Issue 5, point 6, end to end: a control plane and a data plane (real processes) in front of real Redis servers.
 * The control plane creates, on the route's upstream, an ACL user for alice (namespace {@code alice:}) that may only
 * touch alice's keys and channels; the data plane sends alice's commands as that user, so Redis itself refuses a
 * script that computes a key outside the namespace. The password survives a control plane restart and is never
 * shown; a switch creates the user on its target before moving traffic; a removed user's ACL user is deleted; a
 * route whose credentials cannot create ACL users keeps alice on the route's credentials and says so. The steps
 * build on each other, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantAclIT {

    private static final String PASSWORD = "route-pw-9d2a";
    private static final String ALICE_ACL = "turnout-tenant-alice";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private RedisServerProcess first;
    private RedisServerProcess second;
    private RedisServerProcess withoutAcl;
    private TurnoutFleet fleet;
    private Jedis alice; // one client connection through the data plane, kept across the steps

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        first = RedisServerProcess.builder().password(PASSWORD).start();
        second = RedisServerProcess.builder().password(PASSWORD).start();
        withoutAcl = RedisServerProcess.builder().aclUser("default off")
                .aclUser("app on >app-pw ~* &* +@all -@admin") // the route's user: no ACL SETUSER
                .aclUser("root on >root-pw ~* &* +@all").start(); // the test's, to look
        fleet = TurnoutFleet.start(dir, 1);
        apply(first, true);
        alice = viaProxy("alice");
    }

    @AfterAll
    void stop() {
        if (alice != null) {
            alice.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {fleet, withoutAcl, second, first}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    @Order(1)
    void aliceCommandsGoUpstreamAsHerOwnAclUser() {
        assertThat(alice.set("alice:k", "1")).isEqualTo("OK");

        try (Jedis direct = direct(first)) {
            var acl = direct.aclGetUser(ALICE_ACL);
            assertThat(acl.getKeys()).isEqualTo("~alice:*");
            assertThat(acl.getChannels()).isEqualTo("&alice:*");
            assertThat(connectionsAs(direct, ALICE_ACL)).as("the data plane's connections as alice's ACL user")
                    .isNotEmpty();
        }
        try (Jedis admin = viaProxy("admin")) {
            assertThat(admin.aclWhoAmI()).isEqualTo("default"); // no namespace: the route's credentials
        }
    }

    @Test
    @Order(2)
    void aliceSubscribesToHerOwnChannelsAndPatterns() throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        JedisPubSub pubSub = new JedisPubSub() {
            @Override
            public void onPMessage(String pattern, String channel, String message) {
                messages.add(pattern + " " + channel + " " + message);
            }
        };
        try (Jedis subscriber = viaProxy("alice"); Jedis direct = direct(first)) {
            CompletableFuture<Void> listening =
                    CompletableFuture.runAsync(() -> subscriber.psubscribe(pubSub, "alice:news.*"));
            Await.until(WAIT, "alice's subscription upstream", () -> direct.pubsubNumPat() == 1);
            assertThat(connectionsAs(direct, ALICE_ACL)).anySatisfy(line -> assertThat(line).contains(" psub=1 "));

            alice.publish("alice:news.today", "hello");

            assertThat(messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).endsWith("news.today hello");
            pubSub.punsubscribe();
            listening.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    @Order(3)
    void redisItselfRefusesAScriptThatComputesAKeyOutsideTheNamespace() {
        // Here scripts run (Redis confines them); their declared keys take the prefix like any other.
        alice.set("a", "1");
        assertThat(alice.eval("return redis.call('get', KEYS[1]) .. ARGV[1]", List.of("a"), List.of("!")))
                .isEqualTo("1!");
        assertThatThrownBy(() -> alice.eval("return redis.call('set', 'bob:' .. ARGV[1], 1)", 0, "x"))
                .isInstanceOf(JedisDataException.class)
                .hasMessageMatching("(?s).*(NOPERM|can't access).*");
        try (Jedis direct = direct(first)) {
            assertThat(direct.keys("bob:*")).isEmpty();
            assertThat(direct.keys("*bob:x")).isEmpty();
        }
    }

    @Test
    @Order(4)
    void thePasswordIsPrivateAndNeverShown() throws IOException {
        Path file = fleet.dir().resolve("state").resolve(TenantPasswords.NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String password = alicePassword();

        assertThat(fleet.proxyctlJson(0, "config", "get").toString()).doesNotContain(password);
        JsonNode status = fleet.proxyctlJson(0, "status");
        assertThat(status.toString()).doesNotContain(password);
        assertThat(status.get("upstreams").get(0).get("tenantAcl").asText())
                .isEqualTo("provisioned: 1 tenant ACL user(s)");
        assertThat(fleet.controlPlane().output()).doesNotContain(password);
        assertThat(fleet.dataPlanes().get(0).output()).doesNotContain(password);
    }

    @Test
    @Order(5)
    void aRestartedControlPlaneKeepsThePasswordAndAliceHerConnection() throws IOException {
        String password = alicePassword();
        List<String> hashes;
        try (Jedis direct = direct(first)) {
            hashes = direct.aclGetUser(ALICE_ACL).getPassword();
        }

        fleet.controlPlane().restart();
        Await.until(WAIT, "the data plane to reconnect to the restarted control plane", () -> {
            fleet.controlPlane().assertAlive();
            return fleet.admin().dataPlane("dp1").map(d -> d.getConnected()).orElse(false);
        });

        assertThat(alicePassword()).isEqualTo(password);
        try (Jedis direct = direct(first)) {
            assertThat(direct.aclGetUser(ALICE_ACL).getPassword()).isEqualTo(hashes);
        }
        assertThat(alice.set("alice:k", "2")).isEqualTo("OK");
        try (Jedis again = viaProxy("alice")) {
            assertThat(again.set("alice:k", "3")).isEqualTo("OK");
        }
    }

    @Test
    @Order(6)
    void aSwitchCreatesAlicesAclUserOnTheTargetBeforeMovingHerThere() {
        JsonNode result = fleet.proxyctlJson(0, "switch", "--to", address(second).toString());
        assertThat(result.get("outcome").asText()).isEqualTo("DONE");

        assertThat(alice.set("alice:k", "on-second")).isEqualTo("OK"); // the same connection, now on the target
        try (Jedis direct = direct(second)) {
            assertThat(direct.aclUsers()).contains(ALICE_ACL);
            assertThat(connectionsAs(direct, ALICE_ACL)).isNotEmpty();
            assertThat(direct.keys("*alice:k")).isNotEmpty();
        }
    }

    @Test
    @Order(7)
    void aRemovedUsersAclUserIsDeleted() throws IOException {
        apply(second, false);

        try (Jedis direct = direct(second)) {
            Await.until(WAIT, "alice's ACL user to be deleted", () -> !direct.aclUsers().contains(ALICE_ACL));
        }
        Await.until(WAIT, "alice's connection to be closed", () -> {
            try {
                alice.ping();
                return false;
            } catch (JedisConnectionException | JedisDataException e) {
                return true;
            }
        });
    }

    @Test
    @Order(8)
    void aRouteWhoseCredentialsCannotCreateAclUsersKeepsAliceOnThemAndSaysSo() throws IOException {
        apply(second, true);
        Path pw = fleet.dir().resolve("app.pw");
        Files.writeString(pw, "app-pw\n", StandardCharsets.UTF_8);
        long version = fleet.proxyctlJson(0, "upstream", "set", address(withoutAcl).toString(), "--user", "app",
                "--password-file", pw.toString()).get("version").asLong();
        awaitApplied(version);

        try (Jedis again = viaProxy("alice"); Jedis direct = new Jedis(withoutAcl.host(), withoutAcl.port())) {
            direct.auth("root", "root-pw");
            assertThat(again.set("alice:k", "route-credentials")).isEqualTo("OK");
            assertThat(direct.aclUsers()).doesNotContain(ALICE_ACL);
            assertThat(connectionsAs(direct, "app")).isNotEmpty();
        }
        assertThat(fleet.proxyctlJson(0, "status").get("upstreams").get(0).get("tenantAcl").asText())
                .startsWith("not provisioned: ");
        assertThat(fleet.controlPlane().output()).contains("Tenant ACL users: cannot create them on "
                + address(withoutAcl) + " (as app): ").contains("(ACL, e.g. +acl); the tenants of route(s) [default] use"
                + " the route's credentials there");
    }

    // ============================================================================ helpers

    /** The whole desired state: the route to {@code upstream}, admin, and alice if {@code withAlice}. */
    private void apply(RedisServerProcess upstream, boolean withAlice) throws IOException {
        String yaml = "routes:\n  default:\n    upstream: \"" + address(upstream) + "\"\n    password: \"" + PASSWORD
                + "\"\nusers:\n" + user("admin", "") + (withAlice ? user("alice", "alice:") : "");
        Path file = fleet.dir().resolve("desired.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        awaitApplied(fleet.proxyctlJson(0, "config", "apply", "-f", file.toString()).get("version").asLong());
    }

    private static String user(String name, String namespace) {
        String hash = HexFormat.of().formatHex(UserConfig.sha256((name + "-pw").getBytes(StandardCharsets.UTF_8)));
        return "  - name: " + name + "\n    password: \"sha256:" + hash + "\"\n    namespace: \"" + namespace + "\"\n";
    }

    private void awaitApplied(long version) {
        Await.until(WAIT, "the data plane to apply version " + version, () -> fleet.admin().status()
                .getDataPlanesList().stream().allMatch(d -> d.getAppliedVersion() >= version));
    }

    private Jedis viaProxy(String user) {
        HostAndPort p = fleet.listeners().get(0);
        Jedis jedis = new Jedis(p.host(), p.port(), 30_000);
        jedis.auth(user, user + "-pw");
        return jedis;
    }

    private static Jedis direct(RedisServerProcess redis) {
        Jedis jedis = new Jedis(redis.host(), redis.port());
        jedis.auth(PASSWORD);
        return jedis;
    }

    private static HostAndPort address(RedisServerProcess redis) {
        return new HostAndPort("127.0.0.1", redis.port());
    }

    /** The lines of CLIENT LIST of the connections authenticated as {@code aclUser}, but the asking one. */
    private static List<String> connectionsAs(Jedis direct, String aclUser) {
        String me = "id=" + direct.clientId() + " ";
        return direct.clientList().lines().filter(l -> !l.startsWith(me) && l.contains(" user=" + aclUser + " "))
                .toList();
    }

    private String alicePassword() throws IOException {
        Path file = fleet.dir().resolve("state").resolve(TenantPasswords.NAME);
        return Files.readAllLines(file).stream().filter(l -> l.startsWith("alice ")).map(l -> l.substring(6))
                .findFirst().orElseThrow();
    }
}
