package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.turnout.dataplane.config.HostAndPort;
import dev.turnout.it.support.TurnoutFleet;
import dev.turnout.testing.Await;
import dev.turnout.testing.RedisServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Issue 5: client users managed with proxyctl, end to end. A control plane and a data plane as real processes,
 * proxyctl in this JVM: each {@code user} command makes a new version, and once the data plane has applied it a
 * Jedis client authenticates (or no longer does) through the data plane. The steps build on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserCommandsIT {

    private static final Duration APPLY = Duration.ofSeconds(10);
    private static final String UPSTREAM_PASSWORD = "upstream-Pa55";
    private static final String FIRST_PASSWORD = "alice first Pa55word";
    private static final String SECOND_PASSWORD = "alice-second-Pa55word";
    private static final String OPS_PASSWORD = "ops-Pa55word";

    private Path dir;
    private RedisServerProcess redis;
    private TurnoutFleet fleet;
    private HostAndPort proxy;

    @BeforeAll
    void startStack(@TempDir Path tempDir) {
        dir = tempDir;
        redis = RedisServerProcess.builder().password(UPSTREAM_PASSWORD).start();
        fleet = TurnoutFleet.start(dir, 1);
        fleet.route(new HostAndPort("127.0.0.1", redis.port()), UPSTREAM_PASSWORD);
        proxy = fleet.listeners().get(0);
    }

    @AfterAll
    void stopStack() {
        if (fleet != null) {
            fleet.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void aUserAddedWithProxyctlCanAuthenticateThroughTheDataPlane() throws IOException {
        Path alicePw = write("alice.pw", FIRST_PASSWORD + "\n");
        long added = change("user", "add", "alice", "--password-file", alicePw.toString(), "--max-connections", "50");
        Path opsPw = write("ops.pw", OPS_PASSWORD + "\r\n");
        long admin = change("user", "add", "ops", "--password-file", opsPw.toString(), "--namespace", "");
        assertThat(admin).isEqualTo(added + 1);
        awaitApplied(admin);

        try (Jedis alice = client("alice", FIRST_PASSWORD)) {
            assertThat(alice.set("greeting", "hello")).isEqualTo("OK");
            assertThat(alice.get("greeting")).isEqualTo("hello");
        }
        // alice's keys live in her namespace, which an admin user (no namespace) sees as they are in Redis.
        try (Jedis ops = client("ops", OPS_PASSWORD); Jedis direct = new Jedis(redis.host(), redis.port())) {
            assertThat(ops.get("alice:greeting")).isEqualTo("hello");
            direct.auth(UPSTREAM_PASSWORD);
            assertThat(direct.get("alice:greeting")).isEqualTo("hello");
        }
        // Adding her again is refused, and changes nothing.
        TurnoutFleet.Run again = fleet.proxyctl("user", "add", "alice", "--password-file", alicePw.toString());
        assertThat(again.exitCode()).as(again.err()).isEqualTo(5);
        assertThat(again.err()).startsWith("proxyctl: user 'alice' already exists").contains("(ALREADY_EXISTS)");
        assertThat(fleet.admin().status().getDesiredVersion()).isEqualTo(admin);
    }

    @Test
    @Order(2)
    void userPasswdMakesTheOldPasswordWrongAndTheNewOneRight() throws IOException {
        long changed = change("user", "passwd", "alice", "--password-file",
                write("alice-new.pw", SECOND_PASSWORD + "\n").toString());
        awaitApplied(changed);

        assertWrongpass("alice", FIRST_PASSWORD);
        try (Jedis alice = client("alice", SECOND_PASSWORD)) {
            assertThat(alice.get("greeting")).isEqualTo("hello");
        }
    }

    @Test
    @Order(3)
    void userListShowsTheUsersWithoutTheirHashes() {
        TurnoutFleet.Run table = fleet.proxyctl("user", "list");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).isEqualTo("""
                NAME   NAMESPACE  COMMANDS  MAX CONNECTIONS  RATE LIMIT
                alice  alice:     +@all     50               -
                ops    -          +@all     -                -
                """);

        JsonNode json = fleet.proxyctlJson(0, "user", "list");
        assertThat(json.get("version").asLong()).isEqualTo(fleet.admin().status().getDesiredVersion());
        JsonNode alice = json.get("users").get(0);
        assertThat(alice.toString()).isEqualTo("{\"name\":\"alice\",\"namespace\":\"alice:\",\"commands\":\"+@all\","
                + "\"maxConnections\":50,\"rateLimit\":0}");
        assertThat(json.get("users").get(1).get("namespace").asText()).isEmpty();

        String config = fleet.proxyctlJson(0, "config", "get").get("yaml").asText();
        for (String shown : new String[] {table.out(), json.toString(), config}) {
            assertThat(shown).doesNotContain(hex(SECOND_PASSWORD)).doesNotContain(hex(OPS_PASSWORD))
                    .doesNotContain("sha256:");
        }
        assertThat(config).contains("password: \"******\"");
    }

    @Test
    @Order(4)
    void userRemoveMakesAuthFail() {
        long removed = change("user", "remove", "alice");
        awaitApplied(removed);

        assertWrongpass("alice", SECOND_PASSWORD);
        try (Jedis ops = client("ops", OPS_PASSWORD)) {
            assertThat(ops.get("alice:greeting")).isEqualTo("hello");
        }
        TurnoutFleet.Run again = fleet.proxyctl("user", "remove", "alice");
        assertThat(again.exitCode()).as(again.err()).isEqualTo(5);
        assertThat(again.err()).startsWith("proxyctl: user 'alice' does not exist").contains("(NOT_FOUND)");
        assertThat(fleet.proxyctlJson(0, "user", "list").get("users")).hasSize(1);
    }

    /** Runs a proxyctl command that makes a new version, and returns that version. */
    private long change(String... args) {
        return fleet.proxyctlJson(0, args).get("version").asLong();
    }

    private void awaitApplied(long version) {
        Await.until(APPLY, "the data plane to apply version " + version, () -> fleet.admin().status()
                .getDataPlanesList().stream().allMatch(d -> d.getAppliedVersion() >= version));
    }

    private Jedis client(String user, String password) {
        return new Jedis(new redis.clients.jedis.HostAndPort(proxy.host(), proxy.port()),
                DefaultJedisClientConfig.builder().user(user).password(password).timeoutMillis(10_000).build());
    }

    private void assertWrongpass(String user, String password) {
        assertThatThrownBy(() -> {
            try (Jedis client = client(user, password)) {
                client.ping();
            }
        }).isInstanceOf(JedisDataException.class).hasMessageStartingWith("WRONGPASS");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** The hex digits of the password's SHA-256, as a hash would show if it leaked. */
    private static String hex(String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
